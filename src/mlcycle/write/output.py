"""Every file a command writes to a path the user names (``--output``/``-o`` of
``check``, ``report``, ``schema``): one policy, one place.

- never over a file a project reads (``mlcycle.yaml``, a status file, the
  journal, ``.mlcycle/``, the team playbook, evidence, a metrics file a check
  reads), neither the project being reported on nor the one the file would land
  in; the paths are compared as they really are (a symlink, a ``..`` path and a
  hard link to an input are that input): MLC035, nothing written, nothing created;
- missing parent directories are created (``reports/junit.xml`` in a fresh CI
  checkout);
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
from typing import TYPE_CHECKING

from mlcycle.codes import MLC001, MLC035
from mlcycle.disk.atomic import write_atomic
from mlcycle.errors import MlcycleError

if TYPE_CHECKING:
    from mlcycle.load.project import Project

_MAX_INODES = 100_000  # walked only for a target with several names; bounded all the same


def inputs_for(path: Path, root: Path | None = None, project: Project | None = None,
               complete: bool = True) -> dict[Path, str]:
    """Resolved path -> what it is, for every input ``path`` must not replace: those
    of the project at ``root`` (the one reported on, if any) and of the project
    ``path`` really lands in (``-o ../other/mlcycle.yaml``)."""
    from mlcycle.load.inputs import PROJECT_FILE, project_inputs

    inputs = project_inputs(root, project, complete) if root is not None else {}
    real = Path(os.path.realpath(path))
    for directory in (real, *real.parents):  # (a directory of schemas may be a project)
        if (directory / PROJECT_FILE).is_file():
            if root is None or directory != root.resolve():
                inputs = {**project_inputs(directory), **inputs}
            break
    return inputs


def refusal(path: Path, inputs: Mapping[Path, str], shown: str) -> MlcycleError | None:
    """The error for writing ``path`` when that would replace an input, else None.
    ``inputs`` maps resolved paths to what they are; a directory covers its tree."""
    real = Path(os.path.realpath(path))
    what = next((inputs[c] for c in (real, *real.parents) if c in inputs), None)
    via = " (through a symlink)" if real != Path(os.path.abspath(path)) else ""
    if what is None:
        what, via = _hard_link(real, inputs), " (through a hard link)"
    if what is None:
        return None
    return MlcycleError.at(
        MLC035, f"--output would replace a file mlcycle reads ({what}){via}; nothing was "
        "written, write the report elsewhere", shown)


def write_output(path: Path, text: str, inputs: Mapping[Path, str], shown: str) -> None:
    """Write ``text`` to ``path`` by the policy above; every failure is a located error."""
    refused = refusal(path, inputs, shown)
    if refused is not None:
        raise refused
    real = Path(os.path.realpath(path))
    try:
        try:
            mode: int | None = os.stat(path).st_mode  # follows links (/dev/stdout to a pipe)
        except (FileNotFoundError, NotADirectoryError):
            mode = None  # new, or a dangling symlink: created where it leads
        if mode is not None and stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "is a directory")
        if mode is not None and not stat.S_ISREG(mode):
            # A device, FIFO or terminal: written into. Opened by the name given,
            # so /dev/stdout stays this process's own stdout.
            with open(path, "wb") as handle:
                handle.write(text.encode("utf-8"))
            return
        _parents(path, real, shown)
        write_atomic(real, text)
    except OSError as exc:
        raise MlcycleError.at(MLC001, f"cannot write the report: {exc.strerror or exc}",
                              shown) from None


def _parents(path: Path, real: Path, shown: str) -> None:
    """Create the missing directories above ``real`` (where ``path`` leads); a
    file in the way is named as the user wrote it."""
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((d for d in reversed(path.parents) if d.exists() and not d.is_dir()),
                       None)
        why = (f"'{blocker.as_posix()}' is a file, not a directory" if blocker is not None
               else exc.strerror or str(exc))
        raise MlcycleError.at(MLC001, f"cannot create the report's directory: {why}",
                              shown) from None


def _hard_link(real: Path, inputs: Mapping[Path, str]) -> str | None:
    """What ``real`` is, when it is an existing file with several names, one of
    them an input: replacing it would leave two files that were one."""
    try:
        info = os.stat(real)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_nlink < 2:
        return None  # the usual case: no walk at all
    wanted = (info.st_dev, info.st_ino)
    seen = 0
    for top, what in inputs.items():
        stack = [top]
        while stack and seen < _MAX_INODES:
            here = stack.pop()
            seen += 1
            try:
                found = os.lstat(here)
                if stat.S_ISDIR(found.st_mode):
                    stack.extend(here.iterdir())
                    continue
            except OSError:
                continue
            if (found.st_dev, found.st_ino) == wanted:
                return what
    return None
