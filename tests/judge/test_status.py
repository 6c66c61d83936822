"""``mlcycle status``: the dashboard, per person and per phase, in three formats;
readable when piped, user text never read as markup, nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers.cli import run
from helpers.project import snapshot
from test_check import TODAY, item, write_project

HOSTILE = "Evil [red]x[/red] [bold]\x1b[31mred\x1b[0m"


def status(root: Path, *args: str) -> Any:
    before = snapshot(root)
    result = run("status", root, "--today", TODAY, *args)
    assert snapshot(root) == before
    return result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    waiver = {"reason": "r", "approved_by": "Mo", "expires": "2025-06-05"}
    return write_project(tmp_path / "p", {
        "problem": [item("statement", gate=True, status="done", owner="Pat"),
                    item("kickoff", gate=True, status="waived", waiver=waiver)],
        "data": [item("access", title=HOSTILE, gate=True, status="blocked", owner="Sam",
                      notes="Waiting for\nthe warehouse [link=x]team[/link]"),
                 item("eda", status="doing", owner="Dee", due="2025-05-01"),
                 item("report", status="todo")],
    })


def test_dashboard_piped_is_plain_and_stable(project: Path) -> None:
    result = status(project)
    assert (result.code, result.err) == (0, "")
    out = result.out
    assert "\x1b" not in out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert all(line == line.rstrip() for line in out.splitlines())
    lines = out.splitlines()
    assert lines[0] == ("Churn model · playbook product 1.0.0 · current phase: data · "
                        "as of 2025-06-01")
    current = next(line for line in lines if line.startswith("▶"))
    assert "2.  Data exploration and" in current  # the number has its own column
    assert "0/3" in current
    # Open gates are a list of their own (a table column folded ids mid-word).
    assert "- access (data)" in lines
    problem = next(line for line in lines if "1.  Problem definition" in line)
    assert "████████████████████ 100%" in problem and "2/2" in problem
    assert "Blocked (1)" in out and "Overdue (1)" in out
    assert "[link=x]team[/link]" in out  # notes: literal, not markup
    assert "Unowned open items (" in out and "report" in out
    assert "expires 2025-06-05 (in 4 days)" in out
    assert status(project).out == out  # same input, same bytes


def test_user_text_is_not_markup(project: Path) -> None:
    out = status(project, "--phase", "data").out
    assert "[red]x[/red]" in out and "\\x1b[31mred\\x1b[0m" in out
    assert "\x1b" not in out


def test_owner_filter(project: Path) -> None:
    out = status(project, "--owner", "Sam").out
    assert "owner: Sam" in out.splitlines()[0]
    assert "access" in out and "eda" not in out and "statement" not in out
    assert "Unowned" not in out
    data = json.loads(status(project, "--owner", "Dee", "--format", "json").out)
    assert [r["id"] for r in data["phases"]] == ["data"]
    assert data["phases"][0]["total"] == 1
    assert [e["item"] for e in data["overdue"]] == ["eda"]
    assert data["blocked"] == [] and data["unowned"] == []


def test_unknown_owner_is_exit_2(project: Path) -> None:
    result = status(project, "--owner", "sam")
    assert result.code == 2
    assert "error[MLC031]: --owner 'sam' is not on the team and owns no item (did you mean " \
        "'Sam'?)" in result.err


def test_phase_filter_and_unknown_phase(project: Path) -> None:
    data = json.loads(status(project, "--phase", "problem", "--format", "json").out)
    assert [r["id"] for r in data["phases"]] == ["problem"]
    assert data["blocked"] == [] and [e["item"] for e in data["expiring_waivers"]] == ["kickoff"]
    result = status(project, "--phase", "dat")
    assert result.code == 2 and "(did you mean 'data'?)" in result.err


def test_json_shape(project: Path) -> None:
    data = json.loads(status(project, "--format", "json").out)
    assert set(data) == {"version", "project", "today", "owner", "phase", "path", "phases",
                         "listed_phases", "current_items", "in_progress", "due_this_week",
                         "blocked", "overdue", "unowned", "expiring_waivers", "why_open",
                         "due_again", "not_applicable_by_profile"}
    row = data["phases"][1]
    assert row == {"id": "data", "title": "Data exploration and quality", "number": 2,
                   "current": True, "total": 3, "done": 0, "waived": 0, "na": 0, "progress": 0.0,
                   "gates": 1, "open_gates": ["access"], "reopened": 0}
    assert data["blocked"][0] == {
        "phase": "data", "item": "access", "title": HOSTILE, "status": "blocked",
        "owner": "Sam", "due": None, "detail": "Waiting for the warehouse [link=x]team[/link]",
        "waits_on": []}
    # The lists cover the phases up to the current one; --all adds the later ones.
    assert data["listed_phases"] == ["problem", "data"]
    assert [e["item"] for e in data["unowned"]] == ["report"]
    everything = json.loads(status(project, "--format", "json", "--all").out)
    assert [e["item"] for e in everything["unowned"]][:2] == ["report", "modeling-gate"]


def test_markdown_escapes(project: Path) -> None:
    out = status(project, "--format", "markdown").out
    assert "\x1b" not in out
    assert "\\[red\\]x\\[/red\\]" in out
    assert "| 2. Data exploration and quality **(current)** | 0% | 0/3 | 0/1 | `access` |" in out
    assert ("| `data` | `eda` | Title of eda | Dee | due 2025-05-01, 31 days late |  |") in out


def test_invalid_project_is_exit_2(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"problem": [item("t", status="finished")]})
    result = status(root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "lifecycle/01-problem.yaml:10:11: error[MLC012]: items[0].status: 'finished' is not "
        "one of todo, doing, blocked, done, waived, na",
        "1 error in 1 file",
    ]


def test_status_does_not_fail_on_findings(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", current="operations")
    assert status(root).code == 0
