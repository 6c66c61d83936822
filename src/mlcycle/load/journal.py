"""The commit journal: how a change to several files survives a SIGKILL.

``disk.transaction`` stages every new file first (``.<name>.<random>.mlcycle.tmp``,
fsynced), then writes this journal (``.mlcycle-journal`` at the project root,
atomically: nothing, or the whole list) naming every rename still to do, then
renames, then removes the journal. A process killed during the renames leaves
the journal behind, and with it every staged file not yet renamed: the change
was decided and its bytes are on disk. So the next mlcycle to load the project
completes it first (as a database replays its log), and a reader never sees
some files of a change and not the others. Killed before the journal is in
place, nothing was renamed: the old files stand (and the staged files are
leftovers, ignored by the loader).

Every writer of a project holds the project's lock (``project_lock``: an
exclusive ``flock`` on its root directory, released by the kernel when the
writer dies) from its last look at the files it replaces until its journal is
gone: so two writers never both compare, then both rename (a lost update), and
recovery, which takes the same lock first, never runs beside a live writer (it
waits for it, then finds no journal).

A journal is only ever a small regular file mlcycle wrote. Anything else there
(a symlink, a directory, a FIFO, a device, a file over the input limit) is
refused before a byte of it is read, and after the "committed to git" rule.

It lives with the loader because every reader runs it; it only ever renames
mlcycle's own staged files over files of the same directory in the project.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from mlcycle import interrupts
from mlcycle.codes import MLC090
from mlcycle.errors import MlcycleError

# Every load looks for the journal (one failed lstat); json and fcntl are imported
# only when there is one, to keep `check` start-up lean.
JOURNAL = ".mlcycle-journal"
TEMP_SUFFIX = ".mlcycle.tmp"
WRITE, REMOVE = "write", "remove"


def encode(moves: list[tuple[str, str, str]]) -> bytes:
    """The journal for ``moves``: (staged, target, WRITE|REMOVE), paths relative to
    the project root in ``/`` form."""
    import json

    return (json.dumps({"journal": 1, "moves": [list(m) for m in moves]}, indent=1)
            + "\n").encode("utf-8")


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold the write lock of the project at ``root`` (an exclusive ``flock`` on
    its directory: no file of its own to leave behind or commit). Waiting for
    another writer, Ctrl-C still stops this one (``interrupts.checkpoint``)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock
        yield
        return
    import time

    fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        pause = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                # Polled, not a blocking flock: inside shielded work a Ctrl-C is only
                # recorded, and a blocking call would go on waiting.
                interrupts.checkpoint()
                time.sleep(pause)
                pause = min(pause * 2, 0.02)
        yield
    finally:
        os.close(fd)  # releases the lock


def recover(root: Path) -> None:
    """Complete the change a killed mlcycle left half done under ``root``, if any."""
    path = root / JOURNAL
    try:
        os.lstat(path)
    except FileNotFoundError:
        return  # the usual case: one failed lstat, nothing else
    except OSError as exc:
        raise _broken(f"cannot be read: {exc.strerror or exc}") from None
    with project_lock(root):  # waits for a writer that is still alive
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return  # that writer finished meanwhile
        # git first: nothing committed is ever read or completed (a symlink to
        # /dev/urandom, a FIFO), and the message says why it is there at all.
        if _committed(root):
            raise _broken("is committed to git: a journal is never part of a change, and "
                          "completing it would judge files the repository does not hold; "
                          "remove it and the staged files it names (git rm)")
        raw = _read(path, info)
        for staged, target, kind in _moves(raw, root):
            if kind == WRITE:
                if os.path.lexists(staged):
                    os.replace(staged, target)
                continue
            if os.path.lexists(target):
                os.replace(target, staged)
            _unlink(staged)
        for directory in {root, *(Path(t).parent for _, t, _ in _moves(raw, root))}:
            fsync_dir(directory)
        os.unlink(path)
        fsync_dir(root)


_NOT_REGULAR = ("is not a regular file (mlcycle only ever writes a small regular file "
                "there); remove it")


def _read(path: Path, info: os.stat_result) -> bytes:
    """The journal's bytes: a regular file only, never followed through a symlink,
    never waited on (a FIFO), never read past the limit of every input file."""
    from mlcycle.load.yamlio import MAX_BYTES

    if not stat.S_ISREG(info.st_mode):
        raise _broken(_NOT_REGULAR)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:  # swapped for a symlink since the lstat: ELOOP
        raise _broken(f"cannot be read: {exc.strerror or exc}") from None
    try:
        opened = os.fstat(fd)  # the file read is the file checked: nothing swapped in
        if not stat.S_ISREG(opened.st_mode):
            raise _broken(_NOT_REGULAR)
        if opened.st_size > MAX_BYTES:
            raise _broken(f"is {opened.st_size} bytes, over the limit of {MAX_BYTES} "
                          "(mlcycle writes a few hundred); remove it")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _broken(f"cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > MAX_BYTES:  # it grew while being read
        raise _broken(f"is over the limit of {MAX_BYTES} bytes (mlcycle writes a few "
                      "hundred); remove it")
    return b"".join(chunks)


def _moves(raw: bytes, root: Path) -> list[tuple[str, str, str]]:
    """The journal's moves as absolute paths; a journal that is not one mlcycle
    wrote (edited, or made up) is refused before anything is moved."""
    import json

    try:
        data = json.loads(raw.decode("utf-8"))
        moves = data["moves"] if isinstance(data, dict) and data.get("journal") == 1 else None
        if not isinstance(moves, list):
            raise ValueError
        out = []
        for staged, target, kind in moves:
            if not (kind in (WRITE, REMOVE) and isinstance(staged, str)
                    and isinstance(target, str) and _ours(PurePosixPath(staged),
                                                           PurePosixPath(target))):
                raise ValueError
            out.append((str(root / staged), str(root / target), kind))
        return out
    except (ValueError, TypeError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise _broken("is not one mlcycle wrote; check the files it names, then delete "
                      "it") from None


def _committed(root: Path) -> bool:
    """Whether git tracks the journal. A killed mlcycle's journal never is; one in
    a pull request would have `check` judge its staged files, not the ones the
    repository holds (and merges). No git, or not a repository: not committed."""
    import subprocess

    try:
        done = subprocess.run(["git", "ls-files", "--error-unmatch", "--", JOURNAL], cwd=root,
                              capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _ours(staged: PurePosixPath, target: PurePosixPath) -> bool:
    """Only ever mlcycle's own staged file, beside its target, inside the project."""
    inside = all(p.parts and not p.is_absolute() and ".." not in p.parts
                 for p in (staged, target))
    return inside and staged.parent == target.parent and staged.name.startswith(
        f".{target.name}.") and staged.name.endswith(TEMP_SUFFIX)


def _broken(why: str) -> MlcycleError:
    return MlcycleError.at(MLC090, f"an interrupted change's journal {why}", JOURNAL, 1, 1)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def fsync_dir(directory: Path) -> None:
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
