"""What keeps `check` start-up lean must not change what users see (issue 14).

No timing here (benchmarks/run.py measures): these tests prove the fast paths
equal the slow ones. A command line that names a command registers only that
command's module (``mlcycle.commands.MODULES``), so the mapping must name exactly
what each module registers, and its help and errors must be the full app's. With
every pydantic plugin disabled, ``mlcycle.plugins_off`` stands in for pydantic's
plugin loader, so pydantic's own loader must return no plugin for exactly those
values too.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from conftest import run
from typer.testing import CliRunner

from mlcycle import cli, commands, plugins_off


def _registered(module: str) -> set[str]:
    app = typer.Typer()
    importlib.import_module(f"mlcycle.commands.{module}").register(app)
    names = {info.name for info in app.registered_commands}
    return names | {info.name for info in app.registered_groups}  # type: ignore[misc]


@pytest.mark.parametrize("module", commands.ORDER)
def test_the_map_names_exactly_what_each_module_registers(module: str) -> None:
    assert _registered(module) == {n for n, m in commands.MODULES.items() if m == module}


def test_every_module_is_in_the_full_list() -> None:
    assert set(commands.MODULES.values()) == set(commands.ORDER)
    assert len(commands.ORDER) == len(set(commands.ORDER))


def test_only_a_certain_command_name_narrows_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("_MLCYCLE_COMPLETE", raising=False)
    assert commands.named(["check", "."]) == "check"
    assert commands.named(["--debug", "done", "x"]) == "set"
    assert commands.named(["team", "add", "pm", "Ana"]) == "team"
    for args in ([], ["--help"], ["--version"], ["chek"], ["--install-completion"], None):
        assert commands.named(args) is None
    monkeypatch.setenv("_MLCYCLE_COMPLETE", "complete_bash")
    assert commands.named(["check"]) is None


def _invoke(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), prog_name="mlcycle", env={"COLUMNS": "80"})
    return result.exit_code, result.output


@pytest.mark.parametrize("name", sorted(commands.MODULES))
def test_a_command_alone_has_the_help_it_has_in_the_full_app(name: str) -> None:
    alone = _invoke(cli.build([name]), name, "--help")
    assert alone == _invoke(cli.build(), name, "--help")
    assert alone[0] == 0 and f"Usage: mlcycle {name}" in alone[1]


def test_a_bad_option_is_the_same_usage_error_alone() -> None:
    assert _invoke(cli.build(["check"]), "check", "--bogus") == \
        _invoke(cli.build(), "check", "--bogus")


def test_a_mistyped_command_still_gets_the_full_list() -> None:
    result = run("chek")
    assert result.code == 2
    assert "No such command 'chek'" in result.err and "'check'" in result.err


def test_a_root_option_before_the_command_still_runs_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run("init", tmp_path / "p", "--no-input").code == 0
    result = run("--debug", "check", tmp_path / "p")
    assert result.code == 0 and result.out.startswith("mlcycle check: passed")


# --- pydantic's plugin loader ---------------------------------------------------


def _child(code: str, plugins: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if plugins is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = plugins
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("value", plugins_off.ALL_OFF)
def test_pydantic_itself_loads_no_plugin_for_each_value_the_stand_in_handles(value: str) -> None:
    # pydantic's own loader, imported for real: the stand-in must return what it does.
    code = ("from pydantic.plugin._loader import get_plugins; "
            "print(repr(tuple(get_plugins())))")
    assert _child(code, value) == "()"


@pytest.mark.parametrize("value", [None, *plugins_off.ALL_OFF])
def test_with_every_plugin_off_the_stand_in_serves_pydantic(value: str | None) -> None:
    code = ("import sys; from mlcycle import plugins_off; plugins_off.disable(); "
            "from pydantic import TypeAdapter; TypeAdapter(int).validate_python(1); "
            "import mlcycle.load.model; "
            "print(sys.modules[plugins_off.LOADER].get_plugins is plugins_off._no_plugins, "
            "tuple(plugins_off._no_plugins()))")
    assert _child(code, value) == "True ()"


@pytest.mark.parametrize("value", ["", "some-plugin,another"])
def test_a_user_who_names_plugins_gets_pydantics_own_loader(value: str) -> None:
    code = ("import sys; from mlcycle import plugins_off; plugins_off.disable(); "
            "from pydantic import TypeAdapter; TypeAdapter(int).validate_python(1); "
            "print(hasattr(sys.modules[plugins_off.LOADER], 'PYDANTIC_ENTRY_POINT_GROUP'))")
    assert _child(code, value) == "True"
