"""``check --base REF``: judge only what a change is answerable for.

The project is judged at the merge base too (its files, evidence and team
playbook, extracted from git into a temporary directory, loaded and evaluated
exactly as ``check`` does). An error finding of the working tree stays an error
when this change introduces it, or when it keeps a *required* gate from being
closed, whatever its code and whatever the base had: a gate of a phase the
project has left (at the head: a change that appends an ``advance`` takes on
the gates it leaves behind) or of a phase the check was asked to evaluate
(``--through``, ``--phase``, ``--all``). Time alone must not excuse a gate
(a waiver that expired since the base was merged is "at the base" too), and
neither may the base excuse the very gates a scope asks about. Any other
error already present at the base becomes a note saying so.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from mlcycle.codes import MLC044, MLC107, MLC108, MLC154
from mlcycle.errors import Problem
from mlcycle.escape import line
from mlcycle.judge.evaluate import Finding, Options, Result, evaluate
from mlcycle.load import gitbase
from mlcycle.load.gitbase import Base
from mlcycle.load.model import ProjectFile
from mlcycle.load.project import Project

if TYPE_CHECKING:
    from mlcycle.judge.lifediff import Change, Diff
    from mlcycle.load.model import Item

AT_BASE = "already at the base: "
# Error findings on an open gate that are not why it is open: a closed item's
# dependency (the dependency's own findings carry it) and its owner's name.
# Every other code, including any added later, keeps a required gate open.
NOT_CLOSING = frozenset({MLC107, MLC108})


@dataclass
class Outcome:
    at_base: int  # error findings relabelled as present at the base


def _keys(result: Result) -> set[tuple[str, str, str]]:
    return {(f.code, f.phase, f.item) for f in result.findings if f.severity == "error"}


def base_findings(base: Base, root: Path, options: Options) -> set[tuple[str, str, str]]:
    """(code, phase, item) of every error ``check`` found at the base."""
    from mlcycle.load import project

    paths = [base.prefix.rstrip("/") or "."]
    text = gitbase.at_base(base).project
    if text is not None and text.playbook.path is not None:
        # A team playbook inside the repository is part of the base too.
        joined = PurePosixPath(base.prefix or ".") / text.playbook.path
        parts: list[str] = []
        for part in joined.parts:
            if part == "..":
                if not parts:
                    break
                parts.pop()
            elif part != ".":
                parts.append(part)
        else:
            paths.append("/".join(parts) or ".")
    with tempfile.TemporaryDirectory(prefix="mlcycle-base-") as tmp:
        gitbase.archive(base, paths, Path(tmp))
        where = Path(tmp) / base.prefix
        if not (where / "mlcycle.yaml").is_file():
            return set()
        loaded, problems = project.load_partial(where)
        if loaded is None:
            return set()
        skip = project.items_with_problems(loaded, problems)
        try:
            return _keys(evaluate(loaded, options, skip=skip))
        except Exception:  # noqa: BLE001 - the base only informs; it never blocks a check
            return set()


def history_problems(old: ProjectFile | None, project: Project) -> list[Problem]:
    """An upgrade entry this change adds must record the change of the pinned
    playbook this change makes (the base's pin to the head's): otherwise it is
    made up, and would excuse made-up moves before it from the phase rules."""
    if old is None:
        return []
    new = project.file
    shared = 0
    while shared < min(len(old.history), len(new.history)) and \
            old.history[shared] == new.history[shared]:
        shared += 1
    before = f"{old.playbook.name}@{old.playbook.version}"
    after = f"{new.playbook.name}@{new.playbook.version}"
    problems: list[Problem] = []
    if shared < len(old.history):
        # The history is append-only: an entry of the base changed here (say, an
        # overlay's recorded attachment edited together with its pin) would make
        # every rule that trusts the history trust a forgery.
        at = ("history", shared) if shared < len(new.history) else ("history",)
        problems.append(project.source.problem(
            at, MLC044, f"history[{shared}]: this change rewrites (or removes) an entry of "
            f"the base's history ({len(old.history) - shared} of its {len(old.history)} "
            "entries differ); the history is append-only: restore the base's entries and "
            "record the change with the command that makes it"))
    first = True
    for index in range(shared, len(new.history)):
        entry = new.history[index]
        if entry.event != "upgrade":
            continue
        name = f"history[{index}]"
        if before == after:
            problems.append(project.source.problem(
                ("history", index, "event"), MLC044, f"{name}: an upgrade entry "
                f"({entry.from_playbook} -> {entry.to_playbook}), but this change does not move "
                f"the pinned playbook ({after} at the base and here); remove the entry, and move "
                "playbooks with `mlcycle upgrade`"))
        elif first and entry.from_playbook != before:
            problems.append(project.source.problem(
                ("history", index, "from_playbook"), MLC044, f"{name}.from_playbook: "
                f"{entry.from_playbook}, but the base pins {before}; an upgrade starts from the "
                "playbook the project is on (`mlcycle upgrade` records it)"))
        first = False
    return problems


def required(result: Result) -> set[tuple[str, str]]:
    """(phase, item) of every gate that must be closed for this check to pass and
    is not: the gates of the phases left (at the head) and of the phases evaluated."""
    project = result.project
    if project is None:
        return set()
    ids = project.playbook.phase_ids
    current = project.file.current_phase
    phases = set(ids[: ids.index(current)]) if current in ids else set()
    phases |= set(result.evaluated)
    return {(s.phase, s.item.id) for s in result.items
            if s.item.gate and not s.closed and s.phase in phases}


def relabel(result: Result, at_base: set[tuple[str, str, str]]) -> Outcome:
    """Turn errors already present at the base into notes, except those that keep
    a required gate open."""
    if result.project is None:
        return Outcome(0)
    keep_open = required(result)
    changed = 0
    findings: list[Finding] = []
    summaries = {s.id: s for s in result.phases}
    for f in result.findings:
        key = (f.code, f.phase, f.item)
        blocks = (f.phase, f.item) in keep_open and f.code not in NOT_CLOSING
        if f.severity == "error" and key in at_base and not blocks:
            p = f.problem
            f = Finding(Problem(p.location, p.code, AT_BASE + p.message, "note"), f.phase, f.item)
            changed += 1
            summary = summaries.get(f.phase)
            if summary is not None:
                summary.errors -= 1
                summary.notes += 1
        findings.append(f)
    result.findings = findings
    return Outcome(changed)


def weakenings(result: Result, changes: Diff) -> int:
    """Add an MLC154 warning for each change that weakens an item of the working
    tree (what ``diff`` marks ``!!`` in its definitions, and a waiver added),
    at the item in its status file, naming the people accountable for it; and
    for each project-level change ``diff`` marks ``!!`` (an overlay removed or
    attached later, a profile switching gates off, the primary metric loosened,
    the evidence hosts widened), at its key in mlcycle.yaml, naming the people
    accountable for the gates it weakens; returns how many."""
    project = result.project
    if project is None:
        return 0
    where = {item.id: (phase, index, item) for phase, index, item in project.entries()}
    summaries = {s.id: s for s in result.phases}
    weaker = [c for c in changes.definitions if c.severe] + \
        [c for c in changes.waivers if c.severe and c.text.startswith("waiver ADDED")]
    added = 0
    for change in weaker:
        if change.key or "/" not in change.subject:
            continue  # project-level: below
        item_id = change.subject.rpartition("/")[2]
        if item_id not in where:
            continue
        phase, index, item = where[item_id]
        role = item.raci.accountable
        people = ", ".join(project.file.team.get(role, [])) or "nobody on the team yet"
        problem = phase.source.problem(
            ("items", index), MLC154, line(f"item '{item_id}': this change weakens it: "
                                          f"{change.text}; accountable: {role} ({people})"),
            "warning")
        result.findings.append(Finding(problem, phase.id, item_id))
        if phase.id in summaries:
            summaries[phase.id].warnings += 1
        added += 1
    for change in [c for c in (*changes.definitions, *changes.playbook) if c.severe and c.key]:
        name, _, overlay = change.subject.partition(" ")
        subject = f"overlay '{overlay}'" if name == "overlay" else change.subject
        problem = project.source.problem(
            change.key, MLC154, line(f"{subject}: this change weakens the project's "
                                     f"gates: {change.text}; accountable: "
                                     f"{_accountable(project, change, changes)}"), "warning")
        result.findings.append(Finding(problem, "", ""))
        added += 1
    result.findings.sort(key=lambda f: f.problem)
    return added


def _accountable(project: Project, change: Change, changes: Diff) -> str:
    """The accountable roles of the gates a project-level change weakens, each
    with its people (from the base's team for a role this change removed): of
    every gate of the project when the change names none (a host list widened
    before any gate cites the hosts it admits)."""
    gates: list[Item] = list(change.gates)
    # An attachment moved later, at overlays[i].gate_at.PHASE: the gates of that
    # overlay phase, which diff's snapshot (no definitions) could not name.
    if len(change.key) > 3 and change.key[0] == "overlays" and change.key[2] == "gate_at":
        name, phase = change.subject.removeprefix("overlay "), change.key[3]
        gates = [item for overlay in project.overlays if overlay.name == name
                 for _, _, item in overlay.entries()
                 if item.gate and overlay.overlay_phase(item.id) == phase]
    if not gates:
        gates = [item for _, _, item in project.entries() if item.gate]
    roles = list(dict.fromkeys(item.raci.accountable for item in gates))
    team = project.file.team
    named = []
    for role in roles:
        people = ", ".join(team.get(role) or changes.team_before.get(role, []))
        named.append(f"{role} ({people or 'nobody on the team yet'})")
    return ", ".join(named) or "no gate yet"
