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


def mlcycle(*args: str, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mlcycle", *args], cwd=cwd, env=env(),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, (args, done.stdout, done.stderr)


def build(root: Path) -> Path:
    root.parent.mkdir(parents=True, exist_ok=True)
    mlcycle("init", str(root), "--no-input", *(f"--team={r}=Ana" for r in ROLES), cwd=root.parent)
    for gate in GATES:
        mlcycle("waive", gate, "--reason", "pilot", "--by", "Ana", "--until", "2027-12-31",
                cwd=root)
    mlcycle("advance", "--by", "Ana", cwd=root)
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
