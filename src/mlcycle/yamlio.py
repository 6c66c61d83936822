"""The one strict YAML reader every mlcycle file goes through, and atomic writes.

Why not ``yaml.safe_load``: it keeps the last of two duplicate keys (data
lost), applies YAML 1.1 guessing (``no`` -> False, ``0755`` -> 493, ``1.10`` ->
1.1), expands alias bombs, and crashes the C composer on absurd nesting.

So: libyaml's C parser composes a node tree; our resolver knows only YAML 1.2
core ``true``/``false``, ``null`` and plain decimal integers (everything else is
a string, and pydantic parses dates from strings); our builder refuses tags,
aliases and duplicate keys with the node's own line and column. The node tree
is dropped after building (it costs as much memory as the data); ``locate``
composes it again only when there is an error to point at.
"""

from __future__ import annotations

import gc
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mlcycle.errors import MlcycleError

try:  # libyaml is in every PyYAML wheel; the pure parser is the fallback.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - only on exotic platforms
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
# Below this bound on nesting, the C composer cannot overflow the C stack
# (it does somewhere past 10,000 levels), so the exact scan is skipped.
_DEPTH_SCAN_BOUND = 2000

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
_PLAIN_VALUES: dict[str, Any] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
}  # fmt: skip
_INT_RE = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_INT_START = frozenset("0123456789+-")
# An alias token (`*name`) can only follow these; text with none of them has no
# alias, and the builder skips its per-node bookkeeping.
_ALIAS_HINT = re.compile(r"(?:^|[\s\[{,:?-])\*[^\s,\[\]{}]")


class _Loader(_Parser):  # type: ignore[misc, valid-type]
    """libyaml's parser and composer, with resolving left to ``_Builder``.

    The composer calls these three for every node (~800,000 times for 10,000
    items), so they are C callables that do nothing, not Python functions:
    ``"!".format(...)`` returns "!" whatever its arguments.
    """

    resolve = _UNTAGGED.format
    descend_resolver = slice  # called as (parent, index); result unused
    ascend_resolver = tuple  # called with no argument; result unused


