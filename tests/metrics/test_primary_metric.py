"""The project's primary metric: declared at init or by `metric set`, recorded in
the history, read by product 3.0.0's (and later) gates, flagged by diff when loosened."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.cli import run
from helpers.project import init_project

TODAY = "2030-01-01"
QUALITY = "lifecycle/05-quality.yaml"


def project(tmp_path: Path, *extra: str) -> Path:
    return init_project(tmp_path / "p", "--team", "pm=Ana", "--team", "mlm=Bo", *extra)


def write(root: Path, rel: str, data: object) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(json.dumps(data), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_init_primary_metric_is_declared_and_recorded(tmp_path: Path) -> None:
    root = project(tmp_path, "--primary-metric", "precision_at_50>=0.30")
    text = (root / "mlcycle.yaml").read_text(encoding="utf-8")
    assert ("metrics:\n  primary:\n    name: precision_at_50\n    direction: higher\n"
            "    floor: 0.3\n") in text
    assert "    to_metric: precision_at_50>=0.3\n" in text
    assert run("validate", root).code == 0


def test_init_bad_primary_metric_is_exit_2(tmp_path: Path) -> None:
    result = run("init", tmp_path / "p", "--no-input", "--primary-metric", "auc>0.8")
    assert result.code == 2
    assert result.err == (
        "<command line>: error[MLC031]: --primary-metric: 'auc>0.8' is not a primary metric; "
        "write NAME>=FLOOR when higher is better (precision_at_50>=0.30), NAME<=FLOOR when lower "
        "is better (mae<=12.5)\n")
    assert not (tmp_path / "p").exists()


def test_metric_set_records_history_and_loosening_needs_reason(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = run("metric", "set", "mae<=12.5", "--today", TODAY, "--by", "Ana", "-C", root)
    assert (result.code, result.out) == (0, "primary metric: mae<=12.5 (by Ana, 2030-01-01)\n")
    text = (root / "mlcycle.yaml").read_text(encoding="utf-8")
    assert text.endswith("  - date: 2030-01-01\n    event: metric\n    to: problem\n"
                         "    to_metric: \"mae<=12.5\"\n    by: Ana\nmetrics:\n  primary:\n"
                         "    name: mae\n    direction: lower\n    floor: 12.5\n")
    before = (root / "mlcycle.yaml").read_bytes()
    result = run("metric", "set", "mae<=15", "--today", TODAY, "-C", root)
    assert result.code == 2
    assert result.err == ("<command line>: error[MLC031]: primary metric floor loosened: "
                          "mae<=12.5 -> mae<=15: a loosening needs --reason TEXT (it is recorded "
                          "in the history, and `mlcycle diff` flags it for review)\n")
    assert (root / "mlcycle.yaml").read_bytes() == before
    result = run("metric", "set", "mae<=12.5", "--today", TODAY, "-C", root)
    assert (result.code, result.err) == (1, "mlcycle metric set: the primary metric is already "
                                            "mae<=12.5; nothing written\n")
    # Who sets it answers for it: a person on the team, as for every history entry.
    result = run("metric", "set", "mae<=10", "--today", TODAY, "--by", "Zed", "-C", root)
    assert (result.code, result.err) == (2, "<command line>: error[MLC031]: --by: 'Zed' is not "
                                            "on the team in mlcycle.yaml; add them first with "
                                            "`mlcycle team add ROLE PERSON`\n")
    result = run("metric", "set", "mae<=10", "--today", TODAY, "--by", "Bo", "-C", root)
    assert result.code == 0, result.err
    assert run("validate", root).code == 0


def test_primary_metric_edited_by_hand_is_located(tmp_path: Path) -> None:
    root = project(tmp_path, "--primary-metric", "precision_at_50>=0.30")
    path = root / "mlcycle.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("floor: 0.3", "floor: 0.1"),
                    encoding="utf-8")
    result = run("validate", root)
    assert result.code == 2
    line = line_of(path, "    name: precision_at_50")
    assert result.err == (
        f"mlcycle.yaml:{line}:5: error[MLC046]: metrics.primary: mlcycle.yaml declares "
        "precision_at_50>=0.1, but the history last set precision_at_50>=0.3; change it with "
        "`mlcycle metric set NAME>=FLOOR` (it records the change in the history)\n"
        "1 error in 1 file\n")


def test_undeclared_primary_metric_is_a_located_input_error(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = run("check", root, "--phase", "quality")
    assert result.code == 2
    status = root / QUALITY
    lines = status.read_text(encoding="utf-8").splitlines()
    line = lines.index("          primary: true",
                       lines.index("      - id: primary-at-floor")) + 1  # the key's mapping
    assert (f"{QUALITY}:{line}:11: error[MLC045]: item 'offline-evaluation': metric "
            "'primary-at-floor': refers to the project's primary metric, but mlcycle.yaml "
            "declares none; declare it with `mlcycle metric set 'NAME>=FLOOR'` (or "
            "'NAME<=FLOOR' when lower is better)") in result.err.splitlines()


def test_a_fresh_project_without_a_primary_metric_is_valid_and_viewable(tmp_path: Path) -> None:
    # MLC045 is raised where a gate reading the metric is judged, not at load:
    # `init --no-input` declares none, and the views must not refuse the project.
    root = project(tmp_path)
    assert "metrics:" not in (root / "mlcycle.yaml").read_text(encoding="utf-8")
    for command in ("validate", "status", "next", "check"):
        result = run(command, root)
        assert (result.code, result.err) == (0, ""), command
    assert "MLC045" not in run("status", root, "--format", "json").out


def test_floor_and_baseline_gates_read_the_primary_metric(tmp_path: Path) -> None:
    root = project(tmp_path, "--primary-metric", "precision_at_50>=0.30")
    write(root, "reports/eval.json", {"precision_at_50": 0.25})
    write(root, "reports/baseline-eval.json", {"precision_at_50": 0.28})
    result = run("check", root, "--phase", "quality")
    assert result.code == 1
    status = root / QUALITY
    floor = line_of(status, "      - id: primary-at-floor")
    base = line_of(status, "      - id: beats-baseline")
    lines = result.out.splitlines() + result.err.splitlines()
    assert (f"{QUALITY}:{floor}:9: error[MLC121]: item 'offline-evaluation': metric "
            "'primary-at-floor': 0.25 (reports/eval.json /precision_at_50) is not >= 0.3 (the "
            "floor of primary metric precision_at_50>=0.3)") in lines
    assert (f"{QUALITY}:{base}:9: error[MLC121]: item 'offline-evaluation': metric "
            "'beats-baseline': 0.25 (reports/eval.json /precision_at_50) is not > 0.28 "
            "(reports/baseline-eval.json /precision_at_50)") in lines


def test_ab_gate_needs_the_effect_interval_beyond_zero(tmp_path: Path) -> None:
    root = project(tmp_path, "--primary-metric", "mae<=12.5")
    write(root, "reports/ab-test.json", {"sample_ratio": 1, "guardrails_breached": 0,
                                         "effect": {"ci_low": -0.5, "ci_high": 0.2}})
    result = run("check", root, "--phase", "online")
    assert result.code == 1
    status = root / "lifecycle/06-online.yaml"
    at = line_of(status, "      - id: primary-effect-beyond-zero")
    lines = result.out.splitlines() + result.err.splitlines()
    assert (f"lifecycle/06-online.yaml:{at}:9: error[MLC121]: item 'ab-test-significance': "
            "metric 'primary-effect-beyond-zero': 0.2 (reports/ab-test.json /effect/ci_high) is "
            "not < 0") in lines
    write(root, "reports/ab-test.json", {"sample_ratio": 1, "guardrails_breached": 0,
                                         "effect": {"ci_low": -0.5, "ci_high": -0.1}})
    lines = run("check", root, "--phase", "online").out
    assert "primary-effect-beyond-zero" not in lines


def test_a_2_0_0_project_upgrades_to_3_1_0_with_its_state_kept(tmp_path: Path) -> None:
    import shutil

    from helpers.project import FIXTURES

    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "old" / "product-2.0.0", root)
    path = root / QUALITY
    text = path.read_text(encoding="utf-8")
    chunk = text.split("  - id: code-review\n", 1)[1].split("  - id: ", 1)[0]
    stated = chunk.replace("    status: todo\n    owner:\n", "    status: doing\n    owner: Cy\n"
                           "    notes: first pass\n", 1)
    path.write_text(text.replace(chunk, stated), encoding="utf-8")
    assert run("validate", root).code == 0
    check = run("upgrade", root, "--check")
    assert (check.code, check.out) == (1, "product@2.0.0 -> product@3.1.0 available (mlcycle "
                                          "upgrade)\n")
    result = run("upgrade", root, "--today", TODAY, "--by", "Ana")
    assert result.code == 0, result.err
    # The upgrade brings the first checks that read the metric: it says so.
    assert result.out.endswith(
        "upgraded: product@2.0.0 -> product@3.1.0\nnote: product@3.1.0's checks read the "
        "project's primary metric, which mlcycle.yaml does not declare; declare it with "
        "`mlcycle metric set 'NAME>=FLOOR'` (or 'NAME<=FLOOR' when lower is better)\n")
    # What a reviewer must see: each check added, replaced or removed.
    changes = result.out.split("definition changes (15):\n")[1].split("\n\n")[0]
    assert [c for c in changes.splitlines() if "check" in c] == [
        "  model-accuracy: description changed; parity check primary-parity added; parity "
        "check accuracy-parity removed",
        "  offline-evaluation: description changed; metric check primary-at-floor added; "
        "metric check beats-baseline added",
        "  ab-test-significance: description changed; profiles: all -> pilot, production; "
        "metric check primary-effect-beyond-zero added",
        "  retraining: description changed; recurs every 90d; profiles: all -> production; "
        "parity check retrained-primary-parity added; parity check retrained-accuracy-parity "
        "removed",
    ]
    after = path.read_text(encoding="utf-8")
    assert stated in after
    assert "      - id: primary-parity\n" in after
    assert run("validate", root).code == 0
    assert run("metric", "set", "precision_at_50>=0.30", "--today", TODAY, "--by", "Ana",
               "-C", root).code == 0
    assert run("validate", root).code == 0


def test_a_hand_written_loosening_without_a_reason_is_refused(tmp_path: Path) -> None:
    """`metric set` demands --reason to loosen; an entry written by hand may not
    skip it (found by trying to make check pass when it should not)."""
    from helpers.project import init_date

    root = tmp_path / "p"
    with init_date():
        assert run("init", root, "--no-input", "--team", "pm=Ana",
                   "--primary-metric", "precision_at_50>=0.30").code == 0
    path = root / "mlcycle.yaml"
    text = path.read_text(encoding="utf-8").replace("    floor: 0.3\n", "    floor: 0.1\n")
    text += ("  - date: 2026-12-01\n    event: metric\n    to: problem\n"
             "    from_metric: precision_at_50>=0.3\n    to_metric: precision_at_50>=0.1\n"
             "    by: Ana\n")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    to_metric: precision_at_50>=0.1") + 1
    result = run("check", root, "--today", "2026-12-06")
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        f"mlcycle.yaml:{line}:16: error[MLC044]: history[1].to_metric: primary metric floor "
        "loosened: precision_at_50>=0.3 -> precision_at_50>=0.1 with no reason; a loosening "
        "is recorded with one (`mlcycle metric set NAME>=FLOOR --reason TEXT`)")
    path.write_text(text.replace("    by: Ana\n", "    reason: the base rate halved\n"
                                 "    by: Ana\n"), encoding="utf-8")
    assert run("check", root, "--today", "2026-12-06").code == 0
