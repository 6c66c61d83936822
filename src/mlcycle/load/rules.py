"""Cross-item rules shared by playbooks and projects: unique ids, RACI, roles,
dependencies and cycles. Pure: items in, located problems out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mlcycle.codes import MLC020, MLC021, MLC022, MLC023, MLC024
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
                ("id",), MLC020,
                f"item id '{item.id}' is used twice; first at {first[item.id].where}",
            ))
        else:
            first[item.id] = entry
        if not item.raci.responsible:
            problems.append(entry.problem(
                ("raci", "responsible"), MLC021,
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
                        sub, MLC022,
                        f"item '{item.id}': unknown role '{role}' in raci.{field}"
                        f"{did_you_mean(role, role_ids)}; roles: {', '.join(role_ids)}",
                    ))
    for entry in placed if complete else []:
        for index, dep in enumerate(entry.item.depends_on):
            if dep not in first:
                problems.append(entry.problem(
                    ("depends_on", index), MLC023,
                    f"item '{entry.item.id}' depends on unknown item '{dep}'"
                    f"{did_you_mean(dep, first)}",
                ))
    for entry in placed:
        if len(set(entry.item.depends_on)) == len(entry.item.depends_on):
            continue  # the common case, checked in C
        listed: dict[str, int] = {}
        for index, dep in enumerate(entry.item.depends_on):
            if dep in listed:
                problems.append(entry.problem(
                    ("depends_on", index), MLC020,
                    f"item '{entry.item.id}' lists dependency '{dep}' twice (depends_on"
                    f"[{listed[dep]}] and [{index}]); list it once"))
            else:
                listed[dep] = index
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


# A cycle's path is shown in full up to this many items, then shortened.
MAX_CYCLE_SHOWN = 12


def _cycles(items: dict[str, Placed]) -> list[Problem]:
    """One problem per knot of items that depend on each other (a strongly
    connected component with a cycle), at its first item in file order, naming
    one shortest cycle through that item.

    Linear in items plus dependencies: Tarjan's algorithm (iterative, so a long
    chain does not hit Python's recursion limit), then a breadth-first search
    inside each component. Reporting every elementary cycle instead would be
    exponential: 2,000 items that each depend on the next and on the first
    hold millions of them.
    """
    stuck = _in_cycle(items)
    if not stuck:
        return []  # the common case, decided in one linear pass
    position = {item_id: n for n, item_id in enumerate(items)}
    order = [i for i in items if i in stuck]
    # Repeated entries in depends_on are one edge (they are reported on their own).
    deps = {i: list(dict.fromkeys(d for d in items[i].item.depends_on if d in stuck))
            for i in order}
    problems = []
    for component in _components(order, deps):
        head = min(component, key=position.__getitem__)
        if len(component) == 1 and head not in deps[head]:
            continue  # an item behind a cycle, not on one
        cycle = _shortest_cycle(head, deps, set(component))
        shown = cycle if len(cycle) <= MAX_CYCLE_SHOWN else [
            *cycle[:MAX_CYCLE_SHOWN - 2], f"... ({len(cycle) - MAX_CYCLE_SHOWN} more)",
            cycle[-2], cycle[-1]]
        text = f"dependency cycle: {' -> '.join(shown)}"
        if len(component) > len(cycle) - 1:
            text += f" (one of the cycles among {len(component)} items that depend on each other)"
        problems.append((position[head], items[head].problem(("depends_on",), MLC024, text)))
    return [problem for _, problem in sorted(problems, key=lambda p: p[0])]


def _components(order: list[str], deps: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in order:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, next_dep = work[-1]
            if next_dep == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if next_dep < len(deps[node]):
                work[-1] = (node, next_dep + 1)
                dep = deps[node][next_dep]
                if dep not in index:
                    work.append((dep, 0))
                elif dep in on_stack:
                    low[node] = min(low[node], index[dep])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
    return found


def _shortest_cycle(head: str, deps: dict[str, list[str]], members: set[str]) -> list[str]:
    """head -> ... -> head, shortest, inside one component (breadth-first)."""
    came_from: dict[str, str] = {}
    frontier = [head]
    while frontier:
        following = []
        for node in frontier:
            for dep in deps[node]:
                if dep == head:
                    path = [node]
                    while path[-1] != head:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), head]
                if dep in members and dep not in came_from:
                    came_from[dep] = node
                    following.append(dep)
        frontier = following
    raise AssertionError("a strongly connected component always has a cycle")  # pragma: no cover
