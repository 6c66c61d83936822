"""Metric checks: the numbers an item's definition says its result must have.

An item's ``metrics`` compare one number in a metrics file (JSON, YAML or TOML,
by extension) with a threshold; its ``parity`` compare an experiment's number
with production's within a tolerance. ``evaluate`` runs them for the items it
judges; this module reads the files (each once), resolves keys and compares.

One rule per function, each returning its finding code and message or None:
``_file_problem`` (MLC122), ``_parse`` (MLC123), ``_resolve`` (MLC124),
``_number`` (MLC125, MLC126), ``_threshold`` (MLC121), ``_parity`` (MLC120,
MLC127). A check passes only when its comparison is true, so NaN never passes.
Values are compared raw; rounding is for display only.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mlcycle.errors import MlcycleError
from mlcycle.load.metrickeys import pointer, segments, shown
from mlcycle.load.model import Between, Item, MetricCheck, MetricRef, ParityCheck
from mlcycle.load.project import evidence_escapes
from mlcycle.load.yamlio import PlainNumber, parse_document, plain_number, read_text

Verdict = Literal["pass", "fail", "error"]
Loc = tuple[str | int, ...]
FAILED_CODES = ("MLC120", "MLC121")  # violated; the others: could not be evaluated
MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    """The result of one metric or parity check of one item."""

    kind: Literal["metric", "parity"]
    id: str
    index: int  # position in the item's `metrics` or `parity`
    verdict: Verdict
    observed: int | float | None  # the metric; for parity, the experiment's value
    expected: Any  # a number, {min, max, strict_min, strict_max}, or production's value
    op: str  # the operator; "parity" for parity checks
    difference: float | None  # observed - expected (for between: None)
    tolerance: dict[str, float] | None
    file: str | list[str]  # for parity: [experiment, production]
    key: str | list[str]  # JSON Pointers, likewise
    problems: tuple[tuple[Loc, str, str], ...] = ()  # (loc in the item, code, message)

    @property
    def label(self) -> str:
        return f"{self.kind} '{self.id}'"


class _Failure(Exception):
    """A check that could not be evaluated: its code, message and where it points."""

    def __init__(self, code: str, message: str, loc: Loc = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.loc = loc


# --- numbers for display -----------------------------------------------------


def _rounded(value: float) -> str:
    return f"{value:.3g}"


def _percent(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


# --- reading files -------------------------------------------------------------


class _Constant(float):
    """NaN, Infinity or -Infinity in JSON, remembered as written."""

    text: str

    def __new__(cls, text: str) -> _Constant:
        made = super().__new__(cls, text.replace("Infinity", "inf"))
        made.text = text
        return made


_TOML_AT = re.compile(r"^(?P<msg>.*?) \(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.S)


def _file_problem(root: Path, rel: str) -> tuple[str, str] | None:
    """MLC122: the file is missing or not inside the project."""
    why = evidence_escapes(root, rel)
    if why:
        return "MLC122", f"metrics file {rel!r} {why}; it was not opened"
    if not (root / rel).exists():
        return "MLC122", (f"metrics file {rel!r} does not exist (run the job that writes it, and "
                          "commit the file)")
    return None


def _parse(root: Path, rel: str) -> Any:
    """MLC123: the file's content as data; raises _Failure when unreadable."""
    try:
        text = read_text(root / rel, rel)
    except MlcycleError as exc:
        raise _Failure("MLC123", f"metrics file {rel!r} cannot be read: "
                       f"{exc.problems[0].message}") from None
    try:
        return _parse_text(text, rel)
    except ValueError:
        # Python's int() refuses over 4300 digits (json and tomllib call it);
        # the strict YAML reader reports its own.
        huge = re.search(r"\d{4301,}", text)
        line, col = _line_col(text, huge.start()) if huge else (1, 1)
        raise _Failure("MLC123", f"metrics file {rel}:{line}:{col}: is not valid for mlcycle: "
                       "a number of more than 4300 digits") from None


