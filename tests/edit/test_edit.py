"""Editing commands through the CLI: every byte they write, every refusal.

The project is tests/helpers/editproject.py's hand-written one; after each command the
files must equal the expected text exactly, in LF, CRLF and with a BOM.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.editproject import FRAME, PROJECT, encode, tiny_project
from helpers.project import snapshot

from mlcycle.disk import transaction

FRAME_AFTER = """\
# Frame phase, edited by hand: keep this comment
phase: frame
title: 'Frame the problem'
items:
  # the one gate of this phase
  - id: problem
    title: "Problem statement"
    description: The problem, written down.
    raci: {responsible: [pm], accountable: pm, consulted: [ds]}   # flow on purpose
    gate: true
    evidence_required: true
    status: 'done'        # single-quoted on purpose
    owner: Ana Lima   # nobody yet
    due: 2026-01-15
    evidence:
      - docs/problem.md


  - id: framing
    title: ML framing
    description: "The target and the unit of prediction."
    raci:
        responsible:
        - ds
        accountable: pm
        informed: [pm]
    depends_on: [problem]
    status: todo
    evidence: [ "https://wiki.example.com/framing", docs/problem.md ]  # flow, with blanks
    notes: "Folded notes over two lines.\\nsecond line"
# trailing comment
"""

PROJECT_AFTER = """\
# Project file, by hand
format: 1
name: "Tiny project"
slug: tiny-project
playbook: {name: tiny, version: 1.0.0, path: ../tiny}
current_phase: frame
team:
  pm: [Ana Lima, Dee]   # flow
  ds:
  - Chen Wu
