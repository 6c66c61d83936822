"""``mlcycle check --format text``: one compiler-style line per finding, then a summary.

No rich here: check runs in every CI job and must start fast.
"""

from __future__ import annotations

from mlcycle.codes import MLC152
from mlcycle.errors import error_count
from mlcycle.escape import line
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
    if result.exit_code == 1 and closed == len(gates):
        # Every gate is closed and yet it failed: say why, or the line contradicts itself.
        errors = [f for f in result.findings if f.severity == "error"]
        items = len({f.item for f in errors})
        gate_text += f", but {_plural(len(errors), 'error')} in {_plural(items, 'item')}"
    return f"mlcycle check: {head}: {gate_text}; {counts}"


def lines(result: Result) -> list[str]:
    # Unverified URLs are no news on every run: said once, in unverified().
    return [str(f.problem) for f in result.findings if f.code != MLC152]


# Items the unverified-URL note names; the rest are counted (a project citing
# URLs on thousands of items got a line of thousands of ids).
UNVERIFIED_SHOWN = 10


def unverified(result: Result) -> list[str]:
    """One line naming, once each, the items whose URL evidence was not verified
    (the first ``UNVERIFIED_SHOWN``; ``--format json`` has every one)."""
    items = list(dict.fromkeys(f.item for f in result.findings if f.code == MLC152))
    if not items:
        return []
    named = ", ".join(repr(item) for item in items[:UNVERIFIED_SHOWN])
    if len(items) > UNVERIFIED_SHOWN:
        named += f" and {len(items) - UNVERIFIED_SHOWN} more (`--format json` lists each)"
    return [f"note[{MLC152}]: URL evidence not verified (check works offline; list the hosts "
            f"the team trusts with `mlcycle hosts add HOST`): {named}"]


def render(result: Result) -> str:
    # Each finding line is escaped by Problem.__str__; the summary names phases.
    return "".join(f"{text}\n" for text in [*lines(result), *map(line, unverified(result)),
                                             line(summary(result))])
