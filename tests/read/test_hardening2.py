"""Hardening, second round (issue 19): each defect a hostile user found, as the
CLI shows it, with a variant beside the literal example."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_date, init_project, snapshot

from mlcycle.judge import portfolio


def project(tmp_path: Path, *team: str) -> Path:
    return init_project(tmp_path / "p", "--team", "pm=Ana", *team, dated=True)


# 13. portfolio over a very deep tree: walked without recursion, cut with a note.
@pytest.mark.parametrize("depth", [40, 1000])
def test_portfolio_over_a_very_deep_tree(tmp_path: Path, depth: int) -> None:
    project(tmp_path)
    deep = tmp_path / "deep"
    deep.mkdir()
    os.chdir(deep)  # one level at a time: no path ever passes PATH_MAX
    try:
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
    finally:
        os.chdir(tmp_path)
    try:
        result = run("portfolio", tmp_path, "--format", "json")
    finally:
        _remove_chain(deep, depth)  # shutil.rmtree (pytest's cleanup) recurses per level
    assert result.code == 0, result.err
    note = result.err.splitlines()[0]
    assert note.startswith(f"mlcycle portfolio: note: {tmp_path.as_posix()}: not searched below "
                           f"{portfolio.MAX_DEPTH} directory levels (1 directory cut, the first ")
    assert '"path": "' in result.out and result.out.count('"path"') == 1


def _remove_chain(top: Path, depth: int) -> None:
    os.chdir(top)
    try:
        for _ in range(depth):
            os.chdir("d")
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(top.parent)


# 14. status, raci and log when stdout cannot encode a name (cp1252, latin-1).
@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "ascii"])
@pytest.mark.parametrize("command", [["status"], ["raci"], ["status", "--format", "markdown"],
                                     ["check"], ["log"]])
def test_output_an_encoding_cannot_hold_is_escaped(tmp_path: Path, encoding: str,
                                                   command: list[str]) -> None:
    root = project(tmp_path, "--team", "ds=Zoë 李 🦊")
    assert run("set", "eda", "--owner", "Zoë 李 🦊", "--note", "données 数据", "-C", root).code == 0
    env = {**os.environ, "PYTHONIOENCODING": encoding, "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "mlcycle", *command], cwd=root, env=env,
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert b"internal error" not in done.stderr
    if command == ["raci"] and encoding != "ascii":  # click writes UTF-8 to an ASCII stream
        assert b"\\u674e \\U0001f98a" in done.stdout


# 19. status --owner: only the phases where the person owns something.
def test_status_owner_with_no_item_in_the_current_phase(tmp_path: Path) -> None:
    root = project(tmp_path, "--team", "ds=Bo Li", "--team", "mle=Cy")
    nothing = run("status", root, "--owner", "Bo Li")
    assert nothing.code == 0, nothing.err
    assert "Bo Li owns no item; `mlcycle status` shows the whole project, and `mlcycle set " \
        "ITEM --owner 'Bo Li'` gives them one" in " ".join(nothing.out.split())
    assert "Problem definition" not in nothing.out
    assert run("set", "eda", "--owner", "Cy", "-C", root).code == 0
    later = run("status", root, "--owner", "Cy", "--format", "json")
    import json

    phases = json.loads(later.out)["phases"]
    assert [p["id"] for p in phases] == ["data"]  # not the current phase, 'problem'
    md = run("status", root, "--owner", "Cy", "--format", "markdown")
    assert "Problem definition" not in md.out and "Data" in md.out


# 22. A metrics file outside the project is invalid input (exit 2), as evidence is.
@pytest.mark.parametrize("how", ["symlink", "absolute", "dotdot"])
def test_a_metrics_file_outside_the_project_is_exit_2(tmp_path: Path, how: str) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text('{"accuracy": 0.9}\n', encoding="utf-8")
    if how == "symlink":
        root = project(tmp_path)
        (root / "reports").mkdir()
        (root / "reports" / "eval.json").symlink_to(outside)
        expected = ("lifecycle/05-quality.yaml:72:17: error[MLC029]: item 'model-accuracy': "
                    "metrics file 'reports/eval.json' resolves (through a symlink) to a place "
                    "outside the project; it was not opened (a metrics file lives in the "
                    "project, like evidence)")
    else:
        book = tmp_path / "pb"
        assert run("playbooks", "fork", "product", book).code == 0
        quality = book / "quality.yaml"
        target = str(outside) if how == "absolute" else "../outside.json"
        text = quality.read_text(encoding="utf-8")
        quality.write_text(text.replace("reports/offline-impact.json", target, 1),
                           encoding="utf-8")
        root = tmp_path / "p"
        with init_date():
            assert run("init", root, "--no-input", "--playbook", book).code == 0
        why = ("is not a relative path inside the project (use / and no drive or leading /)"
               if how == "absolute" else "climbs out with '..'")
        expected = (f"item 'offline-evaluation': metrics file {target!r} {why}; it was not "
                    "opened (a metrics file lives in the project, like evidence)")
    before = snapshot(root)
    result = run("check", root)
    assert result.code == 2
    assert expected in result.err.splitlines()[0]
    assert snapshot(root) == before


# 4. Files init rendered and nobody changed are not evidence.
@pytest.mark.parametrize("name", ["README.md", ".pre-commit-config.yaml"])
@pytest.mark.parametrize("playbook", ["product", "five-phase"])
def test_a_file_init_rendered_unchanged_is_not_evidence(tmp_path: Path, name: str,
                                                        playbook: str) -> None:
    root = tmp_path / "p"
    with init_date():
        assert run("init", root, "--no-input", "--playbook", playbook).code == 0
    item = {"product": "problem-statement", "five-phase": "problem-statement"}[playbook]
    before = snapshot(root)
    refused = run("done", item, "--evidence", name, cwd=root)
    assert refused.code == 1
    assert refused.err.splitlines()[0].endswith(
        f"error[MLC109]: item '{item}': evidence '{name}' is the file `mlcycle init` rendered, "
        "unchanged; it proves nothing about the item")
    assert snapshot(root) == before
    # Once the team wrote something in it, it is theirs.
    with open(root / name, "a", encoding="utf-8") as handle:
        handle.write("\n# The problem: churn among small accounts.\n")
    assert run("done", item, "--evidence", name, cwd=root).code == 0


# 5. A hard link to a file of git's is not evidence, in the project's .git or
# in the repository's .git above a project in a subdirectory.
@pytest.mark.parametrize("where", ["project", "repository"])
def test_a_hard_link_into_git_is_not_evidence(tmp_path: Path, where: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    root = repo / "p" if where == "repository" else repo
    with init_date():
        assert run("init", root, "--no-input").code == 0
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    os.link(repo / ".git" / "config", root / "notes.txt")
    before = snapshot(root)
    refused = run("done", "problem-statement", "--evidence", "notes.txt", cwd=root)
    assert refused.code == 1
    assert refused.err.splitlines()[0].endswith(
        "error[MLC109]: item 'problem-statement': evidence 'notes.txt' is one of git's own "
        "files; it proves nothing about the item")
    assert snapshot(root) == before


# 16. The HTML report escapes controls and bidi overrides like every other medium.
def test_the_html_report_shows_controls_as_escapes(tmp_path: Path) -> None:
    root = project(tmp_path)
    reason = "waits on data \x1b[2J\x07 done\u202eexe.gnp"
    assert run("block", "eda", "--reason", reason, "-C", root).code == 0
    assert run("report", root, "--output", tmp_path / "r.html").code == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    for raw in ("\x1b", "\x07", "\x00", "\u202e"):
        assert raw not in page
    assert "waits on data \\x1b[2J\\x07 done\\u202eexe.gnp" in page
