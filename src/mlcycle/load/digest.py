"""The SHA-256 digest of an evidence path, to tell later whether it changed.

``mlcycle reopen --reset`` records one per evidence path of each item it returns
to doing (``reopened.evidence`` in the status file); when the item is done again,
the stale-evidence rule compares them with the files as they are now.

Why a recorded digest and not git (the file's blob at the commit that recorded
the reopen): it works the same outside git, before the reopen is committed, in
a shallow CI clone and in a tarball, and ``check`` runs no git process for it.
The status file shows what was recorded, and a reviewer sees it change in the
pull request like any other line.

A directory's digest covers the relative path and the digest of every regular
file under it (sorted, symlinked directories not followed), so adding, removing,
renaming or editing a file changes it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_CHUNK = 1024 * 1024


def _file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def digest(root: Path, rel: str) -> str | None:
    """The digest of ``root/rel`` (a file or a directory), None when it does not
    exist. OSError (unreadable) propagates: the caller locates it."""
    path = root / rel
    try:
        if path.is_dir():
            h = hashlib.sha256(b"dir\0")
            for top, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    file = Path(top, name)
                    if not file.is_file():
                        continue
                    h.update(file.relative_to(path).as_posix().encode("utf-8", "surrogateescape"))
                    h.update(b"\0" + _file(file).encode() + b"\0")
            return h.hexdigest()
        return _file(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
