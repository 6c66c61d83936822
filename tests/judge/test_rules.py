"""The finding rules of `check` (judge/rules): one table, every finding code
reported by a rule, codes from the registry, no import cycle among judge modules."""

from __future__ import annotations

import ast
from pathlib import Path

from mlcycle import codes
from mlcycle.judge import rules

JUDGE = Path(__file__).parents[2] / "src" / "mlcycle" / "judge"


def test_every_finding_code_belongs_to_a_rule_of_the_table() -> None:
    claimed = {code for rule in (*rules.ITEM_RULES, *rules.PROJECT_RULES) for code in rule.CODES}
    # MLC154 is check --base's (judge/basecheck.py): it compares two revisions.
    assert claimed == {c.id for c in codes.of_kind("finding")} - {"MLC154"}


def test_the_table_lists_every_rule_module_once() -> None:
    modules = {p.stem for p in (JUDGE / "rules").glob("*.py")} - {"__init__", "common"}
    table = [r.__name__.rsplit(".", 1)[1]  # type: ignore[attr-defined]
             for r in (*rules.ITEM_RULES, *rules.PROJECT_RULES)]
    assert sorted(table) == sorted(modules)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_no_import_cycle_among_judge_modules() -> None:
    """Imports inside functions count too: a cycle is a cycle, however late."""
    names = {}
    for path in JUDGE.rglob("*.py"):
        parts = path.relative_to(JUDGE.parents[1]).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {name: {m for m in _imports(path) if m in names and m != name}
             for name, path in names.items()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, " -> ".join((*trail, name))
        if name in done:
            return
        for other in sorted(graph[name]):
            visit(other, (*trail, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())
