"""The built-in playbooks' metric and parity checks (issue 12; the product's on
its primary metric since 3.0.0, issue 21): their document stubs explain the
files the checks read, the stubs' example scripts write exactly those files,
and a project on the 1.0.0 release upgrades with its state kept. Every
project is a real `init` (or the committed 1.0.0 rendering in
tests/fixtures/old/), driven through the CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import FIXTURES, init_project

TODAY = "2026-12-01"


# The product's model gates read the project's primary metric (product 3.0.0).
PRIMARY = "precision_at_50>=0.30"


def init(tmp_path: Path, playbook: str) -> Path:
    primary = ["--primary-metric", PRIMARY] if playbook == "product" else []
    # dated 2026-12-01, the TODAY of these tests
    return init_project(tmp_path / playbook, "--playbook", playbook, "--team", "pm=Ana",
                        "--team", "mlm=Bo", "--team", "ds=Cy", *primary, dated=True)


def script_of(stub: Path) -> str:
    """The Python example in a stub's "What the evaluation jobs write"."""
    text = stub.read_text(encoding="utf-8")
    match = re.search(r"### What the evaluation jobs write\n.*?```python\n(.*?)```\n", text, re.S)
    assert match, f"no example script in {stub}"
    return match.group(1)


def run_script(root: Path, script: str) -> None:
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def metric_verdicts(root: Path, *scope: str) -> dict[str, str]:
    result = run("check", root, *scope, "--format", "json", "--today", TODAY)
    assert result.code in (0, 1), result.err
    return {f"{m['item']}/{m['id']}": m["verdict"] for m in json.loads(result.out)["metrics"]}


# What each built-in check reads, as the playbook says (the stubs are built from it).
PRODUCT_STUBS = {
    "docs/quality/offline-evaluation.md": [
        "| `model-accuracy` | primary-parity (parity) | `reports/eval.json` `/precision_at_50` "
        "vs `reports/prod-eval.json` `/precision_at_50` | experiment and production differ by "
        "at most the larger of 0.005 and 1% of production, either way |",
        "| `offline-evaluation` | primary-at-floor (metric) | `reports/eval.json` "
        "`/precision_at_50` | at least the primary metric's floor (0.3) |",
        "| `offline-evaluation` | beats-baseline (metric) | `reports/eval.json` "
        "`/precision_at_50` | above the number at reports/baseline-eval.json "
        "/precision\\_at\\_50 |",
        "| `offline-evaluation` | positive-lift (metric) | `reports/offline-impact.json` "
        "`/estimated_lift` | above 0 |",
    ],
    "docs/online/ab-test-plan.md": [
        "| `ab-test-significance` | planned-sample-reached (metric) | `reports/ab-test.json` "
        "`/sample_ratio` | at least 1 |",
        "| `ab-test-significance` | primary-effect-beyond-zero (metric) | "
        "`reports/ab-test.json` `/effect/ci_low` | above 0: the whole confidence interval of "
        "the effect lies beyond zero, on the better side |",
        "| `ab-test-significance` | guardrails-held (metric) | `reports/ab-test.json` "
        "`/guardrails_breached` | exactly 0 |",
    ],
    "docs/online/rollout-plan.md": [
        "| `staged-rollout` | segments-on-target (metric) | `reports/rollout.json` "
        "`/segments_below_target` | exactly 0 |",
    ],
    "docs/operations/runbook.md": [
        "| `drift-monitoring` | feature-drift (metric) | `reports/drift.json` `/max_psi` | "
        "below 0.2 |",
        "| `retraining` | retrained-primary-parity (parity) | `reports/eval.json` "
        "`/precision_at_50` vs `reports/prod-eval.json` `/precision_at_50` | experiment and "
        "production differ by at most the larger of 0.005 and 1% of production, either way |",
    ],
}

# Numbers an evaluation job might compute, put where the stubs' scripts say None.
GOOD = {"'accuracy': None": "'accuracy': 0.912",
        "'precision_at_50': None": "'precision_at_50': 0.412",
        "'estimated_lift': None":
        "'estimated_lift': 0.021", "'sample_ratio': None": "'sample_ratio': 1.02",
        "'guardrails_breached': None": "'guardrails_breached': 0",
        "'segments_below_target': None": "'segments_below_target': 0",
        "'max_psi': None": "'max_psi': 0.08",
        "'ci_low': None": "'ci_low': 0.004"}


