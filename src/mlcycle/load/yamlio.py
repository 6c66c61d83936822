"""The one strict YAML reader every mlcycle file goes through.

Why not ``yaml.safe_load``: it keeps the last of two duplicate keys (data
lost), applies YAML 1.1 guessing (``no`` -> False, ``0755`` -> 493, ``1.10`` ->
1.1), expands alias bombs, and crashes the C composer on absurd nesting.

So: our builder reads libyaml's events in one pass (no node tree, no
recursion) and resolves plain scalars itself with YAML 1.2 core only:
``true``/``false``, ``null`` and plain decimal integers; everything else is a
string, and pydantic parses dates from strings. A plain scalar that YAML 1.2
core (or a common YAML 1.2 reader such as ruamel.yaml) takes for a number
without it being a plain decimal integer (``0.8``, ``1e-3``, ``.inf``,
``1.10``, ``0755``, ``0x1F``, ``1_000``) becomes a ``PlainNumber``: still a
``str``, but one that remembers it was written as a number, so that a field
that wants a number (a metric threshold) accepts it and refuses a quoted
``"0.8"``, and a field that wants text refuses it (``validation``): the same
bytes must mean the same to every tool run beside mlcycle.
It refuses tags, aliases,
duplicate keys and deep nesting with the event's own line and column, and
records where each item starts so findings can be located later by a text
scan. Only a validation error composes a node tree (``locate``).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from mlcycle.codes import MLC001, MLC002, MLC003, MLC004, MLC005, MLC006, MLC012
from mlcycle.errors import MlcycleError


class _PureParser(Reader, Scanner, Parser, Composer):
    """PyYAML's pure-Python parser: slower, but the same on every machine, and
    it reads tokens lazily (see ``parse_document`` for why that matters)."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)


try:  # libyaml is in every PyYAML wheel; the pure parser is the fallback.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - only on exotic platforms
    _Parser = _PureParser  # type: ignore[misc,assignment]


MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_INT_DIGITS = 4300  # Python's default int-conversion limit

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
# The tag our resolver gives every node without an explicit tag. The builder
# resolves plain scalars itself (YAML 1.2 core, no 1.1 guessing).
_UNTAGGED = "!"
_MISSING = object()
# A plain scalar this short is kept as one string per distinct value (statuses,
# role ids, owners, dates repeat on every item): a 100,000-item project holds
# ~2 million of them, and a worker's pickle then carries each once.
_SHARED_TEXT = 24
_PLAIN_VALUES: dict[str, Any] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
}  # fmt: skip
_INT_RE = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_INT_START = frozenset("0123456789+-")


class PlainNumber(str):
    """A plain scalar YAML 1.2 core reads as a float, kept as its text (see above)."""

    __slots__ = ()


# Every plain scalar a YAML 1.2 reader may take for a number, beyond the plain
# decimal integers above: YAML 1.2 core's ints (``0755``, ``0o17``, ``0x1F``)
# and floats (``1.10``, ``.5``, ``1e3``, ``.inf``, ``.nan``), and what common
# 1.2 readers add (ruamel.yaml, check-jsonschema's: ``_`` between digits,
# ``0b101``, a sign before ``0x``). The number fields refuse ``.inf``/``.nan``.
_NUMBER_RE = re.compile(
    r"[-+]?(?:0b_*[01][01_]*|0o_*[0-7][0-7_]*|0x_*[0-9a-fA-F][0-9a-fA-F_]*"
    r"|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|\.(?:inf|Inf|INF))\Z|\.(?:nan|NaN|NAN)\Z")
_FLOAT_START = frozenset("0123456789+-.")


def number_like(text: str) -> bool:
    """True when a YAML 1.2 reader may read the plain scalar ``text`` as a number."""
    return bool(text[:1] in _FLOAT_START and _NUMBER_RE.match(text))


