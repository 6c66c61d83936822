"""One module per command; each registers itself on the app.

typer builds a click command from every registered function on each run
(signatures, annotations, one pydantic adapter per parameter when it runs), so
a command line that names a command registers only the module that defines it:
`mlcycle check` does not pay for the other twenty. Anything else (no command, a
typo, completion, a root option other than --debug) registers them all, for the
full list and click's "did you mean". ``tests/test_startup.py`` checks that
``MODULES`` names exactly what each module registers.
"""

from __future__ import annotations

import importlib
import os

import typer

# command name -> the module under mlcycle.commands that registers it
MODULES = {
    "init": "init", "status": "status", "check": "check", "diff": "diff",
    "validate": "validate", "set": "set", "start": "set", "done": "set", "block": "set",
    "waive": "set", "team": "team", "advance": "move", "reopen": "move", "raci": "raci",
    "render": "render", "report": "report", "log": "log", "playbooks": "playbooks",
    "schema": "schema", "portfolio": "portfolio", "score": "score", "upgrade": "upgrade",
    "metrics": "metrics",
}
# The commands that group subcommands, and theirs (the command a usage error names).
GROUPS = {"team": ("add", "remove"), "playbooks": ("show", "fork"), "metrics": ("pull",)}
# The order of the full list (the order of `mlcycle --help`).
ORDER = ("init", "status", "check", "diff", "validate", "set", "team", "move", "raci",
         "render", "report", "log", "playbooks", "schema", "portfolio", "score", "upgrade",
         "metrics")
# Root options that may come before the command and change nothing about it.
_PASSTHROUGH = ("--debug",)


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
