"""``mlcycle diff``: what a change does to the lifecycle, by item id."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from mlcycle import dates
from mlcycle.cli_kit.options import ProjectDir, Today
from mlcycle.cli_kit.output import show
from mlcycle.codes import MLC031

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from mlcycle.judge.evaluate import Result
    from mlcycle.judge.lifediff import Diff
    from mlcycle.load.gitbase import Base, Snapshot

BaseRef = Annotated[
    str, typer.Option("--base", metavar="REF",
                      help="Compare with the merge base of REF and HEAD (as git diff "
                           "--merge-base does).")]


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)


def diff(
    directory: ProjectDir = Path("."),
    base: BaseRef = "",
    format: Annotated[
        Literal["text", "markdown", "json"], typer.Option("--format", "-f", help="Output format.")
    ] = "text",
    today: Today = None,
) -> int:
    """What a change does to the lifecycle, by item id.

    The lifecycle at the merge base of REF and HEAD against the working tree:
    definition changes first, then phase moves, items closed and reopened,
    status/owner/due changes, waivers, items and phases added or removed.
    Exit 0 (it reports; `check --base` judges), 2 on a git or input error.

    \b
    Example:
      mlcycle diff --base origin/main
    """
    from mlcycle.errors import MlcycleError
    from mlcycle.render.diff import RENDERERS

    if not base:
        raise MlcycleError.at(MLC031, "--base REF is required (for example --base "
                              "origin/main)", "<command line>")
    when = dates.today(today)
    changes, _, _ = compute(directory, base, when)
    show(RENDERERS[format](changes))
    return 0


def compute(directory: Path, ref: str, when: date) -> tuple[Diff, Base, Snapshot]:
    from mlcycle.judge.lifediff import compare
    from mlcycle.load import gitbase
    from mlcycle.load.project import find_root

    root = find_root(directory)
    found = gitbase.merge_base(root, ref)
    label = f"{found.commit[:12]} (merge base of {ref} and HEAD)"
    from mlcycle.judge import metricdiff

    old = gitbase.at_base(found)
    new = gitbase.working_tree(root)
    changes = compare(old, new, label, when)
    changes.metrics = metricdiff.compare(found, old, new, root)
    return changes, found, old


def with_base(result: Result, directory: Path, ref: str, when: date
              ) -> Callable[[str, str], str]:
    """``check --base``: relabel the findings already present at the base, and
    return what adds the diff to each report (``when``: check's evaluation date)."""
    from mlcycle.judge import basecheck
    from mlcycle.render.with_diff import attach

    changes, found, old = compute(directory, ref, when)
    at_base = 0
    if result.project is not None:
        # A made-up upgrade is invalid input (exit 2), located at its entry.
        from mlcycle.errors import capped

        made_up = basecheck.history_problems(old.project, result.project)
        if made_up:
            result.problems = capped([*result.problems, *made_up])
    if result.project is not None and result.options is not None:
        keys = basecheck.base_findings(found, result.project.root, result.options)
        at_base = basecheck.relabel(result, keys).at_base
    basecheck.weakenings(result, changes)
    return lambda format, report: attach(format, report, changes, at_base)
