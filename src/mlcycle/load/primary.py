"""The project's primary metric: the one number the team declared success by
(``metrics: {primary: {name, direction, floor}}`` in mlcycle.yaml).

A playbook's checks may refer to it (``key: {primary: true}``,
``value: {primary: floor}``, the ops ``at-or-beyond`` and ``beyond``), so one
playbook serves every product; this module turns such a check into plain keys
and numbers for the project at hand, parses the ``NAME>=FLOOR`` spec that
``init --primary-metric`` and ``metric set`` take, and finds a project whose
playbook refers to a primary metric it does not declare (MLC045, raised where
such a check is judged: ``judge/metrics.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mlcycle.load.model import ItemDefinition, MetricRef, PrimaryFloor, PrimaryKey, PrimaryMetric

SPEC_HELP = ("NAME>=FLOOR when higher is better (precision_at_50>=0.30), NAME<=FLOOR when "
             "lower is better (mae<=12.5)")
_SPEC = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*)\s*(?P<op>>=|<=)\s*"
                   r"(?P<floor>[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)\s*$")
HOW_TO_DECLARE = ("declare it with `mlcycle metric set 'NAME>=FLOOR'` (or 'NAME<=FLOOR' when "
                  "lower is better)")


def parse_spec(text: str) -> PrimaryMetric | None:
    """``precision_at_50>=0.30`` as a primary metric; None when it is no such spec."""
    match = _SPEC.match(text)
    if match is None or len(match["name"]) > 100:
        return None
    floor = float(match["floor"])
    if floor != floor or floor in (float("inf"), float("-inf")):
        return None
    return PrimaryMetric(name=match["name"],
                         direction="higher" if match["op"] == ">=" else "lower", floor=floor)


def refers(items: Iterable[ItemDefinition]) -> bool:
    """Whether any check of ``items`` reads the project's primary metric."""
    for item in items:
        for check in item.metrics:
            value = check.value
            if isinstance(check.key, PrimaryKey) or check.op in ("at-or-beyond", "beyond") \
                    or isinstance(value, PrimaryFloor) \
                    or isinstance(value, MetricRef) and isinstance(value.key, PrimaryKey):
                return True
        if any(isinstance(side.key, PrimaryKey) for check in item.parity
               for side in (check.experiment, check.production)):
            return True
    return False


def key_parts(key: Any, primary: PrimaryMetric) -> list[str | int]:
    """The segments a ``{primary: ...}`` key stands for in this project."""
    from mlcycle.load.metrickeys import segments

    assert isinstance(key, PrimaryKey)
    if key.primary is True:
        return [primary.name]
    bound = "ci_low" if primary.direction == "higher" else "ci_high"
    return [*segments(key.interval or ""), bound]


def directed_op(op: str, primary: PrimaryMetric) -> str:
    """``at-or-beyond`` and ``beyond`` as the plain operator for the direction."""
    higher = primary.direction == "higher"
    if op == "at-or-beyond":
        return ">=" if higher else "<="
    if op == "beyond":
        return ">" if higher else "<"
    return op


def loosens(before: PrimaryMetric | None, after: PrimaryMetric | None) -> str:
    """Why ``after`` asks less than ``before`` ("" when it does not): dropped, another
    metric or direction, or a floor moved the easy way."""
    if before is None:
        return ""
    if after is None:
        return f"primary metric {before.spec()} removed"
    if (after.name, after.direction) != (before.name, before.direction):
        return f"primary metric changed from {before.spec()} to {after.spec()}"
    easier = after.floor < before.floor if before.direction == "higher" \
        else after.floor > before.floor
    return f"primary metric floor loosened: {before.spec()} -> {after.spec()}" if easier else ""
