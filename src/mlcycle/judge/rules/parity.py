"""An item's parity checks: an experiment's number and production's must
agree within a tolerance, |e - p| <= max(abs, rel * |p|), in either direction
(a big jump fails as surely as a big drop). Judged like the metric checks
(rules/metric.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlcycle.codes import MLC120, MLC122, MLC123, MLC124, MLC125, MLC126, MLC127, MLC153
from mlcycle.judge.rules.common import Context, Subject, checks_mode, judge_outcomes
from mlcycle.load.metrickeys import shown
from mlcycle.load.model import Item, MetricRef, ParityCheck, PrimaryMetric

if TYPE_CHECKING:  # metrics is imported only for an item with checks
    from mlcycle.judge.metrics import Files, Loc, Outcome

CODES = (MLC120, MLC122, MLC123, MLC124, MLC125, MLC126, MLC127, MLC153)


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    mode = checks_mode(ctx, subject) if item.parity else ""
    if not mode:
        return ""
    files, primary = ctx.metric_files, ctx.primary
    return judge_outcomes(ctx, subject, [outcome(files, item, index, parity, primary)
                                         for index, parity in enumerate(item.parity)],
                          mode)


# --- numbers for display -----------------------------------------------------


def _rounded(value: float) -> str:
    return f"{value:.3g}"


def _percent(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def _allowed(check: ParityCheck, production: float) -> float:
    tolerance = check.tolerance
    return max(tolerance.abs or 0.0, (tolerance.rel or 0.0) * abs(production))


def _tolerance_text(check: ParityCheck, production: float) -> str:
    abs_, rel = check.tolerance.abs, check.tolerance.rel
    parts = ([f"abs {shown(abs_)}"] if abs_ is not None else []) + \
        ([f"rel {rel * 100:.6g}% of {shown(abs(production))}"] if rel is not None else [])
    return f"max({', '.join(parts)})" if len(parts) == 2 else parts[0]


def _parity(check: ParityCheck, experiment: float, production: float, name: str,
            sides: tuple[str, str]) -> tuple[str, str] | None:
    """MLC120 and MLC127: None when |e - p| <= max(abs, rel * |p|)."""
    if production == 0 and check.tolerance.abs is None:
        return MLC127, (f"{name}: production value is 0 ({sides[1]}), so a relative tolerance "
                          f"(rel {(check.tolerance.rel or 0) * 100:.6g}%) allows no difference at "
                          "all; add an abs tolerance to the check")
    difference = abs(experiment - production)
    if difference <= _allowed(check, production):
        return None
    share = "" if production == 0 else f" ({_percent(difference / abs(production) * 100)}%)"
    return MLC120, (f"{name}: experiment {shown(experiment)} ({sides[0]}) vs production "
                      f"{shown(production)} ({sides[1]}): |diff| {_rounded(difference)}{share} "
                      f"> {_tolerance_text(check, production)}")


def _tolerance_data(check: ParityCheck) -> dict[str, float]:
    return {k: v for k, v in (("abs", check.tolerance.abs), ("rel", check.tolerance.rel))
            if v is not None}


def outcome(files: Files, item: Item, index: int, check: ParityCheck,
            primary: PrimaryMetric | None = None) -> Outcome:
    from mlcycle.judge.metrics import Failure, Outcome, failure_loc, key_text, read_value

    name = f"item '{item.id}': parity '{check.id}'"
    here: Loc = ("parity", index)
    values: dict[str, float] = {}
    problems: list[tuple[Loc, str, str]] = []
    for side in ("experiment", "production"):
        ref: MetricRef = getattr(check, side)
        try:
            values[side] = read_value(files, ref, primary)[0]
        except Failure as failure:
            problems.append(((*here, side, *(failure_loc(failure.code) or failure.loc)),
                             failure.code,
                             f"{name}: {side}: {failure.message}"))
    refs = (check.experiment, check.production)
    keys = [key_text(r.key, primary) for r in refs]
    base: dict[str, Any] = dict(
        kind="parity", id=check.id, index=index, op="parity", tolerance=_tolerance_data(check),
        file=[r.file for r in refs], key=keys, observed=values.get("experiment"),
        expected=values.get("production"))
    if problems:
        return Outcome(**base, verdict="error", difference=None,
                       problems=tuple(problems))
    e, p = values["experiment"], values["production"]
    sides = (f"{refs[0].file} {keys[0]}", f"{refs[1].file} {keys[1]}")
    found = _parity(check, e, p, name, sides)
    difference = float(e) - float(p)
    if found is None:
        return Outcome(**base, verdict="pass", difference=difference)
    code, message = found
    return Outcome(**base, verdict="fail" if code == MLC120 else "error",
                   difference=difference, problems=((here, code, message),))
