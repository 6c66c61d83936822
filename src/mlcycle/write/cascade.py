"""Which closed items rest on an item: the done items that depend on it,
directly or through other done items, in every phase. Returning the item to
work leaves each of them done on open work (MLC107), so ``reopen --cascade``
resets them together and a refusal names them. A waived or not-applicable
dependent is closed whatever its dependencies say: the walk stops there.

Linear in items plus dependency edges: one index of dependents, one walk.
"""

from __future__ import annotations

from collections.abc import Iterable

from mlcycle.load.model import Item
from mlcycle.load.project import PhaseState, Project

Placed = tuple[PhaseState, int, Item]


def dependents(project: Project, roots: Iterable[str]) -> list[Placed]:
    """The done items resting on ``roots`` (the roots themselves excluded), in
    project order."""
    placed: dict[str, Placed] = {}
    users: dict[str, list[str]] = {}
    for phase, index, item in project.entries():
        placed[item.id] = (phase, index, item)
        for dep in item.depends_on:
            users.setdefault(dep, []).append(item.id)
    start = list(dict.fromkeys(roots))
    seen = set(start)
    todo = list(start)
    found: set[str] = set()
    while todo:
        for user in users.get(todo.pop(), ()):
            if user in seen:
                continue
            seen.add(user)
            if user in placed and placed[user][2].status == "done":
                found.add(user)
                todo.append(user)
    return [entry for item_id, entry in placed.items() if item_id in found]
