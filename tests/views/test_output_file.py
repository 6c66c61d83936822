"""One output-file policy for every `--output`/`-o` (check, report, schema),
issue 17 items 7 and 8: never a file a project reads (the journal and
`.mlcycle/` included, also by `..`, a symlink, a hard link or another
project's path), missing parent directories created, devices and FIFOs written
into, symlinks written through; `report` without `--output` prints the page."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_project

REFUSED = ("error[MLC035]: --output would replace a file mlcycle reads ({what}){via}; nothing "
           "was written, write the report elsewhere")


def refused(shown: str, what: str, via: str = "") -> list[str]:
    return [f"{shown}:1:1: " + REFUSED.format(what=what, via=via), "1 error in 1 file"]


def tree(root: Path) -> dict[str, str]:
    """Every entry under root: a file's sha256, a link's target, "dir" (so a
    directory made by a refused command shows too)."""
    state = {}
    for p in sorted(root.rglob("*")):
        key = p.relative_to(root).as_posix()
        if p.is_symlink():
            state[key] = "link:" + os.readlink(p)
        elif p.is_dir():
            state[key] = "dir"
        else:
            state[key] = hashlib.sha256(p.read_bytes()).hexdigest()
    return state


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return init_project(tmp_path / "p", "--team", "pm=Ana")


# --- never a file a project reads ------------------------------------------------

COMMANDS = {"check": ["check", "--format", "json"], "report": ["report"]}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("target, what", [
    ("mlcycle.yaml", "the project file"),
    (".mlcycle-journal", "the journal of an interrupted change"),
    (".mlcycle/project.schema.json", "mlcycle's JSON Schemas in .mlcycle/"),
    (".mlcycle/new/report.json", "mlcycle's JSON Schemas in .mlcycle/"),  # no directory made
    ("lifecycle/09-extra.yaml", "a status file in lifecycle/"),
    ("docs/../mlcycle.yaml", "the project file"),
    ("missing/../.mlcycle-journal", "the journal of an interrupted change"),
])
def test_no_command_writes_over_a_project_input(project: Path, command: str, target: str,
                                                what: str) -> None:
    before = tree(project)
    result = run(*COMMANDS[command], "--output", target, cwd=project)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == refused(target, what)
    assert tree(project) == before
    assert run("check", cwd=project).code == 0  # every command still takes the project


def test_a_journal_report_no_longer_locks_the_project_out(project: Path) -> None:
    # Before: `check --output .mlcycle-journal` exited 0 and every later command
    # refused the project (MLC090, exit 2).
    assert run("check", "--output", ".mlcycle-journal", cwd=project).code == 2
    assert not (project / ".mlcycle-journal").exists()
    assert run("status", cwd=project).code == 0
    assert run("start", "problem-statement", cwd=project).code == 0


@pytest.mark.parametrize("command", COMMANDS)
def test_a_hard_link_to_an_input_is_refused(project: Path, command: str) -> None:
    os.link(project / "lifecycle/01-problem.yaml", project / "copy.yaml")
    os.link(project / "mlcycle.yaml", project.parent / "outside.yaml")
    before = tree(project)
    result = run(*COMMANDS[command], "-o", "copy.yaml", cwd=project)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == refused("copy.yaml", "a status file in lifecycle/",
                                              " (through a hard link)")
    result = run(*COMMANDS[command], "-o", "../outside.yaml", cwd=project)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == refused("../outside.yaml", "the project file",
                                              " (through a hard link)")
    assert tree(project) == before
    assert os.stat(project / "copy.yaml").st_nlink == 2  # still one file with two names


def test_a_symlink_from_outside_to_an_input_is_refused(project: Path, tmp_path: Path) -> None:
    (tmp_path / "out.yaml").symlink_to(project / "lifecycle/02-data.yaml")
    before = tree(project)
    result = run("report", "p", "-o", "out.yaml", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == refused("out.yaml", "a status file in lifecycle/",
                                              " (through a symlink)")
    assert tree(project) == before
    assert (tmp_path / "out.yaml").is_symlink()


def test_another_projects_inputs_are_protected_too(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    assert run("init", other, "--no-input", "--team", "pm=Bo").code == 0
    before = tree(other)
    for command, target, what in (
            ("check", "other/mlcycle.yaml", "the project file"),
            ("report", "other/lifecycle/01-problem.yaml", "a status file in lifecycle/"),
            ("check", "other/.mlcycle-journal", "the journal of an interrupted change")):
        result = run(command, "p", "--output", target, cwd=tmp_path)
        assert (result.code, result.out) == (2, "")
        assert result.err.splitlines() == refused(target, what)
    assert tree(other) == before


# --- missing parent directories are created -------------------------------------


def test_check_creates_the_reports_directory(project: Path) -> None:
    # CI: `check --format junit --output reports/junit.xml` in a fresh checkout.
    result = run("check", "--format", "junit", "--output", "reports/junit.xml", cwd=project)
    assert (result.code, result.err) == (0, "")
    junit = run("check", "--format", "junit", cwd=project).out
    assert (project / "reports/junit.xml").read_text() == junit
    assert sorted(p.name for p in (project / "reports").iterdir()) == ["junit.xml"]


def test_report_and_schema_create_nested_directories(project: Path, tmp_path: Path) -> None:
    result = run("report", "p", "-o", "site/a/b/index.html", cwd=tmp_path)
    assert (result.code, result.err) == (0, "")
    page = (tmp_path / "site/a/b/index.html").read_bytes()
    assert result.out == f"wrote site/a/b/index.html ({len(page):,} bytes)\n"
    result = run("schema", "-o", "schemas/v1", cwd=tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "schemas/v1").iterdir()) == [
        "overlay.schema.json", "phase.schema.json", "playbook.schema.json",
        "project.schema.json"]


def test_a_file_in_the_way_of_the_directories_is_named(project: Path) -> None:
    (project / "reports").write_text("not a directory\n")
    before = tree(project)
    result = run("check", "--output", "reports/ci/junit.xml", cwd=project)
    assert result.code == 2
    assert result.err.splitlines() == [
        "reports/ci/junit.xml:1:1: error[MLC001]: cannot create the report's directory: "
        "'reports' is a file, not a directory", "1 error in 1 file"]
    assert tree(project) == before


def test_a_refused_schema_directory_is_not_created(project: Path) -> None:
    before = tree(project)
    result = run("schema", "-o", "lifecycle/schemas", cwd=project)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        *(refused(f"lifecycle/schemas/{name}.schema.json", "a status file in lifecycle/")[0]
          for name in ("overlay", "phase", "playbook", "project")),
        "4 errors in 4 files"]
    assert tree(project) == before


def test_schema_still_refreshes_the_projects_own_schemas(project: Path) -> None:
    # .mlcycle/ holds exactly what `schema` writes: refreshing it is its purpose.
    (project / ".mlcycle/phase.schema.json").write_text("{}\n")
    result = run("schema", "-o", ".mlcycle", cwd=project)
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["unchanged .mlcycle/project.schema.json",
                                       "wrote .mlcycle/phase.schema.json",
                                       "wrote .mlcycle/overlay.schema.json",
                                       "wrote .mlcycle/playbook.schema.json"]
    fresh = run("schema", "-o", project.parent / "fresh").code
    assert fresh == 0
    assert ((project / ".mlcycle/phase.schema.json").read_bytes()
            == (project.parent / "fresh/phase.schema.json").read_bytes())


# --- devices, FIFOs and symlinks ----------------------------------------------------


def test_report_into_dev_null_and_a_fifo(project: Path, tmp_path: Path) -> None:
    result = run("report", "-o", "/dev/null", cwd=project)
    assert (result.code, result.err) == (0, "")
    page = run("report", cwd=project).out
    assert result.out == f"wrote /dev/null ({len(page.encode()):,} bytes)\n"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    fifo = tmp_path / "page.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("report", "-o", fifo, cwd=project)
    reader.join(timeout=30)
    assert (result.code, result.err) == (0, "")
    assert received == [page.encode()]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["p", "page.fifo"]


def test_report_writes_through_a_symlink_into_a_new_directory(project: Path,
                                                              tmp_path: Path) -> None:
    (tmp_path / "latest.html").symlink_to("site/2026/report.html")  # dangling: site/ missing
    result = run("report", "p", "-o", "latest.html", cwd=tmp_path)
    assert (result.code, result.err) == (0, "")
    assert os.readlink(tmp_path / "latest.html") == "site/2026/report.html"
    assert (tmp_path / "site/2026/report.html").read_text() == run("report", cwd=project).out
    assert sorted(p.name for p in (tmp_path / "site/2026").iterdir()) == ["report.html"]


# --- report without --output ---------------------------------------------------------


def test_report_without_output_prints_the_page_like_portfolio_html(project: Path) -> None:
    before = tree(project)
    result = run("report", cwd=project)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("<!DOCTYPE html>\n") and result.out.endswith("</html>\n")
    assert tree(project) == before
    portfolio = run("portfolio", "--format", "html", cwd=project)
    assert portfolio.out.startswith("<!DOCTYPE html>\n")
