"""Metric checks: the numbers an item's definition says its result must have.

An item's ``metrics`` compare one number in a metrics file (JSON, YAML or TOML,
by extension) with a threshold; its ``parity`` compare an experiment's number
with production's within a tolerance. ``evaluate`` runs them for the items it
judges; this module reads the files (each once) and resolves keys.

The rules that compare live in ``judge/rules/metric.py`` (MLC121) and
``judge/rules/parity.py`` (MLC120, MLC127); this module reads for both, one
function per reason a value cannot be had, each raising ``Failure``:
``_file_problem`` (MLC122), ``_parse`` (MLC123), ``_resolve`` (MLC124),
``_number`` (MLC125, MLC126). Values are compared raw; rounding is for display
only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from mlcycle.codes import MLC045, MLC122, MLC123, MLC124, MLC125, MLC126
from mlcycle.errors import MlcycleError
from mlcycle.judge import provenance
from mlcycle.load.metrickeys import pointer, segments, shown
from mlcycle.load.model import MetricRef, PrimaryKey, PrimaryMetric
from mlcycle.load.primary import HOW_TO_DECLARE, key_parts
from mlcycle.load.project import evidence_escapes
from mlcycle.load.yamlio import PlainNumber, parse_document, plain_number, read_text

Verdict = Literal["pass", "fail", "error"]
Loc = tuple[str | int, ...]
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


class Failure(Exception):
    """A check that could not be evaluated: its code, message and where it points."""

    def __init__(self, code: str, message: str, loc: Loc = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.loc = loc


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
        return MLC122, f"metrics file {rel!r} {why}; it was not opened"
    if not (root / rel).exists():
        return MLC122, (f"metrics file {rel!r} does not exist (run the job that writes it, and "
                          "commit the file)")
    return None


def _parse(root: Path, rel: str) -> Any:
    """MLC123: the file's content as data; raises Failure when unreadable."""
    try:
        text = read_text(root / rel, rel)
    except MlcycleError as exc:
        raise Failure(MLC123, f"metrics file {rel!r} cannot be read: "
                       f"{exc.problems[0].message}") from None
    try:
        return _parse_text(text, rel)
    except ValueError:
        # Python's int() refuses over 4300 digits (json and tomllib call it);
        # the strict YAML reader reports its own.
        huge = re.search(r"\d{4301,}", text)
        line, col = _line_col(text, huge.start()) if huge else (1, 1)
        raise Failure(MLC123, f"metrics file {rel}:{line}:{col}: is not valid for mlcycle: "
                       "a number of more than 4300 digits") from None


