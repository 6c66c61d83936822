"""Someone who left the team (``former`` in mlcycle.yaml) may stay the owner of
what they closed, but may own no open work and approve nothing: an open item
they own has nobody working it, and an approval needs someone who answers for
the item now. (A not-applicable they approved before they left stands: it was
theirs to give then, and it has no expiry to renew.)"""

from __future__ import annotations

from mlcycle.codes import MLC111, MLC112
from mlcycle.escape import quote
from mlcycle.judge.result import OPEN_STATUSES
from mlcycle.judge.rules.common import Context, Subject

CODES = (MLC111, MLC112)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    former = ctx.former
    if not former:
        return ""
    if item.owner in former and item.status in OPEN_STATUSES:
        ctx.report(subject, ("owner",), MLC111,
                   f"{subject.name} is {item.status} but its owner {quote(item.owner)} left "
                   f"the team on {former[item.owner].isoformat()}; give it to someone on the "
                   "team")
    if item.status == "waived" and item.waiver is not None \
            and item.waiver.approved_by in former:
        approver = item.waiver.approved_by
        ctx.report(subject, ("waiver", "approved_by"), MLC112,
                   f"{subject.name}: waiver approved by {quote(approver)}, who left the team "
                   f"on {former[approver].isoformat()}")
        return "its waiver is approved by a former member"
    if item.status == "na" and item.na is not None and item.na.approved_by in former \
            and item.na.date >= former[item.na.approved_by]:
        approver = item.na.approved_by
        ctx.report(subject, ("na", "approved_by"), MLC112,
                   f"{subject.name}: not applicable approved by {quote(approver)} on "
                   f"{item.na.date.isoformat()}, when they had left the team (on "
                   f"{former[approver].isoformat()})")
        return "its not-applicable is approved by a former member"
    return ""
