"""advance and reopen through the CLI: the gate decision, the history entries
they append (in the file's own style), and the path `status` shows."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.editproject import PROJECT, encode, tiny_project
from helpers.project import snapshot


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", "2026-01-10")
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Bo Li\n")  # on the team: the default --by
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def test_advance_is_refused_while_a_gate_is_open(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    before = snapshot(root)
    result = run("advance", cwd=root)
    assert result.code == 1
    assert result.out == (
        "lifecycle/01-frame.yaml:12:13: error[MLC101]: gate 'problem' (Problem statement) is "
        "open: status is todo\n"
        "mlcycle check: FAILED: 1 of 1 gate open (phase 'frame'); 1 error, 0 warnings, "
        "0 notes\n")
    assert result.out == run("check", "--phase", "frame", cwd=root).out  # exactly as check
    assert result.err == ("advance refused: 1 gate of phase 'frame' open (problem); nothing "
                          "written\nclose each (mlcycle done problem --evidence FILE) or waive "
                          "it (mlcycle waive problem --reason TEXT --by PERSON --until "
                          "YYYY-MM-DD); `mlcycle next` lists what can be worked on now\n")
    assert snapshot(root) == before


def test_advance_appends_a_history_entry_in_the_files_style(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    assert run("done", "problem", "-e", "docs/problem.md", cwd=root).code == 0
    result = run("advance", cwd=root)  # by: git's user.name
    assert (result.code, result.out, result.err) == (
        0, "advanced: frame -> data (by Bo Li, 2026-01-10)\n", "")
    assert (root / "mlcycle.yaml").read_text() == PROJECT.replace(
        "current_phase: frame", "current_phase: data") + (
        "- {date: 2026-01-10, event: advance, from: frame, to: data, by: Bo Li}\n")
    assert run("check", cwd=root).code == 0


def test_advance_in_a_rendered_project_writes_block_style(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # init records 2025-12-01
    root = tmp_path / "p"
    assert run("init", root, "--no-input", "--playbook", "five-phase", "--team", "pm=Ana",
               "--team", "mlm=Marco", "--team", "ds=Bo").code == 0
    original = (root / "mlcycle.yaml").read_text()
    for item in ("problem-statement", "problem-to-model"):
        assert run("waive", item, "--reason", "agreed in the kickoff", "--by",
                   "Ana" if item == "problem-statement" else "Marco",
                   "--until", "2026-12-31", cwd=root).code == 0
    result = run("advance", "--by", "Marco", "--dry-run", cwd=root)
    assert result.code == 0
    assert result.out.endswith("advanced: define -> data (by Marco, 2026-01-10) (dry run: "
                               "nothing written)\n")
    assert (root / "mlcycle.yaml").read_text() == original
    assert run("advance", "--by", "Marco", cwd=root).code == 0
    init_date = original.split("  - date: ")[1][:10]
    assert (root / "mlcycle.yaml").read_text() == original.replace(
        "current_phase: define", "current_phase: data").replace(
        f"  - date: {init_date}\n    event: init\n    to: define\n    by: mlcycle init\n",
        f"  - date: {init_date}\n    event: init\n    to: define\n    by: mlcycle init\n"
        "  - date: 2026-01-10\n    event: advance\n    from: define\n    to: data\n"
        "    by: Marco\n")


def test_advance_from_the_last_phase(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    text = PROJECT.replace("current_phase: frame", "current_phase: model") + (
        "- {date: 2025-12-02, event: advance, from: frame, to: data}\n"
        "- {date: 2025-12-03, event: advance, from: data, to: model}\n")
    (root / "mlcycle.yaml").write_text(text)
    result = run("advance", cwd=root)
    assert (result.code, result.out) == (1, "")
    assert result.err == ("mlcycle advance: 'model' is the last phase of playbook 'tiny': "
                          "there is no phase to advance to\n")
    assert (root / "mlcycle.yaml").read_text() == text


def test_reopen_records_why_resets_items_and_status_shows_the_path(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    assert run("done", "problem", "-e", "docs/problem.md", cwd=root).code == 0
    assert run("advance", "--by", "Ana Lima", "--today", "2026-01-11", cwd=root).code == 0
    frame_before = (root / "lifecycle/01-frame.yaml").read_text()
    result = run("reopen", "frame", "--reason", "label leakage in feature X", "--reset",
                 "problem", "--by", "Bo Li", "--today", "2026-03-02", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out == ("reopened: data -> frame (label leakage in feature X); back to "
                          "doing: problem\n")
    assert (root / "mlcycle.yaml").read_text() == PROJECT + (
        "- {date: 2026-01-11, event: advance, from: frame, to: data, by: Ana Lima}\n"
        "- {date: 2026-03-02, event: reopen, from: data, to: frame, reason: label leakage "
        "in feature X, by: Bo Li, reset: [problem]}\n")
    assert (root / "lifecycle/01-frame.yaml").read_text() == frame_before.replace(
        "    status: 'done'        # single-quoted on purpose\n",
        "    status: 'doing'        # single-quoted on purpose\n").replace(
        "      - docs/problem.md\n",
        "      - docs/problem.md\n"
        "    notes: \"Reopened 2026-03-02 (back to frame): label leakage in feature X\"\n"
        # A digest of the evidence as it was: done again on the same bytes is seen (MLC165).
        "    reopened:\n"
        "        date: 2026-03-02\n"
        "        evidence:\n"
        "          - path: docs/problem.md\n"
        f"            sha256: {_sha(root / 'docs/problem.md')}\n")
    assert run("done", "problem", cwd=root).code == 0  # the evidence was kept
    assert run("advance", "--by", "Ana Lima", "--today", "2026-03-05", cwd=root).code == 0
    status = run("status", "--today", "2026-03-05", cwd=root)
    lines = status.out.splitlines()
    assert lines[1] == ("Path: frame -> data -> frame (reopened 2026-03-02: label leakage in "
                        "feature X) -> data")
    assert "1.  Frame the problem (reopened)" in lines[4]
    data = json.loads(run("status", "--format", "json", cwd=root).out)
    assert data["path"] == lines[1].removeprefix("Path: ")
    assert [p["reopened"] for p in data["phases"]] == [1, 0, 0]
    markdown = run("status", "--format", "markdown", cwd=root).out
    assert "| 1. Frame the problem (reopened) | 50% | 1/2 | 1/1 |  |" in markdown


@pytest.mark.parametrize(("args", "err"), [
    (["reopen", "frame", "--reason", "x"],
     "<command line>: error[MLC031]: cannot reopen 'frame': it is the current phase; reopen "
     "goes back to an earlier phase (use `mlcycle advance` to go forward)"),
    (["reopen", "model", "--reason", "x"],
     "<command line>: error[MLC031]: cannot reopen 'model': it is after the current phase "
     "'frame'; reopen goes back to an earlier phase (use `mlcycle advance` to go forward)"),
    (["reopen", "fram", "--reason", "x"],
     "<command line>: error[MLC027]: no phase 'fram' in playbook 'tiny' (did you mean "
     "'frame'?); phases: frame, data, model"),
])
def test_reopen_mistakes_are_usage_errors(tmp_path: Path, args: list[str], err: str) -> None:
    root = tiny_project(tmp_path)
    before = snapshot(root)
    result = run(*args, cwd=root)
    assert (result.code, result.out, result.err) == (2, "", err + "\n")
    assert snapshot(root) == before


def test_history_dates_never_go_back(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    assert run("done", "problem", "-e", "docs/problem.md", cwd=root).code == 0
    before = snapshot(root)
    result = run("advance", "--today", "2025-11-30", cwd=root)
    assert (result.code, result.err) == (
        2, "<command line>: error[MLC031]: today (2025-11-30) is before the last history "
        "entry (2025-12-01); history dates never go back (set --today)\n")
    assert snapshot(root) == before


def test_advance_and_reopen_keep_crlf_and_the_bom(tmp_path: Path) -> None:
    root = tiny_project(tmp_path, crlf=True, bom=True)
    frame = (root / "lifecycle/01-frame.yaml").read_bytes()
    assert run("done", "problem", "-e", "docs/problem.md", cwd=root).code == 0
    assert run("advance", "--by", "Ana Lima", cwd=root).code == 0
    assert run("reopen", "frame", "--reason", "leak", "--by", "Bo Li", "--reset", "problem",
               cwd=root).code == 0
    assert (root / "mlcycle.yaml").read_bytes() == encode(PROJECT + (
        "- {date: 2026-01-10, event: advance, from: frame, to: data, by: Ana Lima}\n"
        "- {date: 2026-01-10, event: reopen, from: data, to: frame, reason: leak, "
        "by: Bo Li, reset: [problem]}\n"), crlf=True, bom=True)
    assert (root / "lifecycle/01-frame.yaml").read_bytes() == frame.replace(
        b"    owner:   # nobody yet\r\n",
        b"    owner:   # nobody yet\r\n"
        b"    evidence:\r\n"
        b"      - docs/problem.md\r\n"
        b"    notes: \"Reopened 2026-01-10 (back to frame): leak\"\r\n"
        b"    reopened:\r\n"
        b"        date: 2026-01-10\r\n"
        b"        evidence:\r\n"
        b"          - path: docs/problem.md\r\n"
        b"            sha256: " + _sha(root / "docs/problem.md").encode() + b"\r\n").replace(
        b"status: 'todo'", b"status: 'doing'")
