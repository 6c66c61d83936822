"""An item that ``mlcycle reopen --reset`` returned to doing and that is done
again on exactly the evidence it had then: the loop back produced nothing the
evidence shows. A warning (MLC165); an error under ``check --strict-evidence``
(MLC137, and the item stays open).

"Unchanged" compares the digests ``reopen`` recorded (``reopened.evidence``,
see ``load/digest.py`` for why digests and not git) with the files now. The
item is judged as a whole: a path cited since the reopen, or one recorded
path whose bytes changed, is new work, and nothing is reported. URLs cannot be
compared and are left out.

The reopen entry in the history names the items it reset (``reset:``): one of
them without the record of that day had it removed or changed by hand, which
would hide all of this (MLC138, an error that keeps the item open)."""

from __future__ import annotations

from mlcycle.codes import MLC137, MLC138, MLC165
from mlcycle.escape import quote
from mlcycle.judge.rules.common import Context, Subject
from mlcycle.load.project import is_url

CODES = (MLC137, MLC138, MLC165)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    record = item.reopened
    reset_on = ctx.last_reset.get(item.id)
    if reset_on is not None and (record is None or record.date != reset_on):
        said = "none" if record is None else f"one of {record.date.isoformat()}"
        ctx.report(subject, (), MLC138,
                   f"{subject.name} was reset by the reopen of {reset_on.isoformat()} "
                   f"(history), but carries {said} as its `reopened:` record; restore the "
                   "record `mlcycle reopen` wrote, from git (`git log -p` of this file)")
        return f"its reopen record of {reset_on.isoformat()} is missing"
    if item.status != "done" or record is None or not record.evidence:
        return ""
    recorded = {e.path: e.sha256 for e in record.evidence}
    paths = list(dict.fromkeys(e for e in item.evidence if not is_url(e)))
    if not paths or any(p not in recorded for p in paths):
        return ""
    from mlcycle.load.digest import digest  # only for an item reopen reset: lean start-up

    for cited in paths:
        try:
            if digest(ctx.project.root, cited) != recorded[cited]:
                return ""
        except OSError:
            return ""  # the evidence rule reports it (MLC001, exit 2)
    strict = ctx.options.strict_evidence
    files = ", ".join(quote(p) for p in paths)
    ctx.report(subject, (), MLC137 if strict else MLC165,
               f"{subject.name}: done again on the evidence it had when `mlcycle reopen` reset "
               f"it on {record.date.isoformat()}: {files} unchanged since; update "
               f"{'it' if len(paths) == 1 else 'them'} with what the loop back found, or cite "
               f"the new work (`mlcycle set {item.id} --evidence PATH`)")
    return "its evidence is unchanged since the reopen" if strict else ""
