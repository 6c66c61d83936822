"""A waived item must carry its waiver (reason, approver, expiry)."""

from __future__ import annotations

from mlcycle.codes import MLC106
from mlcycle.judge.rules.common import Context, Subject

CODES = (MLC106,)


def check(ctx: Context, subject: Subject) -> str:
    if subject.item.status != "waived" or subject.item.waiver is not None:
        return ""
    ctx.report(subject, ("status",), MLC106,
               f"{subject.name} is waived but has no waiver (reason, approved_by, expires)")
    return "waived without a waiver"
