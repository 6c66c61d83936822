"""An item's owner must be a person on the team in mlcycle.yaml."""

from __future__ import annotations

from mlcycle.codes import MLC108
from mlcycle.escape import quote
from mlcycle.judge.rules.common import Context, Subject
from mlcycle.load.validation import did_you_mean

CODES = (MLC108,)


def check(ctx: Context, subject: Subject) -> str:
    owner = subject.item.owner
    # A former member may stay the owner of closed items (the former rule judges them).
    if owner is not None and owner not in ctx.people and owner not in ctx.former:
        ctx.report(subject, ("owner",), MLC108,
                   f"{subject.name}: owner {quote(owner)} is not on the team in "
                   f"mlcycle.yaml{did_you_mean(owner, sorted(ctx.people))}")
    return ""
