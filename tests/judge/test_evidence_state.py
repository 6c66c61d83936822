"""Issue 22, evidence state: evidence unchanged since `mlcycle reopen --reset`
(MLC165, MLC137 under `check --strict-evidence`), and `automated` as item state
(`mlcycle done ITEM --automated`, MLC136) scored 1 by the ML Test Score."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_date, snapshot

PROBLEM = ["problem-statement", "team-and-allies", "why-ml", "prediction-consumption",
           "problem-to-model", "success-metrics", "feasibility-and-cost"]
FRAMING = "docs/problem/framing.md"
WARNING = ("lifecycle/01-problem.yaml:106:5: {level}[{code}]: item 'problem-to-model': done "
           "again on the evidence it had when `mlcycle reopen` reset it on 2027-01-10: "
           f"'{FRAMING}' unchanged since; update it with what the loop back found, or cite the "
           "new work (`mlcycle set problem-to-model --evidence PATH`)")


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", "2027-01-10")


def reopened(tmp_path: Path) -> Path:
    """The product playbook: problem done and left, then reopened with
    problem-to-model (and, by --cascade, feasibility-and-cost) back to doing."""
    root = tmp_path / "p"
    with init_date():
        assert run("init", root, "--no-input", "--name", "P", "--team", "pm=Ana Ruiz",
                   "--team", "mlm=Dee Park", "--team", "ds=Bo Li").code == 0
    (root / FRAMING).parent.mkdir(parents=True, exist_ok=True)
    (root / FRAMING).write_text("# Framing\n\nWe predict churn within 30 days from usage "
                                "logs.\n")
    for item in PROBLEM:
        assert run("done", item, "-e", FRAMING, cwd=root).code == 0, item
    assert run("advance", "--by", "Dee Park", cwd=root).code == 0
    result = run("reopen", "problem", "--reason", "label leakage", "--reset", "problem-to-model",
                 "--cascade", "--by", "Dee Park", cwd=root)
    assert (result.code, result.err) == (0, ""), result
    return root


def sha(root: Path, rel: str) -> str:
    return hashlib.sha256((root / rel).read_bytes()).hexdigest()


def block(root: Path, item: str, after: str) -> str:
    """The state lines of ``item`` in the problem status file (from its status)."""
    text = (root / "lifecycle/01-problem.yaml").read_text()
    start = text.index("    status:", text.index(f"  - id: {item}\n"))
    return text[start:text.index(f"  - id: {after}\n", start)]


def test_reopen_records_the_day_and_a_digest_of_each_evidence_file(tmp_path: Path) -> None:
    root = reopened(tmp_path)
    assert block(root, "problem-to-model", "success-metrics") == (
        "    status: doing\n"
        "    owner:\n"
        "    evidence:\n"
        f"      - {FRAMING}\n"
        '    notes: "Reopened 2027-01-10 (back to problem): label leakage"\n'
        "    reopened:\n"
        "      date: 2027-01-10\n"
        "      evidence:\n"
        f"        - path: {FRAMING}\n"
        f"          sha256: {sha(root, FRAMING)}\n"
        "\n")


def test_done_again_on_unchanged_evidence_warns_and_strict_evidence_fails(
        tmp_path: Path) -> None:
    root = reopened(tmp_path)
    result = run("done", "problem-to-model", "feasibility-and-cost", cwd=root)
    assert (result.code, result.out) == (0, "problem-to-model: doing -> done\n"
                                            "feasibility-and-cost: doing -> done\n")
    ours = WARNING.format(level="warning", code="MLC165")
    assert result.err.splitlines()[0] == ours
    assert result.err.splitlines()[1].startswith(
        "lifecycle/01-problem.yaml:162:5: warning[MLC165]: item 'feasibility-and-cost': ")

    result = run("check", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[0] == ours
    assert result.out.splitlines()[-1] == (
        "mlcycle check: passed: no gates evaluated (no phase before the current phase "
        "'problem'); 0 errors, 2 warnings, 0 notes")

    result = run("check", "--strict-evidence", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines()[0] == WARNING.format(level="error", code="MLC137")
    # Kept open under --strict-evidence: what rests on it is done on open work.
    assert result.out.splitlines()[2] == (
        "lifecycle/01-problem.yaml:186:9: error[MLC107]: item 'feasibility-and-cost' is done "
        "but depends on 'problem-to-model', which is not closed (its evidence is unchanged "
        "since the reopen)")


def test_deleting_the_reopen_record_by_hand_is_caught(tmp_path: Path) -> None:
    """Found by trying to make check pass: without its `reopened:` record, an item
    done again on unchanged evidence warned of nothing. The reopen entry names the
    items it reset, and each must carry the record of that day."""
    root = reopened(tmp_path)
    text = (root / "mlcycle.yaml").read_text()
    assert text.endswith("    reason: label leakage\n    by: Dee Park\n    reset:\n"
                         "      - problem-to-model\n      - feasibility-and-cost\n")
    assert run("done", "problem-to-model", cwd=root).code == 0
    status = root / "lifecycle/01-problem.yaml"
    kept = status.read_text()
    record = ("    reopened:\n      date: 2027-01-10\n      evidence:\n"
              f"        - path: {FRAMING}\n          sha256: {sha(root, FRAMING)}\n")
    assert kept.count(record) == 2
    status.write_text(kept.replace(record, "", 1))
    before = snapshot(root)
    result = run("check", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines()[0] == (
        "lifecycle/01-problem.yaml:106:5: error[MLC138]: item 'problem-to-model' was reset by "
        "the reopen of 2027-01-10 (history), but carries none as its `reopened:` record; "
        "restore the record `mlcycle reopen` wrote, from git (`git log -p` of this file)")
    assert snapshot(root) == before
    # Restored, it is judged again: done on unchanged evidence.
    status.write_text(kept)
    assert run("check", cwd=root).out.splitlines()[0] == WARNING.format(level="warning",
                                                                         code="MLC165")


def test_edited_or_new_evidence_is_the_loop_s_work(tmp_path: Path) -> None:
    root = reopened(tmp_path)
    (root / FRAMING).write_text("# Framing\n\nWe predict churn within 30 days from usage "
                                "logs, labels taken after the leak was fixed.\n")
    (root / "docs/leak.md").write_text("# Leak\n\nThe label column was filled after churn.\n")
    result = run("done", "problem-to-model", cwd=root)
    assert (result.code, result.err) == (0, "")
    result = run("done", "feasibility-and-cost", "-e", "docs/leak.md", cwd=root)
    assert (result.code, result.err) == (0, "")
    # feasibility-and-cost cites the edited file too: both changed or new, nothing said.
    result = run("check", "--strict-evidence", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert "MLC165" not in result.out and "MLC137" not in result.out


def test_new_evidence_beside_an_unchanged_file_is_enough(tmp_path: Path) -> None:
    root = reopened(tmp_path)
    (root / "docs/leak.md").write_text("# Leak\n\nThe label column was filled after churn.\n")
    assert run("set", "problem-to-model", "--evidence", "docs/leak.md", cwd=root).code == 0
    result = run("done", "problem-to-model", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert "problem-to-model" not in run("check", "--strict-evidence", cwd=root).out


def test_a_second_reopen_replaces_the_record_in_place(tmp_path: Path) -> None:
    root = reopened(tmp_path)
    (root / FRAMING).write_text("# Framing\n\nSecond take.\n")
    assert run("done", "problem-to-model", "feasibility-and-cost", cwd=root).code == 0
    assert run("advance", "--by", "Dee Park", cwd=root).code == 0
    result = run("reopen", "problem", "--reason", "again", "--reset", "problem-to-model",
                 "--cascade", "--by", "Dee Park", "--today", "2027-02-01", cwd=root)
    assert (result.code, result.err) == (0, ""), result
    assert block(root, "problem-to-model", "success-metrics").endswith(
        "    reopened:\n"
        "      date: 2027-02-01\n"
        "      evidence:\n"
        f"        - path: {FRAMING}\n"
        f"          sha256: {sha(root, FRAMING)}\n"
        "\n")
    result = run("check", "--today", "2027-02-01", cwd=root)
    assert (result.code, result.err) == (0, "")


# --- automated: item state -------------------------------------------------------

MTS_TEAM = ["--team", "tl=Ana", "--team", "ds=Bo", "--team", "de=Cy", "--team", "mle=Di",
            "--team", "sre=Ed"]
WORKFLOW = ".github/workflows/ml-tests.yml"
TEST_FILE = "tests/test_feature_schema.py"


def mts(tmp_path: Path) -> Path:
    root = tmp_path / "m"
    with init_date():
        assert run("init", root, "--no-input", "--playbook", "ml-test-score", *MTS_TEAM).code == 0
    for rel, text in ((WORKFLOW, "on: push\njobs: {}\n"),
                      (TEST_FILE, "def test_schema() -> None:\n    assert True\n"),
                      # A notebook with work in it (one without cells is no evidence).
                      ("notebooks/schema.ipynb",
                       '{"cells": [{"cell_type": "code", "source": ["df.dtypes"]}]}\n')):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def points(root: Path, item: str) -> float:
    data = json.loads(run("score", "--format", "json", cwd=root).out)
    return next(t["points"] for t in data["tests"] if t["item"] == item)


def test_done_automated_scores_one_and_done_by_hand_half(tmp_path: Path) -> None:
    root = mts(tmp_path)
    result = run("done", "feature-schema", "-e", TEST_FILE, cwd=root)
    assert (result.code, result.err) == (0, "")
    assert points(root, "feature-schema") == 0.5
    result = run("done", "feature-schema", "--automated", "-e", WORKFLOW, cwd=root)
    assert (result.code, result.err, result.out) == (
        0, "", f"feature-schema: evidence: {WORKFLOW}; automated\n")
    text = (root / "lifecycle/01-data.yaml").read_text()
    assert f"    evidence:\n      - {TEST_FILE}\n      - {WORKFLOW}\n    automated: true\n" in text
    assert points(root, "feature-schema") == 1.0
    assert run("check", cwd=root).code == 0


def test_done_automated_on_a_notebook_is_refused_and_nothing_written(tmp_path: Path) -> None:
    root = mts(tmp_path)
    before = snapshot(root)
    result = run("done", "feature-schema", "--automated", "-e", "notebooks/schema.ipynb",
                 cwd=root)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        "lifecycle/01-data.yaml:31:16: error[MLC136]: item 'feature-schema': `automated: true`, "
        "but none of its evidence is automation that exists in the project (a CI workflow "
        "under .github/workflows/ or a CI configuration such as .gitlab-ci.yml, a test file "
        "(test_*.py, *_test.py, under tests/), or a scheduled job or pipeline definition "
        "(dvc.yaml, a DAG under dags/, a crontab)); cite it with `mlcycle done feature-schema "
        "--automated -e PATH`, or delete `automated: true` (done by hand scores 0.5)",
        "mlcycle done refused: it would leave 1 error (listed above); nothing written",
        "to fix MLC136: cite the automation (`mlcycle done ITEM --automated -e "
        ".github/workflows/ml-tests.yml`), or delete `automated: true` (done by hand scores "
        "0.5)",
    ]
    assert snapshot(root) == before


def test_automated_true_written_by_hand_without_automation_is_a_located_error(
        tmp_path: Path) -> None:
    root = mts(tmp_path)
    assert run("done", "feature-schema", "-e", "notebooks/schema.ipynb", cwd=root).code == 0
    path = root / "lifecycle/01-data.yaml"
    text = path.read_text()
    path.write_text(text.replace("      - notebooks/schema.ipynb\n",
                                 "      - notebooks/schema.ipynb\n    automated: true\n", 1))
    result = run("check", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines()[0].startswith(
        "lifecycle/01-data.yaml:31:16: error[MLC136]: item 'feature-schema': `automated: "
        "true`, but none of its evidence is automation that exists in the project")
    assert points(root, "feature-schema") == 0.5
    # An open item carrying the flag (a team playbook's old definition copy) is not judged.
    path.write_text(text.replace("    status: done\n", "    status: todo\n", 1)
                    .replace("      - notebooks/schema.ipynb\n",
                             "      - notebooks/schema.ipynb\n    automated: true\n", 1))
    assert run("check", cwd=root).code == 0


def test_a_team_playbook_that_sets_automated_in_a_definition_still_loads(
        tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(Path(__file__).resolve().parents[2] / "phases" / "ml-test-score", book)
    data = book / "data.yaml"
    text = data.read_text()
    at = text.index("\n", text.index("    section:", text.index("  - id: feature-schema"))) + 1
    data.write_text(text[:at] + "    automated: true\n" + text[at:])
    root = tmp_path / "t"
    with init_date():
        assert run("init", root, "--no-input", "--playbook", book, *MTS_TEAM).code == 0
    assert "automated:" not in (root / "lifecycle/01-data.yaml").read_text()
    result = run("check", cwd=root)
    assert (result.code, result.err) == (0, "")


def test_a_directory_of_evidence_changes_when_a_file_is_added(tmp_path: Path) -> None:
    root = tmp_path / "p"
    with init_date():
        assert run("init", root, "--no-input", "--name", "P", "--team", "pm=Ana Ruiz",
                   "--team", "mlm=Dee Park", "--team", "ds=Bo Li").code == 0
    (root / "results").mkdir()
    (root / "results/run-1.md").write_text("# Run 1\n\nAUC 0.81 on the holdout.\n")
    (root / FRAMING).write_text("# Framing\n\nWe predict churn within 30 days.\n")
    for item in PROBLEM:
        evidence = "results" if item == "problem-to-model" else FRAMING
        assert run("done", item, "-e", evidence, cwd=root).code == 0, item
    assert run("advance", "--by", "Dee Park", cwd=root).code == 0
    assert run("reopen", "problem", "--reason", "leak", "--reset", "problem-to-model",
               "--cascade", "--by", "Dee Park", cwd=root).code == 0
    result = run("done", "problem-to-model", cwd=root)
    assert result.code == 0
    assert "'results' unchanged since" in result.err.splitlines()[0]
    (root / "results/run-2.md").write_text("# Run 2\n\nAUC 0.74 without the leaky column.\n")
    result = run("check", "--strict-evidence", cwd=root)
    assert "problem-to-model" not in result.out


def test_url_evidence_is_not_recorded_and_never_stale(tmp_path: Path) -> None:
    root = tmp_path / "p"
    url = "https://wiki.example.com/framing"
    with init_date():
        assert run("init", root, "--no-input", "--name", "P", "--team", "pm=Ana Ruiz",
                   "--team", "mlm=Dee Park", "--team", "ds=Bo Li").code == 0
    (root / FRAMING).write_text("# Framing\n\nWe predict churn within 30 days.\n")
    for item in PROBLEM:
        evidence = url if item == "problem-to-model" else FRAMING
        assert run("done", item, "-e", evidence, cwd=root).code == 0, item
    assert run("advance", "--by", "Dee Park", cwd=root).code == 0
    assert run("reopen", "problem", "--reason", "leak", "--reset", "problem-to-model",
               "--cascade", "--by", "Dee Park", cwd=root).code == 0
    assert block(root, "problem-to-model", "success-metrics").endswith(
        "    reopened:\n      date: 2027-01-10\n\n")
    result = run("done", "problem-to-model", cwd=root)
    assert (result.code, result.err) == (0, "")


def test_diff_lists_automated_with_the_item_state(tmp_path: Path) -> None:
    import subprocess

    root = mts(tmp_path)
    env = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com",
           "PATH": os.environ["PATH"], "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    git("init", "-q")
    assert run("done", "feature-schema", "-e", TEST_FILE, cwd=root).code == 0
    git("add", "-A")
    git("commit", "-qm", "by hand")
    assert run("done", "feature-schema", "--automated", cwd=root).code == 0
    result = run("diff", "--base", "HEAD", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[2:] == ["Item changes:", "   data/feature-schema: automated"]


def test_advance_says_which_gates_close_on_unchanged_evidence(tmp_path: Path) -> None:
    root = reopened(tmp_path)
    assert run("done", "problem-to-model", "feasibility-and-cost", cwd=root).code == 0
    result = run("advance", "--by", "Dee Park", cwd=root)
    assert (result.code, result.out) == (0, "advanced: problem -> data (by Dee Park, "
                                            "2027-01-10)\n")
    assert result.err.splitlines()[0] == WARNING.format(level="warning", code="MLC165")
    assert len(result.err.splitlines()) == 2
