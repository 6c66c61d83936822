"""Shell completion of item ids, phase ids, roles, people and statuses of the
project holding the working directory. Imported only when the shell asks."""

from __future__ import annotations

import os
import re
from pathlib import Path

STATUSES = ["todo", "doing", "blocked", "done"]
# A candidate is one line of the completion protocol, and bash inserts it into
# the command line as it is: a control character (a newline makes a second
# candidate) is never offered, whatever a hand-edited file holds.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SHELL_SPECIAL = re.compile(r"""[\s!"#$&'()*;<>?\[\\\]^`{|}~]""")


def candidates(kind: str, incomplete: str) -> list[str]:
    if kind == "status":
        words = STATUSES
    elif kind == "item-or-status":  # `set ITEM... [STATUS]`: any word may be either
        try:
            words = [*_from_project("item"), *STATUSES]
        except Exception:  # noqa: BLE001 - a broken project completes nothing, never crashes
            words = list(STATUSES)
    else:
        try:
            words = _from_project(kind)
        except Exception:  # noqa: BLE001 - a broken project completes nothing, never crashes
            words = []
    found = [w for w in words if w.startswith(incomplete) and not _CONTROL.search(w)]
    # typer's bash script puts each line into COMPREPLY, which bash inserts
    # verbatim: a name with a space or a `$(...)` must arrive as one inert word.
    # Backslashes, not quotes: the candidate still starts with what was typed
    # ("Ana" completes to "Ana\ Lima"). zsh and fish quote what they insert.
    if os.environ.get("_MLCYCLE_COMPLETE") == "complete_bash":
        found = [_SHELL_SPECIAL.sub(r"\\\g<0>", w) for w in found]
    return found


def _from_project(kind: str) -> list[str]:
    from mlcycle.load import project

    loaded = project.load(Path("."))
    if kind == "item":
        return [i.id for _, _, i in loaded.entries()]
    if kind == "phase":
        return [p.id for p in loaded.phases]
    if kind == "role":
        return list(loaded.playbook.role_ids)
    return sorted(loaded.people())
