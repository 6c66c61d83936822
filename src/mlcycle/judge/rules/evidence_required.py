"""A done item whose definition requires evidence must cite some."""

from __future__ import annotations

from mlcycle.codes import MLC102
from mlcycle.judge.rules.common import Context, Subject
from mlcycle.judge.rules.evidence import WHY

CODES = (MLC102,)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    if item.status != "done" or not item.evidence_required or item.evidence:
        return ""
    ctx.report(subject, ("status",), MLC102,
               f"{subject.name} is done but has no evidence; it requires a file in the "
               "project or an http(s) URL")
    return WHY
