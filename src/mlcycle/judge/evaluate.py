"""Evaluate a loaded project: which gates are closed, and what is inconsistent.

Pure in the sense that matters: a Project and options in, a Result out. It never
prints, never exits and never imports typer or rich. The rules themselves, one
module each, are in ``judge/rules`` (its table says their order); this module
chooses the phases to judge, runs the table over every item once, and sums up.

Linear in the number of items: items are indexed by id once, and a location
(a text scan from the item's recorded start) is only computed for a finding that
is reported.
"""

from __future__ import annotations

from mlcycle import codes
from mlcycle.codes import MLC027
from mlcycle.dates import parse_today as parse_today  # moved to mlcycle.dates; re-exported
from mlcycle.errors import MlcycleError, capped
from mlcycle.escape import quote
from mlcycle.judge.evidence import STUB_MARKER

# The result types live in judge/result.py; importers may name them here too.
from mlcycle.judge.result import (
    OPEN_STATUSES,
    Finding,
    ItemState,
    MetricResult,
    Mode,
    Options,
    PhaseSummary,
    Result,
)
from mlcycle.load.project import Project
from mlcycle.load.validation import did_you_mean

__all__ = ["EXPIRY_WARNING_DAYS", "OPEN_STATUSES", "STUB_MARKER", "Finding",
           "ItemState", "MetricResult", "Mode", "Options", "PhaseSummary", "Result",
           "evaluate", "parse_today", "scope"]
EXPIRY_WARNING_DAYS = codes.EXPIRY_WARNING_DAYS

# --- options -----------------------------------------------------------------



def scope(project: Project, options: Options) -> list[str]:
    """Ids of the phases whose gates are evaluated, in playbook order."""
    # Positions come from the playbook: a phase whose file did not load (check
    # goes on with the rest) must not shift the others.
    ids = project.playbook.phase_ids
    loaded = {p.id for p in project.phases}
    if options.mode == "all":
        chosen = ids
    elif options.mode == "default":
        current = project.file.current_phase
        chosen = ids[: ids.index(current)] if current in ids else []
    else:
        name = options.phase or ""
        if name not in ids:
            raise MlcycleError.at(
                MLC027, f"--{options.mode} {quote(name)} is not a phase of playbook "
                f"'{project.playbook.name}'{did_you_mean(name, ids)}; phases: {', '.join(ids)}",
                "<command line>")
        index = ids.index(name)
        chosen = ids[: index + 1] if options.mode == "through" else [name]
    return [p for p in chosen if p in loaded]



# --- evaluation --------------------------------------------------------------


def evaluate(project: Project, options: Options,
             skip: frozenset[tuple[str, int]] = frozenset()) -> Result:
    """Judge every item by the rules of ``judge/rules`` in table order; ``skip``
    holds (phase, index) of items that did not load cleanly (check evaluates the
    rest and still exits 2)."""
    from mlcycle.judge.rules import ITEM_RULES, PROJECT_RULES
    from mlcycle.judge.rules.common import Context, Subject

    evaluated = scope(project, options)
    result = Result(project, options, evaluated)
    ctx = Context(project, options, result, frozenset(evaluated))
    profile = project.file.profile
    checks = [rule.check for rule in ITEM_RULES]  # looked up once, not per item
    # An overlay's item is judged as a member of the phase it is attached to.
    for phase, index, item in project.entries():
        if (phase.key, index) in skip:
            continue
        if not item.applies_to(profile):
            # Not applicable by the project's profile: like `na`, closed for good,
            # and no rule judges it (its state is kept, for a later profile).
            state = ItemState(phase.id, index, item, True, "", False, by_profile=True,
                              overlay=phase.overlay)
            ctx.states[item.id] = state
            ctx.placed.append((phase, state))
            continue
        subject = Subject(phase, index, item)
        # Every rule runs (each records its findings); the first reason wins.
        reasons = [check(ctx, subject) for check in checks]
        why = next(filter(None, reasons), "")
        state = ItemState(phase.id, index, item, not why, why,
                          item.gate and phase.id in ctx.in_scope, overlay=phase.overlay)
        ctx.states[item.id] = state
        ctx.placed.append((phase, state))
    result.items = [state for _, state in ctx.placed]
    for project_rule in PROJECT_RULES:
        project_rule.check(ctx)
    result.findings = sorted(ctx.findings, key=lambda f: f.problem)
    result.metrics = ctx.metric_results
    result.problems = capped(ctx.problems)
    result.phases = _summaries(project, result, ctx.in_scope)
    return result


def _summaries(project: Project, result: Result, in_scope: frozenset[str]) -> list[PhaseSummary]:
    summaries = {
        p.id: PhaseSummary(p.id, p.title, p.number, p.source.display,
                           p.id == project.file.current_phase, p.id in in_scope)
        for p in project.phases
    }
    for state in result.items:
        s = summaries[state.phase]
        s.items += 1
        s.done += state.item.status == "done" and not state.by_profile
        s.waived += state.item.status == "waived" and not state.by_profile
        s.na += state.item.status == "na" or state.by_profile
        s.closed += state.closed
        if state.item.gate and not state.by_profile:  # a gate only where it applies
            s.gates += 1
            s.gates_closed += state.closed
    for finding in result.findings:
        s = summaries[finding.phase]
        if finding.severity == "error":
            s.errors += 1
        elif finding.severity == "warning":
            s.warnings += 1
        else:
            s.notes += 1
    return list(summaries.values())
