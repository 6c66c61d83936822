"""A rendered `product` project that has left its first phase, every gate of it
waived: `check` passes; reopening one gate by hand (``open_gate``) makes it
fail, as a commit that undoes a gate would. Built with the real CLI only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EPOCH = "1767225600"  # init's date: 2026-01-01, whatever day the suite runs
TODAY = "2026-01-10"
ROLES = ["pm", "mlm", "ds", "mle", "pe", "devops", "qa", "de", "stakeholder", "support"]
GATES = ["problem-statement", "problem-to-model", "success-metrics", "feasibility-and-cost"]
PHASE_FILE = "lifecycle/01-problem.yaml"
OPEN_LINE = 28  # the `status:` line of problem-statement, the first gate
FINDING = (f"{PHASE_FILE}:{OPEN_LINE}:13: error[MLC101]: gate 'problem-statement' (Problem "
           "statement) is open: status is doing")


def env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "MLCYCLE_TODAY": TODAY,
            "NO_COLOR": "1"}


def mlcycle(*args: str, cwd: Path) -> str:
    """Run the real CLI; its stdout."""
    done = subprocess.run([sys.executable, "-m", "mlcycle", *args], cwd=cwd, env=env(),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


PRIMARY = "precision_at_50"  # the project's primary metric (product 3.0.0 gates read it)


def init(root: Path) -> str:
    """The rendered project, every role held by Ana; what init printed."""
    root.parent.mkdir(parents=True, exist_ok=True)
    return mlcycle("init", str(root), "--no-input", *(f"--team={r}=Ana" for r in ROLES),
                   f"--primary-metric={PRIMARY}>=0.30", cwd=root.parent)


def leave_first_phase(root: Path) -> None:
    for gate in GATES:
        waive(root, gate)
    mlcycle("advance", "--by", "Ana", cwd=root)


def build(root: Path) -> Path:
    init(root)
    leave_first_phase(root)
    return root


def waive(root: Path, item: str) -> None:
    mlcycle("waive", item, "--reason", "pilot", "--by", "Ana", "--until", "2027-12-31", cwd=root)


# The quality phase of `product` left with model-accuracy done: its parity check
# (reports/eval.json vs reports/prod-eval.json, the primary metric) passes;
# every other gate on the way is waived.
QUALITY_FILE = "lifecycle/05-quality.yaml"
PARITY_LINE = 78  # `- id: primary-parity` in QUALITY_FILE (after done wrote its evidence)
WAIVED_TO_QUALITY = [
    "data-verification", "manual-verification", "eda", "data-sufficiency", "baseline-model",
    "interpretability", "model-result-verification", "ux-and-frontend", "architecture",
    "engineering-contract", "test-cases-identified", "integration-reliable", "code-review",
    "feature-verification", "offline-evaluation", "feature-qa"]


def parity_finding(production: str, diff: str, share: str) -> str:
    return (f"{QUALITY_FILE}:{PARITY_LINE}:9: error[MLC120]: item 'model-accuracy': parity "
            f"'primary-parity': experiment 0.912 (reports/eval.json /{PRIMARY}) vs production "
            f"{production} (reports/prod-eval.json /{PRIMARY}): |diff| {diff} ({share}) > "
            f"max(abs 0.005, rel 1% of {production})")


def build_quality_left(root: Path) -> Path:
    init(root)
    leave_first_phase(root)
    for item in WAIVED_TO_QUALITY:
        waive(root, item)
    (root / "reports").mkdir()
    for name in ("eval.json", "prod-eval.json"):
        (root / "reports" / name).write_text(f'{{"{PRIMARY}": 0.912}}\n', encoding="utf-8")
    (root / "docs/quality/offline-evaluation.md").write_text(
        "# Offline evaluation\n\nProduction scores the evaluation set as the experiment "
        "did: 0.912 on both.\n", encoding="utf-8")
    mlcycle("done", "model-accuracy", "--evidence", "docs/quality/offline-evaluation.md",
            cwd=root)
    for _ in range(4):  # data, modeling, productionization, quality
        mlcycle("advance", "--by", "Ana", cwd=root)
    lines = (root / QUALITY_FILE).read_text(encoding="utf-8").split("\n")
    assert lines[PARITY_LINE - 1] == "      - id: primary-parity"
    assert "current_phase: online" in (root / "mlcycle.yaml").read_text(encoding="utf-8")
    return root


def open_gate(root: Path) -> None:
    """What a careless commit does: the first gate of the phase left goes back to doing."""
    path = root / PHASE_FILE
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[OPEN_LINE - 1] == "    status: waived"
    lines[OPEN_LINE - 1] = "    status: doing"
    path.write_text("\n".join(lines), encoding="utf-8")


def fix_gate(root: Path) -> None:
    """The fixed commit: the gate waived again, and now with an owner."""
    path = root / PHASE_FILE
    text = path.read_text(encoding="utf-8")
    old = "    status: doing\n    owner:\n"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "    status: waived\n    owner: Ana\n"), encoding="utf-8")
