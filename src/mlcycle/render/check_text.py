"""``mlcycle check --format text``: one compiler-style line per finding, then a summary.

No rich here: check runs in every CI job and must start fast.
"""

from __future__ import annotations

from mlcycle.errors import error_count
from mlcycle.judge.evaluate import Result


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def scope_text(result: Result) -> str:
    """The phases whose gates were evaluated, in words."""
    options, project = result.options, result.project
    if options is None or project is None:
        return "nothing evaluated"
    listed = ", ".join(result.evaluated)
    if options.mode == "all":
        return f"all phases: {listed}"
    if options.mode == "phase":
        return f"phase '{options.phase}'"
    if options.mode == "through":
        return f"phases through '{options.phase}': {listed}"
    current = project.file.current_phase
    if not result.evaluated:
        return f"no phase before the current phase '{current}'"
    return f"phases before the current phase '{current}': {listed}"


def summary(result: Result) -> str:
    counts = (f"{_plural(result.count('error'), 'error')}, "
              f"{_plural(result.count('warning'), 'warning')}, "
              f"{_plural(result.count('note'), 'note')}")
    invalid = error_count(result.problems)
    if result.project is None:
        return f"mlcycle check: could not evaluate: {_plural(invalid, 'input error')}"
    gates = result.gates
    closed = sum(1 for g in gates if g.closed)
    if result.exit_code == 2:
        # Exit 2 wins, but what loaded cleanly was still judged: say both.
        head = f"invalid input ({_plural(invalid, 'input error')}); of what loaded"
    elif result.exit_code == 1:
        head = "FAILED"
    else:
        head = "passed"
    if not gates:
        gate_text = f"no gates evaluated ({scope_text(result)})"
    elif closed == len(gates):
        gate_text = f"{closed} of {_plural(len(gates), 'gate')} closed ({scope_text(result)})"
    else:
        gate_text = (f"{len(gates) - closed} of {_plural(len(gates), 'gate')} open "
                     f"({scope_text(result)})")
    return f"mlcycle check: {head}: {gate_text}; {counts}"


def lines(result: Result) -> list[str]:
    return [str(f.problem) for f in result.findings]


def render(result: Result) -> str:
    return "".join(f"{line}\n" for line in [*lines(result), summary(result)])
