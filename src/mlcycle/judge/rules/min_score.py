"""`check --min-score X`: the ML Test Score must reach X. It runs once every
item is judged, because a test scores only when its item is closed. The
finding is located at the first lowest-scoring test of the weakest section."""

from __future__ import annotations

from mlcycle.codes import MLC128
from mlcycle.judge.rules.common import Context, Subject

CODES = (MLC128,)


def check(ctx: Context) -> None:
    minimum = ctx.options.min_score
    if minimum is None:
        return
    from mlcycle.judge import score  # only with --min-score: check starts without it

    found = score.score(ctx.result)
    if found is None or found.final >= minimum:
        return
    section = found.weakest[0]
    test = min((t for t in found.tests if t.section == section), key=lambda t: t.points)
    phase, state = next((p, s) for p, s in ctx.placed if s.item.id == test.item)
    ctx.report(Subject(phase, state.index, state.item), ("section",), MLC128,
               f"ML Test Score {score.shown(found.final)} is below --min-score "
               f"{score.shown(minimum)}: {score.held_down_by(found)} ({score.summary(found)}); "
               f"its test '{test.item}' scores {score.shown(test.points)}: {test.why}")
