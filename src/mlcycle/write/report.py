"""Where a report (``check --output``, ``schema --output``) may be written, and how.

One policy for every command that writes a report to a path the user names:

- never over a file the project reads (its ``mlcycle.yaml``, status files,
  playbook or evidence), also not through a symlink: MLC035, nothing written;
- an existing target that is not a regular file (``/dev/null``, a FIFO,
  ``/dev/stdout``, a terminal) is opened and written into, never replaced:
  replacing ``/dev/null`` with a file (as root in CI) breaks the machine;
- a symlink is written through: its target is replaced atomically when it is
  a regular file (or created when missing), and the link stays a link;
- anything else is written atomically in place.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from mlcycle.codes import MLC001, MLC035
from mlcycle.errors import MlcycleError
from mlcycle.write.atomic import write_atomic


def refusal(path: Path, protected: Mapping[Path, str], shown: str) -> MlcycleError | None:
    """The error for writing ``path`` when that would replace an input, else None.
    ``protected`` maps resolved paths to what they are; a directory covers its tree."""
    real = Path(os.path.realpath(path))
    for candidate in (real, *real.parents):
        if candidate in protected:
            via = " (through a symlink)" if real != Path(os.path.abspath(path)) else ""
            return MlcycleError.at(
                MLC035, f"--output would replace a file mlcycle reads ({protected[candidate]})"
                f"{via}; nothing was written, write the report elsewhere", shown)
    return None


def write_report(path: Path, text: str, protected: Mapping[Path, str], shown: str) -> None:
    """Write ``text`` to ``path`` by the policy above; every failure is a located error."""
    refused = refusal(path, protected, shown)
    if refused is not None:
        raise refused
    try:
        try:
            mode = os.stat(path).st_mode  # follows symlinks
        except FileNotFoundError:
            mode = None  # new, or a dangling symlink: created where it leads
        if mode is not None and stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "is a directory")
        if mode is not None and not stat.S_ISREG(mode):
            with open(path, "wb") as handle:  # a device, FIFO or terminal: write into it
                handle.write(text.encode("utf-8"))
            return
        write_atomic(Path(os.path.realpath(path)), text)
    except OSError as exc:
        raise MlcycleError.at(MLC001, f"cannot write the report: {exc.strerror or exc}",
                              shown) from None
