"""``mlcycle next``: the items one can work on now, each with its command."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer

from mlcycle import dates
from mlcycle.cli_kit import output
from mlcycle.cli_kit.editing import complete
from mlcycle.cli_kit.options import ProjectDir, Today

if TYPE_CHECKING:
    from mlcycle.load.project import Project


def register(app: typer.Typer) -> None:
    app.command("next")(next_)


def next_(
    directory: ProjectDir = Path("."),
    mine: Annotated[bool, typer.Option(
        "--mine", help="Yours: git's user.name, matched against the team.")] = False,
    owner: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--owner", metavar="PERSON",
        help="PERSON's items, and the unowned ones their responsible role names.",
        autocompletion=complete("person"))] = None,
    role: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--role", metavar="ROLE", help="The items ROLE is responsible for.",
        autocompletion=complete("role"))] = None,
    format: Annotated[Literal["text", "json"], typer.Option(
        "--format", "-f", help="Output format.")] = "text",
    today: Today = None,
) -> int:
    """Show what can be worked on now.

    Open items of the current phase (or of a phase the project was sent back
    to) whose dependencies are all closed: gates first, then by due date, each
    with the command that moves it.

    \b
    Example:
      mlcycle next --mine
    """
    from mlcycle.cli_kit import usage
    from mlcycle.judge import evaluate, workable
    from mlcycle.load import project
    from mlcycle.render import next_view

    if sum((mine, owner is not None, role is not None)) > 1:
        raise usage.error(("next",), "give at most one of --mine, --owner, --role")
    when = dates.today(today)
    loaded = project.load(directory)
    person = _me(loaded) if mine else owner
    if person is not None and not mine:
        from mlcycle.write.items import check_person

        check_person(loaded, person, "--owner")
    if role is not None and role not in loaded.playbook.role_ids:
        raise usage.error(("next",), f"--role {role!r} is not a role of the playbook; roles: "
                          f"{', '.join(loaded.playbook.role_ids)}")
    result = evaluate.evaluate(loaded, evaluate.Options(when, "all"))
    if result.view_problems:
        from mlcycle.errors import MlcycleError

        raise MlcycleError(result.view_problems)
    found = workable.ready(result, person, role)
    render = next_view.as_json if format == "json" else next_view.text
    output.show(render(loaded, found, person, role))
    return 0


def _me(loaded: Project) -> str:
    """git's user.name, when it names a person on the team."""
    from mlcycle.escape import quote
    from mlcycle.load import gitcmd
    from mlcycle.load.validation import did_you_mean
    from mlcycle.write.items import usage

    raw = gitcmd.output(loaded.root, "config", "user.name")
    name = gitcmd.text(raw).strip() if raw else ""
    if not name:
        raise usage("--mine: git has no user.name here; set it with `git config user.name "
                    "'Your Name'`, or use --owner PERSON")
    people = sorted(loaded.people())
    if name not in people:
        raise usage(f"--mine: git's user.name {quote(name)} is nobody on the team in "
                    f"mlcycle.yaml{did_you_mean(name, people)}; use --owner PERSON, or add "
                    f"yourself with `mlcycle team add ROLE {quote(name)}`")
    return name
