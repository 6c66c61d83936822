from __future__ import annotations

from pathlib import Path

import typer

from mlcycle import interrupts
from mlcycle.cli_kit.options import ProjectDir
from mlcycle.cli_kit.output import say


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)


def validate(directory: ProjectDir = Path(".")) -> int:
    """Load and validate a project (exit 0 or 2).

    Exit 0 when every file is valid, 2 otherwise.

    \b
    Example:
      mlcycle validate ml/churn
    """
    from mlcycle.load import project

    loaded = project.load(directory)
    items = sum(len(p.file.items) for p in loaded.phases)
    interrupts.checkpoint()  # a Ctrl-C caught while loading is not a result to show
    say(f"{loaded.file.name}: {len(loaded.phases)} phase files, {items} items, all valid")
    return 0


