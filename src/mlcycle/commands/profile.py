"""``mlcycle profile set PROFILE --reason TEXT --by PERSON``: which items apply."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.cli_kit.editing import DryRun, ProjectOption, TodayOption, complete, run

profile_app = typer.Typer(help="Choose which items apply (poc, pilot or production)."
                          "\n\n\b\nExample:\n  mlcycle profile set pilot --reason 'one region "
                          "first' --by Ana",
                          no_args_is_help=True, rich_markup_mode=None)


def register(app: typer.Typer) -> None:
    app.add_typer(profile_app, name="profile")


@profile_app.command("set")
def set_(
    profile: Annotated[str, typer.Argument(
        metavar="PROFILE", help="poc, pilot or production.")],
    reason: Annotated[Optional[str], typer.Option(  # noqa: UP045 - typer on Python 3.10
        "--reason", metavar="TEXT", help="Why (recorded in the history).")] = None,
    by: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--by", metavar="PERSON",
        help="Who decides: a person on the team (default: git's user.name, when it names "
             "one); repeatable. Gates the change switches off need a person holding each "
             "one's accountable role.",
        autocompletion=complete("person"))] = None,
    directory: ProjectOption = Path("."),
    dry_run: DryRun = False,
    today: TodayOption = None,
) -> int:
    """Change the project's profile: which items apply.

    Items whose `profiles` leave the new profile out are not applicable (closed,
    never a gate). The change is recorded in the history; `mlcycle diff` flags
    one that switches gates off, and switching a gate off needs a person holding
    its accountable role (--by, repeatable).

    \b
    Example:
      mlcycle profile set pilot --reason 'one region first' --by Ana
    """
    from mlcycle.write import profile as write_profile

    return run(directory, today, dry_run,
               lambda project, when: write_profile.set_profile(project, profile, reason,
                                                               by or [], when))
