"""A done item's evidence paths must be evidence: exist, hold something, not be
a stub, not be one of mlcycle's own files. URLs are accepted unverified (a
note: check works offline). A path that cannot be read is an input problem
(exit 2), not a finding."""

from __future__ import annotations

from mlcycle.codes import MLC001, MLC103, MLC104, MLC109, MLC152
from mlcycle.escape import quote
from mlcycle.judge.rules.common import Context, Subject
from mlcycle.load.project import is_url

CODES = (MLC103, MLC104, MLC109, MLC152)
WHY = "done, but its evidence is not valid"


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    if item.status != "done":
        return ""
    broken = False
    for index, cited in enumerate(item.evidence):
        if is_url(cited):
            ctx.report(subject, ("evidence", index), MLC152,
                       f"{subject.name}: URL evidence {quote(cited)} was not verified "
                       "(check works offline)")
            continue
        # project.load has refused every path that leaves the project.
        try:
            failed = ctx.evidence.check(cited)
        except OSError as exc:
            ctx.input_problem(subject, ("evidence", index), MLC001,
                              f"{subject.name}: evidence {quote(cited)} cannot be read: "
                              f"{exc.strerror or exc}")
            broken = True
            continue
        if failed:
            code, reason = failed
            ctx.report(subject, ("evidence", index), code,
                       f"{subject.name}: evidence {quote(cited)} {reason}")
            broken = True
    return WHY if broken else ""
