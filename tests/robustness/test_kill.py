"""A process killed (SIGKILL) at any moment of an edit leaves the old file or the
new one, never a mix; at most the documented staged file
(``.<name>.<random>.mlcycle.tmp``) stays behind, which the loader ignores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.editproject import FRAME_FILE, large_frame


def _start(root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MLCYCLE_TODAY": "2026-01-10"}
    return subprocess.Popen([sys.executable, "-m", "mlcycle", "start", "problem", "-C",
                             str(root)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_mid_write_leaves_old_or_new(tmp_path: Path) -> None:
    root, old, new = large_frame(tmp_path)  # a 4 MiB file: the write takes a while
    assert new != old and len(new) == len(old) + 1
    began = time.perf_counter()
    assert _start(root).wait() == 0
    full = time.perf_counter() - began
    (root / FRAME_FILE).write_bytes(old)
    outcomes = set()
    for step in range(12):
        process = _start(root)
        time.sleep(full * step / 10)
        process.send_signal(signal.SIGKILL)
        process.wait()
        data = (root / FRAME_FILE).read_bytes()
        assert data in (old, new), f"a mix after {step / 10:.1f} of the run"
        outcomes.add("new" if data == new else "old")
        left = [p.name for p in root.rglob("*") if p.name.endswith(".tmp")]
        assert len(left) <= 1 and all(
            n.startswith(".01-frame.yaml.") and n.endswith(".mlcycle.tmp") for n in left), left
        assert run("validate", root).code == 0  # a leftover staged file is ignored
        for name in left:
            (root / "lifecycle" / name).unlink()
        (root / FRAME_FILE).write_bytes(old)
    assert "old" in outcomes
