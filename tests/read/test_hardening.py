"""Regression tests for the defects of issue 9 found by trying to break mlcycle
(and issue 8's file-level locations), each through the real CLI: exit code,
exact stderr with its location, and no byte changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_project, replace_in, snapshot

from mlcycle.resources import data_dir

PROBLEM = "lifecycle/01-problem.yaml"


def project(tmp_path: Path) -> Path:
    """A fresh project rendered by the real ``init``, with the primary metric its
    playbook's checks read (so `check --all` judges them instead of MLC045)."""
    return init_project(tmp_path / "p", "--team", "pm=Ana", "--primary-metric",
                        "precision_at_50>=0.30")


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    """Replace the first ``count`` occurrences of ``old`` (a state field) in ``rel``."""
    replace_in(root / rel, old, new, count)


def line_of(root: Path, rel: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line of ``rel`` that contains ``needle``."""
    hits = [n for n, text in enumerate((root / rel).read_text().split("\n"), 1)
            if needle in text]
    return hits[nth - 1]


def assert_exit(root: Path, command: str, code: int, lines: list[str], *args: str) -> None:
    """``command`` exits ``code`` with exactly ``lines`` on stderr and changes no byte."""
    before = snapshot(root)
    result = run(command, *args, cwd=root)
    assert result.code == code, result
    assert result.err.splitlines() == lines, result.err
    assert "Traceback" not in result.err
    assert snapshot(root) == before


def assert_invalid(root: Path, lines: list[str], commands: tuple[str, ...] = (
        "validate", "check", "status")) -> None:
    for command in commands:
        expected = lines
        if command == "check":  # check adds its summary on stdout only
            expected = lines[:-1]
        assert_exit(root, command, 2, expected)
        if command == "check":
            result = run("check", cwd=root)
            errors = sum(1 for line in lines[:-1] if ": error[" in line)
            count = f"{errors} input error{'' if errors == 1 else 's'}"
            if any(line.startswith("mlcycle.yaml") for line in lines):  # no project to judge
                assert result.out == f"mlcycle check: could not evaluate: {count}\n"
            else:  # the project file loaded: what else loaded was still judged
                assert result.out == (f"mlcycle check: invalid input ({count}); of what loaded: "
                                      "no gates evaluated (no phase before the current phase "
                                      "'problem'); 0 errors, 0 warnings, 0 notes\n")


# --- 18: mlcycle.yaml that is not a regular file; unexpected files in lifecycle/ ---


def test_a_project_file_that_is_a_directory_is_mlc001_not_no_project(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "mlcycle.yaml").unlink()
    (root / "mlcycle.yaml").mkdir()
    assert_invalid(root, ["mlcycle.yaml:1:1: error[MLC001]: not a regular file",
                          "1 error in 1 file"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_project_file_that_is_a_fifo_is_mlc001_and_never_blocks(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "mlcycle.yaml").unlink()
    os.mkfifo(root / "mlcycle.yaml")
    # In a subprocess with a timeout: a reader that waits for a writer would hang here.
    done = subprocess.run([sys.executable, "-m", "mlcycle", "validate", "."], cwd=root,
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (2, ""), done
    assert done.stderr.splitlines() == ["mlcycle.yaml:1:1: error[MLC001]: not a regular file",
                                        "1 error in 1 file"]


def test_unexpected_entries_in_lifecycle_are_reported_hidden_files_are_not(
        tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "lifecycle" / "02-data.yaml").rename(root / "lifecycle" / "02-data.yml")
    (root / "lifecycle" / "notes.txt").write_text("x\n")
    (root / "lifecycle" / "old").mkdir()
    (root / "lifecycle" / ".gitkeep").write_text("")
    assert_invalid(root, [
        "lifecycle/02-data.yaml:1:1: error[MLC025]: missing: phase 'data' of playbook "
        "'product' has no status file",
        "lifecycle/02-data.yml:1:1: error[MLC025]: not a phase status file name; expected "
        "NN-<phase>.yaml",
        "lifecycle/notes.txt:1:1: error[MLC025]: not a phase status file name; expected "
        "NN-<phase>.yaml",
        "lifecycle/old/: error[MLC025]: not a phase status file name; expected NN-<phase>.yaml",
        "4 errors in 4 files",
    ])


# --- issue 8: file-level errors are located at 1:1 ----------------------------------


@pytest.mark.parametrize("content, message", [
    ("", "error[MLC006]: file is empty: expected a mapping"),
    ("# only a comment\n\n", "error[MLC006]: file is empty: expected a mapping"),
])
def test_file_level_errors_are_at_line_1_column_1(tmp_path: Path, content: str,
                                                   message: str) -> None:
    root = project(tmp_path)
    (root / PROBLEM).write_text(content)
    assert_invalid(root, [f"{PROBLEM}:1:1: {message}", "1 error in 1 file"])


def test_an_oversized_file_and_a_directory_are_at_line_1_column_1(tmp_path: Path) -> None:
    from mlcycle.load.yamlio import MAX_BYTES

    root = project(tmp_path)
    (root / PROBLEM).write_bytes(b"#" * (MAX_BYTES + 1))
    (root / "lifecycle" / "02-data.yaml").unlink()
    (root / "lifecycle" / "02-data.yaml").mkdir()
    assert_invalid(root, [
        f"{PROBLEM}:1:1: error[MLC001]: file is {MAX_BYTES + 1} bytes; the limit is {MAX_BYTES}",
        "lifecycle/02-data.yaml:1:1: error[MLC001]: not a regular file",
        "2 errors in 2 files",
    ])


def test_pseudo_paths_keep_no_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert_exit(root, "check", 2, [
        "<command line>: error[MLC031]: --today: 'soon' is not a calendar date YYYY-MM-DD"],
        "--today", "soon")


# --- 2: a NUL character in a string that becomes a path ---------------------------


def test_a_nul_in_an_evidence_path_is_a_located_mlc029(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, PROBLEM, "    status: todo\n    owner:\n",
         '    status: done\n    evidence:\n      - "docs/a\\0b"\n    owner:\n')
    line = line_of(root, PROBLEM, '"docs/a\\0b"')
    assert_invalid(root, [
        f"{PROBLEM}:{line}:9: error[MLC029]: item 'problem-statement': evidence 'docs/a\\x00b' "
        "contains a NUL character, which no file name can hold; it was not opened",
        "1 error in 1 file",
    ])


def test_a_nul_in_the_playbook_path_is_a_located_mlc030(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, "mlcycle.yaml", "  version: 3.1.0\n", '  version: 3.1.0\n  path: "pb/\\0x"\n')
    assert_invalid(root, [
        "mlcycle.yaml:11:9: error[MLC030]: playbook.path 'pb/\\x00x' contains a NUL character, "
        "which no file name can hold",
        "1 error in 1 file",
    ])


def test_a_nul_in_a_document_path_is_refused_by_its_pattern(tmp_path: Path) -> None:
    # A team playbook's `docs[].path` is the other user text that becomes a path.
    playbook = tmp_path / "pb"
    shutil.copytree(data_dir("phases") / "product", playbook, dirs_exist_ok=True)
    text = (playbook / "problem.yaml").read_text()
    assert text.count("path: docs/problem/problem-statement.md") == 1
    (playbook / "problem.yaml").write_text(text.replace(
        "path: docs/problem/problem-statement.md", 'path: "docs/problem/a\\0.md"'))
    line = line_of(playbook, "problem.yaml", '"docs/problem/a\\0.md"')
    result = run("playbooks", "show", "./pb", cwd=tmp_path)
    assert result.code == 2, result
    assert result.err.splitlines()[0] == (
        f"pb/problem.yaml:{line}:11: error[MLC012]: docs[0].path: 'docs/problem/a\\x00.md' is "
        "not allowed here: expected a path docs/<phase>/<name>.md without '..'")


# --- 3: an integer too long for Python's int conversion ---------------------------


def test_an_integer_of_5000_digits_is_a_located_mlc012(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, "mlcycle.yaml", "format: 1\n", "format: 1" + "0" * 4999 + "\n")
    edit(root, PROBLEM, "    owner:\n", "    owner: -" + "9" * 5000 + "\n")
    line = line_of(root, PROBLEM, "    owner: -")
    assert_invalid(root, [
        f"{PROBLEM}:{line}:12: error[MLC012]: an integer of 5000 digits is too large; no "
        "mlcycle value is a number that long (quote it if you mean the text)",
        "mlcycle.yaml:5:9: error[MLC012]: an integer of 5000 digits is too large; no mlcycle "
        "value is a number that long (quote it if you mean the text)",
        "2 errors in 2 files",
    ])


def test_a_long_integer_within_the_limit_is_an_ordinary_type_error(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, "mlcycle.yaml", "format: 1\n", "format: 1" + "0" * 4299 + "\n")
    assert_invalid(root, [
        # pydantic's own words: the number reached it, and nothing crashed.
        "mlcycle.yaml:5:9: error[MLC012]: format: Unable to parse input string as an integer, "
        "exceeded maximum size",
        "1 error in 1 file",
    ])


# --- 9 and 16: dependency cycles in linear time, each once; a repeated dependency ---
# Item definitions come from the playbook, so these go through a team's playbook.


def team_playbook(tmp_path: Path) -> Path:
    playbook = tmp_path / "pb"
    shutil.copytree(data_dir("phases") / "product", playbook)
    return playbook


def generated_items(count: int, deps: object) -> str:
    """``count`` items g0..g(count-1); ``deps(k)`` gives item k's dependencies."""
    out = []
    for k in range(count):
        out.append(f"  - id: g{k}\n    title: Generated {k}\n    description: Item {k}.\n"
                   "    raci:\n      responsible: [pm]\n      accountable: pm\n"
                   f"    depends_on: [{', '.join(deps(k))}]\n")  # type: ignore[operator]
    return "".join(out)


def test_a_2000_item_knot_of_cycles_is_one_line(tmp_path: Path) -> None:
    # Item k depends on item k+1 and on item 0: before the fix, 14 s and 68 MB of output.
    playbook = team_playbook(tmp_path)
    path = playbook / "problem.yaml"
    path.write_text(path.read_text() + generated_items(
        2000, lambda k: [f"g{k + 1}", "g0"] if k < 1999 else ["g0"]))
    line = line_of(playbook, "problem.yaml", "  - id: g0") + 6
    before = snapshot(playbook)
    result = run("playbooks", "show", "./pb", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        f"pb/problem.yaml:{line}:17: error[MLC024]: dependency cycle: g0 -> g0 (one of the "
        "cycles among 2000 items that depend on each other)",
        "1 error in 1 file",
    ]
    assert snapshot(playbook) == before


def test_a_long_cycle_is_shown_shortened(tmp_path: Path) -> None:
    playbook = team_playbook(tmp_path)
    path = playbook / "problem.yaml"
    path.write_text(path.read_text() + generated_items(30, lambda k: [f"g{(k + 1) % 30}"]))
    line = line_of(playbook, "problem.yaml", "  - id: g0") + 6
    result = run("playbooks", "show", "./pb", cwd=tmp_path)
    assert result.code == 2
    assert result.err.splitlines() == [
        f"pb/problem.yaml:{line}:17: error[MLC024]: dependency cycle: g0 -> g1 -> g2 -> g3 -> "
        "g4 -> g5 -> g6 -> g7 -> g8 -> g9 -> ... (19 more) -> g29 -> g0",
        "1 error in 1 file",
    ]


def test_a_repeated_dependency_is_its_own_error_and_a_cycle_is_printed_once(
        tmp_path: Path) -> None:
    playbook = team_playbook(tmp_path)
    path = playbook / "problem.yaml"
    path.write_text(path.read_text() + generated_items(
        2, lambda k: ["g1", "g1"] if k == 0 else ["g0"]))
    first = line_of(playbook, "problem.yaml", "  - id: g0")
    result = run("playbooks", "show", "./pb", cwd=tmp_path)
    assert result.code == 2
    assert result.err.splitlines() == [
        f"pb/problem.yaml:{first + 6}:17: error[MLC024]: dependency cycle: g0 -> g1 -> g0",
        f"pb/problem.yaml:{first + 6}:22: error[MLC020]: item 'g0' lists dependency 'g1' twice "
        "(depends_on[0] and [1]); list it once",
        "2 errors in 1 file",
    ]


# --- 4 and 14: the locator agrees with the parser -----------------------------------


def gate_line(root: Path, line: int) -> str:
    return (f"{PROBLEM}:{line}:13: error[MLC101]: gate 'problem-statement' (Problem "
            "statement) is open: status is todo")


@pytest.mark.parametrize("ending", ["\r", "\r\n", "mixed"])
def test_cr_crlf_and_mixed_line_endings_are_located_like_lf(tmp_path: Path,
                                                             ending: str) -> None:
    root = project(tmp_path)
    status = line_of(root, PROBLEM, "    status: todo")
    lf = run("check", "--all", cwd=root)
    text = (root / PROBLEM).read_text()
    if ending == "mixed":
        lines = text.split("\n")
        converted = "".join(line + ("\r", "\r\n", "\n")[n % 3]
                            for n, line in enumerate(lines[:-1]))
    else:
        converted = text.replace("\n", ending)
    (root / PROBLEM).write_bytes(converted.encode())
    before = snapshot(root)
    result = run("check", "--all", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert gate_line(root, status) in result.out.splitlines()
    assert result.out == lf.out  # every finding where it was with LF endings
    shown = run("status", cwd=root)
    assert (shown.code, shown.err) == (0, "")
    assert snapshot(root) == before


def test_a_quoted_title_over_two_lines_does_not_move_a_finding(tmp_path: Path) -> None:
    root = project(tmp_path)
    # The same value, quoted and folded over two lines: allowed, and changes nothing.
    edit(root, PROBLEM, "    title: Problem statement\n",
         '    title: "Problem\n      statement"\n')
    status = line_of(root, PROBLEM, "    status: todo")
    result = run("check", "--through", "problem", cwd=root)
    assert result.code == 1
    assert result.out.splitlines()[0] == gate_line(root, status)


def test_a_quoted_note_whose_second_line_looks_like_a_key_is_no_key(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, PROBLEM, "    status: todo\n", '    notes: "see below\n    status: done"\n'
         "    status: todo\n")
    status = line_of(root, PROBLEM, "    status: todo")
    before = snapshot(root)
    result = run("check", "--through", "problem", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines()[0] == gate_line(root, status)
    assert snapshot(root) == before


# --- 10: at most 100 problems per file, then one line counting the rest -------------


def test_a_thousand_broken_items_print_100_problems_and_a_count(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / PROBLEM).write_text("phase: problem\nitems: [" + ", ".join(["{}"] * 1000) + "]\n")
    before = snapshot(root)
    result = run("validate", cwd=root)
    assert (result.code, result.out) == (2, "")
    lines = result.err.splitlines()
    assert len(lines) == 102
    assert lines[0] == (f"{PROBLEM}:2:9: error[MLC011]: items[0].description: required key "
                        "'description' is missing")
    assert all(line.startswith(f"{PROBLEM}:2:") and ": error[MLC011]: " in line
               for line in lines[:100])
    assert lines[100:] == [f"{PROBLEM}:1:1: note[MLC009]: ... and 3900 more problems in this "
                           "file", "4000 errors in 1 file"]
    checked = run("check", cwd=root)
    assert (checked.code, checked.err.splitlines()) == (2, lines[:-1])
    assert checked.out == ("mlcycle check: invalid input (4000 input errors); of what loaded: no "
                           "gates evaluated (no phase before the current phase 'problem'); 0 "
                           "errors, 0 warnings, 0 notes\n")
    report = json.loads(run("check", "--format", "json", cwd=root).out)
    assert report["summary"]["input_errors"] == 4000
    assert len(report["problems"]) == 101
    assert report["problems"][-1] == {
        "code": "MLC009", "severity": "note", "path": PROBLEM, "line": 1, "column": 1,
        "message": "... and 3900 more problems in this file"}
    assert snapshot(root) == before


def test_invalid_utf8_in_a_cr_only_file_is_on_its_real_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    text = (root / PROBLEM).read_text().replace("    owner:\n", "    owner: Jos\udce9\n", 1)
    line = text.split("\n").index("    owner: Jos\udce9") + 1
    (root / PROBLEM).write_bytes(text.replace("\n", "\r").encode("utf-8", "surrogateescape"))
    assert_invalid(root, [f"{PROBLEM}:{line}:15: error[MLC002]: invalid UTF-8 byte 0xe9",
                          "1 error in 1 file"])


def test_150_cross_file_problems_in_one_file_are_capped_in_every_command(
        tmp_path: Path) -> None:
    root = project(tmp_path)
    entries = "".join(f"      - ../out-{n}.md\n" for n in range(150))
    edit(root, PROBLEM, "    status: todo\n    owner:\n",
         f"    status: todo\n    evidence:\n{entries}    owner:\n")
    # The 151st problem, not listed, in another item: that item must still be left
    # out of judging, never opened (it would say MLC103: '../secret.md' does not exist).
    edit(root, PROBLEM, "    status: todo\n    owner:\n",
         "    status: done\n    evidence:\n      - ../secret.md\n    owner:\n")
    first = line_of(root, PROBLEM, "      - ../out-0.md")
    listed = [f"{PROBLEM}:{first + n}:9: error[MLC029]: item 'problem-statement': evidence "
              f"'../out-{n}.md' climbs out with '..'; it was not opened" for n in range(100)]
    more = f"{PROBLEM}:1:1: note[MLC009]: ... and 51 more problems in this file"
    for command in ("validate", "status"):
        assert_exit(root, command, 2, [*listed, more, "151 errors in 1 file"])
    result = run("check", "--all", cwd=root)
    assert result.code == 2
    assert result.err.splitlines() == [*listed, more]
    assert result.out.splitlines()[-1].startswith(
        "mlcycle check: invalid input (151 input errors)")
    assert "secret" not in result.out
