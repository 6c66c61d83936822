"""The console script's entry point: answers ``--version`` and ``--help``
without importing typer (which alone costs ~5x a bare Python start), and
hands every other command line to the typer app in ``mlcycle.cli``.

The top-level help is the text typer renders, stored in ``_help.py`` by
``tests/cli/test_entry.py`` (regenerate with MLCYCLE_REGEN_GOLDEN=1); that test
fails as soon as the two differ.
"""

from __future__ import annotations

import os
import sys


def _width() -> int:
    """The width click would format help for (it caps it at 80)."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from mlcycle import __version__

        sys.stdout.write(f"mlcycle {__version__}\n")
        raise SystemExit(0)
    if args in (["--help"], ["-h"]) and _width() >= 80:
        from mlcycle._help import TEXT

        sys.stdout.write(TEXT)
        raise SystemExit(0)
    from mlcycle import interrupts

    # Before the heavy imports (typer, pydantic: a few hundred ms), so that a
    # Ctrl-C during them is the same one line and exit 130, never a traceback.
    # Never put back: after the command, Ctrl-C is ignored until the process ends.
    interrupts.install()
    try:
        from mlcycle.cli import main as full

        full(args)
    except KeyboardInterrupt:  # before cli.main could take charge
        interrupts.completed()
        sys.stderr.write("mlcycle: interrupted\n")
        _exit_interrupted()
    except SystemExit as exc:
        if exc.code == 130:
            _exit_interrupted()
        interrupts.ignore()  # decided: a late Ctrl-C must not kill the process on its way out
        raise


def _exit_interrupted() -> None:
    """Exit 130. Not by SystemExit: CPython before 3.12 remembers a KeyboardInterrupt
    raised inside exec() (dataclasses and pydantic build classes that way) even once
    handled, and would end the process by SIGINT instead of the documented 130."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:
            pass
    os._exit(130)
