"""``mlcycle overlay add NAME|PATH`` and ``mlcycle overlay remove NAME``: extra
rubrics (the ML Test Score, a team's own) attached to the lifecycle's phases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.cli_kit.editing import DryRun, ProjectOption, TodayOption, complete, run

overlay_app = typer.Typer(help="Add or remove another rubric, attached to the phases."
                          "\n\n\b\nExample:\n  mlcycle overlay add ml-test-score",
                          no_args_is_help=True, rich_markup_mode=None)

ByOption = Annotated[Optional[str], typer.Option(  # noqa: UP045 - typer on Python 3.10
    "--by", metavar="PERSON",
    help="Who makes the change: a person on the team (default: git's user.name, when it "
         "names one).", autocompletion=complete("person"))]


def register(app: typer.Typer) -> None:
    app.add_typer(overlay_app, name="overlay")


@overlay_app.command("add")
def add(
    spec: Annotated[str, typer.Argument(
        metavar="NAME|PATH", help="A built-in overlay (ml-test-score) or a team's playbook "
        "directory inside the project (./our-rubric).")],
    gate_at: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--gate-at", metavar="OVERLAY_PHASE=PHASE",
        help="Attach an overlay phase to a lifecycle phase (repeatable); its gates then "
             "close that phase. Built-in overlays have defaults on built-in playbooks.")
    ] = None,
    by: ByOption = None,
    directory: ProjectOption = Path("."),
    dry_run: DryRun = False,
    today: TodayOption = None,
) -> int:
    """Pin an overlay, write its status file and document stubs.

    The overlay's items go to lifecycle/overlays/NAME.yaml, verified against
    the pinned version like the phase status files; each is judged as an item
    of the lifecycle phase its overlay phase is attached to (`advance` and
    `check` need its gates closed). Recorded in the history.

    \b
    Example:
      mlcycle overlay add ./our-rubric --gate-at review=quality
    """
    from mlcycle.write import overlay

    cwd = Path.cwd()
    return run(directory, today, dry_run,
               lambda project, when: overlay.add(project, spec, gate_at or [], by, when, cwd))


@overlay_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The overlay's name.")],
    reason: Annotated[str, typer.Option(
        "--reason", metavar="TEXT", help="Why (recorded in the history; `mlcycle diff` "
        "flags the removal).")],
    by: ByOption = None,
    directory: ProjectOption = Path("."),
    dry_run: DryRun = False,
    today: TodayOption = None,
) -> int:
    """Unpin an overlay and delete its status file (its documents stay).

    Recorded in the history with who and why; `mlcycle diff` flags it.

    \b
    Example:
      mlcycle overlay remove ml-test-score --reason "Scored in the platform team's repo" --by ann
    """
    from mlcycle.write import overlay

    return run(directory, today, dry_run,
               lambda project, when: overlay.remove(project, name, reason, by, when))


@overlay_app.command("upgrade")
def upgrade(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The overlay's name.")],
    to: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--to", metavar="PATH", help="The overlay's directory, when it moved (default: the "
        "built-in version this mlcycle ships, or the pinned directory as it is now).")
    ] = None,
    gate_at: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--gate-at", metavar="OVERLAY_PHASE=PHASE",
        help="Attach an overlay phase (a new one, or elsewhere); repeatable.")] = None,
    by: ByOption = None,
    directory: ProjectOption = Path("."),
    dry_run: DryRun = False,
    today: TodayOption = None,
) -> int:
    """Move an overlay to its new version, state kept by item id.

    Definitions are re-rendered from the new version; status, owner,
    evidence, due, notes and waiver lines are kept byte for byte. Recorded in
    the history.

    \b
    Example:
      mlcycle overlay upgrade our-rubric --by ann
    """
    from mlcycle.write import overlay

    cwd = Path.cwd()
    return run(directory, today, dry_run,
               lambda project, when: overlay.upgrade(project, name, to, gate_at or [], by, when,
                                                     cwd),
               lambda where: overlay.load_for_upgrade(where, name))
