"""The ML Test Score against hand-computed tables.

Projects are made with ``mlcycle init`` on the built-in ml-test-score playbook
and moved with ``mlcycle done``: the tests in ``AUTOMATED`` with ``--automated``
when their evidence is automation (``automated`` is item state, issue 22).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.cli import run

from mlcycle.judge.automation import automation_evidence

TEAM = ["--team", "tl=Ana", "--team", "ds=Bo", "--team", "de=Cy", "--team", "mle=Di",
        "--team", "sre=Ed"]
AUTOMATED = ("feature-schema", "model-specs-reviewed", "training-reproducible",
             "input-data-invariants", "training-serving-skew")
DOC = "# Results\n\nMeasured and written down.\n"


def project(tmp_path: Path, done: dict[str, str]) -> Path:
    """A project on the built-in playbook with each item of ``done`` done with that
    evidence; the ``AUTOMATED`` ones whose evidence is automation with --automated."""
    root = tmp_path / "p"
    made = run("init", root, "--no-input", "--playbook", "ml-test-score", *TEAM)
    assert made.code == 0, made
    for item, evidence in done.items():
        path = root / evidence
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DOC)
        flag = ["--automated"] if item in AUTOMATED and automation_evidence(evidence) else []
        result = run("done", item, "--evidence", evidence, *flag, cwd=root)
        assert result.code == 0, result
    return root


WEAK_MONITORING = {
    # Data: 1 + 0.5 + 0.5 = 2
    "feature-schema": ".github/workflows/schema.yml",  # automated, CI workflow: 1
    "features-beneficial": "docs/data/importance.md",  # 0.5
    "feature-cost": "tests/test_cost.py",  # a test file, but not `automated`: 0.5
    # Model: 1 + 0.5 + 0.5 + 0.5 = 2.5
    "model-specs-reviewed": ".github/workflows/review.yaml",
    "offline-online-correlation": "docs/model/correlation.md",
    "hyperparameters-tuned": "docs/model/tuning.md",
    "simpler-model-not-better": "docs/model/baseline.md",
    # Infrastructure: 1 + 0.5 = 1.5
    "training-reproducible": "tests/test_reproducible.py",
    "model-specs-unit-tested": "docs/infrastructure/unit.md",
    # Monitoring: the evidence is a document, so done by hand: 0.5 -> final 0.5
    "input-data-invariants": "docs/monitoring/invariants.md",
}


def test_one_weak_section_sets_the_final_score(tmp_path: Path) -> None:
    root = project(tmp_path, WEAK_MONITORING)
    result = run("score", cwd=root)
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[0] == "ML Test Score of p (playbook ml-test-score 1.0.0)"
    heads = [line for line in lines if not line.startswith(" ") and ": " in line]
    assert heads == [
        "Data: 2 (1 automated, 2 by hand, 4 not done)",
        "Model: 2.5 (1 automated, 3 by hand, 3 not done)",
        "Infrastructure: 1.5 (1 automated, 1 by hand, 5 not done)",
        "Monitoring: 0.5 (0 automated, 1 by hand, 6 not done)",
        "Final score: 0.5 (the lowest section; section Monitoring holds it down)",
        "Band (0, 1]: barely tested: expect serious gaps in reliability",
    ]
    width = len("quality-validated-before-serving")
    assert f"    1  {'feature-schema':<{width}}  automated: .github/workflows/schema.yml" in lines
    assert (f"  0.5  {'feature-cost':<{width}}  done by hand, results documented") in lines
    assert f"  0.5  {'input-data-invariants':<{width}}  done by hand, results documented" in lines

    data = json.loads(run("score", "--format", "json", cwd=root).out)
    assert data["sections"] == [{"section": "Data", "score": 2.0},
                                {"section": "Model", "score": 2.5},
                                {"section": "Infrastructure", "score": 1.5},
                                {"section": "Monitoring", "score": 0.5}]
    assert (data["final"], data["weakest"], data["band"]["range"]) == (0.5, ["Monitoring"],
                                                                       "(0, 1]")
    points = {t["item"]: t["points"] for t in data["tests"]}
    assert points["input-data-invariants"] == 0.5  # a document: done by hand
    assert points["training-reproducible"] == 1.0
    assert sum(points.values()) == 6.5 and len(points) == 28


def test_min_score_fails_naming_the_weakest_section(tmp_path: Path) -> None:
    root = project(tmp_path, WEAK_MONITORING)
    assert run("check", "--min-score", "0.5", cwd=root).code == 0
    result = run("check", "--min-score", "1", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines()[0] == (
        "lifecycle/04-monitoring.yaml:17:14: error[MLC128]: ML Test Score 0.5 is below "
        "--min-score 1: section Monitoring holds it down (Data 2, Model 2.5, Infrastructure "
        "1.5, Monitoring 0.5); its test 'dependency-change-notification' scores 0: not done "
        "(status: todo)")


def test_a_balanced_project_reaches_the_band_above(tmp_path: Path) -> None:
    done = {
        "feature-schema": ".github/workflows/a.yml", "features-beneficial": "docs/data/b.md",
        "model-specs-reviewed": ".github/workflows/c.yml", "offline-online-correlation":
        "docs/model/d.md", "training-reproducible": "tests/test_e.py",
        "model-specs-unit-tested": "docs/infrastructure/f.md",
        "input-data-invariants": "dags/invariants.py", "training-serving-skew":
        "jobs/skew.cron",
    }
    data = json.loads(run("score", "--format", "json", cwd=project(tmp_path, done)).out)
    assert [s["score"] for s in data["sections"]] == [1.5, 1.5, 1.5, 2.0]
    assert (data["final"], data["weakest"], data["band"]["range"]) == (
        1.5, ["Data", "Model", "Infrastructure"], "(1, 2]")


def test_a_fresh_project_scores_zero_in_every_format(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    md = run("score", "--format", "markdown", cwd=root).out
    assert md.startswith("## ML Test Score: 0\n\n| Section | Score | Automated (1) | By hand "
                         "(0.5) | Not done (0) |\n|---|---|---|---|---|\n| Data | 0 | 0 | "
                         "0 | 7 |\n")
    assert "Band 0: a research project rather than a production system" in md


def test_no_section_no_score(tmp_path: Path) -> None:
    assert run("init", tmp_path / "p", "--no-input").code == 0
    result = run("score", cwd=tmp_path / "p")
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines()[0] == (
        "mlcycle.yaml:9:3: error[MLC070]: no item of this project has a `section`: the ML Test "
        "Score scores the items of the ml-test-score playbook (or any item with section Data, "
        "Model, Infrastructure or Monitoring); add them to this project with `mlcycle overlay "
        "add ml-test-score`")
    result = run("check", "--min-score", "1", cwd=tmp_path / "p")
    assert result.code == 2
    assert "error[MLC070]: --min-score: no item of this project has a `section`" in result.err
    result = run("check", "--min-score", "-1", cwd=tmp_path / "p")
    assert result.code == 2
    assert result.err.splitlines()[0] == ("<command line>: error[MLC031]: --min-score -1: "
                                          "expected a number from 0 up (the ML Test Score is 0 "
                                          "or more)")


@pytest.mark.parametrize(("path", "automation"), [
    (".github/workflows/eval.yml", True), (".github/workflows/mlcycle.yml", False),
    ("tests/test_model.py", True), ("src/model_test.py", True), ("web/app.spec.ts", True),
    ("dags/retrain.py", True), ("ops/retrain.cron", True), (".gitlab-ci.yml", True),
    ("docs/model/card.md", False), ("https://ci.example.com/job/1", False),
    ("notebooks/testing.ipynb", False),
])
def test_what_counts_as_automation_evidence(path: str, automation: bool) -> None:
    assert automation_evidence(path) is automation