def filled_product(script: str) -> str:
    """A product stub's sketch filled: the baseline's number is written after the
    model's, so the baseline file gets its own (lower) precision."""
    baseline = "write('reports/baseline-eval.json', {'precision_at_50': None})"
    return filled(script.replace(baseline, baseline.replace("None", "0.305")))


def filled(script: str, **override: str) -> str:
    for placeholder, number in {**GOOD, **override}.items():
        script = script.replace(placeholder, number)
    assert "None" not in script, script
    return script


def test_product_stubs_list_every_check_of_their_items(tmp_path: Path) -> None:
    root = init(tmp_path, "product")
    for stub, rows in PRODUCT_STUBS.items():
        lines = (root / stub).read_text(encoding="utf-8").splitlines()
        table = [line for line in lines if line.startswith("| `")]
        assert table == rows, stub
    # Each stub with such checks names the project's declared primary metric.
    assert ("Some of these checks read the project's primary metric, declared in\n"
            "`mlcycle.yaml`: `precision_at_50>=0.3` (higher is\nbetter).") in (
        root / "docs/quality/offline-evaluation.md").read_text(encoding="utf-8")
    # The A/B paragraph (what `effect` holds) only where the A/B check reads it.
    assert [stub for stub in PRODUCT_STUBS
            if "For the A/B test, `effect` holds" in (root / stub).read_text()] == [
        "docs/online/ab-test-plan.md"]
    # A stub whose items have no check says nothing about metrics.
    assert "Metric checks" not in (root / "docs/quality/qa-signoff.md").read_text()


def test_product_checks_fail_until_the_jobs_write_their_files(tmp_path: Path) -> None:
    root = init(tmp_path, "product")
    result = run("check", root, "--phase", "quality", "--today", TODAY)
    assert result.code == 1
    status = (root / "lifecycle/05-quality.yaml").read_text(encoding="utf-8").splitlines()

    def line_of(text: str, after: str) -> int:
        return status.index(text, status.index(after)) + 1

    parity = "      - id: primary-parity"
    missing_eval = ("metrics file 'reports/eval.json' does not exist (run the job that writes "
                    "it, and commit the file)")
    assert [line for line in result.out.splitlines() if "MLC122" in line] == [
        f"lifecycle/05-quality.yaml:{line_of('          file: reports/eval.json', parity)}:17: "
        "error[MLC122]: item 'model-accuracy': parity 'primary-parity': experiment: "
        + missing_eval,
        f"lifecycle/05-quality.yaml:{line_of('          file: reports/prod-eval.json', parity)}"
        ":17: error[MLC122]: item 'model-accuracy': parity 'primary-parity': production: "
        "metrics file 'reports/prod-eval.json' does not exist (run the job that writes it, and "
        "commit the file)",
        f"lifecycle/05-quality.yaml:"
        f"{line_of('        file: reports/eval.json', '      - id: primary-at-floor')}:15: "
        "error[MLC122]: item 'offline-evaluation': metric 'primary-at-floor': " + missing_eval,
        f"lifecycle/05-quality.yaml:"
        f"{line_of('        file: reports/eval.json', '      - id: beats-baseline')}:15: "
        "error[MLC122]: item 'offline-evaluation': metric 'beats-baseline': " + missing_eval,
        f"lifecycle/05-quality.yaml:"
        f"{line_of('        file: reports/offline-impact.json', '      - id: positive-lift')}:15: "
        "error[MLC122]: item 'offline-evaluation': metric 'positive-lift': metrics file "
        "'reports/offline-impact.json' does not exist (run the job that writes it, and commit "
        "the file)",
    ]


