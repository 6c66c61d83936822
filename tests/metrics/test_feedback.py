"""Feedback where the numbers change (issue 21): a `done` whose own numbers
fail is an error in any phase, `done` refuses it, an open item's failing
numbers are warnings of the current phase, and `status`, annotations and
`diff --base` say which number and why.

Projects are real `init`s of the metrics fixture playbook, moved to the model
phase with the CLI (waivers for the earlier gates, `advance`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers.cli import run
from helpers.git import git
from helpers.project import FIXTURES, init_date, snapshot

GOOD = {
    "reports/eval.json": '{"eval": {"auc": 0.85, "acc": 0.9}, "accuracy": 0.912}\n',
    "reports/eval.yaml": "eval:\n  val/loss: 0.4\n",
    "reports/serve.toml": "[latency]\np99_ms = 120\n",
    "reports/prod-eval.json": '{"accuracy": 0.915}\n',
}
LOW = {"reports/prod-eval.json": '{"accuracy": 0.886}\n'}  # 3% below the experiment
MODEL = "lifecycle/03-model.yaml"
PARITY_LINE = ("item 'baseline': parity 'accuracy-parity': experiment 0.912 (reports/eval.json "
               "/accuracy) vs production 0.886 (reports/prod-eval.json /accuracy): |diff| "
               "0.026 (2.9%) > max(abs 0.005, rel 1% of 0.886)")
TODAY = ("--today", "2026-12-06")


def write(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)


def project(tmp_path: Path, phase: str = "model") -> Path:
    book = tmp_path / "pb"
    shutil.copytree(FIXTURES / "playbooks" / "metrics", book)
    root = tmp_path / "p"
    with init_date():  # 2026-12-01, before TODAY whatever day the suite runs
        assert run("init", root, "--no-input", "--playbook", book, "--team", "pm=Ana",
                   "--team", "ds=Bo").code == 0
    write(root, GOOD)
    if phase == "model":
        for item, by in (("problem", "Ana"), ("sources", "Bo")):
            assert run("waive", item, "--reason", "r", "--by", by, "--until", "2099-01-01",
                       *TODAY, cwd=root).code == 0
        for _ in range(2):
            assert run("advance", "--by", "Ana", *TODAY, cwd=root).code == 0
    return root


def test_done_refuses_while_a_check_fails_and_prints_it(tmp_path: Path) -> None:
    root = project(tmp_path)
    write(root, LOW)
    before = snapshot(root)
    result = run("done", "baseline", "-e", "reports/eval.json", *TODAY, cwd=root)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        f"{MODEL}:40:9: error[MLC120]: {PARITY_LINE}",
        "mlcycle done refused: it would leave 1 error (listed above); nothing written",
        "to fix MLC120: find out why production differs from the experiment; change the "
        "tolerance in the playbook only when the difference is understood",
    ]
    assert snapshot(root) == before
    result = run("set", "baseline", "done", "-e", "reports/eval.json", *TODAY, cwd=root)
    assert result.code == 1
    assert result.err.splitlines()[0] == f"{MODEL}:40:9: error[MLC120]: {PARITY_LINE}"
    assert snapshot(root) == before


def test_an_open_item_of_the_current_phase_warns_with_its_numbers(tmp_path: Path) -> None:
    root = project(tmp_path)
    write(root, LOW)
    result = run("check", *TODAY, cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        f"{MODEL}:40:9: warning[MLC153]: {PARITY_LINE}",
        "mlcycle check: passed: 2 of 2 gates closed (phases before the current phase 'model': "
        "frame, data); 0 errors, 1 warning, 0 notes",
    ]


def test_a_done_item_whose_numbers_fail_is_an_error_in_any_phase(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert run("done", "baseline", "-e", "reports/eval.json", *TODAY, cwd=root).code == 0
    write(root, LOW)  # the pull request that commits the bad numbers
    result = run("check", *TODAY, cwd=root)
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines() == [
        f"{MODEL}:40:9: error[MLC120]: {PARITY_LINE}",
        "mlcycle check: FAILED: 2 of 2 gates closed (phases before the current phase 'model': "
        "frame, data), but 1 error in 1 item; 1 error, 0 warnings, 0 notes",
    ]
    # A phase not judged yet (the project is still framing): the same error.
    early = project(tmp_path / "early", phase="frame")
    assert run("done", "baseline", "-e", "reports/eval.json", *TODAY, cwd=early).code == 0
    write(early, LOW)
    result = run("check", *TODAY, cwd=early)
    assert result.code == 1
    assert result.out.splitlines()[0] == f"{MODEL}:40:9: error[MLC120]: {PARITY_LINE}"


def test_status_says_why_a_gate_is_open(tmp_path: Path) -> None:
    root = project(tmp_path)
    write(root, LOW)
    reason = PARITY_LINE.removeprefix("item 'baseline': ")
    out = run("status", *TODAY, cwd=root).out.splitlines()
    start = out.index("Why gates are open (1)")
    assert out[start:start + 4] == [
        "Why gates are open (1)",
        "- baseline (model) · Baseline · unowned · parity 'accuracy-parity': experiment 0.912",
        "  (reports/eval.json /accuracy) vs production 0.886 (reports/prod-eval.json /accuracy): "
        "|diff| 0.026",
        "  (2.9%) > max(abs 0.005, rel 1% of 0.886)",
    ]
    data = json.loads(run("status", "--format", "json", *TODAY, cwd=root).out)
    assert data["why_open"] == [{
        "phase": "model", "item": "baseline", "title": "Baseline", "status": "todo",
        "owner": None, "due": None, "code": "MLC120", "detail": reason, "waits_on": []}]
    markdown = run("status", "--format", "markdown", *TODAY, cwd=root).out
    assert ("### Why gates are open (1)\n\n| Phase | Item | Title | Owner | Reason | Waits on |\n"
            "|---|---|---|---|---|---|\n| `model` | `baseline` | Baseline | - | "
            "parity 'accuracy-parity': experiment 0.912 (reports/eval.json /accuracy) vs "
            "production 0.886 (reports/prod-eval.json /accuracy): \\|diff\\| 0.026 (2.9%) \\> "
            "max(abs 0.005, rel 1% of 0.886) |  |\n") in markdown
    # A done gate kept open by missing evidence and an open dependency says so too.
    write(root, GOOD)
    assert run("done", "baseline", "-e", "reports/eval.json", *TODAY, cwd=root).code == 0
    (root / "reports/eval.json").unlink()
    data = json.loads(run("status", "--format", "json", *TODAY, cwd=root).out)
    assert [(e["code"], e["detail"]) for e in data["why_open"]] == [
        ("MLC122", "metric 'auc-floor': metrics file 'reports/eval.json' does not exist (run "
                   "the job that writes it, and commit the file)"),
        ("MLC122", "parity 'accuracy-parity': experiment: metrics file 'reports/eval.json' does "
                   "not exist (run the job that writes it, and commit the file)"),
        ("MLC103", "evidence 'reports/eval.json' does not exist"),
    ]
    # Nothing beyond its status keeps a gate open: no section at all.
    fresh = project(tmp_path / "fresh", phase="frame")
    assert "Why gates are open" not in run("status", *TODAY, cwd=fresh).out


def test_github_annotations_point_at_the_number_in_each_metrics_file(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert run("done", "baseline", "-e", "reports/eval.json", *TODAY, cwd=root).code == 0
    write(root, {"reports/prod-eval.json": '{\n  "model": "m",\n  "accuracy": 0.886\n}\n',
                 "reports/serve.toml": "[latency]\np50_ms = 40\np99_ms = 320\n",
                 "reports/eval.yaml": "run: 7\neval:\n  val/loss: 1.5\n"})
    result = run("check", "--format", "github", *TODAY, cwd=root)
    assert result.code == 1
    parity = PARITY_LINE.replace("%", "%25")
    loss = ("item 'baseline': metric 'loss-band': 1.5 (reports/eval.yaml /eval/val~1loss) is "
            "not within 0.1 <= value < 1")
    latency = ("item 'baseline': metric 'latency': 320 (reports/serve.toml /latency/p99_ms) is "
               "not < 250")
    assert result.out.splitlines()[:8] == [
        f"::error file={MODEL},line=26,col=9,title=mlcycle MLC121%3A baseline::{loss}",
        f"::error file={MODEL},line=34,col=9,title=mlcycle MLC121%3A baseline::{latency}",
        f"::error file={MODEL},line=40,col=9,title=mlcycle MLC120%3A baseline::{parity}",
        f"::error file=reports/eval.json,line=1,col=37,title=mlcycle MLC120%3A baseline::{parity}",
        f"::error file=reports/eval.yaml,line=3,col=3,title=mlcycle MLC121%3A baseline::{loss}",
        f"::error file=reports/prod-eval.json,line=3,col=3,title=mlcycle MLC120%3A "
        f"baseline::{parity}",
        f"::error file=reports/serve.toml,line=3,col=1,title=mlcycle MLC121%3A "
        f"baseline::{latency}",
        f"{MODEL}:26:9: error[MLC121]: {loss}",
    ]


# --- the team playbook changes: version policy, weakening, metric deltas ------------


def repo(tmp_path: Path) -> Path:
    """A repository holding the team playbook (pb/) and the project (p/) in
    the model phase, baseline done with good numbers, committed on main; a
    branch 'pr' checked out."""
    root = project(tmp_path)
    assert run("done", "baseline", "-e", "reports/eval.json", *TODAY, cwd=root).code == 0
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "pr")
    return root


def lower_floor(tmp_path: Path, version: str) -> None:
    book = tmp_path / "pb"
    (book / "model.yaml").write_text((book / "model.yaml").read_text().replace(
        "value: 0.80", "value: 0.70"))
    (book / "playbook.yaml").write_text((book / "playbook.yaml").read_text().replace(
        "version: 1.0.0", f"version: {version}"))


def test_upgrade_refuses_a_changed_check_without_a_major_version(tmp_path: Path) -> None:
    root = repo(tmp_path)
    lower_floor(tmp_path, "1.0.1")
    before = snapshot(root)
    result = run("upgrade", *TODAY, cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "../pb/playbook.yaml:2:1: error[MLC056]: version 1.0.1 changes checks of metrics 1.0.0 "
        "(baseline/metric auc-floor) without a new major version; the version policy of "
        "built-in playbooks applies to team playbooks: a changed metric or parity check needs "
        "2.0.0 or later",
        "1 error in 1 file"]
    assert snapshot(root) == before
    # Without a new version at all: MLC040 says both ways out.
    manifest = tmp_path / "pb" / "playbook.yaml"
    manifest.write_text(manifest.read_text().replace("version: 1.0.1", "version: 1.0.0"))
    result = run("check", *TODAY, cwd=root)
    assert result.code == 2
    assert result.err.splitlines()[-1].endswith(
        "differs from playbook metrics 1.0.0 (../pb/); change definitions in the playbook, not "
        "in status files (if you changed the playbook: give it a new version and run `mlcycle "
        "upgrade`)")


def test_check_base_warns_of_a_weakened_gate_and_diff_marks_it(tmp_path: Path) -> None:
    root = repo(tmp_path)
    lower_floor(tmp_path, "2.0.0")
    assert run("upgrade", *TODAY, cwd=root).code == 0
    write(root, {"reports/eval.json": '{"eval": {"auc": 0.75, "acc": 0.9}, "accuracy": 0.912}\n'})
    git(tmp_path, "commit", "-q", "-am", "lower the floor")
    result = run("check", "--base", "main", *TODAY, cwd=root)
    assert (result.code, result.err) == (0, "")
    base = git(tmp_path, "merge-base", "main", "HEAD").strip()[:12]
    floor = ("metric check auc-floor LOOSENED: reports/eval.json /eval/auc >= 0.8 -> "
             "reports/eval.json /eval/auc >= 0.7")
    assert result.out.splitlines() == [
        f"{MODEL}:10:5: warning[MLC154]: item 'baseline': this change weakens it: {floor}; "
        "accountable: ds (Bo)",
        "mlcycle check: passed: 2 of 2 gates closed (phases before the current phase 'model': "
        "frame, data); 0 errors, 1 warning, 0 notes",
        "",
        f"mlcycle diff against {base} (merge base of main and HEAD): 2 lifecycle changes, 1 "
        "metric value changed",
        "",
        "DEFINITION CHANGES:",
        f"!! model/baseline: {floor}",
        "",
        "Playbook:",
        "   playbook: metrics 1.0.0 -> metrics 2.0.0",
        "",
        "Metric values:",
        "   model/baseline: metric 'auc-floor': reports/eval.json /eval/auc: 0.85 -> 0.75 "
        "(-0.1, -12%); >= 0.7: pass -> pass",
    ]
    markdown = run("diff", "--base", "main", "--format", "markdown", *TODAY, cwd=root).out
    assert markdown.split("#### Metric values\n\n")[1] == (
        "| Check | Value | Base | Now | Change | Condition | Verdict |\n"
        "|---|---|---|---|---|---|---|\n"
        "| `baseline` metric 'auc-floor' | `reports/eval.json /eval/auc` | 0.85 | 0.75 | "
        "-0.1, -12% | \\>= 0.7 | pass → pass |\n")
    data = json.loads(run("diff", "--base", "main", "--format", "json", *TODAY, cwd=root).out)
    assert data["metrics"] == [{
        "phase": "model", "item": "baseline", "check": "metric 'auc-floor'", "side": None,
        "file": "reports/eval.json", "key": "/eval/auc", "condition": ">= 0.7",
        "change": 0.75 - 0.85, "old": {"value": 0.85, "verdict": "pass", "source": None},
        "new": {"value": 0.75, "verdict": "pass", "source": None}}]
    assert data["definitions"][0] == {"subject": "model/baseline", "change": floor,
                                      "kind": "definition", "severe": True}


def test_a_waiver_added_is_marked_and_warned(tmp_path: Path) -> None:
    root = repo(tmp_path)
    assert run("waive", "model-card", "--reason", "internal tool", "--by", "Ana", "--until",
               "2027-01-31", *TODAY, cwd=root).code == 0
    result = run("check", "--base", "main", *TODAY, cwd=root)
    assert result.code == 0
    assert result.out.splitlines()[0] == (
        f"{MODEL}:55:5: warning[MLC154]: item 'model-card': this change weakens it: waiver "
        "ADDED: approved by Ana, until 2027-01-31 (internal tool); accountable: pm (Ana)")
    assert "!! model/model-card: waiver ADDED: approved by Ana, until 2027-01-31 (internal " \
        "tool)" in result.out.splitlines()


REPRS = ("MetricRef(", "MetricCheck(", "ParityCheck(", "Tolerance(", "Between(", "Outcome(",
         "Delta(", "Side(", "path None", "=None", "<mlcycle.", "object at 0x")


def test_no_output_shows_a_python_repr(tmp_path: Path) -> None:
    """Every command and format over a project with every kind of check (>=, <,
    between, parity; passing, failing, unreadable) and a weakened gate."""
    root = repo(tmp_path)
    lower_floor(tmp_path, "2.0.0")
    (tmp_path / "pb" / "model.yaml").write_text((tmp_path / "pb" / "model.yaml").read_text()
                                                .replace("abs: 0.005", "abs: 0.05"))
    assert run("upgrade", "--dry-run", *TODAY, cwd=root).code == 0
    assert run("upgrade", *TODAY, cwd=root).code == 0
    write(root, {**LOW, "reports/eval.yaml": "eval: {}\n"})
    (root / "reports" / "serve.toml").unlink()
    runs = [("check", *fmt) for fmt in (("--format", f) for f in
                                        ("text", "json", "junit", "github", "markdown"))]
    runs += [("check", "--base", "main", "--format", f) for f in
             ("text", "json", "junit", "github", "markdown")]
    runs += [("check", "--all"), ("check", "--phase", "model")]
    runs += [("diff", "--base", "main", "--format", f) for f in ("text", "markdown", "json")]
    runs += [("status", "--format", f) for f in ("table", "json", "markdown")]
    runs += [("raci",), ("log",), ("validate",), ("playbooks", "show", "../pb"),
             ("report", "--output", "../report.html"), ("done", "baseline"),
             ("upgrade", "--check"), ("portfolio", ".")]
    seen = 0
    for args in runs:
        result = run(*args, *TODAY, cwd=root)
        assert result.code in (0, 1, 2), (args, result)
        text = result.out + result.err
        if args[0] == "report":
            text += (tmp_path / "report.html").read_text()
        found = [r for r in REPRS if r in text]
        assert not found, (args, found)
        seen += bool(text)
    assert seen == len(runs)
