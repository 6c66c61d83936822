"""User text never reaches a terminal, a log or a report raw (issue 9, items 6-8):
each known hole, through the real CLI, with the exact line shown and no byte
changed. The property over generated hostile text is in test_output_property."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import snapshot
from helpers.safety import init_project, raw_unsafe, set_state, yaml_text

FORGED = "x\n::error file=README.md,line=1::forged\nmlcycle check: passed"
SHOWN = "x\\x0a::error file=README.md,line=1::forged\\x0amlcycle check: passed"
# In a plain line of a GitHub Actions log (stderr too) no "::" of a user's is
# left for the runner to read; in the annotation's message it is text already.
SHOWN_IN_LOG = SHOWN.replace("::", ":\\x3a")
ALLOWED = ("format, name, slug, playbook, current_phase, profile, team, metrics, github, "
           "overlays, evidence, history, former")


def test_unknown_key_with_newlines_cannot_forge_lines(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = init_project(tmp_path / "p")
    with open(root / "mlcycle.yaml", "a", encoding="utf-8") as handle:
        handle.write(f"{yaml_text(FORGED)}: 1\n")
    before = snapshot(root)
    line = (f"mlcycle.yaml:39:1: error[MLC010]: {SHOWN}: unknown key '{SHOWN}'; "
            f"allowed: {ALLOWED}")
    result = run("validate", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [line, "1 error in 1 file"]
    # Under GitHub Actions the annotation is one command and the forged one is text in it.
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root))
    result = run("check", cwd=root)
    assert result.code == 2
    assert result.err.splitlines() == [line.replace(SHOWN, SHOWN_IN_LOG)]
    assert result.out.splitlines() == [
        f"::error file=mlcycle.yaml,line=39,col=1,title=mlcycle MLC010::{SHOWN}: unknown key "
        f"'{SHOWN}'; allowed: {ALLOWED}",
        "mlcycle check: could not evaluate: 1 input error",
    ]
    assert snapshot(root) == before


def test_ansi_escapes_in_an_evidence_path_are_shown(tmp_path: Path) -> None:
    root = init_project(tmp_path / "p")
    evil = "/\x1b[2K\x1b[1G\x1b[32mmlcycle check: passed\x1b[0m"
    set_state(root, "problem-statement", ["status: done", "owner: Ana", "evidence:",
                                          f"  - {yaml_text(evil)}"])
    before = snapshot(root)
    result = run("check", cwd=root)
    assert (result.code, result.out) == (
        2, "mlcycle check: invalid input (1 input error); of what loaded: no gates evaluated (no "
        "phase before the current phase 'problem'); 0 errors, 0 warnings, 0 notes\n")
    assert result.err.splitlines() == [
        "lifecycle/01-problem.yaml:31:9: error[MLC029]: item 'problem-statement': evidence "
        "'/\\x1b[2K\\x1b[1G\\x1b[32mmlcycle check: passed\\x1b[0m' is not a relative path "
        "inside the project (use / and no drive or leading /); it was not opened"]
    assert snapshot(root) == before


def test_team_value_on_the_command_line_is_shown(tmp_path: Path) -> None:
    result = run("init", tmp_path / "p", "--no-input", "--team", "pm=A\x1b[31m")
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: --team 'pm=A\\x1b[31m': expected role=person"]
    assert not (tmp_path / "p").exists()


def test_directory_name_in_mlc028_is_shown(tmp_path: Path) -> None:
    odd = tmp_path / "d\x1b[31m\n\u202e"
    odd.mkdir()
    result = run("status", odd)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        f"{tmp_path}/d\\x1b[31m\\x0a\\u202e/: error[MLC028]: no mlcycle.yaml here or in any "
        "parent directory; run 'mlcycle init' first or name the project directory",
        "1 error in 1 file"]


def test_bytes_that_are_not_utf8_in_a_directory_name_are_shown(tmp_path: Path) -> None:
    odd = os.fsdecode(os.fsencode(tmp_path) + b"/d\xff")  # arrives as U+DCFF
    os.mkdir(odd)
    result = run("validate", odd)
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        f"{tmp_path}/d\\udcff/: error[MLC028]: no mlcycle.yaml here or in any parent "
        "directory; run 'mlcycle init' first or name the project directory")


@pytest.mark.parametrize(("args", "line"), [
    (["--today", "\x1b[31m"],
     "<command line>: error[MLC031]: --today: '\\x1b[31m' is not a calendar date YYYY-MM-DD"),
    (["--phase", "\x1b[31m\u2028"],
     "<command line>: error[MLC027]: --phase '\\x1b[31m\\u2028' is not a phase of playbook "
     "'product'; phases: problem, data, modeling, productionization, quality, online, "
     "operations"),
])
def test_command_line_values_are_escaped_once(tmp_path: Path, args: list[str],
                                              line: str) -> None:
    root = init_project(tmp_path / "p")
    before = snapshot(root)
    result = run("check", *args, cwd=root)
    assert result.code == 2
    assert result.err.splitlines() == [line]  # one backslash, not '\\\\x1b'
    assert snapshot(root) == before


def test_url_note_and_bidi_owner_are_escaped_once(tmp_path: Path) -> None:
    root = init_project(tmp_path / "p")
    owner, url = yaml_text("Eve\u202egnp.exe"), yaml_text("https://x.example/\x1b[31m")
    set_state(root, "problem-statement", [
        "status: done", f"owner: {owner}", "evidence:", f"  - {url}"])
    before = snapshot(root)
    result = run("check", cwd=root)
    assert result.code == 1
    assert result.out.splitlines() == [
        "lifecycle/01-problem.yaml:29:12: error[MLC108]: item 'problem-statement': owner "
        "'Eve\\u202egnp.exe' is not on the team in mlcycle.yaml",
        "note[MLC152]: URL evidence not verified (check works offline; list the hosts the team "
        "trusts with `mlcycle hosts add HOST`): 'problem-statement'",
        "mlcycle check: FAILED: no gates evaluated (no phase before the current phase "
        "'problem'), but 1 error in 1 item; 1 error, 0 warnings, 1 note"]
    # The URL itself is in the located note of the other formats, escaped once.
    notices = [text for text in run("check", "--format", "github", cwd=root).out.splitlines()
               if text.startswith("::notice")]
    assert notices == [
        "::notice file=lifecycle/01-problem.yaml,line=31,col=9,title=mlcycle MLC152%3A "
        "problem-statement::item 'problem-statement': URL evidence "
        "'https://x.example/\\x1b[31m' was not verified (check works offline)"]
    # JSON carries the text as written, escaped by JSON itself.
    data = json.loads(run("check", "--format", "json", cwd=root).out)
    assert data["findings"][0]["message"].startswith(
        "item 'problem-statement': owner 'Eve\u202egnp.exe'")
    assert snapshot(root) == before


def test_bidi_override_in_a_junit_testcase_name(tmp_path: Path) -> None:
    # A team playbook whose gate title carries U+202E; the status file copies it.
    playbook = tmp_path / "pb"
    shutil.copytree(Path(__file__).parents[2] / "phases" / "five-phase", playbook)
    define = playbook / "define.yaml"
    text = define.read_text(encoding="utf-8")
    plain = "  - id: problem-statement\n    title: Problem statement\n"
    assert text.count(plain) == 1
    evil = f"  - id: problem-statement\n    title: {yaml_text('Evil' + chr(0x202E) + 'txt.exe')}\n"
    define.write_text(text.replace(plain, evil), encoding="utf-8")
    root = tmp_path / "p"
    made = run("init", root, "--no-input", "--playbook", playbook, "--team", "pm=Ana")
    assert made.code == 0, made
    before = snapshot(root)
    result = run("check", "--all", "--format", "junit", cwd=root)
    assert result.code == 1
    assert raw_unsafe(result.out) == []
    names = [c.get("name") for c in ET.fromstring(result.out).iter("testcase")]
    assert "problem-statement: Evil\\u202etxt.exe" in names
    assert snapshot(root) == before


def test_line_and_paragraph_separators_in_notes_on_the_dashboard(tmp_path: Path) -> None:
    root = init_project(tmp_path / "p")
    notes, owner = yaml_text("wait\u2028for\u2029legal"), yaml_text("Bo\u2028Li")
    set_state(root, "problem-statement", ["status: blocked", f"owner: {owner}",
                                          f"notes: {notes}"])
    before = snapshot(root)
    for fmt in ("table", "markdown", "json"):
        result = run("status", "--format", fmt, cwd=root)
        assert result.code == 0, fmt
        assert raw_unsafe(result.out) == [], fmt
        if fmt != "json":
            # A reason is one cell: separators in notes are spaces; in a name, shown.
            assert "wait for legal" in result.out, fmt
            shown = "Bo\\u2028Li" if fmt == "table" else "Bo\\\\u2028Li"  # Markdown escapes \\
            assert shown in result.out, fmt
    blocked = json.loads(run("status", "--format", "json", cwd=root).out)["blocked"][0]
    assert (blocked["owner"], blocked["detail"]) == ("Bo\u2028Li", "wait for legal")
    assert snapshot(root) == before


def test_a_date_value_is_quoted_and_escaped_once(tmp_path: Path) -> None:
    root = init_project(tmp_path / "p")
    due = yaml_text("2025\\06\x1b[31m")  # a backslash and an escape
    set_state(root, "problem-statement", ["status: todo", "owner: Ana", f"due: {due}"])
    before = snapshot(root)
    result = run("validate", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "lifecycle/01-problem.yaml:30:10: error[MLC013]: items[0].due: expected a calendar date "
        "YYYY-MM-DD, got '2025\\06\\x1b[31m'", "1 error in 1 file"]
    assert snapshot(root) == before
