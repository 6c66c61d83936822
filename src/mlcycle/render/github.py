"""``mlcycle check --format github``: GitHub Actions workflow commands, then the plain list.

Escaping follows the Actions toolkit (``@actions/core`` ``command.ts``): in the
message ``%``, CR and LF are encoded; in property values ``:`` and ``,`` too.
GitHub shows only the first 10 annotations of each kind per step, so errors
come first.
"""

from __future__ import annotations

from mlcycle.errors import Problem
from mlcycle.escape import github_data, github_property
from mlcycle.judge.evaluate import Result
from mlcycle.render import check_text

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}
_ORDER = {"error": 0, "warning": 1, "note": 2}


def annotation(problem: Problem, title: str, prefix: str = "") -> str:
    """One workflow command. ``prefix`` is the project directory relative to the
    repository root (GitHub wants repository-relative file names)."""
    loc = problem.location
    props = [f"file={github_property(prefix + loc.path)}"]
    if loc.line:
        props += [f"line={loc.line}", f"col={loc.column or 1}"]
    props.append(f"title={github_property(title)}")
    kind = _COMMAND.get(problem.severity, "error")
    return f"::{kind} {','.join(props)}::{github_data(problem.message)}"


def workflow_commands(result: Result, prefix: str = "") -> list[str]:
    entries = [(p, f"mlcycle {p.code}") for p in result.problems]
    entries += [(f.problem, f"mlcycle {f.code}: {f.item}") for f in result.findings]
    entries.sort(key=lambda e: (_ORDER.get(e[0].severity, 0), e[0]))
    return [annotation(p, title, prefix) for p, title in entries]


def render(result: Result, prefix: str = "") -> str:
    commands = "".join(f"{line}\n" for line in workflow_commands(result, prefix))
    return commands + check_text.render(result)
