"""Atomic writes: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def new_file_mode() -> int:
    """The permissions a plain ``open(path, "w")`` would give (mkstemp gives 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (LF endings) so that readers see the old or the new file, never half.

    A file that exists keeps its permissions; a new one gets the usual ones.
    """
    data = text.encode("utf-8")
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = new_file_mode()
    # The suffix every staged file of mlcycle's has: one name to recognise (and delete)
    # what a killed process leaves behind.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".mlcycle.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
