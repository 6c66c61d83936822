"""An item's metric checks: one number in a metrics file compared with the
threshold its definition gives. Judged with the item in a phase being
evaluated, unless a waiver excuses it; a check that fails or cannot be read
keeps the item open. A check passes only when its comparison is true, so NaN
never passes."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mlcycle.codes import MLC045, MLC121, MLC122, MLC123, MLC124, MLC125, MLC126, MLC153
from mlcycle.judge.rules.common import Context, Subject, checks_mode, judge_outcomes
from mlcycle.load.metrickeys import shown
from mlcycle.load.model import (
    DIRECTED_OPS,
    Between,
    Item,
    MetricCheck,
    MetricRef,
    PrimaryFloor,
    PrimaryMetric,
)
from mlcycle.load.primary import HOW_TO_DECLARE, directed_op

if TYPE_CHECKING:  # metrics is imported only for an item with checks
    from mlcycle.judge.metrics import Files, Loc, Outcome

# MLC045 (no primary metric declared) is raised here too, as invalid input, not a
# finding: judge_outcomes reports it apart.
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
    files, primary = ctx.metric_files, ctx.primary
    return judge_outcomes(ctx, subject, [outcome(files, item, index, metric, primary)
                                         for index, metric in enumerate(item.metrics)],
                          mode)


def _threshold(check: MetricCheck, value: float, bound: Any, op: str, against: str
               ) -> str | None:
    """MLC121: None when the comparison holds, else what it should have been."""
    if isinstance(bound, Between):
        low = operator.lt if bound.strict_min else operator.le
        high = operator.lt if bound.strict_max else operator.le
        if low(bound.min, value) and high(value, bound.max):
            return None
        return (f"is not within {shown(bound.min)} {'<' if bound.strict_min else '<='} value "
                f"{'<' if bound.strict_max else '<='} {shown(bound.max)}")
    return None if _OPS[op](value, bound) else f"is not {op} {shown(bound)}{against}"


def _bound(files: Files, check: MetricCheck, primary: PrimaryMetric | None
           ) -> tuple[Any, str, str]:
    """(threshold, plain operator, where the threshold came from) of a check: the
    primary metric's floor and direction, or a baseline file's number, resolved
    for this project; raises Failure."""
    from mlcycle.judge.metrics import Failure, read_value

    op: str = check.op
    if op in DIRECTED_OPS:
        if primary is None:
            raise Failure(MLC045, f"op {op!r} follows the project's primary metric's direction, "
                          f"but mlcycle.yaml declares none; {HOW_TO_DECLARE}", ("op",))
        op = directed_op(op, primary)
    if isinstance(check.value, PrimaryFloor):
        if primary is None:
            raise Failure(MLC045, f"value {{primary: floor}} refers to the project's primary "
                          f"metric, but mlcycle.yaml declares none; {HOW_TO_DECLARE}", ("value",))
        return primary.floor, op, f" (the floor of primary metric {primary.spec()})"
    if isinstance(check.value, MetricRef):
        try:
            number, file, key = read_value(files, check.value, primary)
        except Failure as failure:
            failure.loc = ("value", *failure.loc)
            failure.message = f"value: {failure.message}"
            raise
        return number, op, f" ({file} {key})"
    return check.value, op, ""


def outcome(files: Files, item: Item, index: int, check: MetricCheck,
            primary: PrimaryMetric | None = None) -> Outcome:
    from mlcycle.judge.metrics import Failure, Outcome, failure_loc, key_text, read_value

    name = f"item '{item.id}': metric '{check.id}'"
    key = key_text(check.key, primary)
    expected: Any = check.value.model_dump() if isinstance(check.value, Between) else \
        check.value if isinstance(check.value, float | int) else None
    base: dict[str, Any] = dict(kind="metric", id=check.id, index=index, op=check.op,
                                tolerance=None, file=check.file, key=key)
    here: Loc = ("metrics", index)
    try:
        value, _, _ = read_value(files, check, primary)
        bound, op, against = _bound(files, check, primary)
    except Failure as failure:
        loc = failure.loc if failure.loc[:1] in (("value",), ("op",)) else \
            failure_loc(failure.code) or failure.loc
        return Outcome(**base, expected=expected, verdict="error", observed=None,
                       difference=None, problems=((here + loc, failure.code,
                                                   f"{name}: {failure.message}"),))
    if not isinstance(bound, Between):
        base["op"], expected = op, bound
    base["expected"] = expected
    difference = None if isinstance(bound, Between) else float(value) - bound
    wrong = _threshold(check, value, bound, op, against)
    if wrong is None:
        return Outcome(**base, verdict="pass", observed=value, difference=difference)
    return Outcome(**base, verdict="fail", observed=value, difference=difference,
                   problems=((here, MLC121,
                              f"{name}: {shown(value)} ({check.file} {key}) {wrong}"),))