def test_product_stub_scripts_write_what_every_check_reads(tmp_path: Path) -> None:
    root = init(tmp_path, "product")
    for stub in PRODUCT_STUBS:
        run_script(root, filled_product(script_of(root / stub)))
    verdicts = metric_verdicts(root, "--all")
    assert verdicts == {
        "model-accuracy/primary-parity": "pass", "offline-evaluation/primary-at-floor": "pass",
        "offline-evaluation/beats-baseline": "pass", "offline-evaluation/positive-lift": "pass",
        "ab-test-significance/planned-sample-reached": "pass",
        "ab-test-significance/primary-effect-beyond-zero": "pass",
        "ab-test-significance/guardrails-held": "pass",
        "staged-rollout/segments-on-target": "pass", "drift-monitoring/feature-drift": "pass",
        "retraining/retrained-primary-parity": "pass"}
    assert json.loads((root / "reports/eval.json").read_text()) == {"precision_at_50": 0.412}
    assert json.loads((root / "reports/baseline-eval.json").read_text()) == {
        "precision_at_50": 0.305}


@pytest.mark.parametrize(("production", "word"), [("0.371", "drop"), ("0.453", "jump")])
def test_product_parity_fails_in_either_direction(tmp_path: Path, production: str,
                                                  word: str) -> None:
    root = init(tmp_path, "product")
    run_script(root, filled_product(script_of(root / "docs/quality/offline-evaluation.md")))
    (root / "reports/prod-eval.json").write_text(f'{{"precision_at_50": {production}}}\n')
    result = run("check", root, "--phase", "quality", "--today", TODAY)
    assert result.code == 1
    status = (root / "lifecycle/05-quality.yaml").read_text(encoding="utf-8").splitlines()
    line = status.index("      - id: primary-parity") + 1
    diff, share = {"drop": ("0.041", "11%"), "jump": ("0.041", "9.1%")}[word]
    assert (f"lifecycle/05-quality.yaml:{line}:9: error[MLC120]: item 'model-accuracy': parity "
            f"'primary-parity': experiment 0.412 (reports/eval.json /precision_at_50) vs "
            f"production {production} (reports/prod-eval.json /precision_at_50): |diff| {diff} "
            f"({share}) > max(abs 0.005, rel 1% of {production})") in result.out.splitlines()


def test_five_phase_model_accuracy_has_its_parity_check(tmp_path: Path) -> None:
    root = init(tmp_path, "five-phase")
    stub = root / "docs/productionization/test-cases.md"
    assert ("| `model-accuracy` | accuracy-parity (parity) | `reports/eval.json` `/accuracy` vs "
            "`reports/prod-eval.json` `/accuracy` | experiment and production differ by at most "
            "the larger of 0.005 and 1% of production, either way |"
            in stub.read_text(encoding="utf-8").splitlines())
    assert metric_verdicts(root, "--phase", "quality") == {
        "model-accuracy/accuracy-parity": "error"}
    run_script(root, filled(script_of(stub)))
    assert metric_verdicts(root, "--phase", "quality") == {
        "model-accuracy/accuracy-parity": "pass"}


# --- projects on the 1.0.0 releases upgrade with their state kept ----------------------


def old_project(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / "old" / name, root)
    return root


def item_chunk(text: str, item_id: str) -> str:
    match = re.search(rf"^  - id: {re.escape(item_id)}\n.*?(?=^  - id: |\Z)", text, re.S | re.M)
    assert match, item_id
    return match.group(0)


QUALITY_STATE = ("    status: todo\n    owner:\n",
                 "    status: done  # parity looked fine by eye\n    owner: Cy\n"
                 "    evidence:\n      - docs/quality/offline-evaluation.md\n"
                 "    # re-run after the feature fix\n    notes: first pass\n")


