"""What the fuzz tests (test_fuzz_projects.py, test_fuzz_roundtrip.py) found, as
plain cases through the CLI: each was an internal error (exit 3), a wrong
refusal or a value stored other than the user typed it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cli import run
from helpers.edits import make, replace
from helpers.project import snapshot

TODAY = ("--today", "2025-12-05")
LONG_NOTES = "n" * 9_990  # a status file's notes hold at most 10,000 characters


def refused(root: Path, args: tuple[str, ...], message: str) -> None:
    """Exit 2 with exactly this one line, and not a byte changed."""
    before = snapshot(root)
    result = run(*args, cwd=root)  # evidence paths are taken from the working directory
    assert (result.code, result.out, result.err) == (2, "", message + "\n")
    assert snapshot(root) == before


def test_raci_and_render_find_a_team_playbook_at_a_path_without_slash(tmp_path: Path) -> None:
    # `playbook.path: playbook` was taken for a built-in playbook's name (exit 2, MLC030)
    root = make(tmp_path)
    result = run("raci", "--phase", "define", "--format", "csv", "--project", root)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[:3] == [
        "phase,item,title,gate,pm,mlm,ds,mle,pe,devops,qa",
        "define,problem-statement,Problem statement,true,\"R, A\",C,,,,,",
        "define,problem-to-model,Problem to model,true,,A,R,,,,",
    ]
    result = run("render", "--project", root)
    assert (result.code, result.out, result.err) == (0, "LIFECYCLE.md: created\n", "")
    text = (root / "LIFECYCLE.md").read_text(encoding="utf-8")
    assert "**Duplicate finder lifecycle** playbook (`duplicate-finder` 1.0.0)" in text


@pytest.mark.parametrize(("args", "option"), [
    (("set", "problem-statement", "--note", "x" * 20), "--note"),
    (("block", "problem-statement", "--reason", "x" * 20), "--reason"),
])
def test_a_note_that_would_outgrow_the_notes_is_refused(
        tmp_path: Path, args: tuple[str, ...], option: str) -> None:
    # was: internal error (EditError), exit 3
    root = make(tmp_path, replace("lifecycle/01-define.yaml",
                                  "notes: Reviewed with two pilot customers.",
                                  f"notes: {LONG_NOTES}"))
    refused(root, (*args, *TODAY),
            f"<command line>: error[MLC031]: {option}: the notes of 'problem-statement' would "
            "grow to 10011 characters, more than 10000; shorten them in "
            "lifecycle/01-define.yaml first")


def test_a_reset_note_that_would_outgrow_the_notes_is_refused(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/01-define.yaml",
                                  "notes: Reviewed with two pilot customers.",
                                  f"notes: {LONG_NOTES}"))
    # --cascade: the items resting on it are reset too (else that refusal comes first).
    refused(root, ("reopen", "define", "--reason", "why", "--reset", "problem-statement",
                   "--cascade", "--by", "Priya Nair", *TODAY),
            "<command line>: error[MLC031]: --reset problem-statement: the notes of "
            "'problem-statement' would grow to 10032 characters, more than 10000; shorten "
            "them in lifecycle/01-define.yaml first")


def test_the_limit_itself_is_accepted(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/01-define.yaml",
                                  "notes: Reviewed with two pilot customers.",
                                  f"notes: {LONG_NOTES}"))
    result = run("set", "problem-statement", "--note", "x" * 9, "--project", root, *TODAY)
    assert (result.code, result.err) == (0, "")
    assert run("validate", root).code == 0


@pytest.mark.parametrize(("evidence", "message"), [
    # was: internal error (EditError), exit 3
    ("https://example.com/" + "u" * 181,
     "error[MLC031]: --evidence 'https://example.com/" + "u" * 181 + "': 201 characters as "
     "stored, more than 200"),
    ("docs/" + "d" * 193 + ".md",
     "error[MLC031]: --evidence 'docs/" + "d" * 193 + ".md': 201 characters as stored, more "
     "than 200"),
    ("docs/a\nb.md", "error[MLC031]: --evidence 'docs/a\\x0ab.md': a path or URL is one line "
     "of text"),
    # was: stored as the path 'https:/example.com/a\u2028b' and 'ftp:/example.com/a'
    ("https://example.com/a\u2028b", "error[MLC029]: --evidence 'https://example.com/a\\u2028b' "
     "is neither an http(s) URL nor a path inside the project"),
    ("ftp://example.com/a", "error[MLC029]: --evidence 'ftp://example.com/a' is neither an "
     "http(s) URL nor a path inside the project"),
])
def test_evidence_that_cannot_be_stored_as_typed_is_refused(
        tmp_path: Path, evidence: str, message: str) -> None:
    root = make(tmp_path)
    refused(root, ("set", "eda", "--evidence", evidence, *TODAY),
            f"<command line>: {message}")


def test_evidence_of_200_characters_is_stored(tmp_path: Path) -> None:
    root = make(tmp_path)
    url = "https://example.com/" + "u" * 180
    result = run("set", "eda", "--evidence", url, "--project", root, *TODAY)
    assert (result.code, result.out, result.err) == (0, f"eda: evidence: {url}\n", "")
    assert run("validate", root).code == 0


def test_block_names_its_own_option(tmp_path: Path) -> None:
    # was: "--note: expected text ..." for `block --reason`
    root = make(tmp_path)
    refused(root, ("block", "eda", "--reason", "  ", *TODAY),
            "<command line>: error[MLC031]: --reason: expected text of 1 to 2000 characters")
