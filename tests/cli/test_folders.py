"""ARCHITECTURE.md sends a newcomer to each folder's ``__init__.py``: its
docstring names every module of the folder, so a module added without a word
there fails here (``commands/`` is one module per command, listed by
``cli_kit/names.py`` instead; ``judge/rules/`` lists its rules in its table)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "mlcycle"
FOLDERS = sorted(p.parent for p in SRC.rglob("*/__init__.py") if p.parent.name != "commands")


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_the_folder_docstring_names_every_module(folder: Path) -> None:
    source = (folder / "__init__.py").read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(source))
    assert doc, f"{folder.name}/__init__.py has no docstring"
    if folder.name == "rules":
        doc = source  # the ordered table of rules is the list
    modules = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    modules += sorted(p.name for p in folder.iterdir()
                      if p.is_dir() and (p / "__init__.py").exists())
    missing = [m for m in modules if m.lstrip("_") not in doc]
    assert missing == [], f"{folder.name}/__init__.py does not name {missing}"
