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
    where = {i.id: p.id for p, _, i in project.entries()}  # an overlay's: where it joins
    earliest = min(ids.index(where[i]) for i in item_ids)
    if earliest >= current:
        return None
    resets = " ".join(f"--reset {i}" for i in item_ids)
    more = " --cascade" if cascade.dependents(project, item_ids) else ""
    return f"mlcycle reopen {ids[earliest]} --reason TEXT {resets}{more}"


def refusal(action: str, before: Project, after: Result, refused: list[Finding]) -> list[str]:
    """The lines after the findings: what ``action`` would leave, then what to run."""
    parts: list[str] = []
    commands: list[str] = []
    for advise in (_resting, _gates, _others):
        part, more = advise(before, after, refused, bool(parts))
        if part:
            parts.append(part)
        commands += more
    return [f"{action} refused: it would leave {'; '.join(parts)}; nothing written", *commands]


def _resting(before: Project, after: Result, refused: list[Finding],
             _said: bool) -> tuple[str, list[str]]:
    """Done items that would rest on open work (MLC107): reset them together, or first."""
    resting = list(dict.fromkeys(f.item for f in refused if f.code == MLC107))
    if not resting:
        return "", []
    states = {s.item.id: s for s in after.items}
    was_closed = {i.id for p in before.phases for i in p.file.items
                  if i.status in ("done", "waived", "na")}
    opened = sorted({dep for item in resting for dep in states[item].item.depends_on
                     if not states[dep].closed and dep in was_closed})
    part = (f"{', '.join(resting)} done on work that would be open again "
            f"({', '.join(opened) or 'its dependencies'})")
    commands: list[str] = []
    reopen = reopen_command(before, opened) if opened else None
    if reopen:
        commands.append(f"reset them together: {reopen}")
    first = [i.id for _, _, i in reversed(cascade.dependents(before, opened))] \
        if opened else resting
    steps = " && ".join(f"mlcycle set {i} doing" for i in first)
    commands.append(f"or first: {steps}" if commands else f"first: {steps}")
    return part, commands


def _gates(before: Project, _after: Result, refused: list[Finding],
           _said: bool) -> tuple[str, list[str]]:
    """Gates of a phase already left that would be open (MLC101): go back."""
    gates = list(dict.fromkeys(f.item for f in refused if f.code == MLC101))
    if not gates:
        return "", []
    part = (f"gate{'s' * (len(gates) > 1)} {', '.join(gates)} of a phase already "
            "left open")
    reopen = reopen_command(before, gates)
    return part, [f"to work on it again, go back: {reopen}"] if reopen else []


def _others(_before: Project, _after: Result, refused: list[Finding],
            said: bool) -> tuple[str, list[str]]:
    """Any other error: its count, and each code's fix from the registry."""
    others = [f for f in refused if f.code not in (MLC101, MLC107)]
    if not others:
        return "", []
    count = len(others)
    part = f"{count}{' other' if said else ''} error{'s' * (count != 1)} (listed above)"
    return part, [f"to fix {code}: {codes.CODES[code].fix}"
                  for code in dict.fromkeys(f.code for f in others)]