history:
- {date: 2025-12-01, event: init, to: frame, by: Ana Lima}
"""

FRAME_FILE = "lifecycle/01-frame.yaml"


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", "2026-01-10")


@pytest.mark.parametrize(("crlf", "bom"), [(False, False), (True, False), (True, True),
                                            (False, True)])
def test_edits_change_only_the_values_they_must(tmp_path: Path, crlf: bool, bom: bool) -> None:
    root = tiny_project(tmp_path, crlf, bom)
    (root / FRAME_FILE).chmod(0o640)
    steps = [
        (["set", "problem", "doing", "--owner", "Ana Lima", "--due", "2026-01-15"], root,
         "problem: todo -> doing (owner: Ana Lima; due: 2026-01-15)\n"),
        (["done", "problem", "-e", "docs/problem.md"], root,
         "problem: doing -> done (evidence: docs/problem.md)\n"),
        # from a subdirectory: found by walking up; the path is relative to the cwd
        (["set", "framing", "--evidence", "problem.md", "--note", "second line"], root / "docs",
         "framing: evidence: docs/problem.md; note added\n"),
        # LIFECYCLE.md names each role's people: re-rendered in the same write
        (["team", "add", "ds", "Chen Wu"], root,
         "team: ds += Chen Wu\nLIFECYCLE.md: updated\n"),
        (["team", "add", "pm", "Dee"], root, "team: pm += Dee\nLIFECYCLE.md: updated\n"),
        (["team", "remove", "ds", "Bo Li"], root,
         "team: ds -= Bo Li\nLIFECYCLE.md: updated\n"),
    ]
    for args, cwd, out in steps:
        result = run(*args, cwd=cwd)
        assert (result.code, result.out, result.err) == (0, out, ""), args
    assert (root / FRAME_FILE).read_bytes() == encode(FRAME_AFTER, crlf, bom)
    assert (root / "mlcycle.yaml").read_bytes() == encode(PROJECT_AFTER, crlf, bom)
    assert (root / FRAME_FILE).stat().st_mode & 0o777 == 0o640
    assert run("check", cwd=root).code == 0
    assert not list(root.rglob("*.mlcycle.tmp"))


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    before = snapshot(root)
    result = run("start", "problem", "--dry-run", "-C", root)
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "--- a/lifecycle/01-frame.yaml\n"
        "+++ b/lifecycle/01-frame.yaml\n"
        "@@ -9,7 +9,7 @@\n"
        "     raci: {responsible: [pm], accountable: pm, consulted: [ds]}   # flow on purpose\n"
        "     gate: true\n"
        "     evidence_required: true\n"
        "-    status: 'todo'        # single-quoted on purpose\n"
        "+    status: 'doing'        # single-quoted on purpose\n"
        "     owner:   # nobody yet\n"
        " \n"
        " \n"
        "problem: todo -> doing (dry run: nothing written)\n")
    assert snapshot(root) == before


def test_block_and_waive(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    result = run("block", "problem", "--reason", "waiting for legal", cwd=root)
    assert (result.code, result.out) == (0, "problem: todo -> blocked (note added)\n")
    result = run("waive", "framing", "--reason", "framed by the problem itself", "--by",
                 "Ana Lima", "--until", "2026-06-30", cwd=root)
    assert (result.code, result.out, result.err) == (
        0, "framing: todo -> waived (approved by Ana Lima, until 2026-06-30)\n", "")
    text = (root / FRAME_FILE).read_text()
    assert text == FRAME.replace(
        "    status: 'todo'        # single-quoted on purpose\n"
        "    owner:   # nobody yet\n",
        "    status: 'blocked'        # single-quoted on purpose\n"
        "    owner:   # nobody yet\n"
        "    notes: waiting for legal\n").replace(
        "    status: todo\n", "    status: waived\n").replace(
        "      over two lines.\n",
        "      over two lines.\n"
        # nested four deeper, as this file indents `raci`'s keys
        "    waiver:\n"
        "        reason: framed by the problem itself\n"
        "        approved_by: Ana Lima\n"
        "        expires: 2026-06-30\n")


@pytest.mark.parametrize(("args", "err"), [
    (["set", "problme", "done"],
     "<command line>: error[MLC027]: no item 'problme' in this project (did you mean "
     "'problem'?); `mlcycle status` lists them"),
    (["set", "problem", "dnoe"],
     "<command line>: error[MLC031]: status 'dnoe' is not one of todo, doing, blocked, done, "
     "waived, na (did you mean 'done'?)"),
    (["set", "problem", "--owner", "Ana Lim"],
     "<command line>: error[MLC031]: --owner: 'Ana Lim' is not on the team in mlcycle.yaml "
     "(did you mean 'Ana Lima'?); add them first with `mlcycle team add ROLE PERSON`"),
    (["set", "problem", "--due", "2026-02-30"],
     "<command line>: error[MLC031]: --due: '2026-02-30' is not a calendar date YYYY-MM-DD"),
    (["done", "problem", "-e", "../outside.md"],
     "<command line>: error[MLC029]: --evidence '../outside.md': the path is outside the "
     "project (ROOT); evidence must be a file in the project or an http(s) URL"),
    (["waive", "problem", "--reason", "r", "--by", "Bo Li", "--until", "2026-06-30"],
     "<command line>: error[MLC031]: --by 'Bo Li' cannot approve a waiver of 'problem': its "
     "accountable role is 'pm' (Ana Lima); name one of them with --by PERSON"),
    (["waive", "problem", "--reason", "r", "--by", "Ana Lima", "--until", "2026-01-10"],
     "<command line>: error[MLC031]: --until 2026-01-10: a waiver must expire in the future "
     "(after 2026-01-10)"),
    (["team", "add", "dss", "Eve"],
     "<command line>: error[MLC022]: unknown role 'dss' (did you mean 'ds'?); roles: pm, ds"),
    (["team", "remove", "ds", "Bo Lee"],
     "<command line>: error[MLC031]: 'Bo Lee' is not ds (did you mean 'Bo Li'?); ds: Bo Li"),
])
def test_input_mistakes_are_exit_2_and_change_nothing(tmp_path: Path, args: list[str],
                                                       err: str) -> None:
    root = tiny_project(tmp_path)
    before = snapshot(root)
    result = run(*args, cwd=root)
    assert (result.code, result.out) == (2, "")
    # A mistake on the command line is one line, with no count of files.
    expected = err.replace("ROOT", str(root.resolve())) + "\n"
    if not err.startswith("<command line>"):
        expected += "1 error in 1 file\n"
    assert result.err == expected
    assert snapshot(root) == before


def test_done_without_valid_evidence_is_refused_with_checks_findings(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    (root / "docs" / "stub.md").write_text("<!-- mlcycle:stub -->\nTODO\n")
    before = snapshot(root)
    result = run("done", "problem", cwd=root)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "lifecycle/01-frame.yaml:12:13: error[MLC102]: item 'problem' is done but has no "
        "evidence; it requires a file in the project or an http(s) URL\n"
        "mlcycle done refused: it would leave 1 error (listed above); nothing written\n"
        "to fix MLC102: add a repo-relative path or an http(s) URL to its `evidence`\n")
    result = run("done", "problem", "-e", "docs/stub.md", cwd=root)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "lifecycle/01-frame.yaml:15:9: error[MLC104]: item 'problem': evidence 'docs/stub.md' "
        "is still a stub (it carries <!-- mlcycle:stub -->)")
    assert snapshot(root) == before


def test_removing_an_owner_from_the_team_is_refused(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    assert run("set", "framing", "--owner", "Bo Li", cwd=root).code == 0
    before = snapshot(root)
    result = run("team", "remove", "ds", "Bo Li", cwd=root)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "mlcycle team remove refused: 'Bo Li' owns 1 open item (framing), and nobody would "
        "work on them; nothing written\n"
        "give them to someone in the same change: mlcycle team remove ds 'Bo Li' "
        "--reassign-to PERSON\n")
    assert snapshot(root) == before


def test_a_file_changed_between_read_and_write_is_not_overwritten(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tiny_project(tmp_path)
    theirs = FRAME.replace("status: todo", "status: doing")

    def someone_saves() -> None:  # an editor saving while mlcycle works
        (root / FRAME_FILE).write_text(theirs)

    monkeypatch.setattr(transaction, "before_commit", someone_saves)
    result = run("start", "problem", cwd=root)
    assert (result.code, result.out) == (1, "")
    assert result.err == ("lifecycle/01-frame.yaml:1:1: error[MLC201]: changed on disk since "
                          "it was read; nothing written (run the command again)\n")
    assert (root / FRAME_FILE).read_text() == theirs
    assert (root / "mlcycle.yaml").read_text() == PROJECT
    assert not list(root.rglob("*.mlcycle.tmp"))


def test_project_option_and_walking_up(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    deep = root / "docs" / "deeper"
    deep.mkdir()
    assert run("validate", cwd=deep).out == "Tiny project: 3 phase files, 6 items, all valid\n"
    assert run("check", cwd=deep).code == 0
    assert run("start", "problem", "-C", root).out == "problem: todo -> doing\n"
    assert run("set", "problem", "--project", root / "docs", "--note", "x").code == 0
    os.makedirs(tmp_path / "repo" / ".git")
    result = run("start", "problem", cwd=tmp_path / "repo")
    assert result.code == 2
    assert "error[MLC028]: no mlcycle.yaml here or in any parent directory" in result.err


def test_removing_a_waivers_approver_is_refused(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    assert run("waive", "framing", "--reason", "framed already", "--by", "Ana Lima",
               "--until", "2026-06-30", cwd=root).code == 0
    before = snapshot(root)
    result = run("team", "remove", "pm", "Ana Lima", cwd=root)
    assert (result.code, result.err) == (
        1, "mlcycle team remove refused: 'Ana Lima' approved the waiver of framing as pm, and "
        "a waiver needs an approver who holds the item's accountable role; nothing written\n"
        "renew it first: mlcycle waive framing --reason TEXT --by PERSON --until YYYY-MM-DD\n")
    assert snapshot(root) == before


def test_a_change_to_several_files_is_all_or_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tiny_project(tmp_path)
    assert run("done", "problem", "-e", "docs/problem.md", cwd=root).code == 0
    assert run("advance", "--by", "Ana Lima", cwd=root).code == 0
    before = snapshot(root)
    project = (root / "mlcycle.yaml").read_bytes()

    def touch_project() -> None:  # the project file is saved meanwhile; the status file not
        (root / "mlcycle.yaml").write_bytes(project + b"# a comment saved meanwhile\n")

    monkeypatch.setattr(transaction, "before_commit", touch_project)
    result = run("reopen", "frame", "--reason", "leak", "--reset", "problem", "--by", "Bo Li",
                 cwd=root)
    assert (result.code, result.out) == (1, "")
    assert result.err == ("mlcycle.yaml:1:1: error[MLC201]: changed on disk since it was read; "
                          "nothing written (run the command again)\n")
    after = snapshot(root)
    assert after.pop("mlcycle.yaml") != before.pop("mlcycle.yaml")
    assert after == before  # the status file was not written either
    assert (root / "mlcycle.yaml").read_bytes().endswith(b"# a comment saved meanwhile\n")


def test_a_file_with_other_line_breaks_is_not_edited(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    # A lone CR (an old Mac line end) after the first comment: valid YAML, but line
    # and column marks would not match LF/CRLF lines, so mlcycle will not edit it.
    (root / FRAME_FILE).write_bytes(FRAME.replace("comment\n", "comment\r", 1).encode())
    before = snapshot(root)
    result = run("start", "problem", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err == ("lifecycle/01-frame.yaml:1:1: error[MLC034]: holds a line break "
                          "other than LF or CRLF (U+000D); mlcycle edits only LF or CRLF "
                          "files: convert it, then retry\n1 error in 1 file\n")
    assert snapshot(root) == before


def test_set_needs_at_least_one_change(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    before = snapshot(root)
    result = run("set", "problem", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: mlcycle set: nothing to change: give a STATUS or at "
        "least one of --owner, --evidence, --note, --due; see 'mlcycle set --help'"]
    assert run("set", "problem", "todo", cwd=root).out == "problem: nothing to change\n"
    assert snapshot(root) == before
