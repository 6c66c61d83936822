"""Running git: one place that starts it, bounds what it reads and decodes paths.

git's output is bytes. Paths are decoded with the file system's rule
(``os.fsdecode``: undecodable bytes kept as surrogates), so a directory whose
name is not UTF-8 still reaches git back unchanged; text for people is decoded
with replacement characters and escaped where it is shown.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from mlcycle.errors import MlcycleError

TIMEOUT = 120  # seconds; a git that hangs (a lock, a prompt) must not hang CI


def run(cwd: Path, *args: str, stdin: bytes | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    """``git ARGS`` in ``cwd``; MLC062 when git cannot be started at all."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                              timeout=TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise MlcycleError.at("MLC062", f"cannot run git: {exc}", "<command line>") from None


def output(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """stdout of ``git ARGS``, or None when git is missing or says no."""
    try:
        done = run(cwd, *args, stdin=stdin)
    except MlcycleError:
        return None
    return done.stdout if done.returncode == 0 else None


def path(raw: bytes) -> str:
    """A path git printed, as the file system names it (surrogates for non-UTF-8)."""
    return os.fsdecode(raw)


def text(raw: bytes) -> str:
    """Text git printed, for people: undecodable bytes become U+FFFD."""
    return raw.decode("utf-8", "replace")
