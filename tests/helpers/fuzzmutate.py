"""Mutations of a valid project's YAML files, drawn by hypothesis.

Each mutation changes one file of a base project and says whether it is known
to make the project invalid (a required key deleted, a key renamed to one no
model knows, a duplicated key, a mapping where a scalar or list stood, bytes
that are not UTF-8): those must give `validate` exit 2. The others (truncation,
random bytes, huge strings, deep nesting, line endings, a BOM) may or may not
leave a valid project; validate's verdict is then the oracle for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from hypothesis import strategies as st

# Keys no model may lack, by where they stand (an int is any list index).
_REQUIRED = {
    "mlcycle.yaml": {("format",), ("name",), ("slug",), ("playbook",), ("current_phase",),
                     ("playbook", "name"), ("playbook", "version"),
                     ("history", 0, "date"), ("history", 0, "event"), ("history", 0, "to")},
    "status": {("phase",), ("items",), ("items", 0, "id"), ("items", 0, "title"),
               ("items", 0, "raci"), ("items", 0, "raci", "accountable")},
}
# Mappings whose keys are names the user picks (a role), not a model's fields.
_FREE_KEYS = {("team",)}


@dataclass(frozen=True)
class Entry:
    path: tuple[str | int, ...]
    key_start: int  # character offsets into the file's text
    key_end: int
    line_start: int  # start of the key's line
    entry_end: int  # end of the value's last line (after its line break)
    own_line: bool  # only blanks (or "- ") before the key on its line
    dash: bool  # the key follows "- " (the first key of a list item)
    value_start: int
    value_end: int
    value_kind: str  # "null", "scalar" (on one line), "flow-seq" (on one line), "other"
    block_map: bool  # the mapping is in block style


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def entries_of(text: str) -> list[Entry]:
    out: list[Entry] = []

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        if isinstance(node, yaml.SequenceNode):
            for i, child in enumerate(node.value):
                walk(child, (*path, i))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                ks, ke = key.start_mark.index, key.end_mark.index
                ls = text.rfind("\n", 0, ks) + 1
                before = text[ls:ks]
                stripped = before.replace("- ", "  ")
                if isinstance(value, yaml.ScalarNode):
                    if value.value == "" and value.style is None:
                        kind = "null"
                    elif value.style in (None, "'", '"') and \
                            value.start_mark.line == value.end_mark.line:
                        kind = "scalar"
                    else:
                        kind = "other"
                elif isinstance(value, yaml.SequenceNode) and value.flow_style and \
                        value.start_mark.line == value.end_mark.line:
                    kind = "flow-seq"
                else:
                    kind = "other"
                # An empty value's mark lies at the next token, maybe lines below.
                last = ke if kind == "null" else max(value.end_mark.index - 1, ke)
                out.append(Entry(
                    path=(*path, str(key.value)), key_start=ks, key_end=ke, line_start=ls,
                    entry_end=_line_end(text, last), own_line=not stripped.strip(),
                    dash="-" in before, value_start=value.start_mark.index,
                    value_end=value.end_mark.index, value_kind=kind,
                    block_map=not node.flow_style))
                walk(value, (*path, str(key.value)))

    walk(yaml.compose(text), ())
    return out


@lru_cache(maxsize=64)
def entries(path: Path) -> tuple[str, tuple[Entry, ...]]:
    text = path.read_bytes().decode("utf-8")
    return text, tuple(entries_of(text))


def _generic(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    return tuple(0 if isinstance(p, int) else p for p in path)


def required(rel: str, entry: Entry) -> bool:
    kind = "mlcycle.yaml" if rel == "mlcycle.yaml" else "status"
    return _generic(entry.path) in _REQUIRED[kind]


@dataclass(frozen=True)
class Mutation:
    file: str  # relative to the project
    kind: str
    data: bytes  # the file's new bytes
    invalidates: bool
    # A journal left in the project as something else than a small regular file
    # (issue 19): "symlink-urandom", "fifo", "directory", "sparse" (over the
    # input cap) or "garbage"; every command must refuse it (exit 2) unread.
    journal: str | None = None

    def __repr__(self) -> str:  # hypothesis prints this on failure: keep it short
        preview = self.data[:2000]
        return f"Mutation({self.file!r}, {self.kind!r}, invalidates={self.invalidates}, " \
               f"{len(self.data)} bytes: {preview!r})"


# Hand-written YAML a person may put in state: explicit keys, tags, anchors, a
# kept-newline block (issue 19). Valid or not, no command may crash on them.
# A line break is followed by the entry's own indentation.
CONSTRUCTS = ["? owner\n: Ana", "owner: !!null", "owner: &who Ana", "owner: !!str Ana",
              "notes: |+\n  kept\n", "notes: !!str |\n  a\n  b",
              "due: !!str 2026-01-01", "status: &s doing", "? notes\n: !!str x"]
JOURNALS = ["symlink-urandom", "fifo", "directory", "sparse", "garbage"]
WRONG = ["{zz: 1}", "[1, 2]", "12345", "true", "'text'", "2025-13-45", "-", "[[]]", "''"]
HUGE = [300, 5_000, 200_000, 17 * 1024 * 1024]
NEW_KEYS = ["zz", "Status", "statuss", "ownr", "x-extra", "évidence", "notes2"]


@st.composite
def mutation(draw: st.DrawFn, root: Path, files: tuple[str, ...]) -> Mutation:
    rel = draw(st.sampled_from(files))
    text, found = entries(root / rel)
    raw = text.encode("utf-8")
    kind = draw(st.sampled_from([
        "delete", "rename", "duplicate", "wrong-type", "truncate", "insert-bytes",
        "replace-byte", "huge", "deep", "line-endings", "bom", "utf-16", "latin-1",
        "construct", "journal"]))
    valid_file = rel == "mlcycle.yaml" or rel.startswith("lifecycle/")

    def pick(ok: object) -> Entry:
        choices = [e for e in found if ok(e)]  # type: ignore[operator]
        return draw(st.sampled_from(choices))

    if kind == "delete":
        e = pick(lambda e: e.own_line and e.block_map)
        keep = text[e.line_start:e.key_start] if e.dash else ""
        new = text[:e.line_start] + (keep + "\n" if keep else "") + text[e.entry_end:]
        return Mutation(rel, f"delete {e.path}", new.encode(), valid_file and required(rel, e))
    if kind == "rename":
        e = pick(lambda e: True)
        siblings = [o for o in found if o.path[:-1] == e.path[:-1] and o is not e]
        names = NEW_KEYS + [str(o.path[-1]) for o in siblings]
        name = draw(st.sampled_from(names))
        new = text[:e.key_start] + name + text[e.key_end:]
        # Any other name is unknown to the model, or a sibling's (a duplicate key).
        known = valid_file and e.path[:-1] not in _FREE_KEYS and name != e.path[-1]
        return Mutation(rel, f"rename {e.path} -> {name!r}", new.encode(), known)
    if kind == "duplicate":
        e = pick(lambda e: e.own_line and e.block_map)
        span = text[e.line_start:e.entry_end]
        if e.dash:
            dash = text.index("-", e.line_start)
            span = span[:dash - e.line_start] + " " + span[dash - e.line_start + 1:]
        if not span.endswith("\n"):
            span = "\n" + span
        new = text[:e.entry_end] + span + text[e.entry_end:]
        return Mutation(rel, f"duplicate {e.path}", new.encode(), valid_file)
    if kind == "wrong-type":
        e = pick(lambda e: e.value_kind in ("null", "scalar", "flow-seq"))
        value = draw(st.sampled_from(WRONG))
        if e.value_kind == "null":
            colon = text.index(":", e.key_end) + 1
            new = text[:colon] + " " + value + text[colon:]
        else:
            new = text[:e.value_start] + value + text[e.value_end:]
        # No field that held a scalar or a list takes a mapping.
        known = valid_file and value == "{zz: 1}"
        return Mutation(rel, f"wrong-type {e.path} = {value}", new.encode(), known)
    if kind == "journal":
        shape = draw(st.sampled_from(JOURNALS))
        return Mutation(rel, f"journal as {shape}", raw, False, journal=shape)
    if kind == "construct":
        e = pick(lambda e: e.own_line and e.block_map and not e.dash)
        indent = text[e.line_start:e.key_start]
        construct = draw(st.sampled_from(CONSTRUCTS)).replace("\n", "\n" + indent)
        new = text[:e.line_start] + indent + construct + "\n" + text[e.entry_end:]
        return Mutation(rel, f"construct {e.path} -> {construct!r}", new.encode(), False)
    if kind == "truncate":
        at = draw(st.integers(0, len(raw)))
        return Mutation(rel, f"truncate at {at}", raw[:at], False)
    if kind == "insert-bytes":
        at = draw(st.integers(0, len(raw)))
        extra = draw(st.binary(min_size=1, max_size=8))
        return Mutation(rel, f"insert at {at}", raw[:at] + extra + raw[at:], False)
    if kind == "replace-byte":
        at = draw(st.integers(0, len(raw) - 1))
        byte = draw(st.integers(0, 255))
        return Mutation(rel, f"byte {at} = {byte}", raw[:at] + bytes([byte]) + raw[at + 1:],
                        False)
    if kind == "huge":
        e = pick(lambda e: e.value_kind in ("null", "scalar"))
        size = draw(st.sampled_from(HUGE))
        char = draw(st.sampled_from(["x", "é", " x", "#"]))
        value = "'" + (char * size)[:size] + "'"
        if e.value_kind == "null":
            colon = text.index(":", e.key_end) + 1
            new = text[:colon] + " " + value + text[colon:]
        else:
            new = text[:e.value_start] + value + text[e.value_end:]
        return Mutation(rel, f"huge {e.path} x{size}", new.encode(),
                        valid_file and size > 16 * 1024 * 1024)
    if kind == "deep":
        e = pick(lambda e: e.value_kind in ("null", "scalar", "flow-seq"))
        depth = draw(st.integers(1, 200))
        style = draw(st.sampled_from(["[", "{"]))
        value = "[" * depth + "]" * depth if style == "[" else "{a: " * depth + "1" + "}" * depth
        if e.value_kind == "null":
            colon = text.index(":", e.key_end) + 1
            new = text[:colon] + " " + value + text[colon:]
        else:
            new = text[:e.value_start] + value + text[e.value_end:]
        return Mutation(rel, f"deep {e.path} {style}x{depth}", new.encode(),
                        valid_file and (style == "{" or depth > 64))
    if kind == "line-endings":
        ends = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=5))
        lines = text.split("\n")
        new = "".join(ln + ends[i % len(ends)] for i, ln in enumerate(lines[:-1])) + lines[-1]
        return Mutation(rel, f"line endings {ends}", new.encode(), False)
    if kind == "bom":
        return Mutation(rel, "bom", b"\xef\xbb\xbf" + raw, False)
    if kind == "utf-16":
        codec = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"]))
        return Mutation(rel, codec, text.encode(codec), valid_file)
    # latin-1: a non-ASCII character somewhere, in the one-byte encoding
    e = pick(lambda e: e.value_kind in ("null", "scalar"))
    value = "'Café Müller'"
    if e.value_kind == "null":
        colon = text.index(":", e.key_end) + 1
        new = text[:colon] + " " + value + text[colon:]
    else:
        new = text[:e.value_start] + value + text[e.value_end:]
    return Mutation(rel, f"latin-1 {e.path}", new.encode("latin-1", "replace"), valid_file)
