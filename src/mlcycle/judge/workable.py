"""What one can work on now (``mlcycle next``) and what waits on what (the
dependency lines of ``status``). Pure: no printing.

An item is *ready* when it is open and not blocked, lies in the current phase
or in a phase the project was sent back to, and every item it depends on is
closed. Gates come first (they hold the phase), then by due date.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import date

from mlcycle.judge import journey
from mlcycle.judge.result import ItemState, Result
from mlcycle.judge.rules.recurring import due_detail
from mlcycle.load.model import Item
from mlcycle.load.project import Project

READY_STATUSES = ("todo", "doing")
FAR = date.max  # no due date sorts last


@dataclass(frozen=True)
class Ready:
    phase: str
    item: Item
    command: str  # the command that moves it forward
    unowned: bool  # shown because the person holds a responsible role of it
    due_again: str = ""  # a done recurring item due again: why


def unmet(result: Result) -> dict[str, list[str]]:
    """Item id -> the ids of its dependencies that are not closed (open items only)."""
    closed = {s.item.id: s.closed for s in result.items}
    out: dict[str, list[str]] = {}
    for state in result.items:
        if state.closed or not state.item.depends_on:
            continue
        waiting = [d for d in state.item.depends_on if not closed.get(d, False)]
        if waiting:
            out[state.item.id] = waiting
    return out


def active_phases(project: Project) -> list[str]:
    """The current phase and every earlier phase the project was sent back to."""
    ids = [p.id for p in project.phases]
    current = project.file.current_phase
    upto = ids.index(current) + 1 if current in ids else len(ids)
    again = journey.reopened(project)
    return [pid for pid in ids[:upto] if pid == current or again.get(pid, 0)]


def command(item: Item, person: str | None = None) -> str:
    if item.owner is None and person is not None:
        return f"mlcycle assign {item.id} --to {shlex.quote(person)}"
    if item.status == "todo":
        return f"mlcycle start {item.id}"
    if item.evidence_required and not item.evidence:
        return f"mlcycle done {item.id} --evidence {shlex.quote(item.doc or 'PATH')}"
    return f"mlcycle done {item.id}"


def _wanted(state: ItemState, project: Project, owner: str | None,
            role: str | None) -> bool:
    item = state.item
    if role is not None:
        return role in item.raci.responsible
    if owner is None:
        return True
    if item.owner is not None:
        return item.owner == owner
    team = project.file.team
    return any(owner in team.get(r, []) for r in item.raci.responsible)


def ready(result: Result, owner: str | None = None, role: str | None = None) -> list[Ready]:
    """The items ready to work on, for ``owner`` (their own and the unowned ones
    their responsible role names) or ``role`` (the items it is responsible for)."""
    project = result.project
    assert project is not None
    phases = active_phases(project)
    order = {pid: n for n, pid in enumerate(phases)}
    waiting = unmet(result)
    found: list[tuple[tuple[int, date, int, int], Ready]] = []
    assert result.options is not None
    today = result.options.today
    for state in result.items:
        item = state.item
        again = due_detail(item, today)
        if (state.by_profile or state.phase not in order
                or (item.status not in READY_STATUSES and not again)
                or item.id in waiting or not _wanted(state, project, owner, role)):
            continue
        key = (0 if item.gate else 1, item.due or FAR, order[state.phase], state.index)
        found.append((key, Ready(state.phase, item, command(item, owner),
                                 item.owner is None and owner is not None, again)))
    return [entry for _, entry in sorted(found, key=lambda pair: pair[0])]
