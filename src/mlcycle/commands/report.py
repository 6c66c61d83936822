"""``mlcycle report``: one self-contained HTML page for people without a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle import dates
from mlcycle.cli_kit.options import ProjectDir, Today
from mlcycle.cli_kit.output import say, show


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    directory: ProjectDir = Path("."),
    output: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--output", "-o", dir_okay=False, metavar="FILE.html",
                     help="Write the page to FILE.html (atomically, missing directories "
                          "created; never over a file the project reads) instead of "
                          "stdout.")] = None,
    today: Today = None,
) -> int:
    """Write a self-contained HTML report.

    One page, to stdout (or --output): phases and
    progress, open gates with owners, blocked and overdue items, waivers, RACI per
    phase, the path through the phases, and a burn-up of items closed over time
    (from git).

    No script and nothing fetched from the network; the same input gives the
    same bytes (a date only from SOURCE_DATE_EPOCH).

    \b
    Example:
      mlcycle report --output report.html
    """
    from mlcycle.errors import MlcycleError
    from mlcycle.judge import evaluate
    from mlcycle.judge import report_data as data
    from mlcycle.load import project
    from mlcycle.render.report_html import render

    when = dates.today(today)
    generated = dates.source_date_epoch()  # refused, like init, when it is no time
    loaded = project.load(directory)
    result = evaluate.evaluate(loaded, evaluate.Options(when))
    if result.problems:
        raise MlcycleError(result.problems)
    if output is not None:
        from mlcycle.write.output import inputs_for, refusal

        # Refused before the page is rendered: the burn-up reads git's history.
        protected = inputs_for(output, loaded.root, loaded)
        refused = refusal(output, protected, str(output))
        if refused is not None:
            raise refused
    page = render(data.report(result, generated))
    if output is None:
        show(page)  # as `portfolio --format html`: `mlcycle report > r.html` works too
        return 0
    from mlcycle.write.output import write_output

    write_output(output, page, protected, str(output))
    say(f"wrote {output.as_posix()} ({len(page.encode()):,} bytes)")
    return 0
