"""The one printer of the commands: every message and document goes through
``mlcycle.escape`` on its way to stdout or stderr, so a value that a renderer
forgot to escape still cannot forge a line, recolour the terminal or reorder
text."""

from __future__ import annotations

import typer

from mlcycle import escape


def say(message: str, *, err: bool = False) -> None:
    """One line (a newline inside a value is shown as ``\\x0a``, never a new line)."""
    typer.echo(escape.line(message), err=err)


def show(document: str, *, err: bool = False, styled: bool = False) -> None:
    """A rendered document: its own ``\\n`` are kept, every other unsafe character
    is shown escaped. ``styled``: the terminal dashboard, whose escape codes are
    rich's colours and whose every cell was escaped when it was drawn."""
    typer.echo(document if styled else escape.text(document), err=err, nl=False)