@pytest.mark.parametrize(("name", "status_file"), [
    ("product-1.0.0", "lifecycle/05-quality.yaml"),
    ("five-phase-1.0.0", "lifecycle/05-quality.yaml"),
])
def test_a_1_0_0_project_upgrades_to_the_current_release_with_its_state_kept(
        tmp_path: Path, name: str, status_file: str) -> None:
    # 1.0.0 had no metric checks; an upgrade moves to the release mlcycle ships
    # (product 3.1.0, whose checks read the primary metric; five-phase 2.0.0).
    root = old_project(tmp_path, name)
    playbook = name.removesuffix("-1.0.0")
    current = {"product": "3.1.0", "five-phase": "2.0.0"}[playbook]
    parity = "primary-parity" if playbook == "product" else "accuracy-parity"
    key = "\n            primary: true" if playbook == "product" else " /accuracy"
    path = root / status_file
    text = path.read_text(encoding="utf-8")
    chunk = item_chunk(text, "model-accuracy")
    assert QUALITY_STATE[0] in chunk
    stated = chunk.replace(QUALITY_STATE[0], QUALITY_STATE[1], 1)
    path.write_text(text.replace(chunk, stated), encoding="utf-8")
    assert run("validate", root).code == 0
    untouched = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()
                 and p.name not in ("mlcycle.yaml", "LIFECYCLE.md") and "lifecycle" not in p.parts}

    check = run("upgrade", root, "--check")
    assert (check.code, check.out) == (
        1, f"{playbook}@1.0.0 -> {playbook}@{current} available (mlcycle upgrade)\n")
    result = run("upgrade", root, "--today", TODAY, "--by", "Ana")
    assert result.code == 0, result.err
    first = result.out.splitlines()[0]
    assert first.startswith(f"upgrade {playbook}@1.0.0 -> {playbook}@{current}")
    # What a reviewer must see: each check that can reopen a closed item.
    changes = result.out.split("definition changes (")[1].split("\n\n")[0].splitlines()[1:]
    assert changes == ([
        "  integration-scalable: profiles: all -> production",
        "  integration-reliable: profiles: all -> pilot, production",
        "  model-accuracy: description changed; parity check primary-parity added",
        "  offline-evaluation: description changed; metric check primary-at-floor added; "
        "metric check beats-baseline added; metric check positive-lift added",
        "  ab-test-design: profiles: all -> pilot, production",
        "  live-dashboards: profiles: all -> pilot, production",
        "  rollback-switch: profiles: all -> pilot, production",
        "  ab-test-significance: description changed; profiles: all -> pilot, production; "
        "metric check planned-sample-reached added; metric check primary-effect-beyond-zero "
        "added; metric check guardrails-held added",
        "  staged-rollout: profiles: all -> production; metric check segments-on-target added",
        "  ownership-and-on-call: profiles: all -> production",
        "  prediction-logging: profiles: all -> pilot, production",
        "  drift-monitoring: profiles: all -> pilot, production; metric check feature-drift "
        "added",
        "  retraining: description changed; recurs every 90d; profiles: all -> production; "
        "parity check retrained-primary-parity added",
        "  impact-review: description changed; recurs every 90d; profiles: all -> pilot, "
        "production",
        "  improvement-backlog: profiles: all -> pilot, production",
    ] if playbook == "product" else ["  model-accuracy: parity check accuracy-parity added"])

    after = item_chunk(path.read_text(encoding="utf-8"), "model-accuracy")
    state = stated[stated.index("    status:"):]
    assert after.endswith(state), after  # the state, comments and all, byte for byte
    assert (f"    parity:\n      - id: {parity}\n        experiment:\n"
            f"          file: reports/eval.json\n          key:{key}\n"
            "        production:\n          file: reports/prod-eval.json\n"
            f"          key:{key}\n        tolerance:\n          abs: 0.005\n"
            "          rel: 0.01\n") in after
    pinned = (root / "mlcycle.yaml").read_text(encoding="utf-8")
    assert f"playbook:\n  name: {playbook}\n  version: {current}\n" in pinned
    assert {p: p.read_bytes() for p in untouched} == untouched  # docs are the team's own
    assert run("validate", root).code == 0
    assert run("upgrade", root, "--check").code == 0
    if playbook == "product":  # its checks need the primary metric declared (MLC045)
        assert run("metric", "set", PRIMARY, "--today", TODAY, "--by", "Ana", "-C",
                   root).code == 0
    # The done gate is no longer closed: its parity check has no numbers yet.
    verdicts = metric_verdicts(root, "--phase", "quality")
    assert verdicts[f"model-accuracy/{parity}"] == "error"


# --- a team's own checks: the stub follows the playbook, whatever its keys ------------


