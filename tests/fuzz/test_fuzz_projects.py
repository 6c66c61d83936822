"""Bad input can never crash mlcycle, make it lie or lose a byte (issue 14).

Random mutations of two valid projects (tests/helpers/fuzzmutate.py: keys deleted,
renamed or duplicated, values of the wrong type, truncation, random bytes, huge
strings, deep nesting, odd line endings and encodings) are fed to the read
commands and to every editing command, with arguments valid on the unmutated
project. `validate` on the same bytes is the oracle for "invalid":

- no command exits 3 or prints a traceback; an exit 2 prints only located
  problem lines and the count;
- `check` and `status` exit 2 whenever validate does (never 0 on invalid input);
- a mutation known to invalidate gives validate exit 2;
- a read command changes no byte; an editing command that does not succeed
  (and any editing command on a project validate rejects) writes nothing;
- an editing command that succeeds on a valid project leaves it valid.

The profile (examples, seed) comes from conftest: HYPOTHESIS_PROFILE=ci and
MLCYCLE_FUZZ_SEED, printed in the test header.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from conftest import FUZZ, FUZZ_SEED
from helpers.fuzzbase import SCRATCH, Base, bad_lines, build, command
from helpers.fuzzmutate import Mutation, mutation
from helpers.project import snapshot
from hypothesis import given, seed, settings
from hypothesis import strategies as st

F = TypeVar("F", bound=Callable[..., Any])


def seeded(test: F) -> F:
    """Apply MLCYCLE_FUZZ_SEED, when set, so a run can be replayed exactly."""
    return seed(int(FUZZ_SEED))(test) if FUZZ_SEED else test


@pytest.fixture(scope="module")
def bases() -> Iterator[dict[str, Base]]:
    where = Path(tempfile.mkdtemp(dir=SCRATCH, prefix="mlcycle-fuzz-"))
    try:
        yield build(where)
    finally:
        shutil.rmtree(where, ignore_errors=True)


def files(base: Base) -> tuple[str, ...]:
    root = base.root
    return tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml")
                        if ".mlcycle" not in p.parts))


@st.composite
def case(draw: st.DrawFn, bases: dict[str, Base]) -> tuple[Base, Mutation, tuple[str, ...],
                                                           tuple[str, ...]]:
    base = bases[draw(st.sampled_from(sorted(bases)))]
    change = draw(mutation(base.root, files(base)))
    read = draw(st.sampled_from(base.reads[1:]))  # validate always runs
    edit = draw(st.sampled_from(base.edits))
    return base, change, read, edit


def make_journal(path: Path, shape: str) -> None:
    """A journal mlcycle did not write, as something no reader may read in full."""
    if shape == "symlink-urandom":
        path.symlink_to("/dev/urandom")
    elif shape == "fifo":
        os.mkfifo(path)
    elif shape == "directory":
        path.mkdir()
        (path / "x").write_text("x")
    elif shape == "sparse":
        with open(path, "wb") as handle:
            handle.truncate(17 * 1024 * 1024)
    else:
        path.write_bytes(b"\x00garbage\n")


def assert_clean(args: tuple[str, ...], result: Any) -> None:
    assert result.code in (0, 1, 2), (args, result)
    assert "Traceback" not in result.err + result.out, (args, result)
    if result.code == 2:
        assert bad_lines(result.err) == [], (args, result)


@settings(FUZZ)
@seeded
@given(data=st.data())
def test_mutated_projects(bases: dict[str, Base], data: st.DataObject) -> None:
    base, change, read, edit = data.draw(case(bases))
    with tempfile.TemporaryDirectory(dir=SCRATCH, prefix="mlcycle-fuzz-") as where:
        root = Path(where) / base.name
        shutil.copytree(base.root, root, symlinks=True)
        (root / change.file).write_bytes(change.data)
        if change.journal is not None:
            make_journal(root / ".mlcycle-journal", change.journal)
        before = snapshot(root)

        verdict = command(("validate",), root)
        assert_clean(("validate",), verdict)
        assert verdict.code in (0, 2), verdict
        if change.invalidates or change.journal is not None:
            assert verdict.code == 2, (change, verdict)
        assert snapshot(root) == before

        result = command(read, root)
        assert_clean(read, result)
        assert snapshot(root) == before, read
        if verdict.code == 2 and read[0] in ("check", "status", "raci"):
            assert result.code == 2, (read, verdict, result)
        if verdict.code == 0 and read[0] == "check":
            assert result.code in (0, 1), result

        result = command(edit, root)
        assert_clean(edit, result)
        if verdict.code == 2:
            assert result.code == 2, (edit, verdict, result)
        if result.code != 0:
            assert snapshot(root) == before, (edit, result)
        elif snapshot(root) != before:
            after = command(("validate",), root)
            assert after.code == 0, (edit, result, after)


# The editing commands the bases refuse as they are (their gates are open).
_REFUSED = {("product", "advance"), ("handwritten", "advance")}


@pytest.mark.parametrize("name", ["product", "handwritten"])
def test_the_arguments_are_valid_on_the_unmutated_projects(
        bases: dict[str, Base], name: str, tmp_path: Path) -> None:
    """Else every mutation would only meet a usage error (this found `raci` and
    `render` refusing the hand-written project's team playbook)."""
    base = bases[name]
    for args in base.reads + base.edits:
        root = tmp_path / f"{name}-{args[0]}-{len(list(tmp_path.iterdir()))}"
        shutil.copytree(base.root, root, symlinks=True)
        result = command(args, root)
        want = 1 if (name, args[0]) in _REFUSED else 0
        assert (result.code, "Traceback" in result.err) == (want, False), (args, result)
        unchanged = args in base.reads or want == 1
        if args[0] != "render" or name == "handwritten":  # product's LIFECYCLE.md is current
            assert (snapshot(root) == snapshot(base.root)) == unchanged, args
