"""Projects as the tests make and compare them."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers.cli import run

FIXTURES = Path(__file__).parents[1] / "fixtures"
INIT_EPOCH = "1796083200"  # 2026-12-01 00:00 UTC


@contextmanager
def init_date(epoch: str = INIT_EPOCH) -> Iterator[None]:
    """``init`` dates its history entry by SOURCE_DATE_EPOCH while this is
    active, so a test passes on any future day, whatever the clock says."""
    outer = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if outer is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = outer


def init_project(root: Path, *args: str | os.PathLike[str], dated: bool = False) -> Path:
    """``mlcycle init ROOT --no-input ARGS``, which must succeed; returns ROOT.
    ``dated``: init records 2026-12-01 (``init_date``), whatever day it is."""
    if dated:
        with init_date():
            result = run("init", root, "--no-input", *args)
    else:
        result = run("init", root, "--no-input", *args)
    assert result.code == 0, result
    return root


def snapshot(root: Path) -> dict[str, str]:
    """Every file under root -> sha256 of its bytes (a symlink: its target), to
    prove nothing changed."""
    state = {}
    for p in sorted(root.rglob("*")):
        if p.is_symlink():
            state[p.relative_to(root).as_posix()] = "link:" + os.readlink(p)
        elif p.is_file():
            state[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return state


def tree(root: Path) -> dict[str, bytes | None]:
    """Every entry under root: a file's bytes, None for a directory."""
    return {p.relative_to(root).as_posix(): (None if p.is_dir() else p.read_bytes())
            for p in sorted(root.rglob("*"))}


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace the first ``count`` occurrences of ``old`` in the file at ``path``
    (a hand edit of a project file), which must hold at least that many."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not {count} times in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def fill_doc(path: Path, keep: int = 0) -> None:
    """Fill a stub ``init`` rendered as a team would: the marker and the stub's
    note go, and every prompt line (a line with TODO) is answered in prose, so
    no line is left byte-identical to the stub's (MLC133). ``keep``: leave the
    last ``keep`` prompt lines unanswered. Deleting the marker line alone does
    not fill a stub: its prompts still count against it."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [text for text in lines
             if text != "<!-- mlcycle:stub -->" and not text.startswith("> **Stub.**")]
    prompts = [index for index, text in enumerate(lines) if "TODO" in text]
    for index in prompts[:len(prompts) - keep]:
        lines[index] = lines[index].replace("TODO", "answered by the team")
    path.write_text("\n".join(lines), encoding="utf-8")
