"""``mlcycle report``: one self-contained HTML page for people without a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer

from mlcycle import dates
from mlcycle.cli_kit.options import ProjectDir, Today
from mlcycle.cli_kit.output import say, show

if TYPE_CHECKING:
    from mlcycle.load.frameworks import Framework


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    directory: ProjectDir = Path("."),
    output: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--output", "-o", dir_okay=False, metavar="FILE",
                     help="Write the report to FILE (atomically, missing directories "
                          "created; never over a file the project reads) instead of "
                          "stdout.")] = None,
    framework: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--framework", metavar="NAME",
                     help="Instead of the full report, an evidence index of the items "
                          "tagged for NAME: eu-ai-act or nist-ai-rmf.")] = None,
    format: Annotated[
        Literal["html", "markdown"],
        typer.Option("--format", "-f", help="Output format (markdown: with --framework).")
    ] = "html",
    today: Today = None,
) -> int:
    """Write a self-contained HTML report or an evidence index.

    One page, to stdout (or --output): phases and
    progress, open gates with owners, blocked and overdue items, waivers, RACI per
    phase, the path through the phases, and a burn-up of items closed over time
    (from git).

    With --framework NAME: the items tagged for that framework (tags:
    [eu-ai-act:art-10]), grouped by article or function, with each item's
    state, owner and evidence. An index of evidence, not a compliance verdict:
    `mlcycle report --framework eu-ai-act --format markdown -o ai-act.md`.

    No script and nothing fetched from the network; the same input gives the
    same bytes (a date only from SOURCE_DATE_EPOCH).

    \b
    Example:
      mlcycle report --output report.html
    """
    from mlcycle.errors import MlcycleError
    from mlcycle.judge import evaluate
    from mlcycle.load import project

    known = _framework(framework, format)
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
    if known is None:
        from mlcycle.judge import report_data as data
        from mlcycle.render.report_html import render

        page = render(data.report(result, generated))
    else:
        from mlcycle.judge.framework_index import index
        from mlcycle.judge.report_data import generated_text
        from mlcycle.render import framework as view

        found = index(result, known)
        page = view.markdown(found) if format == "markdown" else \
            view.html(found, generated_text(generated))
    if output is None:
        show(page)  # as `portfolio --format html`: `mlcycle report > r.html` works too
        return 0
    from mlcycle.write.output import write_output

    write_output(output, page, protected, str(output))
    say(f"wrote {output.as_posix()} ({len(page.encode()):,} bytes)")
    return 0


def _framework(name: str | None, format: str) -> Framework | None:
    """The framework --framework names (None without it); a usage error for one
    mlcycle does not know, or Markdown without a framework."""
    from mlcycle.cli_kit import usage
    from mlcycle.load.frameworks import KNOWN

    if name is None:
        if format != "html":
            raise usage.error(("report",), "--format markdown goes with --framework NAME "
                              "(the full report is HTML only)")
        return None
    if name not in KNOWN:
        from mlcycle import escape
        from mlcycle.load.validation import did_you_mean

        raise usage.error(("report",), f"--framework {escape.quote(name)} is not a framework "
                          f"mlcycle knows{did_you_mean(name, KNOWN)}; known: "
                          f"{', '.join(KNOWN)}")
    return KNOWN[name]