def _error(code: str, message: str, path: str, mark: Any = None) -> MlcycleError:
    if mark is None:
        return MlcycleError.at(code, message, path)
    return MlcycleError.at(code, message, path, mark.line + 1, mark.column + 1)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic trees.

    Loading allocates millions of small objects and none of them form cycles;
    past ~10k items the collector's repeated passes triple the cost.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 file (BOM and CRLF accepted); located errors otherwise."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise _error("MLC001", "not a regular file", display)
        if size > MAX_BYTES:
            raise _error("MLC001", f"file is {size} bytes; the limit is {MAX_BYTES}", display)
        data = path.read_bytes()
    except FileNotFoundError:
        raise _error("MLC001", "file not found", display) from None
    except OSError as exc:
        raise _error("MLC001", f"cannot read file: {exc.strerror or exc}", display) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        raise MlcycleError.at(
            "MLC002", f"invalid UTF-8 byte 0x{data[exc.start]:02x}", display, line, column
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _max_depth_bound(text: str) -> int:
    """A cheap upper bound on nesting: block nesting needs a column per level,
    flow nesting needs a bracket per level."""
    longest = max(map(len, text.splitlines()), default=0)
    return longest + text.count("[") + text.count("{") + 2


def _check_depth(text: str, display: str) -> None:
    if _max_depth_bound(text) <= _DEPTH_SCAN_BOUND:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _error(
                        "MLC005", f"nesting deeper than {MAX_DEPTH} levels",
                        display, event.start_mark,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError:
        return  # the syntax error is reported, with its location, by the real parse


def compose(text: str, display: str) -> Node:
    """Compose the single document of ``text`` into a node tree."""
    _check_depth(text, display)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.problem and "expected a single document" in (exc.context or "") + exc.problem:
            raise _error("MLC006", "several YAML documents in one file; expected one", display,
                         mark) from None
        message = " ".join(filter(None, [exc.problem, exc.context and f"({exc.context})"]))
        raise _error("MLC003", f"YAML syntax error: {message}", display, mark) from None
    except yaml.YAMLError as exc:  # a reader error: unprintable character
        mark = getattr(exc, "position", None)
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        if mark is not None:
            line = text.count("\n", 0, mark) + 1
            column = mark - (text.rfind("\n", 0, mark) + 1) + 1
            raise MlcycleError.at("MLC003", f"YAML syntax error: {reason}", display, line,
                                  column) from None
        raise _error("MLC003", f"YAML syntax error: {reason}", display) from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose:
            dispose()
    if node is None:
        raise _error("MLC006", "file is empty: expected a mapping", display)
    return node


class _Builder:
    """Turn a node tree into plain Python data, refusing what YAML should not do here."""

    def __init__(self, display: str, text: str = "") -> None:
        self.display = display
        self.text = text
        # Aliases share their anchor's node: seeing a node twice means an alias.
        self.seen: set[Node] | None = (
            set() if "*" in text and _ALIAS_HINT.search(text) else None)

    def scalar(self, node: Node) -> Any:
        if self.seen is not None:
            self._visit(node)
        tag = node.tag
        value = node.value
        if tag == _UNTAGGED:
            if not node.style:  # plain ('' from libyaml, None from PyYAML): the only kind resolved
                plain = _PLAIN_VALUES.get(value, _MISSING)
                if plain is not _MISSING:
                    return plain
                if value[:1] in _INT_START and _INT_RE.match(value):
                    return int(value)
            return value
        if tag == _STR:
            return value
        if tag == _NULL and value in _PLAIN_VALUES and _PLAIN_VALUES[value] is None:
            return None
        if tag == _BOOL and isinstance(_PLAIN_VALUES.get(value), bool):
            return _PLAIN_VALUES[value]
        if tag == _INT and _INT_RE.match(value):
            return int(value)
        raise self._bad_tag(node)

    def _visit(self, node: Node) -> None:
        assert self.seen is not None
        if node in self.seen:
            raise self._alias_error(node)
        self.seen.add(node)

    def build(self, node: Node, depth: int = 0) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            return self.scalar(node)
        if self.seen is not None:
            self._visit(node)
        if depth > MAX_DEPTH:
            raise _error("MLC005", f"nesting deeper than {MAX_DEPTH} levels", self.display,
                         node.start_mark)
        if node.tag not in (_UNTAGGED, _SEQ if cls is SequenceNode else _MAP):
            raise self._bad_tag(node)
        if cls is SequenceNode:
            scalar, build = self.scalar, self.build
            return [scalar(child) if child.__class__ is ScalarNode else build(child, depth + 1)
                    for child in node.value]
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise _error("MLC005", "a mapping key must be a plain value", self.display,
                             key_node.start_mark)
            key = self.scalar(key_node)
            if not isinstance(key, str):  # every key of every mlcycle file is text
                raise _error("MLC012", f"a mapping key must be text, not {key_node.value!r} "
                             "(quote it if you mean the text)", self.display,
                             key_node.start_mark)
            if key in result:
                raise self._duplicate(node, key_node, key)
            result[key] = (self.scalar(value_node) if value_node.__class__ is ScalarNode
                           else self.build(value_node, depth + 1))
        return result

    def _duplicate(self, mapping: Node, key_node: Node, key: str) -> MlcycleError:
        first = next(k for k, _ in mapping.value if k.value == key_node.value)
        return _error(
            "MLC004",
            f"duplicate key '{key}' (first defined on line {first.start_mark.line + 1}); "
            "a YAML reader would silently keep only the last one",
            self.display, key_node.start_mark,
        )

    def _alias_error(self, node: Node) -> MlcycleError:
        # The composed tree has lost the alias (it is the anchored node itself):
        # find the first alias in the events to point at it, not at its anchor.
        mark, name = node.start_mark, ""
        try:
            for event in yaml.parse(self.text, Loader=_Loader):
                if isinstance(event, yaml.AliasEvent):
                    mark, name = event.start_mark, f" '*{event.anchor}'"
                    break
        except yaml.YAMLError:  # pragma: no cover - the text was composed already
            pass
        return _error("MLC005", f"alias{name}: anchors and aliases are not supported in "
                      "mlcycle files", self.display, mark)

    def _bad_tag(self, node: Node) -> MlcycleError:
        return _error("MLC005", f"YAML tag '{node.tag}' is not allowed; mlcycle files hold "
                      "only plain mappings, lists, strings, numbers and booleans",
                      self.display, node.start_mark)


def parse_mapping(text: str, display: str) -> dict[str, Any]:
    """Parse ``text`` as one YAML mapping with plain string keys."""
    return parse_document(text, display)[0]


def parse_document(text: str, display: str) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """The mapping of ``text``, and the 0-based (line, column) where each entry of
    its top-level ``items`` list starts: enough to locate findings later without
    composing the file again."""
    node = compose(text, display)
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        raise _error("MLC006", f"expected a mapping at the top of the file, found {kind}",
                     display, node.start_mark)
    data = _Builder(display, text).build(node)
    if not data:
        raise _error("MLC006", "file holds an empty mapping: nothing to read", display,
                     node.start_mark)
    marks = []
    for key_node, value_node in node.value:
        if key_node.value == "items" and isinstance(value_node, SequenceNode):
            marks = [(n.start_mark.line, n.start_mark.column) for n in value_node.value]
    return data, marks


def load_mapping(
    path: Path, display: str
) -> tuple[dict[str, Any], str, list[tuple[int, int]]]:
    """Read and parse a YAML mapping file: the data, the text and the item marks
    (see ``parse_document``)."""
    text = read_text(path, display)
    data, marks = parse_document(text, display)
    return data, text, marks


def node_tree(text: str) -> Node:
    """The node tree of text that ``parse_mapping`` already accepted (for ``locate``)."""
    return _Loader(text).get_single_node()  # type: ignore[no-any-return]


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


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (LF endings) so that readers see the old or the new file, never half."""
    data = text.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
