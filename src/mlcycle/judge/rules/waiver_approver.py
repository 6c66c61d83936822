"""A waiver is approved by a person holding the item's accountable role: the A
in RACI answers for the item, so only they may excuse it."""

from __future__ import annotations

from mlcycle.codes import MLC110
from mlcycle.escape import line, quote
from mlcycle.judge.rules.common import Context, Subject
from mlcycle.load.project import Project

CODES = (MLC110,)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    if item.status != "waived" or item.waiver is None:
        return ""
    if item.waiver.approved_by in ctx.former:  # the former rule says so (MLC112)
        return ""
    why = approver_problem(ctx.project, subject, "waiver", item.waiver.approved_by)
    if not why:
        return ""
    ctx.report(subject, ("waiver", "approved_by"), MLC110, f"{subject.name}: {why}")
    return "its waiver is not approved by the accountable role"


def approver_problem(project: Project, subject: Subject, what: str, approver: str) -> str:
    """Why ``approver`` may not excuse the item (``what``: a waiver, a not
    applicable), or "" when they may."""
    role = subject.item.raci.accountable
    holders = project.file.team.get(role, [])
    if approver in holders:
        return ""
    role_name = project.definitions.roles.get(role, role)
    if not holders:
        return (f"{what} approved by {quote(approver)}, but nobody on the team holds the "
                f"item's accountable role '{role}' ({role_name}); add the person who answers "
                f"for it under team.{role} in mlcycle.yaml")
    return (f"{what} approved by {quote(approver)}, who does not hold the item's "
            f"accountable role '{role}' ({role_name}); it may be approved by "
            f"{line(', '.join(holders))}")
