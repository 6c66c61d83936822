"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

ProjectDir = Annotated[
    Path,
    typer.Argument(
        help="The project directory (holding mlcycle.yaml).", show_default=True,
        file_okay=False, metavar="DIR",  # ours, not whatever a typer release prints
    ),
]

Format = Annotated[
    Literal["table", "markdown", "json"],
    typer.Option("--format", "-f", help="Output format."),
]

Today = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--today", metavar="YYYY-MM-DD",
                 help="Evaluate due and expiry dates as of this day (default: $MLCYCLE_TODAY, "
                      "else today's local date)."),
]
