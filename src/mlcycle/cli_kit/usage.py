"""Command-line usage errors as one compiler-style line, exit 2::

    <command line>: error[MLC031]: mlcycle block: missing option '--reason'; see
    'mlcycle block --help'  (one line)

Only the documented surface of click's exceptions is used (``format_message()``
and ``exit_code``; typer re-exports only some of the classes, and since typer
0.26 vendors click as a private ``typer._click`` whose classes may move between
releases, none is named here). What that surface cannot say (which command
failed, which value was given) is taken from the command line itself.

A bad ``--format`` value gets a message of its own, the same whatever checks it
(click's Choice in older typer, a pydantic adapter in newer):
``--format / -f: 'xml' is not one of text, json, ... (did you mean ...)``.
"""

from __future__ import annotations

import importlib
import inspect
import re
import typing
from typing import Any

from mlcycle import escape
from mlcycle.codes import MLC031
from mlcycle.errors import Location, MlcycleError, Problem

CODE = MLC031
ROOT = "mlcycle"
# The one kind of choice option mlcycle has: an output format.
_FORMAT = ("--format", "-f")


def is_usage_error(exc: BaseException) -> bool:
    """A click-style exception: it formats its own message and names its exit code
    (the documented interface of ``click.ClickException``, which typer's vendored
    copy keeps)."""
    return callable(getattr(exc, "format_message", None)) and isinstance(
        getattr(exc, "exit_code", None), int)


def problem(exc: Any, args: list[str]) -> Problem:
    """The one line for a usage error that ``exc`` (see ``is_usage_error``) reports
    about the command line ``args``."""
    from mlcycle.cli_kit.names import GROUPS

    words, rest = command(args)
    if not rest and (not words or words[0] in GROUPS and len(words) == 1):
        # click's "no args is help" carries the whole help text as its message.
        message = "missing command"
    else:
        message = _bad_format(exc, words, args) or _sentence(str(exc.format_message()))
    return at(words, message)


def error(words: tuple[str, ...], message: str) -> MlcycleError:
    """A usage error a command finds itself, worded like click's ones."""
    return MlcycleError([at(words, message)])


def at(words: tuple[str, ...], message: str) -> Problem:
    path = " ".join((ROOT, *words))
    return Problem(Location("<command line>"), CODE, f"{path}: {message}; see '{path} --help'")


def command(args: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The command (and subcommand) a command line names, and what follows it."""
    from mlcycle.cli_kit.names import _PASSTHROUGH, GROUPS, MODULES

    rest = list(args)
    while rest and rest[0] in _PASSTHROUGH:  # root options before the command
        del rest[0]
    if not rest or rest[0] not in MODULES:
        return (), rest
    if rest[0] in GROUPS and len(rest) > 1 and rest[1] in GROUPS[rest[0]]:
        return (rest[0], rest[1]), rest[2:]
    return (rest[0],), rest[1:]


def _sentence(text: str) -> str:
    """click's message as a clause of our line: lower case, no full stop (a line
    break in it is the user's, and the line escapes it)."""
    text = text.strip()
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text[:-1] if text.endswith(".") else text


def _bad_format(exc: Any, words: tuple[str, ...], args: list[str]) -> str | None:
    """``--format / -f: 'xml' is not one of ...`` when the command line gave this
    command a format it does not have."""
    import typer

    if not words or not isinstance(exc, typer.BadParameter):
        return None
    choices = choices_of(words)
    value = _given(list(_FORMAT), args)
    if not choices or value is None or value in choices:
        return None
    from mlcycle.load.validation import did_you_mean

    return (f"{' / '.join(_FORMAT)}: {escape.quote(value)} is not one of "
            f"{', '.join(choices)}{did_you_mean(value, choices)}")


def choices_of(words: tuple[str, ...]) -> tuple[str, ...]:
    """The formats a command takes: the ``Literal`` of its function's ``format``
    parameter (the function is named like the command: ``check``, ``show``)."""
    from mlcycle.cli_kit.names import MODULES

    module = importlib.import_module(f"mlcycle.commands.{MODULES[words[0]]}")
    # `set_`, `next_`: a command named like a Python keyword or builtin
    function = getattr(module, words[-1], None) or getattr(module, words[-1] + "_", None)
    if not inspect.isfunction(function) or "format" not in inspect.signature(function).parameters:
        return ()
    hint = typing.get_type_hints(function)["format"]  # Annotated stripped
    return tuple(str(c) for c in typing.get_args(hint)) if (
        typing.get_origin(hint) is typing.Literal) else ()


def _given(opts: list[str], args: list[str]) -> str | None:
    """The last value given to an option: ``--opt X``, ``--opt=X``, ``-oX``."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        for opt in opts:
            if arg == opt and index + 1 < len(args):
                found = args[index + 1]
            elif opt.startswith("--") and arg.startswith(opt + "="):
                found = arg[len(opt) + 1:]
            elif not opt.startswith("--") and re.match(re.escape(opt) + ".", arg):
                found = arg[len(opt):]
    return found
