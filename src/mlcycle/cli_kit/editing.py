"""What every editing command shares: where the project is (``--project``/``-C``,
found from a subdirectory), ``--dry-run``, ``--today``, and how an outcome
becomes output and an exit code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from mlcycle import dates
from mlcycle.cli_kit import output

if TYPE_CHECKING:
    from mlcycle.load.project import Project
    from mlcycle.write.items import Outcome


def complete(kind: str) -> Callable[[str], list[str]]:
    """A completion callback for ``kind`` (item, phase, role, person, status); the
    project is loaded only when the shell asks, never on a normal run."""

    def candidates(incomplete: str) -> list[str]:
        from mlcycle.cli_kit.completion import candidates as found

        return found(kind, incomplete)

    return candidates


ProjectOption = Annotated[
    Path,
    typer.Option("--project", "-C", metavar="DIR", file_okay=False,
                 help="The project (default: the one holding the working directory)."),
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Print the diff it would apply; write nothing.")
]
TodayOption = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--today", metavar="YYYY-MM-DD",
                 help="Judge dates as of this day (default: $MLCYCLE_TODAY, else today)."),
]
ItemArg = Annotated[str, typer.Argument(metavar="ITEM", help="The item's id.",
                                        autocompletion=complete("item"))]
ItemsArg = Annotated[list[str], typer.Argument(
    metavar="ITEM...", help="The items' ids: all are changed, or none.",
    autocompletion=complete("item"))]


def run(directory: Path, today: str | None, dry_run: bool,
        make: Callable[[Project, date], Outcome],
        load: Callable[[Path], Project] | None = None) -> int:
    """Load (with ``load``, when the command reads more leniently), compute the
    outcome, refuse or write, and say what changed."""
    from mlcycle.errors import Refused
    from mlcycle.load import project

    when = dates.today(today)
    loaded = (load or project.load)(directory)
    outcome = make(loaded, when)
    for warning in outcome.warnings:
        output.say(str(warning), err=True)
    if outcome.refused:  # the findings, then what the action would break and what to run
        raise Refused([*(finding.problem for finding in outcome.refused), *outcome.advice])
    if dry_run:
        output.show(outcome.session.diff())
        _say(outcome.message.split("\n"), outcome.notes, " (dry run: nothing written)")
        return 0
    outcome.session.write()  # a file changed meanwhile: refused (StaleError, exit 1)
    _say(outcome.message.split("\n"), outcome.notes, "")
    return 0


def _say(messages: list[str], notes: list[str], tail: str) -> None:
    """One line per changed item (the last carries ``tail``), then the notes."""
    for index, message in enumerate(messages):
        output.say(message + (tail if index == len(messages) - 1 else ""))
    for note in notes:
        output.say(note)
