"""One module per command; each registers itself on the app. What several
commands share (options, the printer, usage errors, the table of commands) is
in ``mlcycle.cli_kit``.

typer builds a click command from every registered function on each run
(signatures, annotations, one pydantic adapter per parameter when it runs), so
a command line that names a command registers only the module that defines it:
`mlcycle check` does not pay for the other twenty. Anything else (no command, a
typo, completion, a root option other than --debug) registers them all, for the
full list and click's "did you mean". ``tests/cli/test_startup.py`` checks that
``MODULES`` names exactly what each module registers.
"""

from __future__ import annotations

import importlib
import os

import typer

# The table of commands lives in cli_kit.names (usage errors read it too, and
# cli_kit sits below the commands); re-exported here, where commands register.
from mlcycle.cli_kit.names import _PASSTHROUGH, GROUPS, MODULES, ORDER  # noqa: F401


def named(args: list[str] | None) -> str | None:
    """The module of the command this command line runs, when that is certain."""
    if args is None or any(k.endswith("_COMPLETE") for k in os.environ):
        return None  # shell completion (`_MLCYCLE_COMPLETE`) lists every command
    for arg in args:
        if arg in _PASSTHROUGH:
            continue
        return MODULES.get(arg)  # an option or an unknown word: None
    return None


def register(app: typer.Typer, args: list[str] | None = None) -> None:
    """Register every command, or with ``args`` only the module of the one they name."""
    one = named(args)
    for name in (one,) if one is not None else ORDER:
        importlib.import_module(f"mlcycle.commands.{name}").register(app)
