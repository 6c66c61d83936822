"""The README documents every error and finding code there is, and no other."""

from __future__ import annotations

import re
from pathlib import Path

from mlcycle.errors import CODES as INPUT_CODES
from mlcycle.judge.evaluate import CODES as FINDING_CODES

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_code_has_a_row_in_the_readme() -> None:
    rows = set(re.findall(r"^\| `?(MLC\d{3})`? \|", README, flags=re.M))
    assert rows == set(INPUT_CODES) | set(FINDING_CODES)


def test_input_code_rows_say_what_the_code_means() -> None:
    for code, meaning in INPUT_CODES.items():
        assert f"| `{code}` | {meaning} |" in README, code


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
