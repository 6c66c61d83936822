"""An item's state lines, cut out of a status file byte for byte.

``upgrade`` re-renders every item definition from the new playbook but must
keep what people wrote: ``status``, ``owner``, ``evidence``, ``due``,
``notes``, ``waiver``, ``waivers_before``, ``na``, ``automated`` (item state:
``done --automated``), ``reopened`` and the comments on and between those lines. An item of
a block-style status file is a run of lines; each of its keys starts a line at
the item's key column, and everything up to the next key (continuation lines,
nested lists, comments) belongs to that key. The state keys' runs are copied
as they are; the definition keys' runs are replaced.

What is not plain block style (a flow mapping ``- {id: x, ...}``, items whose
keys stand at different columns) cannot be cut like this: ``Layout`` says so,
and the caller refuses with a located error rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlcycle.load.yamlio import LINE_BREAK, Marks

STATE_KEYS = ("status", "owner", "evidence", "due", "notes", "waiver", "waivers_before", "na",
              "automated", "reopened")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]|$)")


class Layout(Exception):  # noqa: N818 - a reason, carried with its 0-based line
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Cut:
    """What ``upgrade`` needs of one status file."""

    column: int  # where every item's keys start
    nl: str  # the file's line break
    states: list[list[str]]  # per item: its state lines (no line breaks), in file order


def lines_of(text: str) -> list[str]:
    return LINE_BREAK.split(text)


def _content(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def cut(text: str, marks: Marks) -> Cut:
    """Every item's state lines. ``marks`` are the reader's for ``text``."""
    lines = lines_of(text)
    nl = "\r\n" if "\r\n" in text else "\n"
    continued = {line for first, last in marks.continued for line in range(first + 1, last + 1)}
    starts = marks.items
    if not starts:
        return Cut(4, nl, [])
    column = starts[0][1]
    states: list[list[str]] = []
    for index, (start, col) in enumerate(starts):
        if col != column:
            raise Layout(start, f"item {index + 1} starts at column {col + 1}, the first at "
                         f"column {column + 1}; align the items' keys")
        end = starts[index + 1][0] if index + 1 < len(starts) else _last_end(
            lines, continued, start, column)
        states.append(_state_lines(lines, continued, start, end, column))
    return Cut(column, nl, states)


def _last_end(lines: list[str], continued: set[int], start: int, column: int) -> int:
    for line in range(start + 1, len(lines)):
        text = lines[line]
        if line not in continued and _content(text) and len(text) - len(text.lstrip(" ")) < column:
            return line
    return len(lines)


def _state_lines(lines: list[str], continued: set[int], start: int, end: int,
                 column: int) -> list[str]:
    keys: list[tuple[int, str]] = []
    for line in range(start, end):
        text = lines[line]
        if line in continued:
            continue
        if line == start:
            head = text[:column]
            if head.strip(" ") not in ("-", "") or not head.rstrip(" ").endswith("-"):
                raise Layout(line, "an item's first key must follow its '- ' on the same line")
        elif not _content(text) or len(text) - len(text.lstrip(" ")) != column \
                or text[column] == "-":
            continue  # deeper lines, comments, blank lines, a list at the key's column
        match = _KEY.match(text, column)
        if match is None:
            raise Layout(line, "not a plain 'key: value' line in block style (a flow mapping "
                         "or a quoted key)")
        keys.append((line, match.group(1)))
    out: list[str] = []
    for position, (line, key) in enumerate(keys):
        if key not in STATE_KEYS:
            continue
        stop = keys[position + 1][0] if position + 1 < len(keys) else end
        block = lines[line:stop]
        if line == start:
            block[0] = " " * column + block[0][column:]
        out.extend(block)
    # The blank lines between items are the file's, not the item's, and so is a
    # comment left of the item's keys (an overlay file's heading of the next
    # overlay phase): kept, it would be written twice.
    while out and (not out[-1].strip() or (
            out[-1].lstrip().startswith("#") and len(out[-1]) - len(out[-1].lstrip()) < column)):
        out.pop()
    return out
