"""`mlcycle init` under hostile or unusual input (issue 9): messages that blame
what the user really gave, team playbooks inside the project, team templates
that break the self-check or run away, and CI wiring inside a larger git repo."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run, snapshot

EPOCH = "1700000000"
PHASES = Path(__file__).parents[1] / "phases"


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def team_playbook(where: Path) -> Path:
    shutil.copytree(PHASES / "five-phase", where)
    return where


# --- item 17: the error blames what the user gave --------------------------------


def test_a_name_whose_slug_is_invalid_blames_the_name_and_suggests_slug(tmp_path: Path) -> None:
    result = run("init", tmp_path / "x", "--no-input", "--name", "2025 churn model")
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: the slug derived from the project name, "
        "'2025-churn-model', is not a slug (lowercase letters, digits and single dashes, "
        "starting with a letter; at most 64); give one with --slug",
        "1 error in 1 file",
    ]
    assert not (tmp_path / "x").exists()
    fixed = run("init", tmp_path / "x", "--no-input", "--name", "2025 churn model",
                "--slug", "churn-2025")
    assert fixed.code == 0, fixed.err
    assert "slug: churn-2025\n" in (tmp_path / "x" / "mlcycle.yaml").read_text()


def test_a_given_slug_that_is_invalid_still_blames_slug(tmp_path: Path) -> None:
    result = run("init", tmp_path / "x", "--no-input", "--slug", "2x")
    assert result.code == 2
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: --slug: '2x' is not a slug (lowercase letters, digits "
        "and single dashes, starting with a letter; at most 64)",
        "1 error in 1 file",
    ]


def test_a_directory_name_with_a_newline_blames_the_directory(tmp_path: Path) -> None:
    target = tmp_path / "a\nb"
    target.mkdir()
    result = run("init", "--no-input", cwd=target)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: the directory name 'a\\nb' is not a valid project name "
        "(a project name is one printable line of 1 to 200 characters); give one with --name",
        "1 error in 1 file",
    ]
    assert list(target.iterdir()) == []
    assert run("init", "--no-input", "--name", "Ab", cwd=target).code == 0


# --- item 24: a playbook kept inside the project -----------------------------------


def test_a_playbook_inside_the_project_is_recorded_as_a_path_and_checks(tmp_path: Path) -> None:
    project = tmp_path / "p"
    team_playbook(project / "playbook")
    result = run("init", ".", "--no-input", "--playbook", "./playbook", cwd=project)
    assert result.code == 0, result.err
    assert "  path: ./playbook\n" in (project / "mlcycle.yaml").read_text()
    before = snapshot(project)
    checked = run("check", cwd=project)
    assert checked.code == 0, checked.err
    assert checked.err == ""
    assert snapshot(project) == before


def test_a_bare_recorded_playbook_path_reads_as_a_directory(tmp_path: Path) -> None:
    # mlcycle 0.1 recorded `path: playbook`: that is the directory, not a built-in name.
    project = tmp_path / "p"
    team_playbook(project / "playbook")
    assert run("init", ".", "--no-input", "--playbook", "./playbook", cwd=project).code == 0
    file = project / "mlcycle.yaml"
    file.write_text(file.read_text().replace("  path: ./playbook\n", "  path: playbook\n"))
    for command in ("check", "validate", "status"):
        result = run(command, cwd=project)
        assert result.code == 0, (command, result.err)
        assert result.err == ""
