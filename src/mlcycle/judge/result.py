"""What an evaluation is asked (Options) and what it finds (Result): the data
``evaluate``, its rules and every view of a result (renderers, score, report,
dashboard) share, in a module of its own so that none of them imports another
to name these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from mlcycle import codes
from mlcycle.errors import Location, Problem, capped
from mlcycle.load.model import Item

if TYPE_CHECKING:
    from mlcycle.judge.metrics import Outcome
    from mlcycle.load.project import Project

Mode = Literal["default", "through", "phase", "all"]
OPEN_STATUSES = ("todo", "doing", "blocked")


@dataclass(frozen=True)
class Options:
    today: date
    mode: Mode = "default"
    phase: str | None = None  # for "through" and "phase"
    min_score: float | None = None  # `check --min-score`: the ML Test Score must reach it
    # `check --strict-evidence`: evidence unchanged since a reopen is an error (MLC137).
    strict_evidence: bool = False


@dataclass(frozen=True)
class Finding:
    problem: Problem  # location, code, message, severity
    phase: str
    item: str

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def severity(self) -> str:
        return self.problem.severity

    @property
    def location(self) -> Location:
        return self.problem.location

    @property
    def message(self) -> str:
        return self.problem.message


@dataclass
class ItemState:
    phase: str
    index: int  # position in its phase file
    item: Item
    closed: bool
    why_open: str  # "" when closed
    evaluated: bool  # a gate in a phase being evaluated
    # Outside the project's profile (the item's `profiles` leave it out): not
    # applicable, closed, never judged.
    by_profile: bool = False
    overlay: str | None = None  # the overlay the item comes from (phase: where it is attached)


@dataclass(frozen=True)
class MetricResult:
    """One metric or parity check of one item, with where its finding points."""

    phase: str
    item: str
    path: str  # the status file
    outcome: Outcome
    findings: tuple[Finding, ...]
    # (metrics file, line, column of the key) of each number a failing check
    # read, for annotations next to the number; empty for a passing check.
    key_lines: tuple[tuple[str, int, int], ...] = ()


@dataclass
class PhaseSummary:
    id: str
    title: str
    number: int
    path: str
    current: bool
    evaluated: bool
    items: int = 0
    done: int = 0
    waived: int = 0
    na: int = 0  # not applicable: closed, counted apart
    closed: int = 0
    gates: int = 0
    gates_closed: int = 0
    errors: int = 0
    warnings: int = 0
    notes: int = 0

    @property
    def gates_open(self) -> int:
        return self.gates - self.gates_closed


@dataclass
class Result:
    project: Project | None
    options: Options | None
    evaluated: list[str] = field(default_factory=list)  # phase ids whose gates were evaluated
    phases: list[PhaseSummary] = field(default_factory=list)
    items: list[ItemState] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # sorted
    metrics: list[MetricResult] = field(default_factory=list)  # in item order
    problems: list[Problem] = field(default_factory=list)  # invalid input: exit 2

    @classmethod
    def invalid(cls, problems: list[Problem], options: Options | None = None) -> Result:
        return cls(None, options, problems=capped(problems))

    @property
    def view_problems(self) -> list[Problem]:
        """The problems a view (status, score) refuses on. An undeclared primary
        metric (MLC045) is not one: a fresh project has none until its team picks
        it, the checks that read it count as not passing, and `check` names it
        where a gate is judged."""
        return [p for p in self.problems if p.code != codes.MLC045]

    @property
    def gates(self) -> list[ItemState]:
        return [s for s in self.items if s.evaluated]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def exit_code(self) -> int:
        if self.problems:
            return 2
        return 1 if self.count("error") else 0

    @property
    def outcome(self) -> str:
        return {0: "passed", 1: "failed", 2: "invalid"}[self.exit_code]
