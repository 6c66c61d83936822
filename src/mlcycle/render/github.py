"""``mlcycle check --format github``: GitHub Actions workflow commands, then the plain list.

Escaping follows the Actions toolkit (``@actions/core`` ``command.ts``): in the
message ``%``, CR and LF are encoded; in property values ``:`` and ``,`` too.
Every other line the runner reads (the plain list after the commands, the
problems on stderr) passes ``escape.github_text``: no ``::`` or ``##[`` of a
user's is left for the runner to take as a command. GitHub shows only the
first 10 annotations of each kind per step, so errors come first.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from mlcycle.errors import Location, Problem
from mlcycle.escape import github_data, github_property, github_text
from mlcycle.judge.evaluate import Result
from mlcycle.render import check_text

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}
_ORDER = {"error": 0, "warning": 1, "note": 2}


def annotation_file(path: str, prefix: str = "", workspace: str | None = None) -> str | None:
    """The ``file=`` of a problem at ``path``: repository-relative (``prefix``
    is the project directory relative to the repository root). A pseudo-path
    (``<command line>``) has none, and an absolute one (MLC028 names the
    directory it searched) is made relative to ``workspace``, the repository
    root; outside it, or the root itself, there is no file for GitHub to name."""
    if path.startswith("<"):
        return None
    if not PurePosixPath(path).is_absolute():
        return prefix + path
    if workspace is None:
        return None
    try:
        rel = PurePosixPath(path).relative_to(PurePosixPath(workspace))
    except ValueError:
        return None
    if rel == PurePosixPath("."):
        return None
    return rel.as_posix() + ("/" if path.endswith("/") else "")


def annotation(problem: Problem, title: str, prefix: str = "",
               workspace: str | None = None) -> str:
    """One workflow command. ``prefix`` is the project directory relative to the
    repository root (GitHub wants repository-relative file names)."""
    loc = problem.location
    file = annotation_file(loc.path, prefix, workspace)
    props = [] if file is None else [f"file={github_property(file)}"]
    if loc.line and file is not None:
        props += [f"line={loc.line}", f"col={loc.column or 1}"]
    props.append(f"title={github_property(title)}")
    kind = _COMMAND.get(problem.severity, "error")
    return f"::{kind} {','.join(props)}::{github_data(problem.message)}"


def workflow_commands(result: Result, prefix: str = "",
                      workspace: str | None = None) -> list[str]:
    entries = [(p, f"mlcycle {p.code}") for p in result.problems]
    # A project-level finding (check --base's MLC154 at mlcycle.yaml) has no item.
    entries += [(f.problem, f"mlcycle {f.code}: {f.item}" if f.item else f"mlcycle {f.code}")
                for f in result.findings]
    # A metric finding also points at the number in its metrics file, so the
    # pull request shows it in "Files changed" next to the value that moved.
    entries += [(Problem(Location(rel, at, col), f.code, f.message, f.severity),
                 f"mlcycle {f.code}: {f.item}")
                for m in result.metrics for f in m.findings for rel, at, col in m.key_lines]
    entries.sort(key=lambda e: (_ORDER.get(e[0].severity, 0), e[0]))
    return [annotation(p, title, prefix, workspace) for p, title in entries]


def log_lines(text: str) -> str:
    """Plain text for the log of a step: each line through ``github_text``."""
    return "\n".join(github_text(part) for part in text.split("\n"))


def render(result: Result, prefix: str = "", workspace: str | None = None,
           text: str | None = None) -> str:
    """The workflow commands, then ``text`` (by default the plain report) made
    safe for the log."""
    commands = "".join(f"{line}\n" for line in workflow_commands(result, prefix, workspace))
    return commands + log_lines(check_text.render(result) if text is None else text)
