"""The table of commands: which module of ``mlcycle.commands`` defines each
command, the groups and their subcommands, and the order of ``--help``. Data
only, so that ``usage`` (which names the failing command) reads it without
importing the commands."""

from __future__ import annotations

# command name -> the module under mlcycle.commands that registers it
MODULES = {
    "init": "init", "status": "status", "check": "check", "diff": "diff",
    "validate": "validate", "set": "set", "start": "set", "done": "set", "block": "set",
    "waive": "set", "na": "set", "team": "team", "advance": "move", "reopen": "move",
    "raci": "raci",
    "render": "render", "report": "report", "log": "log", "playbooks": "playbooks",
    "schema": "schema", "portfolio": "portfolio", "score": "score", "upgrade": "upgrade",
    "metrics": "metrics", "assign": "assign", "next": "next", "codeowners": "codeowners",
    "metric": "metric", "profile": "profile", "overlay": "overlay", "hosts": "hosts",
}
# The commands that group subcommands, and theirs (the command a usage error names).
GROUPS = {"team": ("add", "remove"), "playbooks": ("show", "fork"), "metrics": ("pull",),
          "metric": ("set",), "profile": ("set",), "overlay": ("add", "remove", "upgrade"),
          "hosts": ("add", "remove")}
# The order of the full list (the order of `mlcycle --help`).
ORDER = ("init", "status", "next", "check", "diff", "validate", "set", "assign", "team",
         "move", "raci", "codeowners", "render", "report", "log", "playbooks", "schema",
         "portfolio", "score", "upgrade", "metrics", "metric", "profile", "overlay", "hosts")
# Root options that may come before the command and change nothing about it.
_PASSTHROUGH = ("--debug",)
