"""``mlcycle diff``: what a change does to the lifecycle, by item id."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from mlcycle.codes import MLC031
from mlcycle.commands.check import Today
from mlcycle.commands.options import ProjectDir
from mlcycle.commands.output import show

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
    """The lifecycle at the merge base of REF and HEAD against the working tree:
    definition changes first, then phase moves, items closed and reopened,
    status/owner/due changes, waivers, items and phases added or removed.
    Exit 0 (it reports; `check --base` judges), 2 on a git or input error.
    """
    from mlcycle.errors import MlcycleError
    from mlcycle.judge import evaluate
    from mlcycle.render.diff import RENDERERS

    if not base:
        raise MlcycleError.at(MLC031, "--base REF is required (for example --base "
                              "origin/main)", "<command line>")
    when = evaluate.parse_today(today, os.environ.get("MLCYCLE_TODAY"))
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
    old = gitbase.at_base(found)
    return compare(old, gitbase.working_tree(root), label, when), found, old


def with_base(result: Result, directory: Path, ref: str, today: str | None
              ) -> Callable[[str, str], str]:
    """``check --base``: relabel the findings already present at the base, and
    return what adds the diff to each report."""
    from mlcycle.judge import basecheck, evaluate
    from mlcycle.render.with_diff import attach

    when = result.options.today if result.options is not None else \
        evaluate.parse_today(today, os.environ.get("MLCYCLE_TODAY"))
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
    return lambda format, report: attach(format, report, changes, at_base)
