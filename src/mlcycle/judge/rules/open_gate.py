"""An item whose status is todo, doing or blocked is open; a gate that is open
in a phase being evaluated is an error."""

from __future__ import annotations

from mlcycle.codes import MLC101
from mlcycle.judge.result import OPEN_STATUSES
from mlcycle.judge.rules.common import Context, Subject

CODES = (MLC101,)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    if item.status not in OPEN_STATUSES:
        return ""
    if item.gate and subject.phase.id in ctx.in_scope:
        ctx.report(subject, ("status",), MLC101,
                   f"gate '{item.id}' ({item.title}) is open: status is {item.status}")
    return f"status is {item.status}"
