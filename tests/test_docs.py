"""The README documents every error and finding code there is, and no other."""

from __future__ import annotations

import re
from pathlib import Path

from mlcycle.errors import CODES as INPUT_CODES
from mlcycle.evaluate import CODES as FINDING_CODES

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_code_has_a_row_in_the_readme() -> None:
    rows = set(re.findall(r"^\| `?(MLC\d{3})`? \|", README, flags=re.M))
    assert rows == set(INPUT_CODES) | set(FINDING_CODES)


def test_input_code_rows_say_what_the_code_means() -> None:
    for code, meaning in INPUT_CODES.items():
        assert f"| `{code}` | {meaning} |" in README, code
