"""Cross-item rules shared by playbooks and projects: unique ids, RACI, roles,
dependencies and cycles. Pure: items in, located problems out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mlcycle.errors import Problem
from mlcycle.load.model import ItemDefinition
from mlcycle.load.source import Loc, Source
from mlcycle.load.validation import did_you_mean


@dataclass(frozen=True)
class Placed:
    """An item and where it stands: its file and its path inside it."""

    item: ItemDefinition
    source: Source
    loc: Loc  # e.g. ("items", 3)

    def problem(self, sub: Loc, code: str, message: str, severity: str = "error") -> Problem:
        return self.source.problem((*self.loc, *sub), code, message, severity)

    @property
    def where(self) -> str:
        return f"{self.source.display}:{self.source.at(self.loc).line}"


def item_problems(placed: list[Placed], roles: Iterable[str], complete: bool = True
                  ) -> list[Problem]:
    """Ids, RACI, roles, dependencies and cycles of every placed item.

    ``complete`` is False when a file of items could not be read: then an
    unknown dependency may live in that file, and saying so would only echo
    the error already reported for it.
    """
    role_ids = sorted(set(roles))
    known_roles = frozenset(role_ids)
    problems: list[Problem] = []
    first: dict[str, Placed] = {}
    for entry in placed:
        item = entry.item
        if item.id in first:
            problems.append(entry.problem(
                ("id",), "MLC020",
                f"item id '{item.id}' is used twice; first at {first[item.id].where}",
            ))
        else:
            first[item.id] = entry
        if not item.raci.responsible:
            problems.append(entry.problem(
                ("raci", "responsible"), "MLC021",
                f"item '{item.id}': raci.responsible names no role; at least one is needed",
            ))
        raci = item.raci
        if known_roles.issuperset(raci.responsible) and raci.accountable in known_roles \
                and known_roles.issuperset(raci.consulted) \
                and known_roles.issuperset(raci.informed):
            continue  # the common case, checked in C; the loop below names the culprit
        for field in ("responsible", "accountable", "consulted", "informed"):
            value = getattr(raci, field)
            names = [value] if isinstance(value, str) else value
            for index, role in enumerate(names):
                if role not in known_roles:
                    sub = ("raci", field) if isinstance(value, str) else ("raci", field, index)
                    problems.append(entry.problem(
                        sub, "MLC022",
                        f"item '{item.id}': unknown role '{role}' in raci.{field}"
                        f"{did_you_mean(role, role_ids)}; roles: {', '.join(role_ids)}",
                    ))
    for entry in placed if complete else []:
        for index, dep in enumerate(entry.item.depends_on):
            if dep not in first:
                problems.append(entry.problem(
                    ("depends_on", index), "MLC023",
                    f"item '{entry.item.id}' depends on unknown item '{dep}'"
                    f"{did_you_mean(dep, first)}",
                ))
    problems.extend(_cycles(first))
    return problems


def _in_cycle(items: dict[str, Placed]) -> set[str]:
    """Items on or behind a cycle; empty when the graph has none (Kahn's
    algorithm: repeatedly remove items nothing left depends on)."""
    waiting_on: dict[str, int] = {}
    needed_by: dict[str, list[str]] = {}
    for item_id, entry in items.items():
        deps = {d for d in entry.item.depends_on if d in items}
        waiting_on[item_id] = len(deps)
        for dep in deps:
            needed_by.setdefault(dep, []).append(item_id)
    ready = [i for i, n in waiting_on.items() if n == 0]
    while ready:
        for user in needed_by.get(ready.pop(), ()):
            waiting_on[user] -= 1
            if waiting_on[user] == 0:
                ready.append(user)
    return {i for i, n in waiting_on.items() if n}


def _cycles(items: dict[str, Placed]) -> list[Problem]:
    """One problem per dependency cycle, at the cycle's first item in file order."""
    stuck = _in_cycle(items)
    if not stuck:
        return []  # the common case, decided in one linear pass
    problems = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    order = [i for i in items if i in stuck]
    for start in order:
        if start in state:
            continue
        # Iterative depth-first search: a long dependency chain must not hit
        # Python's recursion limit.
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, index = stack.pop()
            deps = [d for d in items[node].item.depends_on if d in items]
            if index == 0:
                state[node] = 1
                path.append(node)
            if index < len(deps):
                stack.append((node, index + 1))
                nxt = deps[index]
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt):] + [nxt]
                    head = min(cycle[:-1], key=order.index)
                    problems.append(items[head].problem(
                        ("depends_on",), "MLC024",
                        f"dependency cycle: {' -> '.join(cycle)}",
                    ))
                elif nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return problems
