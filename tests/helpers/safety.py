"""Helpers for the output-safety tests: a real project made by ``mlcycle init``,
state edits written as YAML double-quoted scalars (so any character can be put
in), and the one question every output must answer: does raw unsafe text
reach it?"""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import project
from mlcycle.escape import UNSAFE

FIRST = "lifecycle/01-problem.yaml"


def yaml_text(value: str) -> str:
    """``value`` as a YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(value, ensure_ascii=True)


def init_project(root: Path, *extra: str) -> Path:
    return project.init_project(root, "--team", "pm=Ana", *extra)


def set_state(root: Path, item: str, lines: list[str], rel: str = FIRST) -> None:
    """Replace the state of ``item`` (``status: todo`` / ``owner:`` as rendered)
    with ``lines`` (each a ``key: value`` or ``  - value`` line, unindented)."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"\n  - id: {re.escape(item)}\n(?:    .*\n|\n)*?    status: todo\n"
                      r"    owner:\n", text)
    assert match, item
    head = match.group(0)[: -len("    status: todo\n    owner:\n")]
    body = "".join(f"    {line}\n" for line in lines)
    path.write_text(text[: match.start()] + head + body + text[match.end():], encoding="utf-8")


def raw_unsafe(text: str) -> list[str]:
    """Every unsafe character in ``text`` other than the line breaks between lines."""
    return sorted({c for c in text if c != "\n" and UNSAFE.match(c)})
