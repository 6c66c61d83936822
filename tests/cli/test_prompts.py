"""`mlcycle init` asks for the name and the people per role on a real terminal
(a pseudo-terminal here), and never waits for input anywhere else."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

ROLES = ["pm", "mlm", "ds", "mle", "pe", "devops", "qa"]  # five-phase, in order


class Terminal:
    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "COLUMNS": "100"}
        self.proc = subprocess.Popen([sys.executable, "-m", "mlcycle", *args], cwd=cwd,
                                     stdin=slave, stdout=slave, stderr=slave, env=env)
        os.close(slave)
        self.seen = ""

    def expect(self, text: str) -> None:
        while text not in self.seen:
            ready, _, _ = select.select([self.master], [], [], 20)
            assert ready, f"timed out waiting for {text!r}; screen so far: {self.seen!r}"
            self.seen += os.read(self.master, 4096).decode()

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def finish(self) -> int:
        code = self.proc.wait(timeout=30)
        try:
            while select.select([self.master], [], [], 0.2)[0]:
                self.seen += os.read(self.master, 4096).decode()
        except OSError:
            pass  # the terminal closed with the process
        os.close(self.master)
        return code


def test_init_prompts_on_a_terminal(tmp_path: Path) -> None:
    term = Terminal(["init", "proj", "--playbook", "five-phase"], tmp_path)
    term.expect("Project name [proj]:")
    term.type("Fraud scoring")
    for role in ROLES:
        term.expect(f"({role}), comma-separated:")
        term.type({"pm": "Ana Ruiz, Bo Li", "ds": "Chen"}.get(role, ""))
    assert term.finish() == 0, term.seen
    assert "initialised proj:" in term.seen
    text = (tmp_path / "proj" / "mlcycle.yaml").read_text()
    assert "name: Fraud scoring\n" in text
    assert "  pm:  # Product manager\n    - Ana Ruiz\n    - Bo Li\n" in text
    assert "  ds:  # Data scientist\n    - Chen\n" in text
    assert "  mlm: []  # ML manager\n" in text


def test_init_asks_for_the_primary_metric_where_the_playbook_reads_it(tmp_path: Path) -> None:
    # product's gates read the primary metric: init asks for it after the people
    # (five-phase, above, reads none and is never asked).
    term = Terminal(["init", "proj", "--team", "pm=Ana"], tmp_path)
    term.expect("Project name [proj]:")
    term.type("Fraud scoring")
    term.expect("Primary metric (NAME>=FLOOR, or NAME<=FLOOR when lower is better; empty for "
                "none):")
    term.type("precision_at_50>=0.30")
    assert term.finish() == 0, term.seen
    text = (tmp_path / "proj" / "mlcycle.yaml").read_text()
    assert ("metrics:\n  primary:\n    name: precision_at_50\n    direction: higher\n"
            "    floor: 0.3\n") in text


def test_no_input_on_a_terminal_asks_nothing(tmp_path: Path) -> None:
    term = Terminal(["init", "proj", "--no-input"], tmp_path)
    assert term.finish() == 0, term.seen
    assert "Project name" not in term.seen
    assert "name: proj\n" in (tmp_path / "proj" / "mlcycle.yaml").read_text()


def test_without_a_terminal_init_never_waits(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mlcycle", "init", "proj"], cwd=tmp_path,
                          stdin=subprocess.PIPE, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    assert done.returncode == 0, done.stderr
    assert "Project name" not in done.stdout + done.stderr
