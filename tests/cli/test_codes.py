"""One registry of MLC codes (mlcycle.codes): each code defined once, in the
range of its class, and named through the registry wherever it is raised."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from mlcycle import codes

SRC = Path(__file__).parents[2] / "src" / "mlcycle"


def test_each_constant_is_its_own_code() -> None:
    constants = {name: value for name, value in vars(codes).items()
                 if re.fullmatch(r"MLC\d{3}", name)}
    assert constants == {code: code for code in codes.CODES}
    assert list(codes.CODES) == sorted(codes.CODES)


def test_the_range_says_the_class() -> None:
    for code in codes.CODES.values():
        number = int(code.id[3:])
        assert number in codes.RANGES[code.kind, code.severity], code
        assert code.meaning and code.fix, code
        assert code.exit == {"input": 2, "refusal": 1, "warning": 0}.get(
            code.kind, 1 if code.severity == "error" else 0), code


def test_a_moved_code_keeps_its_old_number_findable_and_unused() -> None:
    moved = {c.formerly: c.id for c in codes.CODES.values() if c.formerly}
    assert moved == {"MLC033": "MLC201", "MLC036": "MLC301"}
    assert not set(moved) & set(codes.CODES)
    table = codes.markdown_table()
    assert "(formerly MLC033)" in table and "(formerly MLC036)" in table


def test_every_code_named_in_the_source_exists() -> None:
    """Comments and docstrings too: a renumbered code leaves no stale mention."""
    for path in SRC.rglob("*.py"):
        if path.name in ("_compiled.py", "codes.py"):  # codes.py names ranges too
            continue
        for number in re.findall(r"MLC\d{3}", path.read_text(encoding="utf-8")):
            assert number in codes.CODES, (path, number)


def test_the_registry_imports_nothing_heavy() -> None:
    # check imports it on every run: the standard library only.
    done = subprocess.run(
        [sys.executable, "-c", "import sys, mlcycle.codes; "
         "print(sorted(m for m in sys.modules if m.split('.')[0] in "
         "('mlcycle', 'pydantic', 'yaml', 'typer', 'rich', 'jinja2')))"],
        capture_output=True, text=True, check=True)
    assert done.stdout == "['mlcycle', 'mlcycle.codes']\n"


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant):
            found.add(id(node.body[0].value))
    return found


def test_every_raise_site_names_its_code_through_the_registry() -> None:
    """No "MLCnnn" string of its own outside mlcycle/codes.py (docstrings aside):
    a site imports the constant (``from mlcycle.codes import MLC101``), so a
    mistyped or retired code fails at import, and every use is found from its
    definition."""
    for path in SRC.rglob("*.py"):
        if path.name in ("_compiled.py", "_schemas.py", "codes.py"):  # generated, or the registry
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in docs:
                assert not re.search(r"MLC\d{3}", node.value), f"{path}:{node.lineno}"
