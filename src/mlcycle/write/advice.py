"""What an editing command says when it refuses a change that would add error
findings: the findings (as check prints them), one line saying what the action
would break, in the action's words, and the command that would make the change
consistent, where one exists."""

from __future__ import annotations

import shlex

from mlcycle import codes
from mlcycle.codes import MLC101, MLC107
from mlcycle.escape import line
from mlcycle.judge.result import Finding, Result
from mlcycle.load.project import Project
from mlcycle.write import cascade


def sh(text: str) -> str:
    """An argument as a user would type it, made printable."""
    return line(shlex.quote(text))


def reopen_command(project: Project, item_ids: list[str]) -> str | None:
    """``mlcycle reopen PHASE --reason TEXT --reset ITEM...`` (with ``--cascade``
    when closed items rest on them), when their phase lies behind the current
    one; None otherwise (reopen only goes back)."""
    ids = [p.id for p in project.phases]
    current = ids.index(project.file.current_phase)
    where = {i.id: p.id for p in project.phases for i in p.file.items}
    earliest = min(ids.index(where[i]) for i in item_ids)
    if earliest >= current:
        return None
    resets = " ".join(f"--reset {i}" for i in item_ids)
    more = " --cascade" if cascade.dependents(project, item_ids) else ""
    return f"mlcycle reopen {ids[earliest]} --reason TEXT {resets}{more}"


def refusal(action: str, before: Project, after: Result, refused: list[Finding]) -> list[str]:
    """The lines after the findings: what ``action`` would leave, then what to run."""
    states = {s.item.id: s for s in after.items}
    was_closed = {i.id for p in before.phases for i in p.file.items
                  if i.status in ("done", "waived", "na")}
    parts: list[str] = []
    commands: list[str] = []
    resting = [f.item for f in refused if f.code == MLC107]
    if resting:
        opened = sorted({dep for item in dict.fromkeys(resting)
                         for dep in states[item].item.depends_on
                         if not states[dep].closed and dep in was_closed})
        parts.append(f"{', '.join(dict.fromkeys(resting))} done on work that would be open "
                     f"again ({', '.join(opened) or 'its dependencies'})")
        if opened:
            reopen = reopen_command(before, opened)
            if reopen:
                commands.append(f"reset them together: {reopen}")
        first = [i.id for _, _, i in reversed(cascade.dependents(before, opened))] \
            if opened else list(dict.fromkeys(resting))
        commands.append("or first: " + " && ".join(f"mlcycle set {i} doing" for i in first)
                        if commands else
                        "first: " + " && ".join(f"mlcycle set {i} doing" for i in first))
    gates = [f.item for f in refused if f.code == MLC101]
    if gates:
        parts.append(f"gate{'s' * (len(gates) > 1)} {', '.join(gates)} of a phase already "
                     "left open")
        reopen = reopen_command(before, list(dict.fromkeys(gates)))
        if reopen:
            commands.append(f"to work on it again, go back: {reopen}")
    others = [f for f in refused if f.code not in (MLC101, MLC107)]
    if others:
        count = len(others)
        other = " other" if parts else ""
        parts.append(f"{count}{other} error{'s' * (count != 1)} (listed above)")
        for code in dict.fromkeys(f.code for f in others):
            commands.append(f"to fix {code}: {codes.CODES[code].fix}")
    return [f"{action} refused: it would leave {'; '.join(parts)}; nothing written",
            *commands]
