"""Every mistake on the command line is one located line on stderr and exit 2
(issue 17): for every command the app registers, whatever typer and click
release parses it (typer 0.29 vendors click privately; the lower bounds run a
typer on the real click).

The commands and their parameters are read from the app itself, so a new
command is covered as soon as it is registered.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from helpers.cli import Result, run
from helpers.editproject import tiny_project
from helpers.project import snapshot

from mlcycle import cli, commands


@dataclass(frozen=True)
class Param:
    name: str
    flags: tuple[str, ...]  # () for an argument
    required: bool
    hint: Any  # the annotation, Annotated and Optional stripped
    info: Any  # typer's OptionInfo / ArgumentInfo

    @property
    def is_list(self) -> bool:
        return typing.get_origin(self.hint) is list

    def sample(self) -> list[str]:
        """A value typer accepts for it (the command itself may still refuse it)."""
        if typing.get_origin(self.hint) is typing.Literal:
            value = str(typing.get_args(self.hint)[0])
        elif self.hint in (int, float):
            value = "1"
        else:
            value = "." if self.hint is Path else "x"
        return [*self.flags[:1], value]


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    params: tuple[Param, ...]

    @property
    def path(self) -> str:
        return " ".join(("mlcycle", *self.words))

    def __str__(self) -> str:
        return " ".join(self.words)


def _strip_optional(hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return hint


def _params(function: Callable[..., Any]) -> tuple[Param, ...]:
    hints = typing.get_type_hints(function, include_extras=True)
    found = []
    for name, parameter in inspect.signature(function).parameters.items():
        annotated = hints[name]
        if typing.get_origin(annotated) is not typing.Annotated:
            continue  # typer.Context
        hint, *extras = typing.get_args(annotated)
        info = next(e for e in extras if isinstance(e, typer.models.ParameterInfo))
        flags: tuple[str, ...] = ()
        if isinstance(info, typer.models.OptionInfo):
            # In Annotated[..., typer.Option("--format", "-f")] typer reads the first
            # declaration as the default and moves it back when it builds the command.
            given = ((info.default,) if isinstance(info.default, str) else ()) + tuple(
                info.param_decls)
            decls = [d for decl in given for d in decl.split("/")]
            flags = tuple(d for d in decls if d.startswith("-")) or (
                "--" + name.replace("_", "-"),)
        required = parameter.default is inspect.Parameter.empty
        found.append(Param(name, flags, required, _strip_optional(hint), info))
    return tuple(found)


def _commands() -> list[Command]:
    app = cli.build()
    found = [Command((info.name,), _params(info.callback)) for info in app.registered_commands]
    for group in app.registered_groups:
        for info in group.typer_instance.registered_commands:
            found.append(Command((group.name, info.name), _params(info.callback)))
    return found


COMMANDS = _commands()
GROUPS = [("",)] + [(name,) for name in commands.GROUPS]


def _ids(command: Command) -> str:
    return str(command)


def _with(command: Command, *, leave: str | None = None) -> list[str]:
    """The command with every required parameter given but ``leave`` (an argument:
    and those after it, which would otherwise take its place)."""
    args = list(command.words)
    gap = False
    for param in command.params:
        gap = gap or (param.name == leave and not param.flags)
        if param.required and param.name != leave and not (gap and not param.flags):
            args += param.sample()
    return args


LINE = re.compile(r"<command line>: error\[MLC031\]: (?P<path>mlcycle(?: [a-z]+)*): "
                  r"(?P<message>.+); see '(?P=path) --help'")


def one_line(result: Result, path: str) -> str:
    """The message of the one usage line ``result`` printed, after checking the rest."""
    assert (result.code, result.out) == (2, ""), result
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    match = LINE.fullmatch(lines[0])
    assert match is not None, lines[0]
    assert match["path"] == path
    return match["message"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_project(tmp_path_factory.mktemp("usage"))


@pytest.fixture
def unchanged(project: Path) -> Iterator[Path]:
    before = snapshot(project)
    yield project
    assert snapshot(project) == before


def test_the_app_registers_the_commands_the_usage_line_can_name() -> None:
    names = {c.words[0] for c in COMMANDS}
    assert names == set(commands.MODULES)
    for group, subcommands in commands.GROUPS.items():
        assert {c.words[1] for c in COMMANDS if c.words[0] == group} == set(subcommands)
    assert len(COMMANDS) > 20


# --- every command ---------------------------------------------------------------


REQUIRED = [(c, p) for c in COMMANDS for p in c.params if p.required]


@pytest.mark.parametrize(("command", "param"), REQUIRED,
                         ids=[f"{c}-{p.name}" for c, p in REQUIRED])
def test_a_missing_required_parameter(unchanged: Path, command: Command, param: Param) -> None:
    message = one_line(run(*_with(command, leave=param.name), cwd=unchanged), command.path)
    if param.flags:
        assert message == f"missing option '{param.flags[0]}'"
    else:
        # Its metavar, else its name (in capitals with older typer releases).
        shown = param.info.metavar or param.name
        assert message.casefold() == f"missing argument '{shown}'".casefold(), message


@pytest.mark.parametrize("command", COMMANDS, ids=_ids)
def test_an_unknown_option(unchanged: Path, command: Command) -> None:
    message = one_line(run(*_with(command), "--no-such-thing", cwd=unchanged), command.path)
    assert re.match(r"no such option:? '?--no-such-thing", message), message


CHOICES = [(c, p) for c in COMMANDS for p in c.params
           if typing.get_origin(p.hint) is typing.Literal]


@pytest.mark.parametrize(("command", "param"), CHOICES, ids=[str(c) for c, _ in CHOICES])
def test_a_bad_choice(unchanged: Path, command: Command, param: Param) -> None:
    choices = ", ".join(str(c) for c in typing.get_args(param.hint))
    for given in ([param.flags[0], "nope"], [f"{param.flags[0]}=nope"], [param.flags[-1], "nope"]):
        message = one_line(run(*_with(command), *given, cwd=unchanged), command.path)
        assert message == f"{' / '.join(param.flags)}: 'nope' is not one of {choices}"
    assert len(CHOICES) >= 8


def _positional_room(command: Command) -> bool:
    return not any(not p.flags and p.is_list for p in command.params)


EXTRA = [c for c in COMMANDS if _positional_room(c)]


@pytest.mark.parametrize("command", EXTRA, ids=_ids)
def test_an_extra_argument(unchanged: Path, command: Command) -> None:
    args = list(command.words)
    for param in command.params:
        if not param.flags or param.required:
            args += param.sample()
    message = one_line(run(*args, "extra1", "extra2", cwd=unchanged), command.path)
    assert re.fullmatch(r"got unexpected extra arguments? ?(\(s\))? \(extra1 extra2\)", message), \
        message


def _wrong(param: Param, project: Path) -> tuple[str, str] | None:
    """A value of the wrong type for ``param``, and what the message must say."""
    name = param.flags[0] if param.flags else str(param.info.metavar or param.name.upper())
    if param.hint in (int, float):
        return "abc", f"invalid value for '{name}'"
    if param.hint is Path and param.info.file_okay is False:
        return str(project / "mlcycle.yaml"), f"invalid value for '{name}'"
    if param.hint is Path and param.info.dir_okay is False:
        return str(project / "docs"), f"invalid value for '{name}'"
    return None


TYPED = [(c, p) for c in COMMANDS for p in c.params
         if p.hint in (int, float) or (p.hint is Path and False in (p.info.file_okay,
                                                                     p.info.dir_okay))]


@pytest.mark.parametrize(("command", "param"), TYPED, ids=[f"{c}-{p.name}" for c, p in TYPED])
def test_a_value_of_the_wrong_type(unchanged: Path, command: Command, param: Param) -> None:
    wrong = _wrong(param, unchanged)
    assert wrong is not None
    value, start = wrong
    args = _with(command, leave=param.name) + [*param.flags[:1], value]
    message = one_line(run(*args, cwd=unchanged), command.path).casefold()
    # An optional argument is '[DIRECTORY]' to older typer releases.
    assert message.replace("'[", "'").replace("]'", "'").startswith(start.casefold()), message
    assert len(TYPED) >= 10


DATES = [(c, p) for c in COMMANDS for p in c.params if p.info.metavar == "YYYY-MM-DD"]
# What a command needs besides its required parameters before it reads a date.
NEEDS = {"diff": ["--base", "HEAD"], "set": ["--note", "n"], "report": ["--output", "r.html"]}


@pytest.mark.parametrize(("command", "param"), DATES, ids=[f"{c}-{p.name}" for c, p in DATES])
def test_a_date_that_is_no_date(unchanged: Path, command: Command, param: Param) -> None:
    # Dates are text to typer and checked by mlcycle: one line, located on the
    # command line, naming the option.
    args = [a if a != "x" else "problem" for a in _with(command, leave=param.name)]
    result = run(*args, *NEEDS.get(command.words[0], []), param.flags[0], "2026-02-30",
                 cwd=unchanged)
    # check prints its report (here: that it could not evaluate) whatever went wrong
    assert (result.code, result.out) == (
        2, "mlcycle check: could not evaluate: 1 input error\n" if command.path == "mlcycle check"
        else ""), result
    assert result.err.splitlines() == [
        f"<command line>: error[MLC031]: {param.flags[0]}: '2026-02-30' is not a calendar "
        "date YYYY-MM-DD"]
    assert len(DATES) >= 5


# --- the app and its groups ------------------------------------------------------


@pytest.mark.parametrize("words", GROUPS, ids=lambda w: w[0] or "mlcycle")
def test_a_group_without_its_command_or_with_an_unknown_one(
        unchanged: Path, words: tuple[str]) -> None:
    words = tuple(w for w in words if w)
    path = " ".join(("mlcycle", *words))
    message = one_line(run(*words, "no-such-command", cwd=unchanged), path)
    assert message.startswith("no such command 'no-such-command'")
    message = one_line(run(*words, "--no-such-thing", cwd=unchanged), path)
    assert re.match(r"no such option:? '?--no-such-thing", message), message
    if words != ("playbooks",):  # which lists the playbooks
        assert one_line(run(*words, cwd=unchanged), path) == "missing command"


def test_a_root_option_before_the_command_keeps_the_command_named(unchanged: Path) -> None:
    assert one_line(run("--debug", "block", "problem", cwd=unchanged), "mlcycle block") == \
        "missing option '--reason'"
    assert one_line(run("--debug", cwd=unchanged), "mlcycle") == "missing command"


# --- the cases of the issue, exactly ---------------------------------------------


def test_block_without_a_reason(unchanged: Path) -> None:
    result = run("block", "why-ml", cwd=unchanged)
    assert (result.code, result.out) == (2, "")
    assert result.err == ("<command line>: error[MLC031]: mlcycle block: missing option "
                          "'--reason'; see 'mlcycle block --help'\n")


def test_waive_without_until(unchanged: Path) -> None:
    result = run("waive", "problem", "--reason", "later", "--by", "Ana Lima", cwd=unchanged)
    assert (result.code, result.out) == (2, "")
    assert result.err == ("<command line>: error[MLC031]: mlcycle waive: missing option "
                          "'--until'; see 'mlcycle waive --help'\n")


def test_init_into_a_regular_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_bytes(b"mine\n")
    result = run("init", target, "--no-input", cwd=tmp_path)
    message = one_line(result, "mlcycle init")
    # typer releases differ: '[DIR]' or 'DIR', "Directory" or "Dir"
    assert re.match(r"invalid value for '\[?DIR\]?': ", message), message
    assert str(target) in message, message
    assert message.endswith(" is a file"), message
    assert target.read_bytes() == b"mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "notes.txt"]


def test_user_text_in_a_usage_error_is_escaped(unchanged: Path) -> None:
    result = run("check", "--\x1b[31mred\n::error::x", cwd=unchanged)
    message = one_line(result, "mlcycle check")
    # Visible, on one line (click itself escapes some of it, in its own way).
    assert "\x1b" not in result.err and result.err.count("\n") == 1
    assert re.search(r"\\x1b\[31mred\\(x0a|n)::error::x", message), message


# --- through the real entry point, in a process ------------------------------------


@pytest.mark.parametrize(("args", "err"), [
    (["block", "why-ml"], "<command line>: error[MLC031]: mlcycle block: missing option "
                          "'--reason'; see 'mlcycle block --help'\n"),
    (["status", "-f", "tabel"],
     "<command line>: error[MLC031]: mlcycle status: --format / -f: 'tabel' is not one of "
     "table, markdown, json (did you mean 'table'?); see 'mlcycle status --help'\n"),
    (["team", "add", "pm"], "<command line>: error[MLC031]: mlcycle team add: missing argument "
                            "'PERSON'; see 'mlcycle team add --help'\n"),
    ([], "<command line>: error[MLC031]: mlcycle: missing command; see 'mlcycle --help'\n"),
])
def test_in_a_process(unchanged: Path, args: list[str], err: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MLCYCLE_DEBUG"}
    done = subprocess.run([sys.executable, "-m", "mlcycle", *args], cwd=unchanged, env=env,
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", err)


def test_in_a_process_a_wrong_type_and_an_unknown_option(unchanged: Path) -> None:
    for args, start in ((["check", "--min-score", "abc"], "invalid value for '--min-score': "),
                        (["raci", "--bogus"], "no such option")):
        done = subprocess.run([sys.executable, "-m", "mlcycle", *args], cwd=unchanged,
                              capture_output=True, text=True)
        message = one_line(Result(done.returncode, done.stdout, done.stderr),
                           f"mlcycle {args[0]}")
        assert message.startswith(start), message
