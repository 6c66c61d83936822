"""``mlcycle portfolio``: every project under the given paths in one table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from mlcycle import dates
from mlcycle.cli_kit.options import Today
from mlcycle.cli_kit.output import say, show
from mlcycle.codes import MLC061


def register(app: typer.Typer) -> None:
    app.command("portfolio")(portfolio)


def portfolio(
    paths: Annotated[
        Optional[list[Path]],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Argument(help="Directories to search for projects (default: .).",
                       metavar="PATH", show_default=False),
    ] = None,
    format: Annotated[
        Literal["table", "json", "markdown", "html"],
        typer.Option("--format", "-f", help="Output format."),
    ] = "table",
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when any project's `check` would fail.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 2 when any project is invalid.")
    ] = False,
    today: Today = None,
) -> int:
    """All projects under the paths, riskiest first.

    One row per mlcycle project under PATH...: phase, progress, open gates of
    phases already left, blocked, overdue, waivers expiring; riskiest first.

    Exit 0; with --check 1 when a project's check would fail; with --strict 2
    when a project is invalid (without it, an invalid project is a row).

    \b
    Example:
      mlcycle portfolio ml/ --check --format markdown
    """
    from mlcycle.errors import MlcycleError
    from mlcycle.judge import portfolio as core
    from mlcycle.render.portfolio import RENDERERS

    when = dates.today(today)
    roots = list(paths or [Path(".")])
    view = core.portfolio(roots, when)
    for note in view.notes:
        say(f"mlcycle portfolio: note: {note}", err=True)
    if not view.rows:
        raise MlcycleError.at(MLC061, "no mlcycle project (a directory with mlcycle.yaml) "
                              "under " + ", ".join(p.as_posix() for p in roots), "<command line>")
    show(RENDERERS[format](view))
    if strict and view.totals.invalid:
        return 2
    if check and (view.totals.failing or view.totals.invalid):
        return 1
    return 0
