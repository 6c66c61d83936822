"""Real faults at chosen points of a real mlcycle process (no mock of the code
under test): a launcher runs ``python -m mlcycle`` with an audit hook
(``sys.addaudithook``) that watches the file-system operations CPython reports
on paths under one directory and, on the Nth of them, sends the process a real
signal (SIGKILL: it dies before that operation runs; SIGINT: Python's handler
runs inside the hook, as if Ctrl-C came just then). Without a chosen N it
records the operations, so a test can sweep every one of them.

A file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored so the write fails with
EFBIG) and a full filesystem (a small tmpfs) are the other real faults."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# The operations of a write sequence, by their audit event names
# (https://docs.python.org/3/library/audit_events.html): os.rename is raised by
# os.rename and os.replace, open by open() and os.open (mkstemp's too).
WRITE_EVENTS = ("open", "os.rename", "os.remove", "os.mkdir", "os.chmod", "os.rmdir",
                "shutil.rmtree", "tempfile.mkstemp", "tempfile.mkdtemp")

LAUNCHER = r"""
import json, os, signal, sys
spec = json.loads(os.environ.pop("MLCYCLE_FAULT"))
under, nth, seen = spec["under"], spec["nth"], []
writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

def hook(event, args):
    if event not in spec["events"]:
        return
    if event == "open":  # reads are not part of a write sequence
        path, mode, flags = args
        if not (set(mode or "") & set("wax+") or (mode is None and flags & writing)):
            return
    paths = [os.fsdecode(a) for a in args if isinstance(a, (str, bytes, os.PathLike))]
    if not any(os.path.abspath(p).startswith(under) for p in paths):
        return
    seen.append([event, *[os.path.relpath(p, under) for p in paths]])
    if len(seen) - 1 == nth:
        os.kill(os.getpid(), getattr(signal, spec["signal"]))

def save():
    with open(spec["log"], "w") as handle:
        json.dump(seen, handle)

if spec["log"]:
    import atexit
    atexit.register(save)
sys.addaudithook(hook)
sys.argv = ["mlcycle", *spec["argv"]]
import runpy
runpy.run_module("mlcycle", run_name="__main__", alter_sys=True)
"""


@dataclass
class Done:
    code: int
    out: str
    err: str


def environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1700000000",
            "MLCYCLE_TODAY": "2026-01-10", **extra}


def launch(argv: list[str], under: Path, cwd: Path, nth: int | None = None,
           sig: str = "SIGKILL", log: Path | None = None) -> Done:
    spec = {"argv": argv, "under": os.path.realpath(under) + os.sep, "nth": nth,
            "signal": sig, "log": str(log) if log else None, "events": WRITE_EVENTS}
    done = subprocess.run([sys.executable, "-c", LAUNCHER], cwd=cwd, capture_output=True,
                          text=True, env=environment(MLCYCLE_FAULT=json.dumps(spec)),
                          timeout=120)
    return Done(done.returncode, done.stdout, done.stderr)


def operations(argv: list[str], under: Path, cwd: Path) -> tuple[Done, list[list[str]]]:
    """Run once without a fault: the outcome and every write operation, in order."""
    log = cwd / ".faults-log.json"
    done = launch(argv, under, cwd, log=log)
    seen = json.loads(log.read_text())
    log.unlink()
    return done, seen


def limited(argv: list[str], cwd: Path, max_bytes: int) -> Done:
    """Run mlcycle with every file it writes limited to ``max_bytes`` (RLIMIT_FSIZE);
    SIGXFSZ is ignored, so the write that passes the limit fails with EFBIG."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    done = subprocess.run([sys.executable, "-m", "mlcycle", *argv], cwd=cwd, env=environment(),
                          capture_output=True, text=True, preexec_fn=limit, timeout=120)
    return Done(done.returncode, done.stdout, done.stderr)
