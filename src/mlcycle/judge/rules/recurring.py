"""A recurring item (``recurs: 90d``) is due again once its last completion
(``done_on``, written by ``mlcycle done``) is older than its period: a warning
for ``RECUR_GRACE_DAYS`` days, then an error (and the item open again) for a gate
of the current or an earlier phase. Operations gates are never "left" (the
last phase has no next one), so the current phase counts here, unlike for an
open gate. A recurring item that says done without ``done_on`` cannot be
judged at all: an error asking for the date. Nor can one done "in the future":
a ``done_on`` beyond tomorrow (a day of slack: `done` records the local date,
CI may run in another time zone) would keep it from ever coming due."""

from __future__ import annotations

from datetime import date, timedelta

from mlcycle.codes import MLC140, MLC141, MLC142, MLC160, RECUR_GRACE_DAYS
from mlcycle.judge.rules.common import Context, Subject
from mlcycle.load.model import Item

CODES = (MLC140, MLC141, MLC142, MLC160)


def due_again(item_recurs_days: int | None, done_on: date | None) -> date | None:
    """The day a recurring item done on ``done_on`` is due again (None: one-off, or
    no date to count from)."""
    if item_recurs_days is None or done_on is None:
        return None
    return done_on + timedelta(days=item_recurs_days)


def due_detail(item: Item, today: date) -> str:
    """Why a done recurring item is due again, for ``status`` and ``next`` ("" when
    it is not)."""
    days = item.period_days()
    if days is None or item.status != "done":
        return ""
    if item.done_on is None:
        return f"done with no done_on date (recurs every {item.recurs})"
    since = due_again(days, item.done_on)
    if since is None or since > today:
        return ""
    return (f"due again since {since.isoformat()} (last done {item.done_on.isoformat()}, "
            f"recurs every {item.recurs})")


def _gates_here(ctx: Context, subject: Subject) -> bool:
    ids = ctx.project.playbook.phase_ids
    current = ctx.project.file.current_phase
    if subject.phase.id not in ids or current not in ids:
        return False
    return ids.index(subject.phase.id) <= ids.index(current)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    days = item.period_days()
    if days is None or item.status != "done":
        return ""
    if item.done_on is None:
        ctx.report(subject, ("status",), MLC141,
                   f"{subject.name} recurs every {item.recurs} but is done with no done_on "
                   f"date; run `mlcycle done {item.id}` when it is done again, or add "
                   "done_on: YYYY-MM-DD (the day it was last done)")
        return f"done with no done_on (it recurs every {item.recurs})"
    today = ctx.options.today
    if item.done_on > today + timedelta(days=1):
        ctx.report(subject, ("done_on",), MLC142,
                   f"{subject.name}: done_on {item.done_on.isoformat()} is in the future "
                   f"(today is {today.isoformat()}), so it would never come due; set the day "
                   f"it was done, or run `mlcycle done {item.id}` (it records today)")
        return f"done_on {item.done_on.isoformat()} is in the future"
    since = due_again(days, item.done_on)
    assert since is not None
    if today < since:
        return ""
    late = (today - since).days
    last = f"last done {item.done_on.isoformat()}, recurs every {item.recurs}"
    if item.gate and late >= RECUR_GRACE_DAYS and _gates_here(ctx, subject):
        ctx.report(subject, ("done_on",), MLC140,
                   f"gate '{item.id}' ({item.title}) is due again since {since.isoformat()} "
                   f"({last}); do it again and run `mlcycle done {item.id}`")
        return f"due again since {since.isoformat()}"
    fails = ""
    if item.gate and _gates_here(ctx, subject):
        fails = f"; from {(since + timedelta(days=RECUR_GRACE_DAYS)).isoformat()} it fails check"
    ctx.report(subject, ("done_on",), MLC160,
               f"{subject.name} is due again since {since.isoformat()} ({last}); do it again "
               f"and run `mlcycle done {item.id}`{fails}")
    return ""
