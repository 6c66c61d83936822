"""A waiver is valid through its `expires` date: after it, the item is open
again (an error); within the warning window before it, a warning."""

from __future__ import annotations

from mlcycle.codes import EXPIRY_WARNING_DAYS, MLC105, MLC151
from mlcycle.judge.rules.common import Context, Subject

CODES = (MLC105, MLC151)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    if item.status != "waived" or item.waiver is None:
        return ""
    expires = item.waiver.expires
    left = (expires - ctx.options.today).days
    if left < 0:
        ctx.report(subject, ("waiver", "expires"), MLC105,
                   f"{subject.name}: waiver expired on {expires.isoformat()} (approved by "
                   f"{item.waiver.approved_by})")
        return f"waiver expired on {expires.isoformat()}"
    if left <= EXPIRY_WARNING_DAYS:
        when = "today" if left == 0 else f"in {left} day{'' if left == 1 else 's'}"
        ctx.report(subject, ("waiver", "expires"), MLC151,
                   f"{subject.name}: waiver expires on {expires.isoformat()}, {when} "
                   "(valid through that day)")
    return ""
