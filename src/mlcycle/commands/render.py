"""``mlcycle render``: regenerate LIFECYCLE.md from the current state."""

from __future__ import annotations

from pathlib import Path

import typer

from mlcycle.cli_kit import output
from mlcycle.cli_kit.editing import DryRun, ProjectOption


def register(app: typer.Typer) -> None:
    app.command("render")(render)


def render(directory: ProjectOption = Path("."), dry_run: DryRun = False) -> int:
    """Regenerate LIFECYCLE.md from the project.

    The team, the phases and their RACI, and a section per pinned overlay,
    with the templates init uses; nothing is written when the bytes would not
    change.

    \b
    Example:
      mlcycle render --dry-run
    """
    from mlcycle.disk.transaction import commit
    from mlcycle.load import project
    from mlcycle.write import lifecycle

    loaded = project.load(directory)
    change = lifecycle.change(loaded)
    if change.before == change.after:
        output.say(f"{lifecycle.LIFECYCLE} is up to date; nothing written")
        return 0
    if dry_run:
        output.show(lifecycle.diff(change))
        output.say(f"{lifecycle.LIFECYCLE}: would be rewritten (dry run: nothing written)")
        return 0
    commit([change])  # a file changed meanwhile: refused (exit 1), as every edit
    output.say(f"{lifecycle.LIFECYCLE}: {'created' if change.before is None else 'updated'}")
    return 0
