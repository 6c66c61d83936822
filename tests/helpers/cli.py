"""The command line as a test drives it.

``run`` calls the real entry point (``mlcycle.cli.main``) in-process, so a
crash is exit 3 with its message, never hidden; stdout and stderr are kept
apart. (Writes to $HOME fail meanwhile: conftest's autouse fixture.)
"""

from __future__ import annotations

import io
import os
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from mlcycle.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(*args: str | os.PathLike[str], cwd: Path | None = None) -> Result:
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main([str(a) for a in args])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


def ok(cwd: Path, *args: str | os.PathLike[str]) -> Result:
    """``run`` in ``cwd`` a command that must succeed (exit 0)."""
    done = run(*args, cwd=cwd)
    assert done.code == 0, done
    return done
