"""An item that does not apply to this product (status ``na``) carries why, who
approved it and when; like a waiver, only a person holding the item's
accountable role may approve it, and unlike a waiver it never expires."""

from __future__ import annotations

from mlcycle.codes import MLC113, MLC114
from mlcycle.judge.rules.common import Context, Subject
from mlcycle.judge.rules.waiver_approver import approver_problem

CODES = (MLC113, MLC114)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    if item.status != "na":
        return ""
    if item.na is None:
        ctx.report(subject, ("status",), MLC113,
                   f"{subject.name} is na (not applicable) but has no na: {{reason, "
                   "approved_by, date}")
        return "not applicable without a reason and an approver"
    approver = item.na.approved_by
    if approver in ctx.former:  # the former rule judges it (before they left: it stands)
        return ""
    why = approver_problem(ctx.project, subject, "not applicable", approver)
    if not why:
        return ""
    ctx.report(subject, ("na", "approved_by"), MLC114, f"{subject.name}: {why}")
    return "its not-applicable is not approved by the accountable role"
