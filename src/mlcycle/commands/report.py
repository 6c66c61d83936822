"""``mlcycle report``: one self-contained HTML page for people without a terminal."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.codes import MLC001, MLC065
from mlcycle.commands.check import Today
from mlcycle.commands.options import ProjectDir
from mlcycle.commands.output import say


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    directory: ProjectDir = Path("."),
    output: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--output", "-o", dir_okay=False, metavar="FILE.html",
                     help="Where to write the page (atomically).")] = None,
    today: Today = None,
) -> int:
    """Write one self-contained HTML report: phases and progress, open gates with
    owners, blocked and overdue items, waivers, RACI per phase, the path through
    the phases, and a burn-up of items closed over time (from git).

    No script and nothing fetched from the network; the same input gives the
    same bytes (a date only from SOURCE_DATE_EPOCH).
    """
    from mlcycle.errors import MlcycleError
    from mlcycle.judge import evaluate
    from mlcycle.judge import report as data
    from mlcycle.load import project
    from mlcycle.render.report import render
    from mlcycle.write.atomic import write_atomic

    if output is None:
        raise MlcycleError.at(MLC065, "--output FILE.html is required", "<command line>")
    when = evaluate.parse_today(today, os.environ.get("MLCYCLE_TODAY"))
    loaded = project.load(directory)
    result = evaluate.evaluate(loaded, evaluate.Options(when))
    if result.problems:
        raise MlcycleError(result.problems)
    page = render(data.report(result, os.environ.get("SOURCE_DATE_EPOCH")))
    try:
        write_atomic(output, page)
    except OSError as exc:
        raise MlcycleError.at(MLC001, f"cannot write the report: {exc.strerror or exc}",
                              str(output)) from None
    say(f"wrote {output.as_posix()} ({len(page.encode()):,} bytes)")
    return 0
