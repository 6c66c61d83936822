"""Messages that must say what is true (issue 9, items 15, 20, 21): the check
summary, "did you mean" hints, the README's claims about YAML, usage errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import snapshot
from helpers.safety import init_project, set_state

GATES = ("problem-statement", "problem-to-model", "success-metrics", "feasibility-and-cost")


def test_summary_says_why_check_failed_when_every_gate_is_closed(tmp_path: Path) -> None:
    root = init_project(tmp_path / "p")
    (root / "docs/problem/evidence.md").write_text(
        "# Signed off\n\nAna signed the statement off on 2026-12-01.\n", encoding="utf-8")
    for gate in GATES:
        set_state(root, gate, ["status: done", "owner: Ana", "evidence:",
                               "  - docs/problem/evidence.md"])
    set_state(root, "why-ml", ["status: done", "owner: Zed"])
    set_state(root, "prediction-consumption", ["status: done", "owner: Ana", "evidence:",
                                               "  - docs/missing.md"])
    before = snapshot(root)
    result = run("check", "--phase", "problem", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines() == [
        "lifecycle/01-problem.yaml:76:12: error[MLC108]: item 'why-ml': owner 'Zed' is not on "
        "the team in mlcycle.yaml",
        "lifecycle/01-problem.yaml:100:9: error[MLC103]: item 'prediction-consumption': "
        "evidence 'docs/missing.md' does not exist",
        "lifecycle/01-problem.yaml:120:9: error[MLC107]: item 'problem-to-model' is done but "
        "depends on 'prediction-consumption', which is not closed (done, but its evidence is "
        "not valid)",
        "mlcycle check: FAILED: 4 of 4 gates closed (phase 'problem'), but 3 errors in 3 items; "
        "3 errors, 0 warnings, 0 notes",
    ]
    assert snapshot(root) == before


# The example error of the errors page (moved there from the README).
README = (Path(__file__).parents[2] / "docs" / "reference" / "errors-and-yaml.md").read_text(
    encoding="utf-8")


def _set_line(path: Path, number: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[number - 1] == old, lines[number - 1]
    lines[number - 1] = new
    path.write_text("\n".join(lines), encoding="utf-8")


def test_readme_example_error_is_the_real_output(tmp_path: Path) -> None:
    block = README.split("Every problem is one line on stderr", 1)[1].split("```", 2)[1]
    example = block.strip("\n").split("\n")
    root = init_project(tmp_path / "p")
    _set_line(root / "lifecycle/02-data.yaml", 89, "    status: todo", "    status: doen")
    before = snapshot(root)
    result = run("validate", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == example
    assert snapshot(root) == before


@pytest.mark.parametrize(("typed", "hint"), [
    ("DONE", " (did you mean 'done'?)"),  # case
    ("wai", " (did you mean 'waived'?)"),  # the one choice it starts
    ("bloked", " (did you mean 'blocked'?)"),  # a close spelling
    ("finished", ""),  # not a spelling of any status: no guess
])
def test_status_hints(tmp_path: Path, typed: str, hint: str) -> None:
    root = init_project(tmp_path / "p")
    _set_line(root / "lifecycle/02-data.yaml", 89, "    status: todo", f"    status: {typed}")
    result = run("validate", cwd=root)
    assert result.code == 2
    assert result.err.splitlines() == [
        f"lifecycle/02-data.yaml:89:13: error[MLC012]: items[3].status: '{typed}' is not one of "
        f"todo, doing, blocked, done, waived, na{hint}", "1 error in 1 file"]


def test_phase_prefix_on_the_command_line_gets_a_hint(tmp_path: Path) -> None:
    root = init_project(tmp_path / "p")
    result = run("check", "--phase", "prod", cwd=root)
    assert result.code == 2
    assert result.err.splitlines() == [
        "<command line>: error[MLC027]: --phase 'prod' is not a phase of playbook 'product' "
        "(did you mean 'productionization'?); phases: problem, data, modeling, "
        "productionization, quality, online, operations"]


TAG = ("is not allowed; mlcycle files hold only plain mappings, lists, strings, numbers and "
       "booleans")


@pytest.mark.parametrize(("old", "new", "error"), [
    # What the README and phases/README.md promise, line by line.
    ("format: 1", "format: !!int 1", None),
    ("name: p", "name: !!str p", None),
    ("name: p", "name: ! p", None),
    ("name: p", "name: &anchor p", None),  # an anchor alone is ignored
    ("team:", "team: !!map", None),
    ("slug: p", "slug: *anchor",
     "mlcycle.yaml:7:7: error[MLC005]: alias '*anchor': anchors and aliases are not supported "
     "in mlcycle files"),
    ("format: 1", "format: !!float 1",
     f"mlcycle.yaml:5:9: error[MLC005]: YAML tag 'tag:yaml.org,2002:float' {TAG}"),
    ("format: 1", "format: !!int 01",
     f"mlcycle.yaml:5:9: error[MLC005]: YAML tag 'tag:yaml.org,2002:int' {TAG}"),
    ("name: p", "name: !mine p", f"mlcycle.yaml:6:7: error[MLC005]: YAML tag '!mine' {TAG}"),
    ("name: p", "name: !!python/object:os.system p",
     f"mlcycle.yaml:6:7: error[MLC005]: YAML tag 'tag:yaml.org,2002:python/object:os.system' "
     f"{TAG}"),
    ("format: 1", "format: !!str 1",
     "mlcycle.yaml:5:9: error[MLC012]: format: '1' is not one of 1 (write it without quotes)"),
])
def test_tags_and_anchors_as_documented(tmp_path: Path, old: str, new: str,
                                        error: str | None) -> None:
    root = init_project(tmp_path / "p")
    text = (root / "mlcycle.yaml").read_text(encoding="utf-8")
    assert text.count(f"\n{old}\n") == 1
    (root / "mlcycle.yaml").write_text(text.replace(f"\n{old}\n", f"\n{new}\n"),
                                       encoding="utf-8")
    before = snapshot(root)
    result = run("validate", cwd=root)
    if error is None:
        assert (result.code, result.err) == (0, "")
    else:
        assert (result.code, result.out) == (2, "")
        assert result.err.splitlines() == [error, "1 error in 1 file"]
    assert snapshot(root) == before


# --- usage (item 21) -------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["check", "--format", "xml"],
     "--format / -f: 'xml' is not one of text, json, junit, github, markdown"),
    (["status", "-f", "tabel"],
     "--format / -f: 'tabel' is not one of table, markdown, json (did you mean 'table'?)"),
    (["check", "-f", "x\x1b[31m\n::error::forged"],
     "--format / -f: 'x\\x1b[31m\\x0a::error::forged' is not one of text, json, junit, "
     "github, markdown"),
])
def test_bad_choice_is_one_clean_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(*args, cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    command = args[0]
    assert result.err.splitlines() == [
        f"<command line>: error[MLC031]: mlcycle {command}: {message}; "
        f"see 'mlcycle {command} --help'"]


def test_command_line_error_has_no_file_count(tmp_path: Path) -> None:
    root = init_project(tmp_path / "p")
    result = run("status", "--owner", "Nobody", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: --owner 'Nobody' is not on the team and owns no item; "
        "team: Ana"]


def test_team_option_names_its_form_in_help() -> None:
    result = run("init", "--help")
    assert result.code == 0
    # Aligned with the longest option (--primary-metric NAME>=FLOOR), on one line.
    assert re.search(r"^  --team ROLE=PERSON +A person in a role; repeatable\.$", result.out,
                     re.M), result.out
    assert "list[str]" not in result.out
