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

The one all-or-nothing writer of mlcycle: the editing commands, ``upgrade``
(``make_dirs``: a new phase's ``docs/<phase>/``), ``init`` (``make_dirs`` and
``staging``) and ``playbooks fork`` (``new_directory``) all write through it.

``make_dirs`` creates the missing parent directories of the changed files (the
project root too) and removes the ones it created if the change does not land.
``staging`` stages every file in one directory of that prefix at the root
instead of beside its target, and writes no journal: for ``init``, whose
skeleton is no project until ``mlcycle.yaml``, its last file, lands (a killed
init leaves that one directory behind, and running init again completes the
skeleton). Without a journal the change is not decided before its last rename:
Ctrl-C until then undoes every rename; and nothing is fsynced (init never was:
it would cost a third of its time).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


class CannotWrite(Exception):
    """The machine refused a write (disk full, a file-size limit, permissions):
    nothing changed. ``display`` is what was being written, relative to the
    root ("" for the root itself; a directory's ends in "/")."""

    def __init__(self, display: str, error: OSError) -> None:
        self.display = display
        self.error = error
        super().__init__(f"{display}: {error.strerror or error}")


@dataclass
class FileChange:
    path: Path  # absolute
    display: str  # relative to the project, for messages
    before: bytes | None = field(repr=False)  # the bytes the edit started from; None: absent
    after: bytes | None = field(repr=False)  # None: the file is removed (upgrade renumbering)


# Runs after staging, before the on-disk check and the renames. Tests set it to
# change a file at the worst moment; it is part of the real code path.
before_commit: Callable[[], None] | None = None


def _stage(change: FileChange, directory: Path | None = None) -> str:
    """The new bytes in a staged file beside the target, fsynced: what a journal
    names must be on disk. In ``directory`` (init's staging area, no journal)
    they are not fsynced, as init never did: ~10 ms a file on ext4, a third of
    the time of an init of ~40 files."""
    assert change.after is not None
    try:
        mode = os.stat(change.path).st_mode & 0o7777
    except FileNotFoundError:
        mode = new_file_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{change.path.name}.", suffix=TEMP_SUFFIX,
                               dir=directory or change.path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(change.after)
            if directory is None:
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


def commit(changes: list[FileChange], *, make_dirs: bool = False) -> None:
    """Replace every file of ``changes`` with its new bytes, all or nothing.
    The machine refusing a write (disk full, a file-size limit, permissions) is
    one error located at the file being written (MLC001, exit 2), nothing changed."""
    try:
        write(changes, make_dirs=make_dirs)
    except CannotWrite as exc:
        # A file is shown at its 1:1, a directory (ending in "/") at no line.
        raise MlcycleError.at(MLC001, f"cannot write: {exc.error.strerror or exc.error}; "
                              "nothing written", exc.display or "./") from None


def write(changes: list[FileChange], *, make_dirs: bool = False,
          staging: str | None = None) -> None:
    """``commit``, with the machine's refusal raised as ``CannotWrite`` for the
    caller to word (``init`` names the file with the target's path)."""
    changes = [c for c in changes if c.after != c.before]
    if not changes:
        return
    at = [changes[0].display]  # what is being written, for the message
    try:
        _commit(changes, at, make_dirs, staging)
    except OSError as exc:
        if interrupts.pending():
            raise
        raise CannotWrite(at[0], exc) from None


