"""``mlcycle raci``: who is responsible, accountable, consulted, informed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from mlcycle.cli_kit import output
from mlcycle.cli_kit.editing import ProjectOption, complete
from mlcycle.codes import MLC027


def register(app: typer.Typer) -> None:
    app.command("raci")(raci)


def raci(
    phase: Annotated[Optional[str], typer.Option(  # noqa: UP045 - typer on Python 3.10
        "--phase", metavar="PHASE", help="Only this phase.",
        autocompletion=complete("phase"))] = None,
    format: Annotated[Literal["table", "markdown", "csv", "json"], typer.Option(
        "--format", "-f", help="Output format.")] = "table",
    directory: ProjectOption = Path("."),
) -> int:
    """The RACI matrix and the people behind each role.

    Items x roles with R, A, C and I, then who holds each role.

    \b
    Example:
      mlcycle raci --phase data
    """
    from mlcycle.judge import raci as raci_data
    from mlcycle.load import project
    from mlcycle.render.raci import RENDERERS
    from mlcycle.write.items import usage

    loaded = project.load(directory)
    ids = [p.id for p in loaded.phases]
    if phase is not None and phase not in ids:
        from mlcycle.load.validation import did_you_mean

        raise usage(f"--phase '{phase}' is not a phase of playbook '{loaded.playbook.name}'"
                    f"{did_you_mean(phase, ids)}; phases: {', '.join(ids)}", MLC027)
    names = project.project_playbook(loaded).role_names
    for overlay in loaded.overlays:  # roles only an overlay brings
        names = {**overlay.definitions.roles, **names}
    output.show(RENDERERS[format](raci_data.matrix(loaded, names, phase)))
    return 0
