"""The cheap text scan that locates findings must agree with the YAML composer
on every path of every item, or step aside (return None) for the composer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.cli import run
from helpers.project import FIXTURES

from mlcycle.load.source import Source
from mlcycle.load.yamlio import load_mapping, locate, node_tree


def paths(value: Any, prefix: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


def value_at(value: Any, sub: tuple[Any, ...]) -> Any:
    for part in sub:
        value = value[part]
    return value


def status_files(tmp_path: Path) -> list[Path]:
    rendered = tmp_path / "rendered"
    assert run("init", rendered, "--no-input", "--team", "pm=Ana").code == 0
    files = sorted((rendered / "lifecycle").glob("*.yaml"))
    for fixture in (FIXTURES / "valid" / "handwritten", FIXTURES / "check" / "mixed"):
        files += sorted((fixture / "lifecycle").glob("*.yaml"))
    return files


def test_scan_agrees_with_the_composer_everywhere(tmp_path: Path) -> None:
    compared = 0
    for path in status_files(tmp_path):
        data, text, marks = load_mapping(path, path.name)
        source = Source(path.name, text, marks)
        root = node_tree(text)
        for index, item in enumerate(data["items"]):
            for loc in paths(item, ("items", index)):
                fast = source._scan(index, loc[2:])
                if fast is not None:
                    assert (fast[0] + 1, fast[1] + 1) == locate(root, loc), (path, loc)
                    compared += 1
    assert compared > 1000  # the fast path really answers for block-style files


def test_rendered_files_never_need_the_composer(tmp_path: Path) -> None:
    rendered = tmp_path / "p"
    assert run("init", rendered, "--no-input").code == 0
    for path in sorted((rendered / "lifecycle").glob("*.yaml")):
        data, text, marks = load_mapping(path, path.name)
        source = Source(path.name, text, marks)
        for index, item in enumerate(data["items"]):
            for loc in paths(item, ("items", index)):
                if value_at(item, loc[2:]) is not None:  # an empty value: the composer says
                    assert source._scan(index, loc[2:]) is not None, (path, loc)


@pytest.mark.parametrize("text, loc, expected", [
    ("items:\n  - id: a\n    evidence: [x, y]\n", ("items", 0, "evidence", 1), (3, 19)),
    ("items:\n- id: a\n  owner: 'Bo'\n", ("items", 0, "owner"), (3, 10)),
    ("items:\n  - {id: a, owner: Bo}\n", ("items", 0, "owner"), (2, 20)),
    ("items:\n  - id: a\n    notes:\n    owner: Bo\n", ("items", 0, "notes"), None),
    # An entry that opens a mapping on its dash line: its keys continue below.
    ("items:\n  - id: a\n    metrics:\n      - id: m\n        file: f.json\n",
     ("items", 0, "metrics", 0, "file"), (5, 15)),
])
def test_other_styles_are_located_like_the_composer_does(
    text: str, loc: tuple[Any, ...], expected: tuple[int, int] | None, tmp_path: Path
) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text)
    _, text, marks = load_mapping(path, "f.yaml")
    location = Source("f.yaml", text, marks).at(loc)
    composer = locate(node_tree(text), loc)
    assert (location.line, location.column) == composer
    if expected is not None:
        assert composer == expected


# --- the scan against the composer on generated block-style items ------------------

from hypothesis import HealthCheck, given, reject, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mlcycle.errors import MlcycleError  # noqa: E402
from mlcycle.load.yamlio import parse_document  # noqa: E402

KEYS = ["id", "title", "status", "owner", "notes", "evidence", "raci", "waiver", "due"]
# Lines that look like keys, entries or comments: inside a quoted scalar or a flow
# collection they are none of these, and the scan must not be fooled.
TRICKY = ["status: x", "- y", "owner: z", "# c", "", "evidence:", "id: q", "raci: r"]
ITEM = 4  # column of an item's keys ("  - id: ...")


def quoted(draw: Any, quote: str) -> str:
    body = [draw(st.sampled_from(["Problem", "a: b", "x - y", "#1"]))]
    for _ in range(draw(st.integers(0, 3))):
        indent = draw(st.sampled_from([1, ITEM, ITEM + 2, ITEM - 2]))
        body.append(" " * indent + draw(st.sampled_from(TRICKY)))
    return quote + "\n".join(body) + quote


@st.composite
def values(draw: Any, indent: int, depth: int = 0) -> str:
    """A value to put after ``key:`` at ``indent`` (text begins with the separator)."""
    kinds = ["plain", "single", "double", "block", "empty", "flow"]
    if depth < 2:
        kinds += ["list", "map"]
    kind = draw(st.sampled_from(kinds))
    pad = " " * (indent + 2)
    if kind == "plain":
        return " " + draw(st.sampled_from(["todo", "a b", "x # comment", "'q'", "1"]))
    if kind == "single":
        return " " + quoted(draw, "'")
    if kind == "double":
        return " " + quoted(draw, '"')
    if kind == "block":
        lines = draw(st.lists(st.sampled_from(["text", "status: x", "- y", "# c"]), min_size=1,
                              max_size=3))
        return " " + draw(st.sampled_from(["|", ">-"])) + "".join(f"\n{pad}{x}" for x in lines)
    if kind == "empty":
        return ""
    if kind == "flow":
        inner = draw(st.lists(st.sampled_from(["a", "'b'", "status: c"]), max_size=3))
        seps = [draw(st.sampled_from([", ", ",\n" + " " * draw(st.sampled_from([1, ITEM, 8]))]))
                for _ in inner]
        return " [" + "".join(f"{x}{s}" for x, s in zip(inner, seps, strict=True)) + "z]"
    if kind == "list":
        at = draw(st.sampled_from([indent, indent + 2]))  # indentless or indented
        entries = draw(st.lists(values(at, depth + 1), min_size=1, max_size=3))
        return "".join(f"\n{' ' * at}-{v if v else ''}" for v in entries)
    keys = draw(st.lists(st.sampled_from(["accountable", "status", "reason"]), min_size=1,
                         max_size=3, unique=True))
    return "".join(f"\n{pad}{k}:{draw(values(indent + 2, depth + 1))}" for k in keys)


@st.composite
def generated_files(draw: Any) -> str:
    items = []
    for number in range(draw(st.integers(1, 3))):
        keys = ["id", *draw(st.lists(st.sampled_from(KEYS[1:]), max_size=6, unique=True))]
        lines = []
        for position, key in enumerate(keys):
            value = f" i{number}" if key == "id" else draw(values(ITEM))
            lead = "  - " if position == 0 else " " * ITEM
            for _ in range(draw(st.integers(0, 1)) if position else 0):
                lines.append(" " * draw(st.sampled_from([0, 2, ITEM])) +
                             draw(st.sampled_from(["# status: no", "", "#- x"])))
            lines.append(f"{lead}{key}:{value}")
        items.append("\n".join(lines))
    text = "phase: p\nitems:\n" + "\n".join(items) + "\n"
    return text.replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r"])))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                   HealthCheck.too_slow])
@given(generated_files())
def test_scan_agrees_with_the_composer_on_generated_items(text: str) -> None:
    try:
        data, marks = parse_document(text, "f.yaml")
    except MlcycleError:
        reject()  # not YAML after all (say, a duplicate key): nothing to locate
    source = Source("f.yaml", text, marks)
    root = node_tree(text)
    for index, item in enumerate(data["items"]):
        for loc in paths(item, ("items", index)):
            fast = source._scan(index, loc[2:])
            if fast is not None:
                assert (fast[0] + 1, fast[1] + 1) == locate(root, loc), loc


@st.composite
def files_and_paths(draw: Any) -> tuple[str, list[tuple[Any, ...]]]:
    text = draw(generated_files())
    try:
        data, _ = parse_document(text, "f.yaml")
    except MlcycleError:
        reject()
    real = paths(data, ())
    chosen = draw(st.lists(st.sampled_from(real), min_size=1, max_size=8))
    # Also paths that stop existing, and keys asked for themselves (an unknown key).
    tails = st.sampled_from([("nope",), (7,), ("status", "deeper"), ("<key>",), (0, "<key>")])
    return text, [(*path, *draw(tails)) if draw(st.booleans()) else path for path in chosen]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                   HealthCheck.too_slow])
@given(files_and_paths())
def test_one_pass_locator_agrees_with_the_composer(case: tuple[str, list[tuple[Any, ...]]]
                                                   ) -> None:
    from mlcycle.load.yamlio import locate_many

    text, locs = case
    root = node_tree(text)
    assert locate_many(text, locs) == {loc: locate(root, loc) for loc in locs}


def test_a_finding_splits_only_its_items_lines() -> None:
    """Locating splits the item's own lines (from the offsets the reader noted),
    never the whole file (a 100,000-item file split into lines is ~16 MB), and
    still agrees with the composer past non-ASCII text, LS, CRLF and quoted
    scalars that span lines."""
    text = ('phase: p\ntitle: "é😀\u2028x"\nitems:\n  - id: a\n    title: "ü\n'
            '      status: x"\n    status: todo\n\r\n  - id: b\r\n    status: done\r\n'
            '    evidence:\r\n      - e.md\r\n  - id: c\n    owner: Bo\n')
    data, marks = parse_document(text, "f.yaml")
    source = Source("f.yaml", text, marks)
    root = node_tree(text)
    answered = 0
    for index, item in enumerate(data["items"]):
        for loc in paths(item, ("items", index))[1:]:
            location = source.at(loc)
            assert (location.line, location.column) == locate(root, loc), loc
            answered += source._scan(index, loc[2:]) is not None
    assert answered == 9  # every path below an item, by the scan
    assert source._lines is None
