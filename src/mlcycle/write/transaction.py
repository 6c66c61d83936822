"""Write several files as one change: all of them or none, and never over a
file that changed on disk since it was read (no lost update).

Each new file is staged beside its target (``.<name>.<random>.mlcycle.tmp``,
fsynced, with the target's mode). Just before the renames every target is read
again and compared with the bytes the edit started from; a difference refuses
the whole change and removes the staged files. The renames then happen one by
one; if one fails, the files already replaced get their old bytes back.

A process killed with SIGKILL between staging and renaming leaves its staged
file behind (nothing can remove it); it never replaces a target half-written,
and the loader ignores it (status files are ``*.yaml``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlcycle import interrupts
from mlcycle.errors import MlcycleError
from mlcycle.write.atomic import new_file_mode

TEMP_SUFFIX = ".mlcycle.tmp"


class StaleError(MlcycleError):
    """A file changed on disk between read and write: nothing was written (exit 1)."""


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


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - a platform without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def commit(changes: list[FileChange]) -> None:
    """Replace every file of ``changes`` with its new bytes, all or nothing."""
    changes = [c for c in changes if c.after != c.before]
    if not changes:
        return
    staged: list[str] = []
    # One interrupt policy (mlcycle.interrupts): Ctrl-C is honoured between steps
    # only, so a staged file is never left behind and a rollback runs to its end;
    # once every file is renamed, the edit has completed and Ctrl-C is ignored.
    with interrupts.shielded():
        try:
            for change in changes:
                interrupts.checkpoint()
                # A removal is "staged" by its name only: the old file is moved there
                # (same directory, atomic) and comes back if a later rename fails.
                staged.append(_stage(change) if change.after is not None else
                              _spare_name(change.path))
            if before_commit is not None:
                before_commit()
            stale = [c for c in changes if _current(c.path) != c.before]
            if stale:
                raise StaleError([MlcycleError.at(
                    "MLC033", "changed on disk since it was read; nothing written (run the "
                    "command again)", c.display, 1, 1).problems[0] for c in stale])
            interrupts.checkpoint()  # the last moment a Ctrl-C undoes everything
            done: list[FileChange] = []
            try:
                for change, tmp in zip(changes, staged, strict=True):
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
                _fsync_dir(directory)
        finally:
            for tmp in staged:
                _unlink(tmp)


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
