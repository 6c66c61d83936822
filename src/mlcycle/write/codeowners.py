"""``mlcycle codeowners``: a CODEOWNERS block from the RACI, so that GitHub asks
the people who answer for a phase's gates to approve a change to its status file.

- each status file: the people holding the accountable roles of its gates (of
  all its items when it has no gate);
- ``mlcycle.yaml`` and a team's playbook directory: the accountable people of
  the first phase (they answer for the project's frame);
- each overlay's status file (``lifecycle/overlays/NAME.yaml``) as a phase's,
  a team's overlay directory as the playbook directory.

Owners are written as ``@handle`` from ``mlcycle.yaml``'s ``github`` map; a
person without one is reported (MLC311) and left out; a path nobody with a
handle owns gets a comment line, never an owner-less rule (which would clear
the ownership a rule above gave it). The block sits between two marker lines;
every byte outside them is kept. Paths are anchored at the repository root
(a project below it gets its prefix), with blanks escaped as CODEOWNERS wants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mlcycle.codes import MLC311
from mlcycle.disk.transaction import FileChange
from mlcycle.errors import Location, MlcycleError, Problem
from mlcycle.escape import quote
from mlcycle.load.model import Item
from mlcycle.load.overlays import overlay_file_name
from mlcycle.load.project import PROJECT_FILE, Project, phase_file_name

DEFAULT_FILE = ".github/CODEOWNERS"


def begin(where: str) -> str:
    return f"# BEGIN mlcycle {where} (written by `mlcycle codeowners`; edit mlcycle.yaml instead)"


def end(where: str) -> str:
    return f"# END mlcycle {where}"


@dataclass
class Plan:
    block: str  # the lines between the markers, markers included
    change: FileChange
    warnings: list[Problem] = field(default_factory=list)


def escape_path(path: str) -> str:
    """A path as a CODEOWNERS pattern: blanks and the characters its syntax reads
    (#, backslash) escaped with a backslash, anchored at the repository root."""
    out = "".join("\\" + c if c in " \t#\\" else c for c in path)
    return "/" + out


def _accountable(project: Project, found: list[Item]) -> list[str]:
    gates = [i for i in found if i.gate] or found
    roles = list(dict.fromkeys(i.raci.accountable for i in gates))
    team = project.file.team
    return list(dict.fromkeys(p for r in roles for p in team.get(r, [])))


def rules(project: Project, prefix: str) -> tuple[list[str], list[Problem]]:
    """The block's lines (no markers) and a warning per person without a handle."""
    handles = project.file.github
    missing: dict[str, list[str]] = {}
    out: list[str] = []

    def rule(path: str, people: list[str]) -> None:
        owners = [f"@{handles[p]}" for p in people if p in handles]
        for person in people:
            if person not in handles:
                missing.setdefault(person, []).append(path)
        pattern = escape_path(prefix + path)
        if owners:
            out.append(f"{pattern} {' '.join(owners)}")
        else:
            who = ", ".join(people) or "nobody holds the accountable role"
            out.append(f"# {pattern}: no owner with a GitHub handle ({who})")

    first = project.phases[0].file.items if project.phases else []
    frame = _accountable(project, list(first))
    rule(PROJECT_FILE, frame)
    ref = project.file.playbook
    if ref.path is not None:
        rule(ref.path.rstrip("/") + "/", frame)
    for phase in project.phases:
        rule(phase_file_name(phase.number, phase.id),
             _accountable(project, list(phase.file.items)))
    # An overlay is held like the lifecycle: its status file by the people
    # accountable for its gates, a team's overlay directory (its definitions) by
    # those of the project's frame.
    for state in project.overlays:
        if state.ref.path is not None:
            rule(state.ref.path.rstrip("/") + "/", frame)
        rule(overlay_file_name(state.name), _accountable(project, list(state.file.items)))
    warnings = [Problem(Location("<command line>"), MLC311,
                        f"{quote(person)} owns {', '.join(paths)} but has no GitHub handle in "
                        f"mlcycle.yaml; add it with `mlcycle team add ROLE {quote(person)} "
                        "--github HANDLE`", "warning")
                for person, paths in missing.items()]
    return out, warnings


def plan(project: Project, target: Path, display: str, prefix: str) -> Plan:
    where = prefix or "/"
    lines, warnings = rules(project, prefix)
    block = "\n".join([begin(where), *lines, end(where)]) + "\n"
    before = target.read_bytes() if target.exists() else None
    text = "" if before is None else before.decode("utf-8", "replace")
    after = splice(text, block, where, display)
    return Plan(block, FileChange(target, display, before, after.encode("utf-8")), warnings)


def splice(text: str, block: str, where: str, display: str) -> str:
    """``text`` with the block between its markers replaced (appended at the end
    when it has none: in CODEOWNERS the last matching rule wins)."""
    lines = text.splitlines(keepends=True)
    starts = [n for n, t in enumerate(lines) if t.rstrip("\r\n") == begin(where)]
    ends = [n for n, t in enumerate(lines) if t.rstrip("\r\n") == end(where)]
    if not starts and not ends:
        if text and not text.endswith("\n"):
            text += "\n"
        return text + ("\n" if text.strip() else "") + block
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        from mlcycle.codes import MLC031

        raise MlcycleError.at(MLC031, f"the mlcycle block's markers ({begin(where)!r} ... "
                              f"{end(where)!r}) are not one pair in this file; fix them by hand "
                              "and run `mlcycle codeowners` again", display, 1, 1)
    nl = "\r\n" if lines[starts[0]].endswith("\r\n") else "\n"
    return "".join([*lines[:starts[0]], block.replace("\n", nl), *lines[ends[0] + 1:]])
