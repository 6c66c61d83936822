"""Concurrent writers of one project: every change either lands or is refused
(MLC201, "run the command again"); none is reported done and then lost.

Each writer is a real process running ``python -m mlcycle``. Starting an
interpreter costs ~0.3 s of CPU, so the long test keeps a few warm worker
processes, each of which runs the ``mlcycle`` module as ``python -m`` does
(``runpy``, a fresh ``sys.argv``) once per round; the parent starts a round by
writing one command line to every worker at once, so their read-compare-rename
windows overlap far more often than those of processes still starting up. A
shorter test races fresh ``python -m mlcycle`` processes too.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import yaml
from helpers.editproject import tiny_project

STATUS = "lifecycle/01-frame.yaml"
ITEMS = ("problem", "framing")
REFUSED = (f"{STATUS}:1:1: error[MLC201]: changed on disk since it was read; nothing "
           "written (run the command again)\n")

WORKER = """\
import contextlib, io, json, runpy, sys
for line in sys.stdin:
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["mlcycle", *json.loads(line)]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_module("mlcycle", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    sys.__stdout__.write(json.dumps([code, out.getvalue(), err.getvalue()]) + "\\n")
    sys.__stdout__.flush()
"""


def notes(root: Path) -> dict[str, list[str]]:
    data = yaml.safe_load((root / STATUS).read_text())
    return {i["id"]: (i.get("notes") or "").split("\n") for i in data["items"]}


def judge(root: Path, outcomes: list[tuple[str, str, int, str, str]],
          tally: dict[str, int]) -> None:
    """Each change that exited 0 is on disk; each other one exited 1 with MLC201
    alone and is not; nothing else."""
    now = notes(root)
    for item, token, code, out, err in outcomes:
        if code == 0:
            assert (out, err) == (f"{item}: note added\n", ""), (token, out, err)
            assert token in now[item], f"{token} exited 0 but is not on disk: lost"
            tally["landed"] += 1
        else:
            assert (code, out, err) == (1, "", REFUSED), (token, code, out, err)
            assert token not in now[item], f"{token} was refused but is on disk"
            tally["refused"] += 1


def test_concurrent_writers_never_lose_a_change(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    rng = random.Random(19)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, cwd=root)
               for _ in range(3)]
    tally = {"landed": 0, "refused": 0}
    try:
        for number in range(240):
            size = 2 + number % 2  # rounds of two and of three writers
            # Different items of one status file, and often the same item.
            commands = [(rng.choice(ITEMS), f"r{number}w{w}") for w in range(size)]
            for worker, (item, token) in zip(workers[:size], commands, strict=True):
                assert worker.stdin is not None
                worker.stdin.write(json.dumps(["set", item, "--note", token]) + "\n")
                worker.stdin.flush()
            outcomes = []
            for worker, (item, token) in zip(workers[:size], commands, strict=True):
                assert worker.stdout is not None
                code, out, err = json.loads(worker.stdout.readline())
                outcomes.append((item, token, code, out, err))
            judge(root, outcomes, tally)
    finally:
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.close()
            worker.wait(timeout=60)
            assert worker.stdout is not None
            worker.stdout.close()
    # Both outcomes happened, so the writers did overlap: the test saw contention.
    assert tally["landed"] >= 240 and tally["refused"] > 0, tally
    assert sorted(p.name for p in (root / "lifecycle").iterdir()) == [
        "01-frame.yaml", "02-data.yaml", "03-model.yaml"]  # no staged file left behind


def test_concurrent_fresh_processes_never_lose_a_change(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    tally = {"landed": 0, "refused": 0}
    for number in range(8):
        commands = [("framing" if number % 3 else "problem", f"r{number}a"),
                    ("framing", f"r{number}b")]
        started = [(item, token, subprocess.Popen(
            [sys.executable, "-m", "mlcycle", "set", item, "--note", token, "-C", str(root)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            for item, token in commands]
        outcomes = []
        for item, token, process in started:
            out, err = process.communicate(timeout=120)
            outcomes.append((item, token, process.returncode, out, err))
        judge(root, outcomes, tally)
    assert tally["landed"] + tally["refused"] == 16 and tally["landed"] >= 8, tally