def _parse_text(text: str, rel: str) -> Any:
    suffix = rel.rsplit(".", 1)[-1]
    if suffix == "json":
        import json

        try:
            return json.loads(text, parse_constant=_Constant, object_pairs_hook=_unique)
        except json.JSONDecodeError as exc:
            raise _Failure("MLC123", f"metrics file {rel}:{exc.lineno}:{exc.colno}: is not valid "
                           f"JSON: {exc.msg}") from None
        except _DuplicateKey as exc:
            line, col = _last_key_at(text, exc.key)
            raise _Failure("MLC123", f"metrics file {rel}:{line}:{col}: is not valid JSON for "
                           f"mlcycle: duplicate key {exc.key!r} (JSON readers differ on which "
                           "value wins)") from None
    if suffix == "toml":
        _tomllib = _toml()
        if _tomllib is None:  # pragma: no cover - the dependency is declared for 3.10
            raise _Failure("MLC123", f"metrics file {rel!r} is TOML, but no TOML reader is "
                           "installed (pip install tomli)")
        try:
            return _tomllib.loads(text)
        except _tomllib.TOMLDecodeError as exc:
            match = _TOML_AT.match(str(exc))
            where, why = (f"{rel}:{match['line']}:{match['col']}", match["msg"]) if match \
                else (rel, str(exc))
            raise _Failure("MLC123", f"metrics file {where}: is not valid TOML: {why}") from None
    try:
        return parse_document(text, rel)[0]
    except MlcycleError as exc:
        problem = exc.problems[0]
        raise _Failure("MLC123", f"metrics file {problem.location}: is not valid YAML: "
                       f"{problem.message}") from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key written twice: Python keeps the last value,
    other readers the first, so the file would say two things at once (as the
    strict YAML reader refuses duplicate keys)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _last_key_at(text: str, key: str) -> tuple[int, int]:
    """Line and column of the last place ``key`` is written as an object key
    (the duplicate is a later one); 1:1 when it is written with escapes."""
    import json

    found = list(re.finditer(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", text))
    return _line_col(text, found[-1].start()) if found else (1, 1)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _toml() -> Any:
    """tomllib (Python 3.11+), else the tomli backport; imported only for a TOML file."""
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10: a conditional dependency
        try:
            import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]
        except ImportError:
            return None
    return tomllib


class Files:
    """Each metrics file read once per check, whatever number of checks cite it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._known: dict[str, Any] = {}

    def data(self, rel: str) -> Any:
        if rel not in self._known:
            try:
                found = _file_problem(self.root, rel)
                if found:
                    raise _Failure(*found)
                self._known[rel] = _parse(self.root, rel)
            except _Failure as failure:
                self._known[rel] = failure
        known = self._known[rel]
        if isinstance(known, _Failure):
            raise known
        return known


# --- one value ---------------------------------------------------------------


def _keys_of(mapping: dict[str, Any]) -> str:
    names = list(mapping)
    listed = ", ".join(repr(n) for n in names[:10]) + (", ..." if len(names) > 10 else "")
    return f"its keys: {listed}" if names else "it is empty"


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, str):
        return "text"
    return "a number" if isinstance(value, int | float) else f"a {type(value).__name__}"


def _resolve(data: Any, parts: list[str | int], rel: str) -> Any:
    """MLC124: the value at ``parts``; the message names the deepest key that exists."""
    node = data
    for depth, part in enumerate(parts):
        if isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
            continue
        if isinstance(node, list):
            index = part if isinstance(part, int) else (
                int(part) if re.fullmatch(r"0|[1-9][0-9]*", part) else None)
            if index is not None and index < len(node):
                node = node[index]
                continue
        if depth == 0:
            head = "the file"
        else:
            head = f"the deepest key that exists is {pointer(parts[:depth])}, which"
        if isinstance(node, dict):
            detail = f"has no key {str(part)!r} ({_keys_of(node)})"
        elif isinstance(node, list):
            detail = f"is a list of {len(node)}, without index {part!r}"
        else:
            detail = f"holds {_kind(node)}, not a mapping or a list"
        raise _Failure("MLC124", f"key {pointer(parts)} is missing from {rel}: {head} {detail}")
    return node


def _number(value: Any, where: str) -> int | float:
    """MLC125 and MLC126: a finite number, or why not."""
    if isinstance(value, PlainNumber):  # a YAML metrics file: the reader keeps the text
        value = plain_number(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = f" {value!r}" if isinstance(value, str) else ""
        raise _Failure("MLC125", f"{where} is {_kind(value)}{text}, not a number")
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)  # differences are computed in floats
        except OverflowError:
            raise _Failure("MLC126", f"{where} is an integer too large for a finite float; a "
                           "check passes only on a finite number") from None
    if isinstance(value, float) and not math.isfinite(value):
        written = value.text if isinstance(value, _Constant) else (
            "NaN" if math.isnan(value) else ("-" if value < 0 else "") + "infinity")
        raise _Failure("MLC126", f"{where} is {written}; a check passes only on a finite number")
    return value


def read_value(files: Files, ref: MetricRef) -> tuple[int | float, str, str]:
    """(value, file, pointer) of one reference; raises _Failure."""
    parts = segments(ref.key)
    data = files.data(ref.file)
    value = _resolve(data, parts, ref.file)
    return _number(value, f"{pointer(parts)} in {ref.file}"), ref.file, pointer(parts)


# --- comparisons -----------------------------------------------------------------

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "==": operator.eq, "!=": operator.ne,
}


def _threshold(check: MetricCheck, value: float) -> str | None:
    """MLC121: None when the comparison holds, else what it should have been."""
    bound = check.value
    if isinstance(bound, Between):
        low = operator.lt if bound.strict_min else operator.le
        high = operator.lt if bound.strict_max else operator.le
        if low(bound.min, value) and high(value, bound.max):
            return None
        return (f"is not within {shown(bound.min)} {'<' if bound.strict_min else '<='} value "
                f"{'<' if bound.strict_max else '<='} {shown(bound.max)}")
    return None if _OPS[check.op](value, bound) else f"is not {check.op} {shown(bound)}"


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
        return "MLC127", (f"{name}: production value is 0 ({sides[1]}), so a relative tolerance "
                          f"(rel {(check.tolerance.rel or 0) * 100:.6g}%) allows no difference at "
                          "all; add an abs tolerance to the check")
    difference = abs(experiment - production)
    if difference <= _allowed(check, production):
        return None
    share = "" if production == 0 else f" ({_percent(difference / abs(production) * 100)}%)"
    return "MLC120", (f"{name}: experiment {shown(experiment)} ({sides[0]}) vs production "
                      f"{shown(production)} ({sides[1]}): |diff| {_rounded(difference)}{share} "
                      f"> {_tolerance_text(check, production)}")


# --- an item's checks ------------------------------------------------------------


def _tolerance_data(check: ParityCheck) -> dict[str, float]:
    return {k: v for k, v in (("abs", check.tolerance.abs), ("rel", check.tolerance.rel))
            if v is not None}


def _metric(files: Files, item: Item, index: int, check: MetricCheck) -> Outcome:
    name = f"item '{item.id}': metric '{check.id}'"
    key = pointer(segments(check.key))
    expected: Any = check.value.model_dump() if isinstance(check.value, Between) else check.value
    base: dict[str, Any] = dict(kind="metric", id=check.id, index=index, expected=expected,
                                op=check.op, tolerance=None, file=check.file, key=key)
    here: Loc = ("metrics", index)
    try:
        value, _, _ = read_value(files, check)
    except _Failure as failure:
        loc = here + (("key",) if failure.code == "MLC124" else ("file",)
                      if failure.code in ("MLC122", "MLC123") else ())
        return Outcome(**base, verdict="error", observed=None, difference=None,
                       problems=((loc, failure.code, f"{name}: {failure.message}"),))
    difference = None if isinstance(check.value, Between) else float(value) - check.value
    wrong = _threshold(check, value)
    if wrong is None:
        return Outcome(**base, verdict="pass", observed=value, difference=difference)
    return Outcome(**base, verdict="fail", observed=value, difference=difference,
                   problems=((here, "MLC121",
                              f"{name}: {shown(value)} ({check.file} {key}) {wrong}"),))


def _parity_check(files: Files, item: Item, index: int, check: ParityCheck) -> Outcome:
    name = f"item '{item.id}': parity '{check.id}'"
    here: Loc = ("parity", index)
    values: dict[str, float] = {}
    problems: list[tuple[Loc, str, str]] = []
    for side in ("experiment", "production"):
        ref: MetricRef = getattr(check, side)
        try:
            values[side] = read_value(files, ref)[0]
        except _Failure as failure:
            sub = ("key",) if failure.code == "MLC124" else ("file",) \
                if failure.code in ("MLC122", "MLC123") else ()
            problems.append(((*here, side, *sub), failure.code,
                             f"{name}: {side}: {failure.message}"))
    refs = (check.experiment, check.production)
    keys = [pointer(segments(r.key)) for r in refs]
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
    return Outcome(**base, verdict="fail" if code == "MLC120" else "error",
                   difference=difference, problems=((here, code, message),))


def expected_text(outcome: Outcome) -> str:
    """What a check wanted, in words, for tables."""
    if outcome.kind == "parity":
        return "—" if outcome.expected is None else f"{shown(outcome.expected)} (production)"
    if isinstance(outcome.expected, dict):
        bound = outcome.expected
        return (f"{shown(bound['min'])} {'<' if bound['strict_min'] else '<='} value "
                f"{'<' if bound['strict_max'] else '<='} {shown(bound['max'])}")
    return f"{outcome.op} {shown(outcome.expected)}"


def tolerance_text(outcome: Outcome) -> str:
    if not outcome.tolerance:
        return ""
    parts = [f"abs {shown(outcome.tolerance['abs'])}"] if "abs" in outcome.tolerance else []
    if "rel" in outcome.tolerance:
        parts.append(f"rel {outcome.tolerance['rel'] * 100:.6g}%")
    return f"max({', '.join(parts)})" if len(parts) == 2 else parts[0]


def difference_text(outcome: Outcome) -> str:
    return "" if outcome.difference is None else f"{outcome.difference:+.3g}"


def run(files: Files, item: Item) -> list[Outcome]:
    """Every metric and parity check of ``item``, in definition order."""
    return [*(_metric(files, item, i, c) for i, c in enumerate(item.metrics)),
            *(_parity_check(files, item, i, c) for i, c in enumerate(item.parity))]
