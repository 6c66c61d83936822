from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.cli_kit import output
from mlcycle.cli_kit.options import Format
from mlcycle.codes import MLC030


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="List the built-in playbooks, or show one.\n\n"
                             "\b\nExample:\n  mlcycle playbooks show five-phase",
                        invoke_without_command=True, rich_markup_mode=None)
    group.callback()(list_playbooks)
    group.command("show")(show)
    group.command("fork")(fork)
    app.add_typer(group, name="playbooks")


def list_playbooks(ctx: typer.Context) -> int:
    """List the built-in playbooks: name, version, phases, items, gates.

    The lifecycles (`mlcycle init --playbook NAME`) first, then, after a blank
    line, the overlays (`mlcycle overlay add NAME`).
    """
    if ctx.invoked_subcommand is not None:
        return 0
    from mlcycle.load import playbooks
    from mlcycle.load.overlays import ADD, builtin_overlays, overlay_only
    from mlcycle.render.playbook import summary_table

    # A playbook that is only an overlay is no lifecycle: it is listed in the
    # second table only, so that `init --playbook` is never offered it and users
    # still discover it. The first table ends at the blank line.
    loaded = {name: playbooks.load(name) for name in playbooks.builtin_names()}
    output.show(summary_table([p for name, p in loaded.items() if name not in overlay_only()])
                + f"\noverlays ({ADD} NAME):\n"
                + summary_table([loaded[name] for name in builtin_overlays()]))
    return 0


def show(
    playbook: Annotated[str, typer.Argument(help="A built-in playbook name or a directory.")],
    format: Format = "table",
    changes: Annotated[bool, typer.Option(
        "--changes", help="Print the playbook's changelog (CHANGES.md) instead.")] = False,
) -> int:
    """Print a playbook's phases and items with R/A roles and gates.

    \b
    Example:
      mlcycle playbooks show ./my-playbook --format markdown
    """
    from mlcycle.init.stubs import unmarked_templates
    from mlcycle.load import playbooks
    from mlcycle.render import playbook as render

    loaded = playbooks.load(playbook)
    for warning in unmarked_templates(loaded):
        output.say(str(warning), err=True)
    if changes:
        from mlcycle.errors import MlcycleError

        path = loaded.directory / "CHANGES.md"
        if not path.is_file():
            raise MlcycleError.at(MLC030, f"playbook '{loaded.name}' has no CHANGES.md",
                                  playbook)
        output.show(path.read_text(encoding="utf-8"))
        return 0
    output.show(render.RENDERERS[format](loaded))
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
    """Copy a built-in playbook into DEST, ready to edit.

    DEST becomes a team playbook: playbook.yaml, the phase files, CHANGES.md and
    the document templates it uses.

    Refuses an existing DEST (exit 2, MLC055); nothing is left behind on failure.

    \b
    Example:
      mlcycle playbooks fork five-phase my-playbook --name my-five-phase
    """
    from mlcycle.load.playbooks import looks_like_path
    from mlcycle.write.fork import fork as make

    made = make(name, dest, new_name, version)
    # The commands we suggest must find the fork: a bare name means a built-in.
    spec = made.as_posix() if looks_like_path(made.as_posix()) else f"./{made.as_posix()}"
    output.say(f"forked {name} into {made.as_posix()}; edit it, then `mlcycle playbooks show "
               f"{spec}`")
    if new_name is None and version is None:
        # Same name and version as the built-in: `upgrade --to` needs one of them new.
        output.say(f"note: the fork is still called {name} at the built-in's version; give it "
                   f"its own version (or name) in {made.as_posix()}/playbook.yaml before "
                   f"`mlcycle upgrade --to {spec}`")
    return 0
