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


def message(exc: Any, args: list[str] | None = None) -> str:
    """The one-line message of a click exception (``args``: the command line)."""
    param = getattr(exc, "param", None)
    cause = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    choices: list[str] = []
    value: object = None
    if param is not None and errors and typing.get_origin(annotation) is typing.Literal:
        choices = [str(c) for c in typing.get_args(annotation)]
        value = errors[0].get("input")
    elif param is not None and isinstance(getattr(param.type, "choices", None), (list, tuple)):
        # Older typer releases check a Literal with click's Choice, whose error
        # carries no value: take the one the command line gave.
        choices = [str(c) for c in param.type.choices]
        value = _given(list(param.opts), args or [])
    if param is not None and choices and isinstance(value, str) and value not in choices:
        from mlcycle.load.validation import did_you_mean

        return (f"{' / '.join(param.opts)}: {escape.quote(value)} is not one of "
                f"{', '.join(choices)}{did_you_mean(value, choices)}")
    return str(exc.format_message())


def _given(opts: list[str], args: list[str]) -> str | None:
    """The last value given to an option: ``--opt X``, ``--opt=X``, ``-oX``."""
    found = None
    for index, arg in enumerate(args):
        for opt in opts:
            if arg == opt and index + 1 < len(args):
                found = args[index + 1]
            elif opt.startswith("--") and arg.startswith(opt + "="):
                found = arg[len(opt) + 1:]
            elif not opt.startswith("--") and arg.startswith(opt) and len(arg) > len(opt):
                found = arg[len(opt):]
    return found


def show(exc: Any, args: list[str] | None = None) -> None:
    """Print a click exception to stderr: usage and hint when known, then the message."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help.\n"
        print(escape.text(f"{ctx.get_usage()}\n{hint}"), file=sys.stderr)
    print(escape.line(f"Error: {message(exc, args)}"), file=sys.stderr)