def plain_number(text: str) -> float:
    """The value YAML 1.2 gives a ``PlainNumber`` (``0755`` is 755, ``0x1F`` 31)."""
    body = text.replace("_", "")
    sign = -1.0 if body[:1] == "-" else 1.0
    body = body.lstrip("+-").lower()
    if body in (".inf", ".nan"):
        return sign * float(body[1:])
    base = {"0x": 16, "0o": 8, "0b": 2}.get(body[:2])
    if base is None:
        return sign * float(body)  # a decimal: leading zeros are no octal in YAML 1.2
    try:
        return sign * float(int(body[2:], base))
    except OverflowError:
        return sign * float("inf")
_BLOCK_STYLES = ("|", ">")

# Every line break libyaml counts in its marks (YAML 1.1: also NEL, LS and PS).
# Anything that turns a mark into a line of text must split the same way.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def split_lines(text: str) -> list[str]:
    """``LINE_BREAK.split(text)``; a text whose only breaks are LF (what mlcycle and
    most editors write) is split by ``str.split``, ~6x faster on a large file."""
    if any(other in text for other in _OTHER_BREAKS):
        return LINE_BREAK.split(text)
    return text.split("\n")


@dataclass
class Marks:
    """What the reader noted in its one pass, for locating findings later by a
    text scan instead of composing the file again."""

    # 0-based (line, column) where each entry of the top-level ``items`` starts.
    items: list[tuple[int, int]] = field(default_factory=list)
    # (first, last) 0-based lines of each quoted scalar or flow collection that
    # spans lines: lines first+1..last continue it, so whatever they hold (say
    # ``status: x`` inside a quoted title) is no key, whatever it looks like.
    continued: list[tuple[int, int]] = field(default_factory=list)
    # How many ``PlainNumber`` values the file holds: without any, validation
    # need not look for one in a text field.
    numbers: int = 0
    # The offset in the text of the line each entry of ``items`` starts on, so
    # that locating a finding splits that item's lines only: splitting a whole
    # 100,000-item file into lines costs ~16 MB a file.
    starts: list[int] = field(default_factory=list)


class _Loader(_Parser):
    """libyaml's parser (events, for ``_Builder``) and composer (node trees, for
    ``locate`` only).

    The composer calls these three for every node, so they are C callables that
    do nothing rather than Python functions: ``"!".format(...)`` returns "!"
    whatever its arguments, and ``_Builder`` resolves scalars itself.
    """

    resolve = _UNTAGGED.format
    descend_resolver = slice  # called as (parent, index); result unused
    ascend_resolver = tuple  # called with no argument; result unused


class _PureLoader(_PureParser):
    """The pure parser with the same no-op resolver as ``_Loader``."""

    resolve = _UNTAGGED.format
    descend_resolver = slice
    ascend_resolver = tuple


