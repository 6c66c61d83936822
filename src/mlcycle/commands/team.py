"""``mlcycle team add|remove ROLE PERSON``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.cli_kit.editing import DryRun, ProjectOption, TodayOption, complete, run

team_app = typer.Typer(help="Change who holds which role (mlcycle.yaml `team`).\n\n"
                       "\b\nExample:\n  mlcycle team add mlm \"Dee Park\"",
                       no_args_is_help=True, rich_markup_mode=None)
Role = Annotated[str, typer.Argument(metavar="ROLE", help="A role id of the playbook.",
                                     autocompletion=complete("role"))]
Person = Annotated[str, typer.Argument(metavar="PERSON", help="The person's name.",
                                       autocompletion=complete("person"))]


def register(app: typer.Typer) -> None:
    app.add_typer(team_app, name="team")


def _team(action: str, role: str, person: str, directory: Path, today: str | None,
          dry_run: bool, reassign_to: str | None = None, github: str | None = None) -> int:
    from mlcycle.write import items

    return run(directory, today, dry_run, lambda project, when: items.team_change(
        project, action, role, person, when, reassign_to, github))


@team_app.command("add")
def add(role: Role, person: Person,
        github: Annotated[Optional[str], typer.Option(  # noqa: UP045
            "--github", metavar="HANDLE",
            help="The person's GitHub user name, for `mlcycle codeowners`.")] = None,
        directory: ProjectOption = Path("."),
        dry_run: DryRun = False, today: TodayOption = None) -> int:
    """Add PERSON to ROLE (and record their GitHub user name).

    \b
    Example:
      mlcycle team add mlm "Dee Park" --github dee-park
    """
    return _team("add", role, person, directory, today, dry_run, github=github)


@team_app.command("remove")
def remove(role: Role, person: Person,
           reassign_to: Annotated[Optional[str], typer.Option(  # noqa: UP045
               "--reassign-to", metavar="PERSON",
               help="Give PERSON's open items to this team member in the same change.",
               autocompletion=complete("person"))] = None,
           directory: ProjectOption = Path("."),
           dry_run: DryRun = False, today: TodayOption = None) -> int:
    """Remove PERSON from ROLE.

    Someone who leaves the team while owning closed items moves to `former`
    in mlcycle.yaml (with the date), still their owner. Refused while they own
    open items (give them away with --reassign-to) or approve a waiver.

    \b
    Example:
      mlcycle team remove ds "Bo Li" --reassign-to "Cy Diaz"
    """
    return _team("remove", role, person, directory, today, dry_run, reassign_to)
