"""A loaded YAML file remembered with its text, so that any later rule can
point at the line and column of what it complains about."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from yaml.nodes import Node

from mlcycle import interrupts
from mlcycle.errors import Location, MlcycleError, Problem
from mlcycle.load.validation import validate
from mlcycle.load.yamlio import Marks, load_mapping, locate, node_tree, split_lines

M = TypeVar("M", bound=BaseModel)

Loc = tuple[str | int, ...]


@dataclass
class Source:
    display: str  # the path users see: relative to the project (or the playbook's folder)
    text: str
    marks: Marks = field(default_factory=Marks, repr=False)
    _root: Node | None = field(default=None, repr=False)
    _lines: list[str] | None = field(default=None, repr=False)
    _continued: frozenset[int] | None = field(default=None, repr=False)

    def at(self, loc: Loc) -> Location:
        if (len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int)
                and loc[1] < len(self.marks.items) and "<key>" not in loc):
            found = self._scan(loc[1], loc[2:])
            if found is not None:
                return Location(self.display, found[0] + 1, found[1] + 1)
        # Composing the node tree again costs as much as loading: only when the
        # cheap scan cannot answer (flow style, a missing key, a validation error).
        if self._root is None:
            self._root = node_tree(self.text)
        line, column = locate(self._root, loc)
        return Location(self.display, line, column)

    def problem(self, loc: Loc, code: str, message: str, severity: str = "error") -> Problem:
        return Problem(self.at(loc), code, message, severity)

    def _scan(self, index: int, sub: Loc) -> tuple[int, int] | None:
        """Find ``items[index]`` + ``sub`` in block-style text, starting from the
        item's recorded mark; None when the text is not plain block style there.

        It agrees with the parser or steps aside: lines are split where libyaml
        counts line breaks (CR, CRLF, LF, NEL, LS, PS), and a line that continues
        a quoted scalar or a flow collection is never taken for a key or an entry.
        Only the item's own lines are split (up to the next item's line).
        """
        if self._continued is None:
            self._continued = frozenset(line for first, last in self.marks.continued
                                        for line in range(first + 1, last + 1))
        items = self.marks.items
        line, column = items[index]
        last = index + 1 >= len(items)
        end = None if last else items[index + 1][0]
        lines = self._item_lines(index)
        if lines is None:
            if self._lines is None:
                self._lines = split_lines(self.text)
            lines, first = self._lines, 0
        else:
            first = line  # lines[0] is line ``line`` of the file
        if end is None:
            end = first + len(lines)
        continued = self._continued
        skip = frozenset(n - first for n in range(line, end) if n in continued) \
            if continued else frozenset()
        begin, line = line - first, line - first
        end -= first
        for part in sub:
            if isinstance(part, str):
                found = _find_key(lines, skip, begin, end, column, part)
            else:
                found = _find_entry(lines, skip, begin, end, column, part)
            if found is None:
                return None
            line, column, begin, end = found
        return line + first, column

    def _item_lines(self, index: int) -> list[str] | None:
        """The lines from item ``index``'s first line up to the next item's (or the
        end of the text), split as ``split_lines`` splits the whole text; None when
        the recorded offsets do not fit the text (then the whole text is split)."""
        starts, text = self.marks.starts, self.text
        if len(starts) != len(self.marks.items):
            return None
        start = starts[index]
        stop = starts[index + 1] if index + 1 < len(starts) else len(text)
        # Each offset must be a line's start: 0 or just after a line break.
        for offset in (start, stop):
            if offset in (0, len(text)):
                continue
            if text[offset - 1] not in _BREAK_CHARS or text[offset - 1:offset + 1] == "\r\n":
                return None
        return split_lines(text[start:stop])


_BREAK_CHARS = frozenset("\n\r\x85\u2028\u2029")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _content(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def _value_at(lines: list[str], skip: frozenset[int], line: int, after: int, end: int,
              parent: int) -> tuple[int, int, int, int] | None:
    """Where the value after ``key:`` (or ``- ``) starts, and the block it spans."""
    rest = lines[line][after:]
    inline = rest.lstrip(" ")
    if inline and not inline.startswith("#"):
        if inline[0] in "[{&*!":
            return None  # flow, anchored, aliased or tagged: ask the composer
        return line, after + len(rest) - len(inline), line, line + 1
    block_end = line + 1
    first: tuple[int, int] | None = None
    while block_end < end:
        text = lines[block_end]
        if block_end not in skip and _content(text):
            indent = _indent(text)
            if indent < parent or (indent == parent and not text.lstrip().startswith("- ")):
                break
            if first is None:
                first = (block_end, indent)
        block_end += 1
    if first is None:
        return None
    return first[0], first[1], first[0], block_end


def _find_key(lines: list[str], skip: frozenset[int], begin: int, end: int, column: int,
              key: str) -> tuple[int, int, int, int] | None:
    after = column + len(key) + 1
    for line in range(begin, end):
        text = lines[line]
        if (text[column:after] == key + ":" and text[after:after + 1] in ("", " ")
                and text[:column].strip(" ") in ("", "-") and line not in skip):
            return _value_at(lines, skip, line, after, end, column + 1)
    return None


def _find_entry(lines: list[str], skip: frozenset[int], begin: int, end: int, column: int,
                index: int) -> tuple[int, int, int, int] | None:
    seen = -1
    for line in range(begin, end):
        text = lines[line]
        if (_indent(text) == column and text[column:column + 1] == "-"
                and text[column + 1:column + 2] in ("", " ") and line not in skip):
            seen += 1
            if seen == index:
                found = _value_at(lines, skip, line, column + 2, end, column + 1)
                if found is None or found[2] != line:
                    return found
                # "- id: x" opens a mapping whose other keys follow on deeper
                # lines (a metric check): the entry spans them, not one line.
                block_end = line + 1
                while block_end < end:
                    text = lines[block_end]
                    if block_end not in skip and _content(text) and _indent(text) <= column:
                        break
                    block_end += 1
                return found[0], found[1], line, block_end
    return None


# Below this many bytes of YAML, starting a worker process costs more than it saves.
PARALLEL_BYTES = 8 * 1024 * 1024


def _parse_file(job: tuple[Path, str]) -> Any:
    """The parsed file, or its error as a value (it may cross a process boundary)."""
    try:
        return load_mapping(*job)
    except MlcycleError as exc:
        return exc


# (path, display) -> the parse of that file, under way on another core (see ``prefetching``).
_AHEAD: dict[tuple[Path, str], Any] = {}
# False in a worker that already has a core to itself (a portfolio's): it parses
# every file itself, without summing sizes to decide whether to fork workers.
_AHEAD_ALLOWED = True


def parse_here() -> None:
    """From now on, this process parses every file itself (no workers of its own)."""
    global _AHEAD_ALLOWED
    _AHEAD_ALLOWED = False


def parsing_ahead() -> bool:
    """May large files be parsed on other cores (``prefetching``, ``load_models``)?"""
    return _AHEAD_ALLOWED


@contextmanager
def prefetching(jobs: list[tuple[Path, str]]) -> Iterator[None]:
    """Parse these files on every core, ahead of the loads that will ask for them.

    A project on a team playbook needs the playbook's phase files and its own
    status files, each about as large as the other: started together, the
    workers parse both while this process validates whatever arrived first.
    Below PARALLEL_BYTES (or without fork) this does nothing and each load
    parses its file itself; a load of a file that was not asked for ahead
    parses it itself too, so a miss costs nothing but time.
    """
    # Size first: asking about fork imports multiprocessing (~5 ms of a small check).
    if not _AHEAD_ALLOWED or len(jobs) < 2 or _total_bytes(jobs) <= PARALLEL_BYTES \
            or not _fork_available():
        yield
        return
    import concurrent.futures
    import multiprocessing

    workers = min(len(jobs), os.cpu_count() or 1)
    with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for job in jobs:
            _AHEAD[job] = pool.submit(_parse_file, job)
        try:
            yield
        finally:
            for job in jobs:
                future = _AHEAD.pop(job, None)
                if future is not None:
                    future.cancel()


def _parsed(job: tuple[Path, str]) -> Any:
    future = _AHEAD.pop(job, None)
    return _parse_file(job) if future is None else future.result()


def _validated(model: type[M], job: tuple[Path, str], parsed: Any
               ) -> tuple[M, Source] | MlcycleError:
    if isinstance(parsed, MlcycleError):
        return parsed
    data, text, marks = parsed
    try:
        return validate(model, data, text, job[1], marks), Source(job[1], text, marks)
    except MlcycleError as exc:
        return exc


def load_models(
    model: type[M], jobs: list[tuple[Path, str]]
) -> list[tuple[M, Source] | MlcycleError]:
    """``load_model`` for many files; each result is the model or its error.

    Parsing (libyaml events to data, ~40 us an item) runs on every core when
    the files are large; validation stays here, so no model crosses a process.
    """
    if all(job in _AHEAD for job in jobs):
        return [_validated(model, job, _parsed(job)) for job in jobs]
    if _AHEAD_ALLOWED and len(jobs) > 1 and _total_bytes(jobs) > PARALLEL_BYTES \
            and _fork_available():
        import concurrent.futures
        import multiprocessing

        workers = min(len(jobs), os.cpu_count() or 1)
        with concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork"),
                initializer=interrupts.ignore) as pool:
            # map yields in order as files finish: each is validated while the rest parse.
            return [_validated(model, job, parsed)
                    for job, parsed in zip(jobs, pool.map(_parse_file, jobs), strict=True)]
    return [_validated(model, job, _parse_file(job)) for job in jobs]


def _fork_available() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _total_bytes(jobs: list[tuple[Path, str]]) -> int:
    total = 0
    for path, _ in jobs:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # reported by the loader, with its location
    return total


def load_model(model: type[M], path: Path, display: str) -> tuple[M, Source]:
    """Read, parse and validate one file; raises MlcycleError with every located problem."""
    outcome = _validated(model, (path, display), _parsed((path, display)))
    if isinstance(outcome, MlcycleError):
        raise outcome
    return outcome
