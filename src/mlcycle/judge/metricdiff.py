"""``diff --base`` and ``check --base``: the numbers the gates read, at the merge
base and in the working tree (after ``dvc metrics diff``, but tied to the
checks): each value any metric or parity check reads, old -> new with the
change, the check and its verdict on each side, and where a pulled file came
from. Only values that changed (a number, a verdict, or a check that came or
went) are listed.

The base's metrics files are read from git (one batch), written into a
temporary directory and read there exactly as ``check`` reads them.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlcycle.judge.metrics import Files, Outcome
    from mlcycle.load.gitbase import Base, Snapshot
    from mlcycle.load.model import Item, PrimaryMetric


@dataclass(frozen=True)
class Side:
    value: float | None  # None: not read (see verdict) or no such check
    verdict: str  # pass, fail, error; "" when the check does not exist on this side
    source: str  # a pulled file's provenance, "" otherwise


@dataclass(frozen=True)
class Delta:
    phase: str
    item: str
    check: str  # "metric 'auc-floor'", "parity 'accuracy-parity'"
    side: str  # "" for a metric; "experiment" or "production" for parity
    file: str
    key: str
    wants: str  # the check's condition in words (the working tree's, else the base's)
    old: Side
    new: Side

    @property
    def change(self) -> float | None:
        if self.old.value is None or self.new.value is None:
            return None
        return float(self.new.value) - float(self.old.value)

    @property
    def label(self) -> str:
        return f"{self.check} {self.side}".rstrip()


Row = tuple[str, str, str, str, str, str, str, Side]  # phase, item, check, side, file, key, wants


def _wants(outcome: Outcome) -> str:
    from mlcycle.judge.metrics import expected_text, tolerance_text

    if outcome.kind == "parity":
        return f"within {tolerance_text(outcome)}"
    return expected_text(outcome)


def _rows(phases: dict[str, list[Item]], files: Files, primary: PrimaryMetric | None
          ) -> dict[tuple[str, ...], Row]:
    from mlcycle.judge.metrics import with_source
    from mlcycle.judge.rules import metric, parity

    out: dict[tuple[str, ...], Row] = {}
    for phase_id, items in phases.items():
        for item in items:
            outcomes = [metric.outcome(files, item, i, c, primary)
                        for i, c in enumerate(item.metrics)]
            outcomes += [parity.outcome(files, item, i, c, primary)
                         for i, c in enumerate(item.parity)]
            for outcome in map(lambda o: with_source(files, o), outcomes):
                label = outcome.label
                if outcome.kind == "metric":
                    assert isinstance(outcome.file, str) and isinstance(outcome.key, str)
                    sides = [("", outcome.file, outcome.key, outcome.observed)]
                else:
                    sides = [("experiment", outcome.file[0], outcome.key[0], outcome.observed),
                             ("production", outcome.file[1], outcome.key[1], outcome.expected)]
                for side, rel, key, value in sides:
                    source = files.sources.get(rel) or ""
                    out[(item.id, label, side)] = (
                        phase_id, item.id, label, side, rel, key, _wants(outcome),
                        Side(value, outcome.verdict, source))
    return out


def _metric_files(phases: dict[str, list[Item]]) -> list[str]:
    from mlcycle.load.model import MetricRef

    rels = {c.file for items in phases.values() for item in items for c in item.metrics}
    rels |= {c.value.file for items in phases.values() for item in items for c in item.metrics
             if isinstance(c.value, MetricRef)}  # a baseline's number
    rels |= {ref.file for items in phases.values() for item in items for c in item.parity
             for ref in (c.experiment, c.production)}
    return sorted(rels)


def _items(snapshot: Snapshot) -> dict[str, list[Item]]:
    return {phase_id: list(phase.items) for phase_id, phase in snapshot.phases.items()}


_NONE = Side(None, "", "")


def _primary(snapshot: Snapshot) -> PrimaryMetric | None:
    """The primary metric each side's checks read: the one that side declares."""
    metrics = snapshot.project.metrics if snapshot.project else None
    return metrics.primary if metrics else None


def compare(base: Base, old: Snapshot, new: Snapshot, root: Path) -> list[Delta]:
    """The values that changed between the base and the working tree."""
    from mlcycle.judge.metrics import Files
    from mlcycle.load import gitbase
    from mlcycle.load.project import evidence_escapes

    old_items, new_items = _items(old), _items(new)
    if not any(i.metrics or i.parity for items in (*old_items.values(), *new_items.values())
               for i in items):
        return []
    after = _rows(new_items, Files(root), _primary(new))
    with tempfile.TemporaryDirectory(prefix="mlcycle-metrics-") as tmp:
        # Only paths inside the project are read, as check reads them (MLC122).
        rels = [r for r in _metric_files(old_items) if not evidence_escapes(root, r)]
        for rel, text in gitbase.show(base, rels).items():
            if isinstance(text, str):
                path = Path(tmp) / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        before = _rows(old_items, Files(Path(tmp)), _primary(old))
    out = []
    for key in [*after, *(k for k in before if k not in after)]:
        row = after.get(key) or before[key]
        was, now = (before[key][7] if key in before else _NONE), \
            (after[key][7] if key in after else _NONE)
        if (was.value, was.verdict) == (now.value, now.verdict):
            continue
        phase, item, check, side, rel, pointer, wants = row[:7]
        out.append(Delta(phase, item, check, side, rel, pointer, wants, was, now))
    return out
