"""``mlcycle metric set NAME>=FLOOR [--reason TEXT]``: the project's primary metric."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.cli_kit.editing import DryRun, ProjectOption, TodayOption, complete, run

metric_app = typer.Typer(help="Declare the project's primary metric (its success bar)."
                         "\n\n\b\nExample:\n  mlcycle metric set 'precision_at_50>=0.30'",
                         no_args_is_help=True, rich_markup_mode=None)


def register(app: typer.Typer) -> None:
    app.add_typer(metric_app, name="metric")


@metric_app.command("set")
def set_(
    spec: Annotated[str, typer.Argument(
        metavar="NAME>=FLOOR", help="NAME>=FLOOR when higher is better, NAME<=FLOOR when "
        "lower is better; NAME is the metric's key in the metrics files.")],
    reason: Annotated[Optional[str], typer.Option(  # noqa: UP045 - typer on Python 3.10
        "--reason", metavar="TEXT",
        help="Why (recorded in the history; required when the change loosens the metric).")
    ] = None,
    by: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--by", metavar="PERSON",
        help="Who changes it: a person on the team (default: git's user.name, when it "
             "names one).",
        autocompletion=complete("person"))] = None,
    directory: ProjectOption = Path("."),
    dry_run: DryRun = False,
    today: TodayOption = None,
) -> int:
    """Declare or change the project's primary metric.

    Sets `metrics.primary` in mlcycle.yaml and records the change in the
    history; `mlcycle diff` flags a change that loosens it. Use NAME<=FLOOR
    when lower is better (e.g. 'mae<=12.5'); a looser floor needs --reason.

    \b
    Example:
      mlcycle metric set 'precision_at_50>=0.30'
    """
    from mlcycle.write import primary

    return run(directory, today, dry_run,
               lambda project, when: primary.set_primary(project, spec, reason, by, when))