def test_a_forked_checks_stub_follows_its_own_keys_and_formats(tmp_path: Path) -> None:
    playbook = tmp_path / "pb"
    shutil.copytree(FIXTURES / "playbooks" / "metrics", playbook)
    model = playbook / "model.yaml"
    text = model.read_text(encoding="utf-8")
    text = text.replace("purpose: A model that beats the baseline.\n",
                        "purpose: A model that beats the baseline.\ndocs:\n"
                        "  - path: docs/model/eval.md\n    title: Evaluation\n"
                        "    template: offline-evaluation.md.j2\n")
    text = text.replace("    evidence_required: true\n    metrics:\n",
                        "    evidence_required: true\n    doc: docs/model/eval.md\n    metrics:\n")
    # A key with a '/', a '~', a backtick and a pipe, and a list index.
    text = text.replace("production: {file: reports/prod-eval.json, key: /accuracy}",
                        "production: {file: reports/prod-eval.json, key: [\"acc/`top|1`~\", 0]}")
    model.write_text(text, encoding="utf-8")
    root = tmp_path / "p"
    result = run("init", root, "--no-input", "--playbook", playbook, "--team", "ds=Cy")
    assert result.code == 0, result.err
    stub = (root / "docs/model/eval.md").read_text(encoding="utf-8")
    assert [line for line in stub.splitlines() if line.startswith("| `")] == [
        "| `baseline` | auc-floor (metric) | `reports/eval.json` `/eval/auc` | at least 0.8 |",
        "| `baseline` | loss-band (metric) | `reports/eval.yaml` `/eval/val~1loss` | between 0.1 "
        "and 1 (min inclusive, max exclusive) |",
        "| `baseline` | latency (metric) | `reports/serve.toml` `/latency/p99_ms` | below 250 |",
        "| `baseline` | accuracy-parity (parity) | `reports/eval.json` `/accuracy` vs "
        "`reports/prod-eval.json` /acc\\~1\\`top\\|1\\`\\~0/0 | experiment and production differ "
        "by at most the larger of 0.005 and 1% of production, either way |",
    ]
    script = script_of(root / "docs/model/eval.md")
    assert "write('reports/eval.json', {'eval': {'auc': None}, 'accuracy': None})" in script
    assert "write('reports/eval.yaml', {'eval': {'val/loss': None}})" in script
    assert "write('reports/prod-eval.json', {'acc/`top|1`~': [None]})" in script
    assert "# 'reports/serve.toml' is TOML: write this mapping with a TOML library" in script
    # The sketch, filled in, writes what the checks read (the TOML file aside).
    run_script(root, script.replace("{'auc': None}", "{'auc': 0.9}")
               .replace("'accuracy': None", "'accuracy': 0.9")
               .replace("{'val/loss': None}", "{'val/loss': 0.5}").replace("[None]", "[0.9]")
               .replace("report = {'latency': {'p99_ms': None}}", ""))
    assert metric_verdicts(root, "--all") == {
        "baseline/auc-floor": "pass", "baseline/loss-band": "pass", "baseline/latency": "error",
        "baseline/accuracy-parity": "pass"}


def test_markdown_code_spans_show_ids_verbatim(tmp_path: Path) -> None:
    # Inside a code span Markdown shows a backslash as it is: `auc\_floor` would
    # print the backslash, so ids in code spans are never Markdown-escaped.
    playbook = tmp_path / "pb"
    shutil.copytree(FIXTURES / "playbooks" / "metrics", playbook)
    model = playbook / "model.yaml"
    model.write_text(model.read_text(encoding="utf-8").replace("id: auc-floor", "id: auc_floor"),
                     encoding="utf-8")
    root = tmp_path / "p"
    assert run("init", root, "--no-input", "--playbook", playbook, "--team", "ds=Cy").code == 0
    result = run("check", root, "--all", "--format", "markdown", "--today", TODAY)
    assert result.code == 1
    rows = [line for line in result.out.splitlines() if line.startswith("| `baseline` metric")]
    assert rows[0].startswith("| `baseline` metric `auc_floor` | — | \\>= 0.8 |"), rows
