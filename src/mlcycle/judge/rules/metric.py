"""An item's metric checks: one number in a metrics file compared with the
threshold its definition gives. Judged with the item in a phase being
evaluated, unless a waiver excuses it; a check that fails or cannot be read
keeps the item open. A check passes only when its comparison is true, so NaN
never passes."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mlcycle.codes import MLC121, MLC122, MLC123, MLC124, MLC125, MLC126, MLC153
from mlcycle.judge.rules.common import Context, Subject, checks_mode, judge_outcomes
from mlcycle.load.metrickeys import pointer, segments, shown
from mlcycle.load.model import Between, Item, MetricCheck

if TYPE_CHECKING:  # metrics is imported only for an item with checks
    from mlcycle.judge.metrics import Files, Loc, Outcome

CODES = (MLC121, MLC122, MLC123, MLC124, MLC125, MLC126, MLC153)

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "==": operator.eq, "!=": operator.ne,
}


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    mode = checks_mode(ctx, subject) if item.metrics else ""
    if not mode:
        return ""
    files = ctx.metric_files
    return judge_outcomes(ctx, subject, [outcome(files, item, index, metric)
                                         for index, metric in enumerate(item.metrics)], mode)


def _threshold(check: MetricCheck, value: float) -> str | None:
    """MLC121: None when the comparison holds, else what it should have been."""
    bound = check.value
    if isinstance(bound, Between):
        low = operator.lt if bound.strict_min else operator.le
        high = operator.lt if bound.strict_max else operator.le
        if low(bound.min, value) and high(value, bound.max):
            return None
        return (f"is not within {shown(bound.min)} {'<' if bound.strict_min else '<='} value "
                f"{'<' if bound.strict_max else '<='} {shown(bound.max)}")
    return None if _OPS[check.op](value, bound) else f"is not {check.op} {shown(bound)}"


def outcome(files: Files, item: Item, index: int, check: MetricCheck) -> Outcome:
    from mlcycle.judge.metrics import Failure, Outcome, failure_loc, read_value

    name = f"item '{item.id}': metric '{check.id}'"
    key = pointer(segments(check.key))
    expected: Any = check.value.model_dump() if isinstance(check.value, Between) else check.value
    base: dict[str, Any] = dict(kind="metric", id=check.id, index=index, expected=expected,
                                op=check.op, tolerance=None, file=check.file, key=key)
    here: Loc = ("metrics", index)
    try:
        value, _, _ = read_value(files, check)
    except Failure as failure:
        return Outcome(**base, verdict="error", observed=None, difference=None,
                       problems=((here + failure_loc(failure.code), failure.code,
                                  f"{name}: {failure.message}"),))
    difference = None if isinstance(check.value, Between) else float(value) - check.value
    wrong = _threshold(check, value)
    if wrong is None:
        return Outcome(**base, verdict="pass", observed=value, difference=difference)
    return Outcome(**base, verdict="fail", observed=value, difference=difference,
                   problems=((here, MLC121,
                              f"{name}: {shown(value)} ({check.file} {key}) {wrong}"),))
