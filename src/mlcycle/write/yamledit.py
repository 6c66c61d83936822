"""Exact span edits on YAML text: change a value, add a key, append to or remove
from a list, and leave every other byte alone.

Why not a round-trip library (ruamel.yaml): it re-emits the whole document
from its own model, so indentation of sequences, the spacing before comments,
flow lists, quoting and line breaks inside long scalars come out in *its* style
(see CHANGELOG.md for the inputs that show it). Here the file is composed once
with the strict reader's composer (each node knows its start and end), the
bytes of the values that change are replaced, and new keys or entries copy the
indentation and style of their siblings. Comments, key order, quoting, blank
lines, flow vs block lists, CRLF, a BOM: all untouched because never rewritten.

Every edit is also applied to a plain-data mirror of the file; ``render``
parses the new text with the strict reader and refuses (a bug of ours) unless
it reads back as exactly that mirror.

What the reader accepts, the editor edits: a value with a tag or an anchor
(``owner: !!null``, ``owner: &a``, ``ds: !!seq [...]``) is replaced together
with them (no alias can name the anchor: the reader refuses aliases), and a
block scalar that keeps its final line breaks (``|+``) keeps them when a key is
added after it. One construct is refused, located (MLC034): an explicit key
(``? owner``) on the way to what changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mlcycle.codes import MLC034
from mlcycle.errors import MlcycleError
from mlcycle.load.yamlio import Marks, node_tree, parse_document, parse_mapping, present
from mlcycle.write.scalars import scalar

BOM = b"\xef\xbb\xbf"
Path_ = tuple[str | int, ...]
# Line breaks other than LF and CRLF (YAML 1.1 counts these too): line and column
# marks would no longer match our line table, so such a file is not edited.
_ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    text: str
    order: int


class EditError(RuntimeError):
    """An edit the engine cannot make, or a result that does not read back: a bug."""


class YamlText:
    """One YAML file being edited."""

    def __init__(self, raw: bytes, display: str) -> None:
        self.display = display
        self.bom = raw.startswith(BOM)
        text = raw.decode("utf-8")
        self.text = text[1:] if self.bom else text
        odd = _ODD_BREAKS.search(self.text)
        if odd:
            line = self.text.count("\n", 0, odd.start()) + 1
            raise MlcycleError.at(MLC034, "holds a line break other than LF or CRLF "
                                  f"(U+{ord(odd.group()):04X}); mlcycle edits only LF or CRLF "
                                  "files: convert it, then retry", display, line, 1)
        self.nl = "\r\n" if "\r\n" in self.text else "\n"
        self.data = parse_mapping(self.text, display)
        # The mirror shares the parsed data and copies a container only on the way
        # to a change (a deep copy of a large file would cost more than the edit).
        self.expected: dict[str, Any] = dict(self.data)
        self._copied: set[int] = {id(self.expected)}
        self.reread: tuple[dict[str, Any], Marks] | None = None
        self.root = node_tree(self.text)
        self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        self._splices: list[_Splice] = []
        self._steps: tuple[int, int] | None = None
        self._rendered: tuple[int, bytes] | None = None
        self._filled: set[int] = set()  # empty flow collections that got entries

    # --- positions -----------------------------------------------------------

    def _off(self, mark: Any) -> int:
        return int(self._starts[mark.line] + mark.column)

    def _eol(self, offset: int) -> int:
        """Offset of the line break ending the line at ``offset`` (before any CR)."""
        end = self.text.find("\n", offset)
        if end < 0:
            return len(self.text)
        return end - 1 if end > 0 and self.text[end - 1] == "\r" else end

    def _after_line(self, offset: int) -> int:
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end + 1

    def _line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def _content_end(self, node: Node) -> int:
        """Where the last character of ``node``'s content is (block collections end
        at the next token, after blank lines and comments: not that)."""
        while isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style \
                and node.value:
            last = node.value[-1]
            node = last[1] if isinstance(node, MappingNode) else last
        end = self._off(node.end_mark)
        start = self._off(node.start_mark)
        while end > start and self.text[end - 1] in " \t\r\n":
            end -= 1
        return end

    def _content_start(self, node: Node) -> int:
        """Where ``node``'s content starts: after its tag and anchor (its start mark is
        theirs) and the blanks, line breaks and comments after them."""
        at = self._off(node.start_mark)
        end = self._off(node.end_mark)
        while at < end and self.text[at] in "!&":
            while at < end and self.text[at] not in " \t\r\n":
                at += 1
            while at < end and self.text[at] in " \t\r\n#":
                if self.text[at] == "#":
                    at = self._eol(at)
                else:
                    at += 1
        return at

    def _has_properties(self, node: Node) -> bool:
        return self.text[self._off(node.start_mark):self._off(node.start_mark) + 1] in ("!", "&")

    def _line_after(self, node: Node) -> int:
        """Where a line can be inserted after ``node``'s block content: after its last
        line, or, when it ends in a block scalar that keeps its line breaks (``|+``),
        after those too (they are part of its value)."""
        last = node
        while isinstance(last, (MappingNode, SequenceNode)) and not last.flow_style \
                and last.value:
            tail = last.value[-1]
            last = tail[1] if isinstance(last, MappingNode) else tail
        if isinstance(last, ScalarNode) and last.style in ("|", ">"):
            start = self._content_start(last)
            header = self.text[start:self._eol(start)].split("#")[0]
            if "+" in header:
                end = self._off(last.end_mark)
                line = self._line_start(end)
                return line if not self.text[line:end].strip(" ") else self._after_line(end)
        return self._after_line(self._content_end(node))

    def _explicit(self, key: Node) -> int | None:
        """The offset of the '?' when ``key`` is an explicit key: on the key's line
        (``? owner``), or alone on the line before it (``?`` then ``owner``)."""
        start = self._off(key.start_mark)
        line = self._line_start(start)
        before = self.text[line:start].rstrip(" \t")
        if before.endswith("?"):
            return line + len(before) - 1
        if before.strip(" \t") or line == 0:
            return None
        above = self._line_start(line - 1)
        text = self.text[above:line].rstrip(" \t\r\n")
        return above + len(text) - 1 if text.lstrip(" \t-") == "?" else None

    def _plain_key(self, key: Node) -> None:
        """Refuse (MLC034, located) an explicit key (``? owner``): the editor finds a
        value by its ``key: value`` line."""
        mark = self._explicit(key)
        if mark is not None:
            name = key.value if isinstance(key.value, str) else "..."
            line = self.text.count("\n", 0, mark)
            raise MlcycleError.at(
                MLC034, f"'{name}' is written as an explicit key ('? {name}'); mlcycle "
                f"does not edit those: write it as '{name}: value' on one line, then retry",
                self.display, line + 1, mark - self._line_start(mark) + 1)

    def _colon_end(self, key: Node) -> int:
        at = self._off(key.end_mark)
        while self.text[at] in " \t":
            at += 1
        if self.text[at] != ":":
            raise EditError(f"{self.display}: no ':' after key '{key.value}'")
        return at + 1

    def _steps_of(self) -> tuple[int, int]:
        """(mapping indent step, sequence dash offset) used in this file, from the
        first nested block mapping / sequence found; 2 and 2 when there is none."""
        if self._steps is not None:
            return self._steps
        step = dash = None
        todo: list[Node] = [self.root]
        while todo and (step is None or dash is None):
            node = todo.pop(0)
            if isinstance(node, MappingNode) and not node.flow_style:
                for key, value in node.value:
                    if not isinstance(key, ScalarNode) or self._explicit(key) is not None:
                        continue
                    if isinstance(value, MappingNode) and not value.flow_style and value.value:
                        step = step if step is not None else (
                            value.value[0][0].start_mark.column - key.start_mark.column)
                    if isinstance(value, SequenceNode) and not value.flow_style and value.value:
                        start = self._content_start(value)
                        dash = dash if dash is not None else (
                            start - self._line_start(start) - key.start_mark.column)
                    todo.append(value)
            elif isinstance(node, SequenceNode):
                todo.extend(node.value)
        self._steps = (step if step and step > 0 else 2, dash if dash is not None else 2)
        return self._steps

    # --- lookup --------------------------------------------------------------

    def _find(self, path: Path_) -> tuple[Node, Node | None]:
        """(node at path, its key node when it is a mapping value)."""
        node: Node = self.root
        key_node: Node | None = None
        for part in path:
            if isinstance(node, MappingNode):
                for k, v in node.value:
                    if k.value == part:
                        self._plain_key(k)
                        node, key_node = v, k
                        break
                else:
                    raise EditError(f"{self.display}: no key {part!r} at {path}")
            elif isinstance(node, SequenceNode) and isinstance(part, int):
                node, key_node = node.value[part], None
            else:
                raise EditError(f"{self.display}: cannot follow {path}")
        return node, key_node

    def has(self, path: Path_) -> bool:
        return present(self.expected, path)

    def _mirror(self, path: Path_) -> Any:
        """The mirror's container at ``path``, copied (with every container on the way)
        so that changing it leaves the parsed original alone."""
        data: Any = self.expected
        for part in path:
            child = data[part]
            if id(child) not in self._copied and isinstance(child, (dict, list)):
                child = dict(child) if isinstance(child, dict) else list(child)
                self._copied.add(id(child))
                data[part] = child
            data = child
        return data

    def _splice(self, start: int, end: int, text: str) -> None:
        self._splices.append(_Splice(start, end, text, len(self._splices)))

    # --- edits ---------------------------------------------------------------

    def set(self, path: Path_, value: Any) -> None:
        """Set the value at ``path`` (its key exists); add the key when it does not."""
        if not self.has(path):
            self.add_key(path[:-1], str(path[-1]), value)
            return
        node, key = self._find(path)
        self._mirror(path[:-1])[path[-1]] = _plain_data(value)
        if isinstance(node, ScalarNode) and node.value == "" and not node.style \
                and key is not None and not isinstance(value, (dict, list)) \
                and not self._has_properties(node):
            self._splice(self._colon_end(key), self._colon_end(key), " " + scalar(value))
            return
        if isinstance(node, ScalarNode) and not isinstance(value, (dict, list)):
            style = node.style if node.style in ("'", '"') else None
            self._splice(self._off(node.start_mark), self._content_end(node),
                         scalar(value, style))
            return
        if isinstance(node, ScalarNode) and node.value == "" and key is not None:
            # `waiver:` (null) becoming a mapping or a list: block lines after the key's line
            colon = self._colon_end(key)
            if self._has_properties(node):  # `waiver: !!null`: the tag goes with the null
                self._splice(colon, self._off(node.end_mark), "")
            eol = self._eol(colon)
            lines = self._block_value(value, key.start_mark.column)
            self._splice(eol, eol, self.nl + lines.removesuffix(self.nl))
            return
        raise EditError(f"{self.display}: cannot replace the collection at {path}")

    def add_key(self, path: Path_, key: str, value: Any) -> None:
        """Add ``key: value`` at the end of the mapping at ``path``."""
        mapping, map_key = self._find(path)
        if not isinstance(mapping, MappingNode):
            if isinstance(mapping, ScalarNode) and mapping.value == "" and map_key is not None:
                self.set(path, {key: value})
                return
            raise EditError(f"{self.display}: {path} is not a mapping")
        self._mirror(path)[key] = _plain_data(value)
        if mapping.flow_style:
            self._flow_insert(mapping, [f"{scalar(key)}: {_flow(value)}"])
            return
        self._plain_key(mapping.value[0][0])  # its column is where the new key goes
        column = mapping.value[0][0].start_mark.column
        at = self._line_after(mapping)
        lead = self.nl if at == len(self.text) and not self.text.endswith("\n") else ""
        self._splice(at, at, lead + self._entry(key, value, column))

    def append(self, path: Path_, values: list[Any], block: bool = False) -> None:
        """Append ``values`` to the list at ``path`` (created when the key is absent).
        ``block``: an empty ``key: []`` of a block mapping becomes a block list, one
        entry per line (the exact inverse of ``remove`` emptying one)."""
        if not values:
            return
        if not self.has(path):
            self.add_key(path[:-1], str(path[-1]), values)
            return
        node, key = self._find(path)
        if isinstance(node, ScalarNode) and node.value == "" and not node.style:
            self.set(path, values)
            return
        if not isinstance(node, SequenceNode):
            raise EditError(f"{self.display}: {path} is not a list")
        if block and node.flow_style and not node.value and key is not None \
                and self._eol(self._colon_end(key)) >= self._off(node.end_mark):
            self._mirror(path).extend(_plain_data(v) for v in values)
            colon = self._colon_end(key)
            self._splice(colon, self._off(node.end_mark), "")  # " []" goes, a comment stays
            eol = self._eol(colon)
            lines = self._block_value(values, key.start_mark.column)
            self._splice(eol, eol, self.nl + lines.removesuffix(self.nl))
            return
        self._mirror(path).extend(_plain_data(v) for v in values)
        if node.flow_style:
            self._flow_insert(node, [_flow(value) for value in values])
            return
        last = node.value[-1]
        first = self._content_start(node)  # the first '-', after any tag or anchor
        dash = first - self._line_start(first)
        gap = max(1, last.start_mark.column - dash - 1)
        at = self._line_after(node)
        lead = self.nl if at == len(self.text) and not self.text.endswith("\n") else ""
        text = "".join(self._seq_entry(v, dash, gap, last) for v in values)
        self._splice(at, at, lead + text)

    def remove_key(self, path: Path_, key: str) -> None:
        """Remove ``key: value`` from the block mapping at ``path`` (one that keeps
        other keys): its lines, its value's and a comment on them."""
        mapping, _ = self._find(path)
        if not isinstance(mapping, MappingNode) or mapping.flow_style \
                or len(mapping.value) < 2:
            raise EditError(f"{self.display}: {path} is not a block mapping with other keys")
        found = [(k, v) for k, v in mapping.value if k.value == key]
        if not found:
            raise EditError(f"{self.display}: no key {key!r} at {path}")
        k, v = found[0]
        del self._mirror(path)[key]
        start = self._line_start(self._off(k.start_mark))
        self._splice(start, self._after_line(self._content_end(v)), "")

    def remove(self, path: Path_, index: int) -> None:
        """Remove entry ``index`` of the list at ``path``; the last one leaves ``[]``."""
        node, key = self._find(path)
        if not isinstance(node, SequenceNode):
            raise EditError(f"{self.display}: {path} is not a list")
        del self._mirror(path)[index]
        entries = node.value
        if node.flow_style:
            start, end = self._content_start(node), self._off(node.end_mark)
            if len(entries) == 1:
                self._splice(start + 1, end - 1, "")
            elif index + 1 < len(entries):
                self._splice(self._off(entries[index].start_mark),
                             self._off(entries[index + 1].start_mark), "")
            else:
                self._splice(self._content_end(entries[index - 1]),
                             self._content_end(entries[index]), "")
            return
        if len(entries) == 1:
            if key is None:
                raise EditError(f"{self.display}: cannot empty a list that has no key")
            colon = self._colon_end(key)
            key_eol = self._eol(colon)
            rest = self.text[colon:key_eol]
            comment = rest if rest.strip().startswith("#") else ""
            self._splice(colon, key_eol, " []" + comment)
            start = self._line_start(self._off(entries[0].start_mark))
            self._splice(start, self._after_line(self._content_end(entries[0])), "")
            return
        entry = entries[index]
        start = self._line_start(self._off(entry.start_mark))
        self._splice(start, self._after_line(self._content_end(entry)), "")

    # --- rendering new text --------------------------------------------------

    def _entry(self, key: str, value: Any, column: int) -> str:
        """``key: value`` as block lines at ``column``, each ending in the file's newline."""
        pad = " " * column
        if isinstance(value, (dict, list)) and value:
            return f"{pad}{scalar(key)}:{self.nl}" + self._block_value(value, column)
        return f"{pad}{scalar(key)}: {_flow(value)}{self.nl}"

    def _block_value(self, value: Any, column: int) -> str:
        step, dash = self._steps_of()
        if isinstance(value, dict):
            return "".join(self._entry(k, v, column + step) for k, v in value.items())
        return "".join(self._seq_entry(v, column + dash, 1, None) for v in value)

    def _seq_entry(self, value: Any, dash: int, gap: int, sibling: Node | None) -> str:
        head = " " * dash + "-" + " " * gap
        if isinstance(value, dict) and value and not (
                isinstance(sibling, MappingNode) and sibling.flow_style):
            first, *rest = value.items()
            column = dash + 1 + gap
            text = head + self._entry(first[0], first[1], column).lstrip(" ")
            return text + "".join(self._entry(k, v, column) for k, v in rest)
        return head + _flow(value) + self.nl

    def _flow_insert(self, node: Node, texts: list[str]) -> None:
        """Add entries at the end of a flow collection, separated as its own are."""
        entries = node.value
        close = self._off(node.end_mark) - 1
        if self.text[close] not in "]}":
            raise EditError(f"{self.display}: flow collection does not end in ] or }}")
        if not entries:  # a second insert into the same empty one needs a comma too
            lead = ", " if id(node) in self._filled else ""
            self._filled.add(id(node))
            self._splice(close, close, lead + ", ".join(texts))
            return
        if len(entries) >= 2:
            prev = entries[-2][1] if isinstance(node, MappingNode) else entries[-2]
            last = entries[-1][0] if isinstance(node, MappingNode) else entries[-1]
            sep = self.text[self._content_end(prev):self._off(last.start_mark)]
            if "#" in sep or not sep.strip() == ",":
                sep = ", "
        else:
            sep = ", "
        last_node = entries[-1][1] if isinstance(node, MappingNode) else entries[-1]
        at = self._content_end(last_node)
        self._splice(at, at, "".join(sep + text for text in texts))

    def render(self) -> bytes:
        """The edited file's bytes; refuses (EditError) unless they read back as the
        data the edits meant."""
        if self._rendered is not None and self._rendered[0] == len(self._splices):
            return self._rendered[1]
        text = self.text
        splices = sorted(self._splices, key=lambda s: (s.start, s.end, s.order))
        for before, after in zip(splices, splices[1:], strict=False):
            if after.start < before.end:
                raise EditError(f"{self.display}: overlapping edits")
        for splice in reversed(splices):
            text = text[:splice.start] + splice.text + text[splice.end:]
        try:
            self.reread = parse_document(text, self.display)
        except MlcycleError as exc:
            raise EditError(f"{self.display}: the edited text does not parse: {exc}") from None
        if self.reread[0] != self.expected:
            raise EditError(f"{self.display}: the edited text does not read back as intended")
        data = (BOM if self.bom else b"") + text.encode("utf-8")
        self._rendered = (len(self._splices), data)
        return data

    @property
    def changed(self) -> bool:
        return bool(self._splices)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)


def _plain_data(value: Any) -> Any:
    """What the strict reader will give back for ``value`` (Verbatim dates are text)."""
    if isinstance(value, dict):
        return {str(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
