"""``automated: true`` is a claim about a done item: its test runs by itself. It
holds only when one of the item's evidence paths is automation mlcycle
recognises (``judge/automation.py``) and is evidence (exists, holds something).
A claim without it is an error (MLC136), so that the ML Test Score's 1 is
never a flag someone typed.

Only done items are judged: the score counts nothing else, and a status file
written for a team's playbook that set ``automated`` in a definition (before it
became state) carries the flag on open items."""

from __future__ import annotations

from mlcycle.codes import MLC136
from mlcycle.judge.rules.common import Context, Subject

CODES = (MLC136,)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    if not item.automated or item.status != "done":
        return ""
    # Imported only when a done item says so: `check` starts without it.
    from mlcycle.judge.automation import WHAT, automation_evidence

    for cited in item.evidence:
        if not automation_evidence(cited):
            continue
        try:
            if ctx.evidence.check(cited) is None:
                return ""
        except OSError:
            return ""  # the evidence rule reports it (MLC001, exit 2)
    ctx.report(subject, ("automated",), MLC136,
               f"{subject.name}: `automated: true`, but none of its evidence is automation "
               f"that exists in the project ({WHAT}); cite it with `mlcycle done {item.id} "
               "--automated -e PATH`, or delete `automated: true` (done by hand scores 0.5)")
    return ""
