"""The cheap text scan that locates findings must agree with the YAML composer
on every path of every item, or step aside (return None) for the composer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run

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
