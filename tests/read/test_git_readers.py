"""The git readers (``log``, ``report``'s burn-up, ``diff --base``, ``check
--base``) on hostile repositories: author names with control characters, a
project path that is not UTF-8, blobs and histories past the input caps."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.git import git
from helpers.project import init_date

from mlcycle.load import githistory


def project_in_repo(repo: Path, name: str | bytes = "p") -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    root = Path(os.fsdecode(os.path.join(os.fsencode(repo), os.fsencode(name))))
    with init_date():
        assert run("init", root, "--no-input", "--team", "pm=Ana").code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    return root


def start(root: Path, item: str, author: str) -> None:
    result = run("set", item, "doing", "--owner", "Ana", "-C", root)
    assert result.code == 0, result.err
    git(root, "commit", "-qam", f"start {item}", author=author)


def test_an_author_name_with_the_old_field_separator_is_shown_escaped(tmp_path: Path) -> None:
    root = project_in_repo(tmp_path / "repo")
    start(root, "problem-statement", "Bo\x1fLi\x1b[31m")
    result = run("log", "-C", root)
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1].endswith(
        "Bo\\x1fLi\\x1b[31m  problem-statement: todo -> doing")
    data = run("log", "-C", root, "--format", "json")
    assert '"author": "Bo\\u001fLi\\u001b[31m"' in data.out
    report = run("report", root, "--output", tmp_path / "r.html")
    assert report.code == 0, report.err


@pytest.mark.skipif(sys.platform != "linux", reason="Linux file names are bytes")
@pytest.mark.parametrize("command", [["log", "-C", "{root}"],
                                     ["report", "{root}", "--output", "{tmp}/r.html"],
                                     ["diff", "{root}", "--base", "HEAD~1"],
                                     ["check", "{root}", "--base", "HEAD~1"]])
def test_a_project_path_that_is_not_utf8(tmp_path: Path, command: list[str]) -> None:
    # Above the repository: below its root, init refuses a directory name no
    # workflow can hold (a hand-made project there is read the same way).
    root = project_in_repo(Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9/repo")))
    start(root, "problem-statement", "Ana")
    args = [a.replace("{tmp}", str(tmp_path)).replace("{root}", str(root)) for a in command]
    result = run(*args)
    assert result.code == 0, result.err
    if command[0] == "diff":
        assert "problem/problem-statement: status: todo -> doing" in result.out


def test_a_status_file_blob_over_the_cap_is_skipped_not_read(tmp_path: Path) -> None:
    root = project_in_repo(tmp_path / "repo")
    start(root, "problem-statement", "Ana")
    phase = root / "lifecycle" / "01-problem.yaml"
    good = phase.read_bytes()
    # 17 MiB of comments: a few KiB in git, past the 16 MiB cap of every reader.
    phase.write_bytes(good + b"# padding\n" * (17 * 1024 * 1024 // 10))
    huge = phase.stat().st_size
    git(root, "commit", "-qam", "huge")
    phase.write_bytes(good)
    git(root, "commit", "-qam", "back")
    began = time.monotonic()
    result = run("log", "-C", root)
    assert time.monotonic() - began < 10
    assert result.code == 0, result.err
    assert "  note: 1 revision(s) of status files over the size limits were skipped" in \
        result.out.splitlines()
    assert result.out.splitlines()[-1].endswith("Ana  problem-statement: todo -> doing")
    check = run("check", root, "--base", "HEAD~1")
    assert check.code == 0, check.err
    last = check.out.splitlines()[-1].split()
    assert last[:2] == ["note:", "base"]
    assert " ".join(last[3:]) == (f"lifecycle/01-problem.yaml:1:1: error[MLC001]: file is {huge} "
                                  "bytes; the limit is 16777216")


def test_only_the_newest_commits_are_walked(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = project_in_repo(tmp_path / "repo")
    for item in ("problem-statement", "problem-to-model", "success-metrics"):
        start(root, item, "Ana")
    monkeypatch.setattr(githistory, "MAX_COMMITS", 2)
    result = run("log", "-C", root)
    lines = result.out.splitlines()
    assert "  note: only the newest 2 commits that changed lifecycle/ were read" in lines
    assert lines[-4] == "Item status changes (git log of lifecycle/): 2"
    assert [line.split()[-4] for line in lines[-2:]] == ["problem-to-model:",
                                                         "success-metrics:"]
