"""Command-line usage errors, shown the click way (usage, a hint, ``Error: ...``)
but with a clean message for a bad choice and every value made visible.

typer checks a ``Literal`` option with a pydantic adapter, whose message reads
"Invalid value for '--format' / '-f': Value error, 'xml' is not one of 'text',
..."; this says ``--format: 'xml' is not one of text, json, ... (did you mean
...)`` instead.
"""

from __future__ import annotations

import sys
import typing
from typing import Any

from mlcycle import escape


def message(exc: Any) -> str:
    """The one-line message of a click exception."""
    param = getattr(exc, "param", None)
    cause = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if param is not None and errors and typing.get_origin(annotation) is typing.Literal:
        from mlcycle.load.validation import did_you_mean

        choices = [str(c) for c in typing.get_args(annotation)]
        value = errors[0].get("input")
        if value not in choices:
            return (f"{' / '.join(param.opts)}: {escape.quote(value)} is not one of "
                    f"{', '.join(choices)}{did_you_mean(value, choices)}")
    return str(exc.format_message())


def show(exc: Any) -> None:
    """Print a click exception to stderr: usage and hint when known, then the message."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help.\n"
        print(escape.text(f"{ctx.get_usage()}\n{hint}"), file=sys.stderr)
    print(escape.line(f"Error: {message(exc)}"), file=sys.stderr)
