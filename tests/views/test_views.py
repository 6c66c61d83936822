"""raci in every format, render's idempotence, and log with and without git."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.editproject import tiny_project
from helpers.git import git
from helpers.project import snapshot


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", "2026-01-10")


def test_raci_table(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    result = run("raci", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "phase  item        gate  pm    ds\n"
        "-----  ----------  ----  ----  ----\n"
        "frame  problem     G     R, A  C\n"
        "frame  framing           A, I  R\n"
        "data   sources     G           R, A\n"
        "data   leakage           A     R\n"
        "model  baseline    G           R, A\n"
        "model  model-card        A, C  R\n"
        "\n"
        "role  name             people\n"
        "----  ---------------  --------\n"
        "pm    Product manager  Ana Lima\n"
        "ds    Data scientist   Bo Li\n")


def test_raci_markdown_csv_json(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    markdown = run("raci", "--phase", "data", "--format", "markdown", cwd=root).out
    assert markdown == (
        "| Phase | Item | G | pm | ds |\n"
        "|---|---|---|---|---|\n"
        "| `data` | `sources` Data sources | G |  | R, A |\n"
        "| `data` | `leakage` Leakage review |  | A | R |\n"
        "\n"
        "| Role | Name | People |\n"
        "|---|---|---|\n"
        "| `pm` | Product manager | Ana Lima |\n"
        "| `ds` | Data scientist | Bo Li |\n")
    rows = list(csv.reader(io.StringIO(run("raci", "-f", "csv", cwd=root).out)))
    assert rows[0] == ["phase", "item", "title", "gate", "pm", "ds"]
    assert rows[1] == ["frame", "problem", "Problem statement", "true", "R, A", "C"]
    assert len(rows) == 7
    data = json.loads(run("raci", "-f", "json", "--phase", "frame", cwd=root).out)
    assert data["roles"] == [{"id": "pm", "name": "Product manager", "people": ["Ana Lima"]},
                             {"id": "ds", "name": "Data scientist", "people": ["Bo Li"]}]
    assert data["items"][1] == {"phase": "frame", "id": "framing", "title": "ML framing",
                                "gate": False, "responsible": ["ds"], "accountable": "pm",
                                "consulted": [], "informed": ["pm"]}
    result = run("raci", "--phase", "dta", cwd=root)
    assert (result.code, result.err) == (
        2, "<command line>: error[MLC027]: --phase 'dta' is not a phase of playbook 'tiny' "
        "(did you mean 'data'?); phases: frame, data, model\n")


def test_render_is_byte_identical_when_nothing_changed(tmp_path: Path) -> None:
    root = tmp_path / "p"
    assert run("init", root, "--no-input", "--team", "pm=Ana").code == 0
    rendered = (root / "LIFECYCLE.md").read_bytes()
    before = snapshot(root)
    result = run("render", cwd=root)
    assert (result.code, result.out) == (0, "LIFECYCLE.md is up to date; nothing written\n")
    assert snapshot(root) == before
    # A team change re-renders LIFECYCLE.md itself; edited by hand, `render` catches up.
    team = run("team", "add", "ds", "Bo Li", cwd=root)
    assert team.out == "team: ds += Bo Li\nLIFECYCLE.md: updated\n"
    (root / "LIFECYCLE.md").write_bytes(rendered)
    result = run("render", "--dry-run", cwd=root)
    assert result.out.splitlines()[-1] == ("LIFECYCLE.md: would be rewritten (dry run: "
                                           "nothing written)")
    assert "+| Data scientist | `ds` | Bo Li |" in result.out.splitlines()
    assert (root / "LIFECYCLE.md").read_bytes() == rendered
    assert run("render", cwd=root).out == "LIFECYCLE.md: updated\n"
    assert (root / "LIFECYCLE.md").read_bytes() == rendered.replace(
        b"| Data scientist | `ds` | _unassigned_ |", b"| Data scientist | `ds` | Bo Li |")
    assert run("render", cwd=root).out == "LIFECYCLE.md is up to date; nothing written\n"


def _git(root: Path, *args: str, author: str = "Ana Lima", when: str = "") -> None:
    git(root, *args, author=author, committer=author, when=when)


def test_log_from_git_with_two_authors(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "start", when="2026-01-02T09:00:00+00:00")
    assert run("start", "problem", cwd=root).code == 0
    _git(root, "commit", "-qam", "working on it", author="Bo Li",
         when="2026-01-03T09:00:00+00:00")
    assert run("done", "problem", "-e", "docs/problem.md", cwd=root).code == 0
    assert run("start", "framing", cwd=root).code == 0
    _git(root, "commit", "-qam", "problem done", when="2026-01-04T09:00:00+00:00")
    result = run("log", cwd=root)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[:4] == [
        "Phase history (mlcycle.yaml):",
        "  2025-12-01  init     -> frame  (by Ana Lima)",
        "",
        "Item status changes (git log of lifecycle/): 3",
    ]
    assert [line.split("  ", 3)[1:] for line in lines[4:]] == [
        ["2026-01-03", lines[4].split()[1], "Bo Li  problem: todo -> doing"],
        ["2026-01-04", lines[5].split()[1], "Ana Lima  problem: doing -> done"],
        ["2026-01-04", lines[6].split()[1], "Ana Lima  framing: todo -> doing"],
    ]
    data = json.loads(run("log", "--item", "problem", "--format", "json", cwd=root).out)
    assert data["git"] is True
    assert [(c["author"], c["from"], c["to"], c["date"]) for c in data["changes"]] == [
        ("Bo Li", "todo", "doing", "2026-01-03T09:00:00+00:00"),
        ("Ana Lima", "doing", "done", "2026-01-04T09:00:00+00:00")]
    assert all(len(c["commit"]) == 40 for c in data["changes"])


def test_log_without_git_says_so(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    (root / ".git").mkdir()  # stops the search upwards; not a repository git accepts
    (root / ".git" / "HEAD").write_text("not a ref\n")
    result = run("log", cwd=root)
    assert result.out == (
        "Phase history (mlcycle.yaml):\n"
        "  2025-12-01  init     -> frame  (by Ana Lima)\n"
        "\n"
        "Item status changes: not a git repository (or git is not installed); showing the "
        "phase history only\n")
