"""Write several files as one change: all of them or none, and never over a
file that changed on disk since it was read (no lost update).

Each new file is staged beside its target (``.<name>.<random>.mlcycle.tmp``,
fsynced, with the target's mode). Then the writer takes the project's lock
(``journal.project_lock``), reads every target again and compares it with the
bytes the edit started from; a difference refuses the whole change (MLC201)
and removes the staged files. The renames then happen one by one; if one
fails, the files already replaced get their old bytes back. The lock is held
from that comparison until the last rename (and the journal is gone), so two
mlcycle writers never both pass the comparison and then both rename: of two
concurrent changes to one file, one lands and the other is refused.

A change to several files writes a journal before its first rename
(``load.journal``): a process killed with SIGKILL among the renames leaves it,
and the next mlcycle that loads the project completes the change. Killed
before, it leaves its staged files behind (nothing can remove them); they
never replace a target half-written, and the loader ignores them (status
files are ``*.yaml``). If a rename fails, the files already replaced get
their old bytes back (staged again; should that fail too, the error is
reported and the files may be mixed: the one case not covered).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from mlcycle import interrupts
from mlcycle.codes import MLC001, MLC201
from mlcycle.disk.atomic import new_file_mode
from mlcycle.errors import MlcycleError, Problem, Refused, capped
from mlcycle.load import journal

TEMP_SUFFIX = journal.TEMP_SUFFIX


class StaleError(Refused):
    """A file changed on disk between read and write: nothing was written (exit 1)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = capped(problems)  # sorted, as every list of problems is shown
        super().__init__(list(self.problems))

    @classmethod
    def at(cls, code: str, message: str, path: str, line: int = 0, column: int = 0
           ) -> StaleError:
        return cls(MlcycleError.at(code, message, path, line, column).problems)


@dataclass
class FileChange:
    path: Path  # absolute
    display: str  # relative to the project, for messages
    before: bytes | None = field(repr=False)  # the bytes the edit started from; None: absent
    after: bytes | None = field(repr=False)  # None: the file is removed (upgrade renumbering)


# Runs after staging, before the on-disk check and the renames. Tests set it to
# change a file at the worst moment; it is part of the real code path.
before_commit: Callable[[], None] | None = None


def _stage(change: FileChange) -> str:
    assert change.after is not None
    try:
        mode = os.stat(change.path).st_mode & 0o7777
    except FileNotFoundError:
        mode = new_file_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{change.path.name}.", suffix=TEMP_SUFFIX,
                               dir=change.path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(change.after)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _spare_name(path: Path) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    return tmp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _root_of(changes: list[FileChange]) -> Path:
    """The project root: every change's path ends with its display path."""
    roots = {c.path.parents[len(PurePosixPath(c.display).parts) - 1] for c in changes}
    if len(roots) != 1 or len({c.path for c in changes}) != len(changes):
        raise RuntimeError("one commit, one project, each file once")
    return roots.pop()


def _write_journal(root: Path, changes: list[FileChange], staged: list[str]) -> None:
    """Put the journal in place (atomically, fsynced). The caller holds the project's
    lock: no reader takes it for a dead writer's (see ``load.journal``)."""
    moves = [(Path(tmp).relative_to(root).as_posix(), c.display,
              journal.WRITE if c.after is not None else journal.REMOVE)
             for c, tmp in zip(changes, staged, strict=True)]
    fd, tmp = tempfile.mkstemp(prefix=f"{journal.JOURNAL}.", suffix=TEMP_SUFFIX, dir=root)
    try:
        try:
            os.write(fd, journal.encode(moves))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, root / journal.JOURNAL)
    except BaseException:
        _unlink(tmp)
        raise
    journal.fsync_dir(root)


def commit(changes: list[FileChange]) -> None:
    """Replace every file of ``changes`` with its new bytes, all or nothing.
    The machine refusing a write (disk full, a file-size limit, permissions) is
    one error located at the file being written (MLC001, exit 2), nothing changed."""
    changes = [c for c in changes if c.after != c.before]
    if not changes:
        return
    at = [changes[0].display]  # the file being written, for the message
    try:
        _commit(changes, at)
    except OSError as exc:
        if interrupts.pending():
            raise
        raise MlcycleError.at(MLC001, f"cannot write: {exc.strerror or exc}; nothing "
                              "written", at[0], 1, 1) from None


def _commit(changes: list[FileChange], at: list[str]) -> None:
    root = _root_of(changes)
    staged: list[str] = []
    # One interrupt policy (mlcycle.interrupts): Ctrl-C is honoured between steps
    # only, so a staged file is never left behind and a rollback runs to its end;
    # once every file is renamed, the edit has completed and Ctrl-C is ignored.
    with interrupts.shielded():
        try:
            for change in changes:
                interrupts.checkpoint()
                at[0] = change.display
                # A removal is "staged" by its name only: the old file is moved there
                # (same directory, atomic) and comes back if a later rename fails.
                staged.append(_stage(change) if change.after is not None else
                              _spare_name(change.path))
            if before_commit is not None:
                before_commit()
            # Staging (the slow part) is done unlocked; from the comparison to the
            # last rename no other mlcycle writer of this project runs.
            with journal.project_lock(root):
                _compare_and_rename(root, changes, staged, at)
        finally:
            for tmp in staged:
                _unlink(tmp)


def _compare_and_rename(root: Path, changes: list[FileChange], staged: list[str],
                        at: list[str]) -> None:
    stale = [c for c in changes if _current(c.path) != c.before]
    if stale:
        raise StaleError([MlcycleError.at(
            MLC201, "changed on disk since it was read; nothing written (run the "
            "command again)", c.display, 1, 1).problems[0] for c in stale])
    interrupts.checkpoint()  # the last moment a Ctrl-C undoes everything
    # Several files: a journal first, so that a SIGKILL among the renames is
    # completed by the next mlcycle (load.journal). One file: its rename is atomic.
    logged = False
    try:
        if len(changes) > 1:
            at[0] = journal.JOURNAL
            _write_journal(root, changes, staged)
            logged = True
        done: list[FileChange] = []
        try:
            for change, tmp in zip(changes, staged, strict=True):
                at[0] = change.display
                if change.after is None:
                    os.replace(change.path, tmp)  # removed when ``staged`` is cleaned up
                else:
                    os.replace(tmp, change.path)
                done.append(change)
        except BaseException:
            spare = dict(zip((id(c) for c in changes), staged, strict=True))
            for change in reversed(done):  # put the old bytes back, atomically too
                if change.after is None:
                    os.replace(spare[id(change)], change.path)
                    continue
                if change.before is None:
                    os.unlink(change.path)
                    continue
                change.after, change.before = change.before, change.after
                os.replace(_stage(change), change.path)
            raise
        interrupts.completed()
        for directory in {c.path.parent for c in changes}:
            journal.fsync_dir(directory)
    finally:
        if logged:  # done, or every file put back: nothing left to do
            _unlink(str(root / journal.JOURNAL))
            journal.fsync_dir(root)  # the caller lets go of the lock after this


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
