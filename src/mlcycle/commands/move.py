"""``mlcycle advance`` and ``mlcycle reopen PHASE --reason TEXT``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.cli_kit.editing import DryRun, ProjectOption, TodayOption, complete, run

By = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--by", metavar="PERSON",
                 help="Who moves the project: a person on the team (default: git's "
                      "user.name, when it names one).",
                 autocompletion=complete("person")),
]


def register(app: typer.Typer) -> None:
    app.command("advance")(advance)
    app.command("reopen")(reopen)


def advance(by: By = None, directory: ProjectOption = Path("."), dry_run: DryRun = False,
            today: TodayOption = None) -> int:
    """Move to the next phase once its gates are closed.

    Refused (exit 1, the open gates listed as check lists them) while a gate of
    the current phase is open.

    \b
    Example:
      mlcycle advance --by "Ana Ruiz"
    """
    from mlcycle.render import check_text
    from mlcycle.write import phases

    return run(directory, today, dry_run,
               lambda project, when: phases.advance(project, by, when, check_text.render))


def reopen(
    phase: Annotated[str, typer.Argument(metavar="PHASE", help="An earlier phase.",
                                         autocompletion=complete("phase"))],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT",
                                        help="Why the project goes back (recorded).")],
    reset: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--reset", metavar="ITEM", help="Return ITEM to doing (evidence kept, a note "
        "added); repeatable.", autocompletion=complete("item"))] = None,
    cascade: Annotated[bool, typer.Option(
        "--cascade", help="Also return to doing the done items that rest on the reset ones, "
        "in every phase (without it, reopen lists them and refuses).")] = False,
    by: By = None,
    directory: ProjectOption = Path("."),
    dry_run: DryRun = False,
    today: TodayOption = None,
) -> int:
    """Go back to an earlier phase, recording why.

    Optionally reset items to doing (their evidence kept, a note added). The
    done items that depend on a reset one, directly or not, in any phase, are
    reset with it under --cascade; without it reopen lists them and refuses.

    \b
    Example:
      mlcycle reopen problem --reason "label leakage" --reset problem-to-model
    """
    from mlcycle.write import phases

    return run(directory, today, dry_run, lambda project, when: phases.reopen(
        project, phase, reason, list(reset or []), by, when, cascade))
