"""Fail on an import cycle between two modules of src/mlcycle (import-linter's
layers see packages, not the modules inside one). Every import counts, also
those inside a function: a lazy import is still a dependency.

KNOWN lists the cycles there are today, each with the branch that owns it; a
cycle that is gone is an error too, so the list only shrinks.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

KNOWN: set[tuple[str, str]] = set()


def graph(src: Path) -> dict[str, set[str]]:
    modules = {}
    for path in src.rglob("*.py"):
        name = ".".join(path.relative_to(src).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    edges[name].add(target if target in modules else node.module)
            elif isinstance(node, ast.Import):
                edges[name].update(a.name for a in node.names)
    return {m: {t for t in ts if t in modules and t != m} for m, ts in edges.items()}


def cycles(edges: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[tuple[str, ...]] = []
    sys.setrecursionlimit(10_000)

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(tuple(sorted(component)))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def main() -> int:
    found = set(cycles(graph(Path(__file__).resolve().parents[1] / "src")))
    for cycle in sorted(found - KNOWN):
        print("import cycle: " + " -> ".join((*cycle, cycle[0])))
    for gone in sorted(KNOWN - found):
        print(f"no longer a cycle: {' <-> '.join(gone)}; remove it from KNOWN in {__file__}")
    return 1 if found ^ KNOWN else 0


if __name__ == "__main__":
    sys.exit(main())
