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

from mlcycle.codes import MLC062
from mlcycle.errors import MlcycleError

TIMEOUT = 120  # seconds; a git that hangs (a lock, a prompt) must not hang CI


def run(cwd: Path, *args: str, stdin: bytes | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    """``git ARGS`` in ``cwd``; MLC062 when git cannot be started at all."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                              timeout=TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise MlcycleError.at(MLC062, f"cannot run git: {exc}", "<command line>") from None


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


def blob_sizes(cwd: Path, names: list[bytes]) -> list[int | None]:
    """The size of each ``REV:PATH`` blob (None: absent, or not a blob), through
    one ``git cat-file --batch-check``. A name holding a newline cannot be asked
    for (the protocol reads one name a line): None."""
    asked = [name for name in names if b"\n" not in name]
    out = output(cwd, "cat-file", "--batch-check=%(objecttype) %(objectsize)",
                 stdin=b"".join(name + b"\n" for name in asked)) if asked else b""
    sizes = iter((out or b"").split(b"\n"))
    found: list[int | None] = []
    for name in names:
        line = next(sizes, b"") if b"\n" not in name else b""
        kind, _, size = line.partition(b" ")
        found.append(int(size) if kind == b"blob" and size.isdigit() else None)
    return found


def blobs(cwd: Path, names: list[bytes]) -> dict[bytes, str]:
    """The text of each ``REV:PATH`` blob (UTF-8, BOM dropped, undecodable bytes
    replaced), through one ``git cat-file --batch``. Callers ask only for blobs
    whose size they checked (``blob_sizes``): nothing here bounds them."""
    asked = [name for name in names if b"\n" not in name]
    out = output(cwd, "cat-file", "--batch",
                 stdin=b"".join(name + b"\n" for name in asked)) if asked else None
    found: dict[bytes, str] = {}
    if out is None:
        return found
    at = 0
    for name in asked:
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # "<name> missing"
        size = int(header[2])
        found[name] = out[at:at + size].decode("utf-8", "replace").removeprefix("\ufeff")
        at += size + 1
    return found


def where(cwd: Path) -> tuple[Path, str] | None:
    """The repository's top directory and ``cwd``'s path below it ("" or
    "a/b/"), or None outside a work tree. From ``--show-cdup`` (only ``../``
    parts), never from a path git prints: a directory name may hold a line
    break, which would split git's line-per-value output."""
    cdup = output(cwd, "rev-parse", "--show-cdup")
    if cdup is None:
        return None
    ups = cdup.decode("ascii", "replace").strip().count("../")
    here = Path(os.path.abspath(cwd))
    top = here
    for _ in range(ups):
        top = top.parent
    below = here.relative_to(top).as_posix()
    return top, "" if below == "." else below + "/"
