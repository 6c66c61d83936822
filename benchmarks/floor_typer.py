"""The floor of ``mlcycle check``: the least any typer CLI pays to run a command
that reads a project. A typer application with one directory argument that
loads one status file with PyYAML's C loader and exits 0.

``benchmarks/run.py`` times it next to ``mlcycle check`` on the same project
(issue 14: ``check`` at most 1.2x this). Run by hand:
``python benchmarks/floor_typer.py PROJECT_DIR``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

app = typer.Typer(add_completion=False)


@app.command()
def main(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False)] = Path("."),
) -> None:
    """Load the project's first status file."""
    first = sorted((directory / "lifecycle").glob("*.yaml"))[0]
    with first.open("rb") as stream:
        data = yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise typer.Exit(2)


if __name__ == "__main__":
    app()
