"""The command line: parse, call the core, hand results to a renderer, exit.

Only this module, ``commands/`` and ``cli_kit/`` print or exit. Heavy imports (pydantic,
jinja2, rich) happen inside the command that needs them, so ``--help`` and
``check`` start fast.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Annotated, Any

import typer

from mlcycle import __version__, interrupts, plugins_off
from mlcycle.codes import MLC001
from mlcycle.commands import register
from mlcycle.errors import MlcycleError, Refused


def build(args: list[str] | None = None) -> typer.Typer:
    """The app, with every command, or with ``args`` only the one they run (see
    ``mlcycle.commands``: typer's per-command cost is paid on every run)."""
    app = typer.Typer(
        name="mlcycle",
        help="Keep an ML product project honest about where it stands.",
        no_args_is_help=True,
        add_completion=True,
        # Plain help: rich would cost ~40 ms of start-up on every --help.
        rich_markup_mode=None,
        # Never show local variables (they may hold secrets) or a traceback for user errors.
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    register(app, args)
    return app


def _version(value: bool) -> None:
    if value:
        print(f"mlcycle {__version__}")
        raise typer.Exit(0)


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="On an internal error, print the traceback.")
    ] = False,
) -> None:
    """Keep an ML product project honest about where it stands.

    Exit codes: 0 success, 1 open gates or findings (check), 2 usage error or
    invalid input, 3 internal error, 130 interrupted.
    """


def report_problems(problems: list[Any]) -> None:
    """Every problem, one line each (``Problem.__str__`` escapes it), sorted, to
    stderr; then a count of the errors in files (a mistake on the command line or
    in the environment is in no file, and one line says it all)."""
    from mlcycle.errors import error_count

    for problem in sorted(problems):
        print(problem, file=sys.stderr)
    in_files = [p for p in problems if p.location.path not in ("<command line>", "<environment>")]
    errors = error_count(in_files)
    if errors:
        files = len({p.location.path for p in in_files if p.severity == "error" or p.hidden})
        print(f"{_plural(errors, 'error')} in {_plural(files, 'file')}", file=sys.stderr)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _encodable_output() -> None:
    """A character the output's encoding lacks (stdout redirected on Windows is
    cp1252; PYTHONIOENCODING=latin-1) is written as a backslash escape, never an
    internal error: names and notes are any Unicode."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            reconfigure(errors="backslashreplace")


def _report_refusal(refused: Refused) -> None:
    """Exit 1's output: the explaining report on stdout, then why, on stderr."""
    from mlcycle.cli_kit import output

    if refused.document is not None:
        output.show(refused.document)
    for why in refused.lines:
        output.say(why, err=True)


def _os_error(exc: OSError) -> int:
    if isinstance(exc, BrokenPipeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    if interrupts.pending():
        return 130
    # The machine said no (permissions, disk full, a path that vanished):
    # the user's to fix, not a bug of ours.
    from mlcycle import escape

    where = exc.filename if exc.filename is not None else "mlcycle"
    print(escape.line(f"{where}: error[{MLC001}]: {exc.strerror or exc}"), file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps every outcome to its documented exit code."""
    restore = interrupts.install()
    _encodable_output()
    plugins_off.disable()  # before typer builds its first pydantic adapter
    args = sys.argv[1:] if argv is None else argv
    # A short-lived process that builds large acyclic trees (YAML nodes, models):
    # the cyclic collector would only re-scan them, tripling load time past 10k items.
    gc.disable()
    debug = "--debug" in args or os.environ.get("MLCYCLE_DEBUG") == "1"
    try:
        result = build(args)(args=args, prog_name="mlcycle", standalone_mode=False)
        # typer turns Ctrl-C into a returned 130; no command returns it
        code = result if isinstance(result, int) else 0
    except MlcycleError as exc:
        if not interrupts.pending():  # else an interrupt caught as a validation failure
            report_problems(exc.problems)
        code = 2
    except Refused as exc:
        if not interrupts.pending():
            _report_refusal(exc)
        code = 1
    except typer.Exit as exc:
        code = exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        code = 130
    except OSError as exc:
        code = _os_error(exc)
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into exit 3
        # Imported here, not above: `check` must not pay for it on its way to success.
        from mlcycle.cli_kit import usage

        if interrupts.pending():
            code = 130  # a library turned Ctrl-C into another exception: still Ctrl-C
        elif usage.is_usage_error(exc):
            # click's exceptions, by their documented interface: typer vendors click
            # (a private module since 0.26), so their classes cannot be named.
            print(usage.problem(exc, args), file=sys.stderr)
            code = 2
        else:
            if debug:
                import traceback

                traceback.print_exc()
            print(
                f"mlcycle: internal error ({type(exc).__name__}); this is a bug in mlcycle, "
                "please report it. Run with --debug for details.",
                file=sys.stderr,
            )
            code = 3
    except BaseException:
        # Not an Exception, yet a Ctrl-C: pyo3's PanicException (older pydantic-core
        # turns an interrupt that lands while a schema is built into one).
        if not interrupts.pending():
            raise
        code = 130
    # One interrupt policy: Ctrl-C before the command completed is exit 130,
    # whatever the command made of it. From here on Ctrl-C is ignored.
    if interrupts.pending():
        code = 130
    interrupts.completed()
    if code == 130:
        print("mlcycle: interrupted", file=sys.stderr)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`mlcycle status | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    gc.enable()
    restore()
    raise SystemExit(code)
