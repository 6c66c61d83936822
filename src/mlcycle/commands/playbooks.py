from __future__ import annotations

from typing import Annotated

import typer

from mlcycle.commands.options import Format


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="List the built-in playbooks, or show one.",
                        invoke_without_command=True, rich_markup_mode=None)
    group.callback()(list_playbooks)
    group.command("show")(show)
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
) -> int:
    """Print a playbook's phases and items with R/A roles and gates."""
    from mlcycle.init.stubs import unmarked_templates
    from mlcycle.load import playbooks
    from mlcycle.render import playbook as render

    loaded = playbooks.load(playbook)
    for warning in unmarked_templates(loaded):
        typer.echo(str(warning), err=True)
    typer.echo(render.RENDERERS[format](loaded), nl=False)
    return 0
