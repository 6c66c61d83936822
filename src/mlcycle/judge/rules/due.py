"""An open item past its due date is a warning (it never fails check)."""

from __future__ import annotations

from mlcycle.codes import MLC150
from mlcycle.judge.result import OPEN_STATUSES
from mlcycle.judge.rules.common import Context, Subject

CODES = (MLC150,)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    today = ctx.options.today
    if item.status in OPEN_STATUSES and item.due is not None and item.due < today:
        late = (today - item.due).days
        ctx.report(subject, ("due",), MLC150,
                   f"{subject.name} is {late} day{'' if late == 1 else 's'} past its due date "
                   f"{item.due.isoformat()} (status: {item.status})")
    return ""
