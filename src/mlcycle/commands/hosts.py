"""``mlcycle hosts add|remove HOST``: the hosts URL evidence may be on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.cli_kit.editing import DryRun, ProjectOption, TodayOption, complete, run

hosts_app = typer.Typer(help="List the hosts URL evidence may be on.\n\n"
                        "Sets `evidence.urls` in mlcycle.yaml.\n\n\b\nExample:\n"
                        "  mlcycle hosts add github.com",
                        no_args_is_help=True, rich_markup_mode=None)
Hosts = Annotated[list[str], typer.Argument(
    metavar="HOST...", help="Bare lower-case host names (github.com); their subdomains count "
    "too. All are changed, or none.")]
Reason = Annotated[Optional[str], typer.Option(  # noqa: UP045 - typer on Python 3.10
    "--reason", metavar="TEXT", help="Why (recorded in the history).")]
By = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--by", metavar="PERSON",
    help="Who changes it: a person on the team (default: git's user.name, when it names one).",
    autocompletion=complete("person"))]


def register(app: typer.Typer) -> None:
    app.add_typer(hosts_app, name="hosts")


def _change(action: str, host: list[str], reason: str | None, by: str | None, directory: Path,
            today: str | None, dry_run: bool) -> int:
    from mlcycle.write import hosts

    return run(directory, today, dry_run,
               lambda project, when: hosts.change(project, action, host, reason, by, when))


@hosts_app.command("add")
def add(host: Hosts, reason: Reason = None, by: By = None, directory: ProjectOption = Path("."),
        dry_run: DryRun = False, today: TodayOption = None) -> int:
    """Add each HOST to the hosts URL evidence may be on.

    Once the project lists hosts, a URL cited as evidence counts only on a
    listed host or a subdomain of one; on any other host it is an error for a
    gate (a warning for another item). Each host added is recorded in the
    history. Refused when a done gate would cite a URL on a host still not
    listed: add every host they cite in one change.

    \b
    Example:
      mlcycle hosts add github.com mlflow.example.com --by "Dee Park"
    """
    return _change("add", host, reason, by, directory, today, dry_run)


@hosts_app.command("remove")
def remove(host: Hosts, reason: Reason = None, by: By = None,
           directory: ProjectOption = Path("."), dry_run: DryRun = False,
           today: TodayOption = None) -> int:
    """Remove each HOST from the hosts URL evidence may be on.

    Refused while a done gate cites a URL on it. With no host left, no URL is
    evidence (`evidence: {urls: []}`). The change is recorded in the history.

    \b
    Example:
      mlcycle hosts remove mlflow.example.com --reason "tracker retired"
    """
    return _change("remove", host, reason, by, directory, today, dry_run)
