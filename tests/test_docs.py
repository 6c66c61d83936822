"""The README documents every error and finding code there is, and no other."""

from __future__ import annotations

import os
import re
from pathlib import Path

from mlcycle import codes

README_PATH = Path(__file__).parents[1] / "README.md"
README = README_PATH.read_text(encoding="utf-8")
# A generated table sits between `<!-- codes: KIND... -->` and `<!-- /codes -->`.
TABLE = re.compile(r"(<!-- codes: (?P<kinds>[a-z ]+) -->\n)(?P<table>.*?)(<!-- /codes -->)", re.S)


def test_every_code_has_a_row_in_the_readme() -> None:
    rows = re.findall(r"^\| `?(MLC\d{3})`? \|", README, flags=re.M)
    assert sorted(rows) == sorted(codes.CODES)


def test_the_readme_code_tables_are_generated_from_the_registry() -> None:
    """MLCYCLE_REGEN_README=1 rewrites them (then read the diff)."""
    def generated(match: re.Match[str]) -> str:
        kinds = match["kinds"].split()
        return match[1] + codes.markdown_table(*kinds) + match[4]  # type: ignore[arg-type]

    expected = TABLE.sub(generated, README)
    if os.environ.get("MLCYCLE_REGEN_README") == "1":
        README_PATH.write_text(expected, encoding="utf-8")
    assert sorted(m["kinds"] for m in TABLE.finditer(README)) == \
        ["finding", "input refusal warning"]
    assert README == expected


def test_every_pattern_has_a_meaning_for_error_messages() -> None:
    from mlcycle.load.model import PATTERN_MEANINGS, PhaseDefinition
    from mlcycle.load.schemas import SCHEMA_FILES, schema_of

    def patterns(node: object) -> set[str]:
        if isinstance(node, dict):
            found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
            return found.union(*(patterns(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(patterns(v) for v in node))
        return set()

    schemas = [schema_of(name) for name in SCHEMA_FILES]
    schemas.append(PhaseDefinition.model_json_schema())  # a playbook's phase file
    used = set().union(*(patterns(schema) for schema in schemas))
    assert used == set(PATTERN_MEANINGS)
