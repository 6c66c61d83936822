"""``mlcycle assign``: owners in bulk, by name or from the RACI.

From the RACI, an unowned open item gets the one person holding its responsible
role (``--role``: only items that role is responsible for, and that role's
holder). When that is not one person (several hold the roles, or nobody does)
the item is listed for a person to decide, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mlcycle.codes import MLC022
from mlcycle.escape import line
from mlcycle.judge.result import OPEN_STATUSES
from mlcycle.load.model import Item
from mlcycle.load.project import Project
from mlcycle.load.validation import did_you_mean
from mlcycle.write import items
from mlcycle.write.session import Session


@dataclass(frozen=True)
class Pick:
    item: Item
    person: str | None  # None: ambiguous
    why: str  # for an ambiguous item: who holds the roles


def picks(project: Project, phase_id: str, role: str | None) -> list[Pick]:
    """Every unowned open item of the phase (that ``role`` is responsible for) and
    the one person its responsible roles name, when there is one."""
    team = project.file.team
    out: list[Pick] = []
    # The phase's own items, then those of the overlays attached to it.
    for phase, _, item in project.entries():
        if phase.id != phase_id:
            continue
        if item.owner is not None or item.status not in OPEN_STATUSES:
            continue
        if role is not None and role not in item.raci.responsible:
            continue
        roles = [role] if role is not None else item.raci.responsible
        people = list(dict.fromkeys(p for r in roles for p in team.get(r, [])))
        held = "; ".join(f"{r}: {', '.join(team.get(r, [])) or 'nobody'}" for r in roles)
        out.append(Pick(item, people[0] if len(people) == 1 else None, held))
    return out


def from_raci(project: Project, phase_id: str, role: str | None, today: date) -> items.Outcome:
    _check_phase(project, phase_id)
    if role is not None:
        roles = project.playbook.role_ids
        if role not in roles:
            raise items.usage(f"--role '{line(role)}' is not a role of the playbook"
                              f"{did_you_mean(role, roles)}; roles: {', '.join(roles)}",
                              MLC022)
    found = picks(project, phase_id, role)
    changes = [items.ItemChange(p.item.id, owner=p.person) for p in found
               if p.person is not None]
    left = [p for p in found if p.person is None]
    if changes:
        outcome = items.set_items(project, changes, today, Path.cwd(), action="mlcycle assign")
    else:
        outcome = items.Outcome(Session(project), f"{phase_id}: no unowned open item has "
                                "exactly one responsible person")
        if not found:
            whose = f" that {role} is responsible for" if role is not None else ""
            outcome.message = f"{phase_id}: no unowned open item{whose}; nothing to assign"
    outcome.notes = [f"not assigned: {p.item.id} (responsible {line(p.why)}); "
                     f"`mlcycle assign {p.item.id} --to PERSON`" for p in left]
    return outcome


def to_person(project: Project, ids: list[str], person: str, today: date) -> items.Outcome:
    changes = [items.ItemChange(item, owner=person) for item in ids]
    return items.set_items(project, changes, today, Path.cwd(), action="mlcycle assign")


def _check_phase(project: Project, phase_id: str) -> None:
    ids = [p.id for p in project.phases]
    if phase_id not in ids:
        from mlcycle.codes import MLC027

        raise items.usage(f"--phase '{line(phase_id)}' is not a phase of this project"
                          f"{did_you_mean(phase_id, ids)}; phases: {', '.join(ids)}", MLC027)
