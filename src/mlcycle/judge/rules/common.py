"""What every rule is given: the project being judged, the item in hand, and
where findings go. A rule reads; it records findings through ``Context.report``
(and input problems, exit 2, through ``Context.input_problem``) and never
raises for a user's mistake.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from mlcycle import codes
from mlcycle.errors import Location, Problem
from mlcycle.escape import line
from mlcycle.judge.evidence import Evidence, for_project
from mlcycle.judge.result import Finding, ItemState, MetricResult, Options, Result
from mlcycle.load.model import Item, PrimaryMetric
from mlcycle.load.project import PhaseState, Project
from mlcycle.load.source import Loc

if TYPE_CHECKING:  # read only for an item with metric checks: check starts without it
    from mlcycle.judge.metrics import Files, Outcome


class Subject:
    """One item being judged, with where it is. (Plain classes here, not
    dataclasses: check imports this module on every run.)"""

    __slots__ = ("index", "item", "phase")

    def __init__(self, phase: PhaseState, index: int, item: Item) -> None:
        self.phase = phase
        self.index = index  # position in its phase file
        self.item = item

    @property
    def name(self) -> str:
        return f"item '{self.item.id}'"


class Context:
    """One evaluation: shared by every rule, in table order."""

    def __init__(self, project: Project, options: Options, result: Result,
                 in_scope: frozenset[str]) -> None:
        self.project = project
        self.options = options
        self.result = result
        self.in_scope = in_scope  # ids of the phases whose gates are evaluated
        self.findings: list[Finding] = []
        self.problems: list[Problem] = []  # invalid input: exit 2
        self.metric_results: list[MetricResult] = []  # in item order
        # Filled once every item is judged, for the project rules.
        self.states: dict[str, ItemState] = {}
        self.placed: list[tuple[PhaseState, ItemState]] = []

    @cached_property
    def people(self) -> set[str]:
        return self.project.people()

    @cached_property
    def former(self) -> dict[str, date]:
        return self.project.former()

    @cached_property
    def evidence(self) -> Evidence:
        return for_project(self.project)

    @cached_property
    def metric_files(self) -> Files:
        from mlcycle.judge.metrics import Files

        return Files(self.project.root)

    @cached_property
    def last_reset(self) -> dict[str, date]:
        """Item id -> the day of the last reopen entry that reset it (entries
        written before reopens listed their items name none)."""
        found: dict[str, date] = {}
        for entry in self.project.file.history:
            if entry.event == "reopen":
                found.update(dict.fromkeys(entry.reset or (), entry.date))
        return found

    @property
    def primary(self) -> PrimaryMetric | None:
        """The project's declared primary metric, which checks may read."""
        metrics = self.project.file.metrics
        return metrics.primary if metrics else None

    def report(self, subject: Subject, sub: Loc, code: str, message: str) -> Finding:
        """A finding of ``code`` (its severity from the registry) at ``sub`` in the item."""
        problem = subject.phase.source.problem(("items", subject.index, *sub), code, message,
                                               codes.severity(code))
        finding = Finding(problem, subject.phase.id, subject.item.id)
        self.findings.append(finding)
        return finding

    def report_at(self, subject: Subject, where: Location, code: str, message: str) -> None:
        """A finding of ``code`` about the item, located in another file (the
        line of a document that shows what is wrong)."""
        problem = Problem(where, code, message, codes.severity(code))
        self.findings.append(Finding(problem, subject.phase.id, subject.item.id))

    def input_problem(self, subject: Subject, sub: Loc, code: str, message: str) -> None:
        """Input that could not be judged (exit 2); the other rules go on."""
        self.problems.append(subject.phase.source.problem(("items", subject.index, *sub), code,
                                                          message))


def checks_mode(ctx: Context, subject: Subject) -> str:
    """How an item's metric and parity checks are judged: "gate" (their failures
    are errors), "warn" (MLC153 warnings) or "" (not at all).

    A gate of a phase being evaluated, and an item that says it is done in any
    phase: a `done` whose numbers fail is an error in the pull request that
    committed them, not weeks later at `advance`. An open item of the current
    phase: a failing number is a warning (its work is not finished). A waiver
    excuses the checks."""
    item = subject.item
    if item.status == "waived":
        return ""
    if subject.phase.id in ctx.in_scope or item.status == "done":
        return "gate"
    if subject.phase.id == ctx.project.file.current_phase:
        return "warn"
    return ""


def _key_lines(ctx: Context, outcome: Outcome) -> tuple[tuple[str, int, int], ...]:
    from mlcycle.judge.metrics import key_line

    files = [outcome.file] if isinstance(outcome.file, str) else outcome.file
    keys = [outcome.key] if isinstance(outcome.key, str) else outcome.key
    lines = []
    for rel, key in dict.fromkeys(zip(files, keys, strict=True)):
        at = key_line(ctx.project.root, rel, key)
        if at is not None:
            lines.append((rel, *at))
    return tuple(lines)


def judge_outcomes(ctx: Context, subject: Subject, outcomes: list[Outcome],
                   mode: str = "gate") -> str:
    """Record an item's metric or parity checks and their findings; why they keep
    the item open, or "" when every one passes. In "warn" mode only the checks
    that read their numbers and fail are recorded, as MLC153 warnings: a metrics
    file not written yet is the normal state of open work."""
    from mlcycle.judge.metrics import with_source

    failing = False
    for outcome in map(lambda o: with_source(ctx.metric_files, o), outcomes):
        if mode == "warn" and outcome.verdict != "fail":
            continue
        # Messages quote keys and text from metrics files: made printable. A check
        # that refers to a primary metric the project does not declare cannot be
        # judged at all: invalid input (exit 2), not a finding.
        for loc, code, message in outcome.problems:
            if code == codes.MLC045:
                ctx.input_problem(subject, loc, code, line(message))
        found = tuple(ctx.report(subject, loc, codes.MLC153 if mode == "warn" else code,
                                 line(message))
                      for loc, code, message in outcome.problems if code != codes.MLC045)
        ctx.metric_results.append(MetricResult(subject.phase.id, subject.item.id,
                                               subject.phase.source.display, outcome, found,
                                               _key_lines(ctx, outcome) if found else ()))
        failing = failing or outcome.verdict != "pass"
    return "its metric checks fail" if failing else ""
