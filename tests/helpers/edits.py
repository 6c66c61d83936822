"""Copies of the hand-written valid project with one change, and the assertion
every invalid-input test makes: exit 2, exact stderr, no byte changed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from helpers.cli import run
from helpers.project import FIXTURES, snapshot

VALID = FIXTURES / "valid" / "handwritten"


def make(tmp_path: Path, *edits: Callable[[Path], None]) -> Path:
    """A copy of the valid fixture with ``edits`` applied."""
    root = tmp_path / "proj"
    shutil.copytree(VALID, root, symlinks=True)
    for edit in edits:
        edit(root)
    return root


def replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} not once in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def write(rel: str, data: str | bytes) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / rel).write_bytes(data if isinstance(data, bytes) else data.encode())

    return edit


def assert_invalid(root: Path, *lines: str, directory: str = ".") -> None:
    """validate exits 2 with exactly ``lines`` on stderr, nothing on stdout, no byte changed."""
    before = snapshot(root)
    result = run("validate", directory, cwd=root)
    assert (result.code, result.out) == (2, ""), result
    assert result.err.splitlines() == list(lines)
    assert "Traceback" not in result.err
    assert snapshot(root) == before
