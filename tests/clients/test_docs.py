"""The docs document every error and finding code there is, and no other; the
README stays a short page that starts with the two commands."""

from __future__ import annotations

import re
from pathlib import Path

from mlcycle import codes

DOCS = Path(__file__).parents[2] / "docs"
CODES_PAGE = (DOCS / "reference" / "codes.md").read_text(encoding="utf-8")
README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_code_has_a_row_on_the_codes_page() -> None:
    """The page is generated from the registry (tests/clients/test_docs_site.py keeps it
    fresh); here: one row per code, no other."""
    rows = re.findall(r"^\| `?(MLC\d{3})`? \|", CODES_PAGE, flags=re.M)
    assert sorted(rows) == sorted(codes.CODES)


def test_the_readme_stays_short_and_starts_with_the_two_commands() -> None:
    lines = README.split("\n")
    assert len(lines) < 150
    assert lines.index("## Two commands") < 20
    blocks = re.findall(r"^```sh\n(.*?)^```$", README, flags=re.S | re.M)
    assert blocks[0].startswith("python3 -m venv .venv && .venv/bin/pip install . && ")
    assert blocks[1].startswith("python3 -m venv .venv-test && ")


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
