"""``mlcycle assign``: owners for several items at once, by name or from the RACI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.cli_kit.editing import DryRun, ProjectOption, TodayOption, complete, run


def register(app: typer.Typer) -> None:
    app.command("assign")(assign)


def assign(
    item_ids: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        metavar="[ITEM]...", help="The items' ids (all are changed, or none).",
        autocompletion=complete("item"))] = None,
    to: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--to", metavar="PERSON", help="The owner: a person on the team.",
        autocompletion=complete("person"))] = None,
    phase: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--phase", metavar="PHASE", help="With --from-raci: the phase whose items to assign.",
        autocompletion=complete("phase"))] = None,
    role: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--role", metavar="ROLE",
        help="With --from-raci: only the items this role is responsible for.",
        autocompletion=complete("role"))] = None,
    from_raci: Annotated[bool, typer.Option(
        "--from-raci", help="Each unowned open item of --phase gets the one person holding "
                            "its responsible role; the others are listed.")] = False,
    directory: ProjectOption = Path("."),
    dry_run: DryRun = False,
    today: TodayOption = None,
) -> int:
    """Give items an owner: by name, or from the RACI.

    An owner who holds none of an item's responsible or accountable roles is a
    warning naming the roles that fit. With --from-raci an item whose
    responsible roles are held by several people, or by nobody, is listed, not
    guessed.

    \b
    Example:
      mlcycle assign --phase data --from-raci
    """
    from mlcycle import dates
    from mlcycle.cli_kit import usage
    from mlcycle.write import assign as core

    dates.today(today)  # a bad --today is named first, as by every editing command
    if from_raci:
        if item_ids or to is not None:
            raise usage.error(("assign",), "--from-raci takes no ITEM and no --to: it picks "
                              "the owners itself")
        if phase is None:
            raise usage.error(("assign",), "--from-raci needs --phase PHASE")
        chosen = phase
        return run(directory, today, dry_run,
                   lambda project, when: core.from_raci(project, chosen, role, when))
    if phase is not None or role is not None:
        raise usage.error(("assign",), "--phase and --role go with --from-raci")
    if not item_ids or to is None:
        raise usage.error(("assign",), "give ITEM... --to PERSON, or --phase PHASE "
                          "--from-raci")
    ids, person = list(item_ids), to
    return run(directory, today, dry_run,
               lambda project, when: core.to_person(project, ids, person, when))
