"""A done item whose dependencies are not all closed is an error: it runs once
every item is judged (a dependency may come later in the playbook)."""

from __future__ import annotations

from mlcycle.codes import MLC107
from mlcycle.judge.rules.common import Context, Subject

CODES = (MLC107,)


def check(ctx: Context) -> None:
    for phase, state in ctx.placed:
        if state.item.status != "done" or state.by_profile:  # out of profile: not judged
            continue
        subject = Subject(phase, state.index, state.item)
        for index, dep in enumerate(state.item.depends_on):
            other = ctx.states.get(dep)  # project.load checked every id exists
            if other is not None and not other.closed:
                ctx.report(subject, ("depends_on", index), MLC107,
                           f"item '{state.item.id}' is done but depends on '{dep}', which is "
                           f"not closed ({other.why_open})")
