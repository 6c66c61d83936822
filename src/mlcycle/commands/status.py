"""``mlcycle status``: where the project stands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle import dates, interrupts
from mlcycle.cli_kit import output
from mlcycle.cli_kit.options import Format, ProjectDir, Today

# Kept here, not imported from render.status: --help must not import rich's renderer.
LIST_LIMIT = 12
LIST_FIRST = 10


def register(app: typer.Typer) -> None:
    app.command("status")(status)


def status(
    directory: ProjectDir = Path("."),
    owner: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--owner", metavar="PERSON", help="Only the items PERSON owns."),
    ] = None,
    phase: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--phase", metavar="PHASE", help="Only this phase."),
    ] = None,
    format: Format = "table",
    today: Today = None,
    everything: Annotated[
        bool, typer.Option("--all", help="List the items of every phase; by default the "
                                         "lists cover the phases up to the current one.")
    ] = False,
    all_items: Annotated[
        bool, typer.Option("--all-items",
                           help=f"List every item; by default a list of more than "
                                f"{LIST_LIMIT} shows the first {LIST_FIRST} and a count.")
    ] = False,
) -> int:
    """Show where the project stands.

    Progress per phase; the current phase's open items (with what each waits
    on), what is in progress and due this week, open gates, and blocked,
    overdue and unowned items.

    \b
    Example:
      mlcycle status --owner "Ana Ruiz"
    """
    from mlcycle.judge import dashboard, evaluate
    from mlcycle.load import project
    from mlcycle.render.status import RENDERERS

    when = dates.today(today)
    loaded = project.load(directory)
    result = evaluate.evaluate(loaded, evaluate.Options(when, "all"))
    if result.view_problems:  # an evidence file that cannot be read
        from mlcycle.errors import MlcycleError

        raise MlcycleError(result.view_problems)
    view = dashboard.dashboard(result, owner=owner, phase=phase, everything=everything)
    interrupts.checkpoint()  # a Ctrl-C caught while loading is not a result to show
    # On a terminal the table carries rich's colour codes; its cells are escaped.
    output.show(RENDERERS[format](view, all_items),
                styled=format == "table" and sys.stdout.isatty())
    return 0