def _parse_text(text: str, rel: str) -> Any:
    suffix = rel.rsplit(".", 1)[-1]
    if suffix == "json":
        import json

        try:
            return json.loads(text, parse_constant=_Constant, object_pairs_hook=_unique)
        except json.JSONDecodeError as exc:
            raise Failure(MLC123, f"metrics file {rel}:{exc.lineno}:{exc.colno}: is not valid "
                           f"JSON: {exc.msg}") from None
        except _DuplicateKey as exc:
            line, col = _last_key_at(text, exc.key)
            raise Failure(MLC123, f"metrics file {rel}:{line}:{col}: is not valid JSON for "
                           f"mlcycle: duplicate key {exc.key!r} (JSON readers differ on which "
                           "value wins)") from None
    if suffix == "toml":
        _tomllib = _toml()
        if _tomllib is None:  # pragma: no cover - the dependency is declared for 3.10
            raise Failure(MLC123, f"metrics file {rel!r} is TOML, but no TOML reader is "
                           "installed (pip install tomli)")
        try:
            return _tomllib.loads(text)
        except _tomllib.TOMLDecodeError as exc:
            match = _TOML_AT.match(str(exc))
            where, why = (f"{rel}:{match['line']}:{match['col']}", match["msg"]) if match \
                else (rel, str(exc))
            raise Failure(MLC123, f"metrics file {where}: is not valid TOML: {why}") from None
    try:
        return parse_document(text, rel)[0]
    except MlcycleError as exc:
        problem = exc.problems[0]
        raise Failure(MLC123, f"metrics file {problem.location}: is not valid YAML: "
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
        self.sources: dict[str, str | None] = {}  # a pulled file's provenance note

    def data(self, rel: str) -> Any:
        if rel not in self._known:
            try:
                found = _file_problem(self.root, rel)
                if found:
                    raise Failure(*found)
                self._known[rel], self.sources[rel] = provenance.split(_parse(self.root, rel))
            except Failure as failure:
                self._known[rel] = failure
        known = self._known[rel]
        if isinstance(known, Failure):
            raise known
        return known


# --- where a key is written -------------------------------------------------------


def key_line(root: Path, rel: str, pointer_text: str) -> tuple[int, int] | None:
    """The line and column of a JSON Pointer's last key in a metrics file (JSON, YAML or
    TOML), for an annotation next to the number; None when the file cannot be
    read or a key is not found as written. A text scan, key after key from where
    the previous one was found (``"auc":``, ``auc:``, ``[latency]``,
    ``p99_ms =``); a list index keeps the line of the key holding the list."""
    try:
        text = (root / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    at, found = 0, None
    for part in segments(pointer_text):
        if isinstance(part, int) or re.fullmatch(r"0|[1-9][0-9]*", part):
            continue
        match = re.compile(r"(?<![\w-])[\"']?" + re.escape(part)
                           + r"[\"']?[ \t]*(?::|=|\]|\.)").search(text, at)
        if match is None:
            return None
        found, at = match.start(), match.end()
    return None if found is None else _line_col(text, found)


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
        raise Failure(MLC124, f"key {pointer(parts)} is missing from {rel}: {head} {detail}")
    return node


def _number(value: Any, where: str) -> int | float:
    """MLC125 and MLC126: a finite number, or why not."""
    if isinstance(value, PlainNumber):  # a YAML metrics file: the reader keeps the text
        value = plain_number(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = f" {value!r}" if isinstance(value, str) else ""
        raise Failure(MLC125, f"{where} is {_kind(value)}{text}, not a number")
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)  # differences are computed in floats
        except OverflowError:
            raise Failure(MLC126, f"{where} is an integer too large for a finite float; a "
                           "check passes only on a finite number") from None
    if isinstance(value, float) and not math.isfinite(value):
        written = value.text if isinstance(value, _Constant) else (
            "NaN" if math.isnan(value) else ("-" if value < 0 else "") + "infinity")
        raise Failure(MLC126, f"{where} is {written}; a check passes only on a finite number")
    return value


def failure_loc(code: str) -> Loc:
    """Where in a check a value that could not be read points: its key or its file."""
    return ("key",) if code == MLC124 else ("file",) if code in (MLC122, MLC123) else ()


def parts_of(key: Any, primary: PrimaryMetric | None) -> list[str | int]:
    """A key's segments; ``{primary: ...}`` as this project's primary metric names it
    (Failure MLC045 when it declares none: the loader reported it already)."""
    if isinstance(key, PrimaryKey):
        if primary is None:
            raise Failure(MLC045, f"refers to the project's primary metric, but mlcycle.yaml "
                          f"declares none; {HOW_TO_DECLARE}", ("key",))
        return key_parts(key, primary)
    return segments(key)


def key_text(key: Any, primary: PrimaryMetric | None) -> str:
    """A key as a JSON Pointer for tables; an undeclared primary one as written."""
    try:
        return pointer(parts_of(key, primary))
    except Failure:
        return "{primary: " + ("true" if key.primary is True else str(key.primary)) + "}"


def read_value(files: Files, ref: MetricRef, primary: PrimaryMetric | None = None
               ) -> tuple[int | float, str, str]:
    """(value, file, pointer) of one reference; raises Failure."""
    parts = parts_of(ref.key, primary)
    data = files.data(ref.file)
    value = _resolve(data, parts, ref.file)
    return _number(value, f"{pointer(parts)} in {ref.file}"), ref.file, pointer(parts)


def expected_text(outcome: Outcome) -> str:
    """What a check wanted, in words, for tables."""
    if outcome.kind == "parity":
        return "—" if outcome.expected is None else f"{shown(outcome.expected)} (production)"
    if isinstance(outcome.expected, dict):
        bound = outcome.expected
        return (f"{shown(bound['min'])} {'<' if bound['strict_min'] else '<='} value "
                f"{'<' if bound['strict_max'] else '<='} {shown(bound['max'])}")
    if outcome.expected is None:  # not judged (e.g. no primary metric declared: MLC045)
        return "—"
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


def with_source(files: Files, outcome: Outcome) -> Outcome:
    """A finding on numbers pulled from a tracker says where they came from."""
    cited = [outcome.file] if isinstance(outcome.file, str) else list(dict.fromkeys(outcome.file))
    notes = [(rel, files.sources[rel]) for rel in cited if files.sources.get(rel)]
    if not notes or not outcome.problems:
        return outcome
    said = notes[0][1] if len(cited) == 1 else "; ".join(f"{r} from {n}" for r, n in notes)
    return replace(outcome, problems=tuple((loc, code, f"{message} ({said})")
                                          for loc, code, message in outcome.problems))
