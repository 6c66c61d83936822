"""portfolio: discovery (nested, invalid, symlinked, skipped folders), the rows
sorted by risk, totals, every format, --check and --strict, serial == parallel."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers.cli import ok, run
from helpers.project import FIXTURES, init_project

TINY = FIXTURES / "playbooks" / "tiny"
ADVANCE = """\
  - date: 2026-01-05
    event: advance
    from: frame
    to: data
    by: Ana
"""


@pytest.fixture(autouse=True)
def _dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", "2026-01-10")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # init records 2026-01-01


def make_project(root: Path, name: str, playbook: Path) -> Path:
    return init_project(root, "--playbook", playbook, "--name", name, "--team", "pm=Ana",
                        "--team", "ds=Bo")


def advance_with_open_gate(root: Path) -> None:
    """Leave 'frame' with its gate 'problem' still todo (history kept consistent)."""
    text = (root / "mlcycle.yaml").read_text()
    text = text.replace("current_phase: frame", "current_phase: data") + ADVANCE
    (root / "mlcycle.yaml").write_text(text)


def tree(tmp_path: Path) -> Path:
    shutil.copytree(TINY, tmp_path / "tiny")
    top = tmp_path / "tree"
    pb = tmp_path / "tiny"
    a = make_project(top / "a", "Alpha", pb)
    ok(a, "waive", "framing", "--reason", "rules suffice", "--by", "Ana", "--until", "2026-01-15")
    b = make_project(top / "b", "Beta", pb)
    ok(b, "block", "framing", "--reason", "waiting for labels")
    ok(b, "set", "sources", "--due", "2026-01-08")
    advance_with_open_gate(b)
    make_project(top / "b" / "sub" / "c", "Gamma", pb)  # nested inside b
    bad = top / "bad"
    shutil.copytree(top / "a", bad)
    (bad / "mlcycle.yaml").write_text("name: [\n")
    half = top / "half"  # mlcycle.yaml fine, a status file broken
    shutil.copytree(top / "a", half)
    (half / "lifecycle" / "02-data.yaml").write_text("phase: data\nitems: 3\n")
    # Never projects: version control, installed packages, virtual environments.
    for skipped in (".git/x", "node_modules/x", ".venv/x", "venv/x", "env1/x"):
        shutil.copytree(top / "a", top / skipped)
    (top / "env1" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    # A symlink out of the tree and one back into it: neither is followed.
    make_project(tmp_path / "outside", "Outside", pb)
    os.symlink(tmp_path / "outside", top / "link-out")
    os.symlink(top / "a", top / "link-in")
    return top


HEAD = ("project             path          playbook    phase  progress  open gates   blocked  "
        "overdue  waivers  check\n"
        "------------------  ------------  ----------  -----  --------  -----------  -------  "
        "-------  -------  --------------------\n")


def test_table_sorted_by_risk_with_totals_and_first_error(tmp_path: Path) -> None:
    tree(tmp_path)
    result = run("portfolio", "tree", cwd=tmp_path)
    assert (result.code, result.err) == (0, "")
    assert result.out == HEAD + (
        "?                   tree/bad      ?           ?                                      "
        "                  INVALID\n"
        "Alpha               tree/half     tiny 1.0.0  frame                                  "
        "                  INVALID\n"
        "Beta                tree/b        tiny 1.0.0  data   0/6 0%    1 (problem)  1        "
        "1        0        failed\n"
        "Alpha               tree/a        tiny 1.0.0  frame  1/6 17%   0            0        "
        "0        1        passed\n"
        "Gamma               tree/b/sub/c  tiny 1.0.0  frame  0/6 0%    0            0        "
        "0        0        passed\n"
        "total (5 projects)                                   1/18 6%   1            1        "
        "1        1        1 failing, 2 invalid\n"
        "\n"
        "invalid projects (first error):\n"
        "  tree/bad: mlcycle.yaml:2:1: error[MLC003]: YAML syntax error: did not find expected "
        "node content (while parsing a flow node)\n"
        "  tree/half: lifecycle/02-data.yaml:2:8: error[MLC012]: items: expected a list, got "
        "3\n")


def test_check_and_strict_exit_codes(tmp_path: Path) -> None:
    tree(tmp_path)
    assert run("portfolio", "tree/a", "tree/b/sub", cwd=tmp_path).code == 0
    assert run("portfolio", "tree/a", "tree/b/sub", "--check", cwd=tmp_path).code == 0
    assert run("portfolio", "tree/a", "tree/b", "--check", cwd=tmp_path).code == 1  # Beta fails
    assert run("portfolio", "tree/a", "tree/b", "--strict", cwd=tmp_path).code == 0
    assert run("portfolio", "tree", cwd=tmp_path).code == 0  # invalid rows alone: exit 0
    assert run("portfolio", "tree", "--check", cwd=tmp_path).code == 1
    assert run("portfolio", "tree", "--strict", cwd=tmp_path).code == 2
    assert run("portfolio", "tree", "--strict", "--check", cwd=tmp_path).code == 2  # 2 wins


def test_default_path_overlapping_paths_and_json(tmp_path: Path) -> None:
    tree(tmp_path)
    # Overlapping paths: each project once; '.' is the default.
    result = run("portfolio", ".", "b", "--format", "json", cwd=tmp_path / "tree")
    assert (result.code, result.err) == (0, "")
    data = json.loads(result.out)
    assert [p["path"] for p in data["projects"]] == ["bad", "half", "b", "a", "b/sub/c"]
    beta = data["projects"][2]
    assert beta == {
        "blocked": 1, "check": "failed", "closed": 0, "current_phase": "data", "errors": 1,
        "expiring": 0, "first_error": "", "items": 6, "name": "Beta", "open_gates": ["problem"],
        "overdue": 1, "path": "b", "playbook": "tiny", "progress": 0.0, "valid": True,
        "version": "1.0.0", "warnings": 1}
    assert data["totals"] == {"blocked": 1, "closed": 1, "expiring": 1, "failing": 1,
                              "invalid": 2, "items": 18, "open_gates": 1, "overdue": 1,
                              "progress": 0.0556, "projects": 5}
    assert (data["version"], data["today"]) == (1, "2026-01-10")
    assert run("portfolio", "--format", "json", cwd=tmp_path / "tree").out == result.out


def test_markdown_and_html_escape_project_values(tmp_path: Path) -> None:
    shutil.copytree(TINY, tmp_path / "tiny")
    make_project(tmp_path / "p", "<b>x</b> | y", tmp_path / "tiny")
    md = run("portfolio", "--format", "markdown", cwd=tmp_path)
    assert md.code == 0
    assert md.out == (
        "## mlcycle portfolio (2026-01-10)\n\n"
        "| project | path | playbook | phase | progress | open gates | blocked | overdue | "
        "waivers | check |\n|---|---|---|---|---|---|---|---|---|---|\n"
        "| \\<b\\>x\\</b\\> \\| y | p | tiny 1.0.0 | frame | 0/6 0% | 0 | 0 | 0 | 0 | passed |\n"
        "| **total (1 project)** |  |  |  | **0/6 0%** | **0** | **0** | **0** | **0** | "
        "**0 failing** |\n")
    page = run("portfolio", "--format", "html", cwd=tmp_path)
    assert page.code == 0
    assert "<td>&lt;b&gt;x&lt;/b&gt; | y</td>" in page.out
    assert "<b>" not in page.out and "<script" not in page.out


def test_many_projects_on_every_core_equal_one_by_one(tmp_path: Path) -> None:
    from mlcycle.judge import portfolio as core

    shutil.copytree(TINY, tmp_path / "tiny")
    first = make_project(tmp_path / "mono" / "p00", "P", tmp_path / "tiny")
    advance_with_open_gate(first)
    for n in range(1, core.PARALLEL_MIN + 2):
        shutil.copytree(tmp_path / "mono" / "p00", tmp_path / "mono" / f"p{n:02d}")
    (tmp_path / "mono" / "p07" / "mlcycle.yaml").write_text("name: x\n")
    serial = core.portfolio([tmp_path / "mono"], date(2026, 1, 10), jobs=1)
    parallel = core.portfolio([tmp_path / "mono"], date(2026, 1, 10), jobs=2)
    assert [r.as_dict() for r in parallel.rows] == [r.as_dict() for r in serial.rows]
    assert parallel.totals == serial.totals
    assert serial.totals.projects == core.PARALLEL_MIN + 2
    assert serial.rows[0].path.endswith("p07") and not serial.rows[0].valid


def test_bad_paths_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    (tmp_path / "empty").mkdir()
    for args, line in (
        (("portfolio", "file"), "file:1:1: error[MLC060]: not a directory; portfolio looks for "
                                "projects under directories"),
        (("portfolio", "empty"), "<command line>: error[MLC061]: no mlcycle project (a "
                                 "directory with mlcycle.yaml) under empty"),
    ):
        result = run(*args, cwd=tmp_path)
        assert (result.code, result.out) == (2, "")
        assert result.err.splitlines()[0] == line