def _error(code: str, message: str, path: str, mark: Any = None) -> MlcycleError:
    if mark is None:
        return MlcycleError.at(code, message, path)
    return MlcycleError.at(code, message, path, mark.line + 1, mark.column + 1)


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 file (BOM and CRLF accepted); located errors otherwise."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the type is then
        # checked on the opened file itself, so nothing can be swapped in between.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _error(MLC001, "not a regular file", display)
            if info.st_size > MAX_BYTES:
                raise _error(MLC001, f"file is {info.st_size} bytes; the limit is "
                             f"{MAX_BYTES}", display)
            # The size seen and a byte more (asking for MAX_BYTES + 1 at once costs a
            # buffer that large for every small file); a file that grew reads on.
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(MAX_BYTES + 1 - len(data))
        if len(data) > MAX_BYTES:  # it grew while being read
            raise _error(MLC001, f"file is over {MAX_BYTES} bytes; the limit is {MAX_BYTES}",
                         display)
    except IsADirectoryError:
        raise _error(MLC001, "not a regular file", display) from None
    except FileNotFoundError:
        raise _error(MLC001, "file not found", display) from None
    except OSError as exc:
        raise _error(MLC001, f"cannot read file: {exc.strerror or exc}", display) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Lines counted as libyaml counts them (a CR-only file has lines too).
        before = LINE_BREAK.split(data[: exc.start].decode("utf-8", "replace"))
        line, column = len(before), len(before[-1]) + 1
        raise MlcycleError.at(
            MLC002, f"invalid UTF-8 byte 0x{data[exc.start]:02x}", display, line, column
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _syntax_error(exc: yaml.YAMLError, text: str, display: str) -> MlcycleError:
    if isinstance(exc, yaml.MarkedYAMLError):
        message = " ".join(filter(None, [exc.problem, exc.context and f"({exc.context})"]))
        return _error(MLC003, f"YAML syntax error: {message}", display,
                      exc.problem_mark or exc.context_mark)
    # A reader error (an unprintable character) knows only its offset.
    position = getattr(exc, "position", None)
    reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
    if position is None:
        return _error(MLC003, f"YAML syntax error: {reason}", display)
    before = LINE_BREAK.split(text[:position])  # count lines as libyaml does
    line, column = len(before), len(before[-1]) + 1
    return MlcycleError.at(MLC003, f"YAML syntax error: {reason}", display, line, column)


_SCALAR = yaml.ScalarEvent
_MAP_START = yaml.MappingStartEvent
_SEQ_START = yaml.SequenceStartEvent
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_VALUE_STARTS = (_SCALAR, _MAP_START, _SEQ_START)  # an event that starts a value


class _Builder:
    """Build plain Python data straight from libyaml's events, refusing what YAML
    should not do here.

    One pass, no node tree: libyaml's parser keeps its own stack on the heap,
    and so does this loop, so absurd nesting is a located error, never a C
    stack overflow. Aliases, tags and duplicate keys are refused where they stand.
    """

    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.display = display
        self.marks = Marks()
        # The top-level `items` list, once open: its entries' marks are noted.
        self.items_list: list[Any] | None = None

    def error(self, code: str, message: str, event: Any) -> MlcycleError:
        return _error(code, message, self.display, event.start_mark)

    def scalar(self, event: Any) -> Any:
        tag, value = event.tag, event.value
        if tag is None or tag == _UNTAGGED:
            if tag is None and event.implicit[0]:  # plain: the only kind YAML resolves
                plain = _PLAIN_VALUES.get(value, _MISSING)
                if plain is not _MISSING:
                    return plain
                if value[:1] in _INT_START and _INT_RE.match(value):
                    return self.integer(event)
                if value[:1] in _FLOAT_START and _NUMBER_RE.match(value):
                    self.marks.numbers += 1
                    return PlainNumber(value)
            return value
        if tag == _STR:
            return value
        if tag == _NULL and value in _PLAIN_VALUES and _PLAIN_VALUES[value] is None:
            return None
        if tag == _BOOL and isinstance(_PLAIN_VALUES.get(value), bool):
            return _PLAIN_VALUES[value]
        if tag == _INT and _INT_RE.match(value):
            return self.integer(event)
        raise self.bad_tag(event)

    def integer(self, event: Any) -> int:
        digits = len(event.value.lstrip("+-"))
        # Python's own limit (which an environment variable can lift: converting
        # millions of digits takes minutes), kept whatever the interpreter says.
        if digits > MAX_INT_DIGITS:
            raise self.error(MLC012, f"an integer of {digits} digits is too large; no mlcycle "
                             "value is a number that long (quote it if you mean the text)",
                             event)
        return int(event.value)

    def bad_tag(self, event: Any) -> MlcycleError:
        return self.error(MLC005, f"YAML tag '{event.tag}' is not allowed; mlcycle files hold "
                          "only plain mappings, lists, strings, numbers and booleans", event)

    def run(self, get: Any) -> tuple[dict[str, Any], Marks]:
        get()  # StreamStart
        event = get()
        if not isinstance(event, yaml.DocumentStartEvent):
            raise _error(MLC006, "file is empty: expected a mapping", self.display)
        event = get()
        if event.__class__ is not _MAP_START:
            kind = "a list" if event.__class__ is _SEQ_START else "a single value"
            raise self.error(MLC006, f"expected a mapping at the top of the file, found {kind}",
                             event)
        root = event
        data = self.document(get, event)
        get()  # DocumentEnd
        event = get()
        if isinstance(event, yaml.DocumentStartEvent):
            raise self.error(MLC006, "several YAML documents in one file; expected one", event)
        if not data:
            raise self.error(MLC006, "file holds an empty mapping: nothing to read", root)
        return data, self.marks

    def plain_number(self, value: str, event: Any) -> Any:
        """A plain scalar that starts like a number: an int, a number kept as
        written (PlainNumber), or the text itself."""
        if value[:1] in _INT_START and _INT_RE.match(value):
            return int(value) if len(value) <= MAX_INT_DIGITS else self.integer(event)
        if _NUMBER_RE.match(value):
            self.marks.numbers += 1
            return PlainNumber(value)
        return value

    def note_continued(self, event: Any) -> None:
        """A quoted scalar over several lines: its lines are no keys. A block
        scalar's lines are indented deeper than its key, so no scan mistakes them
        for keys (and its end mark is the next line's)."""
        if event.end_mark.line != event.start_mark.line and event.style not in _BLOCK_STYLES:
            self.marks.continued.append((event.start_mark.line, event.end_mark.line))

    def open(self, event: Any, kind: Any, depth: int, key: Any,
             lines: dict[str, Any] | None) -> tuple[Any, dict[str, Any] | None]:
        """A new mapping or sequence, once it is known to be allowed here, with
        the key -> first event table a mapping keeps (None for a sequence). The
        top-level ``items`` list becomes ``items_list``, whose entries' marks are
        noted."""
        if lines is not None and key is _MISSING:
            raise self.error(MLC005, "a mapping key must be a plain value", event)
        if depth + 2 > MAX_DEPTH:  # the top mapping is level 1
            raise self.error(MLC005, f"nesting deeper than {MAX_DEPTH} levels", event)
        if event.tag not in (None, _UNTAGGED, _MAP if kind is _MAP_START else _SEQ):
            raise self.bad_tag(event)
        if kind is _MAP_START:
            return {}, {}
        new: list[Any] = []
        if depth == 0 and key == "items":
            self.items_list = new
        return new, None

    def flow_start(self, event: Any, depth: int) -> tuple[int, int] | None:
        """(depth, line) of an outer flow collection opening here, else None."""
        return (depth, event.start_mark.line) if event.flow_style else None

    def flow_end(self, flow_at: tuple[int, int], depth: int,
                 event: Any) -> tuple[int, int] | None:
        """The open outer flow collection, or None once this event closed it
        (its lines, when more than one, are no keys)."""
        if flow_at[0] != depth:
            return flow_at
        if event.end_mark.line != flow_at[1]:
            self.marks.continued.append((flow_at[1], event.end_mark.line))
        return None

    def document(self, get: Any, root_event: Any) -> dict[str, Any]:
        scalar = self.scalar
        self.marks = Marks()
        self.items_list = None
        item_marks = self.marks.items
        item_starts = self.marks.starts
        flow_at: tuple[int, int] | None = None  # (depth, line) of the open outer flow collection
        marks_of: list[Any] | None = None  # the top-level `items` list, once open
        # Each frame: (container, key waiting for its value, key -> its first event).
        stack: list[tuple[Any, Any, dict[str, Any] | None]] = []
        container: Any = {}
        key: Any = _MISSING
        lines: dict[str, Any] | None = {}
        event = root_event
        if event.tag not in (None, _UNTAGGED, _MAP):
            raise self.bad_tag(event)
        while True:
            event = get()
            kind = event.__class__
            if marks_of is container and kind in _VALUE_STARTS:
                mark = event.start_mark
                item_marks.append((mark.line, mark.column))
                item_starts.append(mark.index - mark.column)  # both count characters
            if kind is _SCALAR:
                if event.tag is None and event.implicit[0]:  # plain: inlined, the hot path
                    value = event.value
                    plain = _PLAIN_VALUES.get(value, _MISSING)
                    if plain is not _MISSING:
                        value = plain
                    elif value[:1] in _FLOAT_START:  # perhaps a number: rare, so not inlined
                        value = self.plain_number(value, event)
                    elif len(value) <= _SHARED_TEXT:
                        value = intern(value)
                else:  # quoted, block or tagged
                    value = scalar(event)
                    if flow_at is None:
                        self.note_continued(event)
            elif kind is _MAP_START or kind is _SEQ_START:
                new, new_lines = self.open(event, kind, len(stack), key, lines)
                marks_of = self.items_list
                if flow_at is None:
                    flow_at = self.flow_start(event, len(stack))
                stack.append((container, key, lines))
                container, key, lines = new, _MISSING, new_lines
                continue
            elif kind in _ENDS:
                value = container
                if not stack:
                    return value  # type: ignore[no-any-return]
                container, key, lines = stack.pop()
                if flow_at is not None:
                    flow_at = self.flow_end(flow_at, len(stack), event)
            elif kind is yaml.AliasEvent:
                raise self.error(MLC005, f"alias '*{event.anchor}': anchors and aliases are "
                                 "not supported in mlcycle files", event)
            else:  # pragma: no cover - libyaml emits nothing else inside a document
                raise self.error(MLC003, f"unexpected YAML event {kind.__name__}", event)
            if lines is None:
                container.append(value)
            elif key is _MISSING:
                if not isinstance(value, str):  # every key of every mlcycle file is text
                    raise self.error(MLC012, f"a mapping key must be text, not "
                                     f"{event.value!r} (quote it if you mean the text)", event)
                if value in container:
                    raise self.error(
                        MLC004, f"duplicate key '{value}' (first defined on line "
                        f"{lines[value].start_mark.line + 1}); a YAML reader would silently "
                        "keep only the last one",
                        event)
                lines[value] = event  # its line is read only for a duplicate
                # One string per distinct key: a 100,000-item project holds a
                # million keys but a few dozen distinct ones (memory, and pickle
                # sends each once when a worker parsed the file).
                key = intern(value)
            else:
                container[key] = value
                key = _MISSING


def parse_mapping(text: str, display: str) -> dict[str, Any]:
    """Parse ``text`` as one YAML mapping with plain string keys."""
    return parse_document(text, display)[0]


def parse_document(text: str, display: str) -> tuple[dict[str, Any], Marks]:
    """The mapping of ``text``, and the marks noted on the way (see ``Marks``):
    enough to locate findings later without composing the file again."""
    loader = _Loader(text)
    try:
        return _Builder(text, display).run(loader.get_event)
    except yaml.YAMLError as exc:
        raise _second_opinion(exc, text, display) from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose:
            dispose()


# Up to this much text before libyaml's error, the pure parser re-reads it (~2.5 s a MiB).
SECOND_OPINION_CHARS = 1024 * 1024


def _second_opinion(exc: yaml.YAMLError, text: str, display: str) -> MlcycleError:
    """The error to report when libyaml refused the text.

    libyaml's scanner reads flow collections ahead of the events it hands us,
    and newer builds (PyYAML 6.0.4 bundles one) cap nesting themselves: for
    ``[[[[...`` it fails at level 1000 before our builder sees level 65. Which
    layer notices must not change the code a user gets, so the pure-Python
    parser, which reads lazily, re-reads the text up to the error through the
    same builder: our own limits speak first, as they would on any build.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    end = mark.index if mark is not None else len(text)
    line_end = text.find("\n", end)
    prefix = text if line_end < 0 else text[: line_end + 1]
    if len(prefix) <= SECOND_OPINION_CHARS:
        try:
            _Builder(prefix, display).run(_PureLoader(prefix).get_event)
        except MlcycleError as ours:
            if ours.problems[0].code != MLC006:  # a cut-off prefix may look empty
                return ours
        except yaml.YAMLError:
            pass  # the same kind of error: libyaml's own words stand
    elif "nesting depth" in str(getattr(exc, "problem", "")):  # pragma: no cover - > 1 MiB
        return _error(MLC005, f"nesting deeper than {MAX_DEPTH} levels", display, mark)
    return _syntax_error(exc, text, display)


def load_mapping(path: Path, display: str) -> tuple[dict[str, Any], str, Marks]:
    """Read and parse a YAML mapping file: the data, the text and the item marks
    (see ``parse_document``)."""
    text = read_text(path, display)
    data, marks = parse_document(text, display)
    return data, text, marks


def node_tree(text: str) -> Node:
    """The node tree of text that ``parse_mapping`` already accepted (for ``locate``)."""
    node = _Loader(text).get_single_node()
    assert node is not None  # parse_document accepted this text: it holds a mapping
    return node


def locate(root: Node, loc: Iterable[str | int]) -> tuple[int, int]:
    """Line and column (1-based) of the node at ``loc`` in ``root``.

    Where the path stops existing (a missing key), the deepest node found is
    used. A trailing ``"<key>"`` points at the last key itself rather than
    its value (for an unknown key).
    """
    node = root
    want_key = False
    parts = list(loc)
    if parts and parts[-1] == "<key>":
        want_key = True
        parts.pop()
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    node = key_node if (last and want_key) else value_node
                    break
            else:
                break
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
    return node.start_mark.line + 1, node.start_mark.column + 1


def locate_many(text: str, locs: Iterable[tuple[str | int, ...]]
                ) -> dict[tuple[str | int, ...], tuple[int, int]]:
    """``locate`` for many paths in one pass over the events of ``text`` (which
    ``parse_document`` accepted), without a node tree, stopping as soon as the
    last of them is passed: validation errors sit mostly at the start of a
    file, and a tree of a large file costs hundreds of MB."""
    requests = []
    needed: set[tuple[Any, ...]] = set()
    children: dict[tuple[Any, ...], set[tuple[Any, ...]]] = {}
    for loc in locs:
        parts = tuple(loc)
        want_key = bool(parts) and parts[-1] == "<key>"
        if want_key:
            parts = parts[:-1]
        requests.append((tuple(loc), parts, want_key))
        for end in range(1, len(parts) + 1):
            needed.add(parts[:end])
            children.setdefault(parts[:end - 1], set()).add(parts[:end])
    marks: dict[tuple[Any, ...], Any] = {}
    key_marks: dict[tuple[Any, ...], Any] = {}

    def settled(path: tuple[Any, ...]) -> None:
        """``path`` needs nothing more; so may its parent then."""
        needed.discard(path)
        parent = path[:-1]
        if (path and parent in needed and parent in marks
                and not any(c in needed for c in children.get(parent, ()))):
            settled(parent)

    def passed(path: tuple[Any, ...]) -> None:
        """Nothing at or under ``path`` comes later."""
        for child in children.get(path, ()):
            if child in needed:
                needed.discard(child)
                passed(child)
        settled(path)

    loader = _Loader(text)
    try:
        get: Any = loader.get_event
        get()  # StreamStart
        get()  # DocumentStart
        marks[()] = get().start_mark
        # Frames: [path, is a mapping, key waiting for its value, next index].
        stack: list[list[Any]] = [[(), True, _MISSING, 0]]
        while needed and stack:
            event = get()
            kind = event.__class__
            top = stack[-1]
            if kind in _ENDS:
                passed(stack.pop()[0])
                if stack:
                    _advance(stack[-1])
                continue
            if top[1] and top[2] is _MISSING:  # a key: plain text, the reader made sure
                top[2] = event.value
                if (*top[0], event.value) in needed:
                    key_marks[(*top[0], event.value)] = event.start_mark
                continue
            path = (*top[0], top[2] if top[1] else top[3])
            if path in needed:
                marks[path] = event.start_mark
                if not any(c in needed for c in children.get(path, ())):
                    settled(path)  # a path asked for itself: its end is not needed
            if kind is _MAP_START or kind is _SEQ_START:
                stack.append([path, kind is _MAP_START, _MISSING, 0])
            else:
                passed(path)
                _advance(top)
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose:
            dispose()
    found = {}
    for loc, parts, want_key in requests:
        if want_key and parts in marks and parts in key_marks:
            mark = key_marks[parts]
        else:
            mark = next(marks[parts[:end]] for end in range(len(parts), -1, -1)
                        if parts[:end] in marks)
        found[loc] = (mark.line + 1, mark.column + 1)
    return found


def _advance(frame: list[Any]) -> None:
    """A value of ``frame`` is complete: a mapping waits for its next key, a list
    counts on."""
    if frame[1]:
        frame[2] = _MISSING
    else:
        frame[3] += 1


def present(data: Any, loc: tuple[str | int, ...]) -> bool:
    """Whether ``loc`` (keys and list indices) leads to a value in ``data``."""
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return False
    return True
