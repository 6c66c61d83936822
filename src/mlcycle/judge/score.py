"""The ML Test Score (Breck et al. 2017, "The ML Test Score: A Rubric for ML
Production Readiness and Technical Debt Reduction").

Each item with a ``section`` is one test: 0 points when not done, 0.5 when
done with valid evidence (run by hand, results documented), 1 when done with
``automated: true`` in its state (``mlcycle done ITEM --automated``) and an
evidence path that points at the automation (``judge/automation.py``; the rule
``judge/rules/automated.py`` makes the claim without one an error, MLC136). A
section scores the sum of its tests; the final score is the lowest of the four
sections, so strength in one cannot hide neglect of another.

Which tests are done comes from ``evaluate`` (its ``closed``), so a stub, a
missing file or a failing metric check scores 0, as it fails ``check``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlcycle.judge.automation import automation_evidence

if TYPE_CHECKING:
    from mlcycle.judge.result import ItemState, Result

SECTIONS = ("Data", "Model", "Infrastructure", "Monitoring")

# The interpretation of a final score, after Table V of the paper, in our words.
BANDS: tuple[tuple[float, str, str], ...] = (
    (0.0, "0", "a research project rather than a production system"),
    (1.0, "(0, 1]", "barely tested: expect serious gaps in reliability"),
    (2.0, "(1, 2]", "a first pass at production readiness; more investment is needed"),
    (3.0, "(2, 3]", "reasonably tested; more of the tests and procedures could be automated"),
    (5.0, "(3, 5]", "strong automated testing and monitoring, fit for a mission-critical "
                    "system"),
    (float("inf"), "> 5", "exceptional automated testing and monitoring"),
)

@dataclass(frozen=True)
class TestScore:
    phase: str
    item: str
    title: str
    section: str
    points: float
    why: str


@dataclass
class Score:
    tests: list[TestScore]
    sections: dict[str, float] = field(default_factory=dict)  # the four, in order
    others: dict[str, float] = field(default_factory=dict)  # sections outside the four

    @property
    def final(self) -> float:
        return min(self.sections.values())

    @property
    def weakest(self) -> list[str]:
        return [s for s, v in self.sections.items() if v == self.final]

    @property
    def band(self) -> tuple[str, str]:
        final = self.final
        for upper, label, text in BANDS:
            if final <= upper:
                return label, text
        raise AssertionError("unreachable: the last band has no upper bound")


def _points(state: ItemState) -> tuple[float, str]:
    item = state.item
    if item.status != "done":
        return 0.0, f"not done (status: {item.status})"
    if not state.closed:
        return 0.0, f"not done: {state.why_open}"
    if not item.evidence:
        return 0.0, "done, but without evidence of the results"
    automation = [e for e in item.evidence if automation_evidence(e)]
    if item.automated and automation:
        return 1.0, f"automated: {automation[0]}"
    if item.automated:
        return 0.5, ("done by hand: `automated: true`, but no evidence points at the automation "
                     "(a CI workflow, a test file or a scheduled job)")
    return 0.5, "done by hand, results documented"


def score(result: Result) -> Score | None:
    """The score of an evaluated project, or None when no item has a section."""
    tests = [TestScore(s.phase, s.item.id, s.item.title, s.item.section, *_points(s))
             for s in result.items if s.item.section is not None]
    if not tests:
        return None
    found = Score(tests, {name: 0.0 for name in SECTIONS})
    for test in tests:
        target = found.sections if test.section in SECTIONS else found.others
        target[test.section] = target.get(test.section, 0.0) + test.points
    return found


def shown(value: float) -> str:
    return f"{value:g}"


def summary(found: Score) -> str:
    return ", ".join(f"{name} {shown(v)}" for name, v in found.sections.items())


def held_down_by(found: Score) -> str:
    weakest = found.weakest
    return (f"section {weakest[0]} holds it down" if len(weakest) == 1
            else f"sections {', '.join(weakest)} hold it down")