def _commit(changes: list[FileChange], at: list[str], make_dirs: bool,
            staging: str | None) -> None:
    root = _root_of(changes)
    staged: list[str] = []
    created: list[Path] = []
    area: Path | None = None
    # One interrupt policy (mlcycle.interrupts): Ctrl-C is honoured between steps
    # only, so a staged file is never left behind and a rollback runs to its end;
    # once the change is decided, it completes and Ctrl-C is ignored.
    with interrupts.shielded():
        try:
            if make_dirs:
                _make_dirs(root, root, created, at)
            if staging is not None:  # first: a root that cannot be written is named
                interrupts.checkpoint()
                at[0] = ""
                area = Path(tempfile.mkdtemp(prefix=staging, dir=root))
            if make_dirs:
                for change in changes:
                    _make_dirs(root, change.path.parent, created, at)
            for change in changes:
                interrupts.checkpoint()
                at[0] = change.display
                # A removal is "staged" by its name only: the old file is moved there
                # (same directory, atomic) and comes back if a later rename fails.
                staged.append(_stage(change, area) if change.after is not None else
                              _spare_name(change.path))
            if before_commit is not None:
                before_commit()
            # Staging (the slow part) is done unlocked; from the comparison to the
            # last rename no other mlcycle writer of this project runs.
            with journal.project_lock(root):
                _compare_and_rename(root, changes, staged, at, journaled=area is None)
        except BaseException:
            _clean_up(staged, area)
            for directory in reversed(created):  # emptied by the clean-up
                try:
                    directory.rmdir()
                except OSError:
                    pass
            raise
        _clean_up(staged, area)


def _clean_up(staged: list[str], area: Path | None) -> None:
    """Remove what is left staged: files never renamed, the old files of removals."""
    for tmp in staged:
        _unlink(tmp)
    if area is not None:
        shutil.rmtree(area, ignore_errors=True)


def _make_dirs(root: Path, directory: Path, created: list[Path], at: list[str]) -> None:
    """Create ``directory`` and its missing parents, recorded in ``created``."""
    missing = []
    current = directory
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        interrupts.checkpoint()
        # Shown from the root; the root, and any missing directory above it, as "".
        shown = path.relative_to(root).as_posix() if root in path.parents else ""
        at[0] = f"{shown}/" if shown else ""
        path.mkdir()
        created.append(path)


def _compare_and_rename(root: Path, changes: list[FileChange], staged: list[str],
                        at: list[str], journaled: bool) -> None:
    stale = [c for c in changes if _current(c.path) != c.before]
    if stale:
        raise StaleError([MlcycleError.at(
            MLC201, "changed on disk since it was read; nothing written (run the "
            "command again)", c.display, 1, 1).problems[0] for c in stale])
    interrupts.checkpoint()  # with a journal: the last moment a Ctrl-C undoes everything
    # Several files: a journal first, so that a SIGKILL among the renames is
    # completed by the next mlcycle (load.journal). One file: its rename is atomic.
    # No journal (``staging``): the change is decided by its last rename only.
    logged = journaled and len(changes) > 1
    try:
        if logged:
            at[0] = journal.JOURNAL
            _write_journal(root, changes, staged)
        done: list[FileChange] = []
        try:
            for change, tmp in zip(changes, staged, strict=True):
                if not journaled:
                    interrupts.checkpoint()
                at[0] = change.display
                if change.after is None:
                    os.replace(change.path, tmp)  # removed when ``staged`` is cleaned up
                else:
                    os.replace(tmp, change.path)
                done.append(change)
            if not journaled:
                interrupts.checkpoint()  # the last moment a Ctrl-C undoes everything
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
        for directory in {c.path.parent for c in changes} if journaled else ():
            journal.fsync_dir(directory)  # (init's staging area: not fsynced, see _stage)
    finally:
        if logged:  # done, or every file put back: nothing left to do
            _unlink(str(root / journal.JOURNAL))
            journal.fsync_dir(root)  # the caller lets go of the lock after this


@contextmanager
def new_directory(dest: Path, exists: Exception) -> Iterator[Path]:
    """A directory staged beside ``dest`` (``.<name>.<random>.mlcycle-fork``) for
    the caller to fill; renamed into place as a whole when the block ends, with
    the permissions mkdir would give. On a failure or Ctrl-C it is removed and
    ``dest`` does not exist. ``exists`` is raised when ``dest`` appeared
    meanwhile: a new directory never replaces anything."""
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".mlcycle-fork",
                                    dir=dest.absolute().parent))
    try:
        yield staging
        # mkdtemp makes the staging directory private (0700); the new one is an
        # ordinary directory of the repository, so it gets what mkdir would give.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        if os.path.lexists(dest):
            raise exists
        os.rename(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
