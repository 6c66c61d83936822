"""The commit journal: how a change to several files survives a SIGKILL.

``write.transaction`` stages every new file first (``.<name>.<random>.mlcycle.tmp``,
fsynced), then writes this journal (``.mlcycle-journal`` at the project root,
atomically: nothing, or the whole list) naming every rename still to do, then
renames, then removes the journal. A process killed during the renames leaves
the journal behind, and with it every staged file not yet renamed: the change
was decided and its bytes are on disk. So the next mlcycle to load the project
completes it first (as a database replays its log), and a reader never sees
some files of a change and not the others. Killed before the journal is in
place, nothing was renamed: the old files stand (and the staged files are
leftovers, ignored by the loader).

The writer holds an exclusive ``flock`` on the journal while it renames; the
kernel releases it when the writer dies. Recovery takes the same lock first,
so it never runs beside a live writer (it waits for it, then finds no journal).

It lives with the loader because every reader runs it; it only ever renames
mlcycle's own staged files over files of the same directory in the project.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from mlcycle.errors import MlcycleError

# Every load looks for the journal (one failed open); json and fcntl are imported
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


def lock(fd: int) -> None:
    """Hold ``fd``'s file exclusively (until it is closed, or the process dies)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock (nor SIGKILL)
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def recover(root: Path) -> None:
    """Complete the change a killed mlcycle left half done under ``root``, if any."""
    path = root / JOURNAL
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return  # the usual case: one failed open, nothing else
    except OSError as exc:
        raise _broken(f"cannot be read: {exc.strerror or exc}") from None
    try:
        lock(fd)  # waits for a writer that is still alive
        try:
            if os.fstat(fd).st_ino != os.stat(path).st_ino:
                return  # that writer finished (and another one started): not ours to touch
        except FileNotFoundError:
            return  # the writer finished meanwhile
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read()
        if _committed(root):
            raise _broken("is committed to git: a journal is never part of a change, and "
                          "completing it would judge files the repository does not hold; "
                          "remove it and the staged files it names (git rm)")
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
    finally:
        os.close(fd)


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
    return MlcycleError.at("MLC090", f"an interrupted change's journal {why}", JOURNAL, 1, 1)


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
