"""The RACI matrix of a project: items x roles with R/A/C/I letters, and the
people behind each role (from ``mlcycle.yaml``'s team). Pure data for
``mlcycle raci``."""

from __future__ import annotations

from dataclasses import dataclass

from mlcycle.load.model import Raci
from mlcycle.load.project import Project


@dataclass(frozen=True)
class RoleRow:
    id: str
    name: str
    people: list[str]


@dataclass(frozen=True)
class ItemRow:
    phase: str
    id: str
    title: str
    gate: bool
    raci: Raci
    letters: dict[str, str]  # role id -> "R, A" ("" when the role has no part)
    at: str = ""  # the phase's id, also for an overlay's item (whose ``phase`` names it)
    overlay: str | None = None


@dataclass(frozen=True)
class Matrix:
    roles: list[RoleRow]
    items: list[ItemRow]


def letters(raci: Raci, role: str) -> str:
    """As LIFECYCLE.md writes them: ``R, A`` for a role that does and answers."""
    return ", ".join(letter for letter, hit in (
        ("R", role in raci.responsible), ("A", role == raci.accountable),
        ("C", role in raci.consulted), ("I", role in raci.informed)) if hit)


def matrix(project: Project, role_names: dict[str, str], phase: str | None = None) -> Matrix:
    role_ids = project.playbook.role_ids
    roles = [RoleRow(r, role_names.get(r, r), list(project.file.team.get(r, [])))
             for r in role_ids]
    order = {pid: n for n, pid in enumerate(project.playbook.phase_ids)}
    # An overlay's items sit with the phase they are attached to, named by the overlay.
    entries = sorted(((p, i) for p, _, i in project.entries() if phase is None or p.id == phase),
                     key=lambda e: order.get(e[0].id, len(order)))
    items = [ItemRow(p.id if p.overlay is None else f"{p.id} ({p.overlay})", i.id, i.title,
                     i.gate, i.raci, {r: letters(i.raci, r) for r in role_ids}, p.id, p.overlay)
             for p, i in entries]
    return Matrix(roles, items)
