from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.commands.options import Format


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="List the built-in playbooks, or show one.",
                        invoke_without_command=True, rich_markup_mode=None)
    group.callback()(list_playbooks)
    group.command("show")(show)
    group.command("fork")(fork)
    app.add_typer(group, name="playbooks")


def list_playbooks(ctx: typer.Context) -> int:
    """List the built-in playbooks: name, version, phases, items, gates."""
    if ctx.invoked_subcommand is not None:
        return 0
    from mlcycle.load import playbooks
    from mlcycle.render.playbook import summary_table

    loaded = [playbooks.load(name) for name in playbooks.builtin_names()]
    typer.echo(summary_table(loaded), nl=False)
    return 0


def show(
    playbook: Annotated[str, typer.Argument(help="A built-in playbook name or a directory.")],
    format: Format = "table",
    changes: Annotated[bool, typer.Option(
        "--changes", help="Print the playbook's changelog (CHANGES.md) instead.")] = False,
) -> int:
    """Print a playbook's phases and items with R/A roles and gates."""
    from mlcycle.load import playbooks
    from mlcycle.render import playbook as render

    loaded = playbooks.load(playbook)
    if changes:
        from mlcycle.errors import MlcycleError

        path = loaded.directory / "CHANGES.md"
        if not path.is_file():
            raise MlcycleError.at("MLC030", f"playbook '{loaded.name}' has no CHANGES.md",
                                  playbook)
        typer.echo(path.read_text(encoding="utf-8"), nl=False)
        return 0
    typer.echo(render.RENDERERS[format](loaded), nl=False)
    return 0


def fork(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A built-in playbook.")],
    dest: Annotated[Path, typer.Argument(metavar="DEST", help="A new directory.")],
    new_name: Annotated[Optional[str], typer.Option(  # noqa: UP045 - typer on Python 3.10
        "--name", metavar="NEW", help="The fork's name (default: the built-in's).")] = None,
    version: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--version", metavar="X.Y.Z", help="The fork's version (default: the built-in's).")
        ] = None,
) -> int:
    """Copy a built-in playbook into DEST as a team playbook, ready to edit.

    Refuses an existing DEST (exit 2, MLC055); nothing is left behind on failure.
    """
    from mlcycle.write.fork import fork as make

    made = make(name, dest, new_name, version)
    typer.echo(f"forked {name} into {made.as_posix()}; edit it, then `mlcycle playbooks show "
               f"{made.as_posix()}`")
    return 0
