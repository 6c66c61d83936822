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
from helpers.cli import run
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
    assert "no such command 'chek'" in result.err and "'check'" in result.err


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
            "print(sys.modules[plugins_off.LOADER].get_plugins is not plugins_off._no_plugins)")
    assert _child(code, value) == "True"


# --- mlcycle's own templates, precompiled ----------------------------------------


def test_the_precompiled_templates_are_what_jinja_generates_now() -> None:
    import jinja2

    from mlcycle.init import _compiled, precompile

    if os.environ.get("MLCYCLE_REGEN_GOLDEN") == "1":
        precompile.TARGET.write_text(precompile.generate(), "utf-8")
    stored = precompile.TARGET.read_text("utf-8")
    if _compiled.JINJA != jinja2.__version__:
        # Another Jinja (the lower-bounds CI leg): the stored code must go unused.
        from mlcycle.init import templating

        env = templating.environment([precompile.data_dir("templates")], sandboxed=False)
        assert env.bytecode_cache is not None
        source, filename, _ = env.loader.get_source(env, "project/mlcycle.yaml.j2")  # type: ignore[union-attr]
        assert env.bytecode_cache.get_bucket(env, "project/mlcycle.yaml.j2", filename,
                                             source).code is None
        return
    assert stored == precompile.generate(), (
        "a template or Jinja changed: regenerate with `python -m mlcycle.init.precompile`")
    assert set(_compiled.SOURCES) == set(precompile.names(precompile.data_dir("templates")))
    assert len(_compiled.SOURCES) > 30


def test_the_stored_schemas_are_what_pydantic_generates_now() -> None:
    import pydantic

    from mlcycle.load import _schemas, schemas

    if os.environ.get("MLCYCLE_REGEN_GOLDEN") == "1":
        schemas.STORED.write_text(schemas.stored_module(), "utf-8")
    if _schemas.PYDANTIC != pydantic.VERSION:
        # Another pydantic (the lower-bounds CI leg): the stored schemas go unused.
        assert [schemas._stored(name) for name in schemas.SCHEMA_FILES] == \
            [None] * len(schemas.SCHEMA_FILES)
        return
    assert schemas.STORED.read_text("utf-8") == schemas.stored_module(), (
        "the models or pydantic changed: regenerate with `python -m mlcycle.init.precompile`")
    assert set(_schemas.SCHEMAS) == set(schemas.SCHEMA_FILES)


def test_a_stored_schema_serves_only_the_model_file_it_came_from(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from mlcycle.load import schemas

    name = "phase.schema.json"
    fresh = schemas.schema_text(name)
    assert json.loads(fresh)["title"] == schemas.SCHEMA_FILES[name][1]
    assert {k: v for k, v in json.loads(fresh).items()
            if k not in ("$schema", "$comment", "title")} == \
        {k: v for k, v in schemas.generated(name).items() if k != "title"}
    # model.py edited since: its schema is generated again, never the stored one.
    monkeypatch.setattr(schemas, "model_digest", lambda: "0" * 64)
    assert schemas._stored(name) is None
    assert schemas.schema_text(name) == fresh


def test_only_the_unchanged_file_of_ours_gets_precompiled_code(tmp_path: Path) -> None:
    import jinja2

    from mlcycle.init import _compiled, templating
    from mlcycle.resources import data_dir

    ours = templating.environment([data_dir("templates")], sandboxed=False)
    cache = ours.bytecode_cache
    assert cache is not None
    name = "project/README.md.j2"
    source, filename, _ = ours.loader.get_source(ours, name)  # type: ignore[union-attr]
    used = cache.get_bucket(ours, name, filename, source).code
    assert (used is not None) == (_compiled.JINJA == jinja2.__version__)
    # An edited template of the same name is compiled from its own text.
    assert cache.get_bucket(ours, name, filename, source + "{{ 1 }}").code is None
    # A team's folder, or the sandbox, never takes it.
    shutil_copy = tmp_path / "templates"
    shutil_copy.mkdir()
    assert templating.environment([shutil_copy, data_dir("templates")],
                                  sandboxed=False).bytecode_cache is None
    assert templating.environment([data_dir("templates")], sandboxed=True).bytecode_cache is None


@pytest.mark.parametrize("book", ["product", "crisp-dm", "ml-test-score"])
def test_a_skeleton_renders_the_same_bytes_without_precompiled_code(
        book: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import functools
    from datetime import date

    from mlcycle.init import scaffold, templating
    from mlcycle.load import playbooks

    options = scaffold.InitOptions(name="Demo: one", slug="demo", playbook=playbooks.load(book),
                                   playbook_path=None, team={}, init_date=date(2025, 1, 2))
    fast = scaffold.render_files(options)
    # The reference: Jinja compiling every template from its text, as before.
    monkeypatch.setattr(templating, "environment",
                        functools.partial(templating.environment, precompiled=False))
    assert scaffold.render_files(options) == fast
    assert len(fast) > 10
