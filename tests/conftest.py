"""Shared test helpers.

``run`` calls the real entry point (``mlcycle.cli.main``) in-process, so a
crash is exit 3 with its message, never hidden; stdout and stderr are kept
apart. Writes to $HOME fail, as a user's home must never be touched.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from mlcycle.cli import main

FIXTURES = Path(__file__).parent / "fixtures"

# A runner that starts the suite in the background (a shell without job control,
# nohup, some CI agents) hands it SIGINT ignored, and every child inherits that:
# the Ctrl-C tests then see no Ctrl-C at all. They need it as a terminal delivers it.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
INIT_EPOCH = "1796083200"  # 2026-12-01 00:00 UTC


@contextmanager
def init_date(epoch: str = INIT_EPOCH) -> Iterator[None]:
    """``init`` dates its history entry by SOURCE_DATE_EPOCH while this is
    active, so a test passes on any future day, whatever the clock says."""
    outer = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if outer is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = outer


# The fuzz tests' profiles (tests/test_fuzz_*.py). HYPOTHESIS_PROFILE=ci runs
# 1,200 mutated projects and 300 edit sequences (.ci/run, twice); by default 30
# and 10, so the normal suite stays fast. Their own names: Hypothesis' built-in
# "ci" profile, which CI=true selects for every other property test, is left as
# it is. The ci run
# is random (not derandomized) and seeded from MLCYCLE_FUZZ_SEED, printed in the
# header, so a failure found under a rotating seed can be replayed.
FUZZ_CI = os.environ.get("HYPOTHESIS_PROFILE") == "ci"
FUZZ_SEED = os.environ.get("MLCYCLE_FUZZ_SEED", "")
settings.register_profile(
    "mlcycle-fuzz", max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Sized so that .ci/run's two seeded runs, side by side, take about 2 minutes
# on 2 idle cores (500 and 125 took 44 s per run there): 3,000 examples in all.
settings.register_profile(
    "mlcycle-fuzz-ci", settings.get_profile("mlcycle-fuzz"), max_examples=1200,
    derandomize=False, database=None, print_blob=True)
FUZZ = settings.get_profile("mlcycle-fuzz-ci" if FUZZ_CI else "mlcycle-fuzz")
FUZZ_EDITS = settings(FUZZ, max_examples=max(10, FUZZ.max_examples // 4))


def pytest_report_header() -> list[str]:
    seed = FUZZ_SEED or "random (set MLCYCLE_FUZZ_SEED to fix it)"
    return [f"mlcycle fuzz: profile {'ci' if FUZZ_CI else 'default'}, "
            f"{FUZZ.max_examples} mutated projects, {FUZZ_EDITS.max_examples} edit sequences, "
            f"seed {seed}"]


# The test files that take most of the suite's time (real processes, fuzzing,
# real clients: pre-commit, zizmor, a browser, MLflow). `pytest -m "not slow"`
# runs the rest in under two minutes on 2 cores; CI and the README's test
# command run everything.
SLOW_FILES = frozenset({
    "test_precommit", "test_faults", "test_kill", "test_interrupts", "test_concurrency",
    "test_fuzz_projects", "test_fuzz_roundtrip", "test_fuzz_git", "test_fuzz_regressions",
    "test_mlflow", "test_status_terminal", "test_prompts", "test_schema_differential",
    "test_workflow", "test_markdown_media", "test_packaging", "test_parallel",
    "test_docs_site", "test_action", "test_startup", "test_entry", "test_completion",
    "test_report", "test_readme_tour", "test_git_readers",
})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.stem in SLOW_FILES or item.get_closest_marker("process"):
            item.add_marker(pytest.mark.slow)


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(*args: str | os.PathLike[str], cwd: Path | None = None) -> Result:
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main([str(a) for a in args])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


def fill_doc(path: Path, keep: int = 0) -> None:
    """Fill a stub ``init`` rendered as a team would: the marker and the stub's
    note go, and every prompt line (a line with TODO) is answered in prose, so
    no line is left byte-identical to the stub's (MLC133). ``keep``: leave the
    last ``keep`` prompt lines unanswered."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [text for text in lines
             if text != "<!-- mlcycle:stub -->" and not text.startswith("> **Stub.**")]
    prompts = [index for index, text in enumerate(lines) if "TODO" in text]
    for index in prompts[:len(prompts) - keep]:
        lines[index] = lines[index].replace("TODO", "answered by the team")
    path.write_text("\n".join(lines), encoding="utf-8")


def snapshot(root: Path) -> dict[str, str]:
    """Every file under root -> sha256 of its bytes (a symlink: its target), to
    prove nothing changed."""
    state = {}
    for p in sorted(root.rglob("*")):
        if p.is_symlink():
            state[p.relative_to(root).as_posix()] = "link:" + os.readlink(p)
        elif p.is_file():
            state[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return state


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Iterator[object]:
    """Copy tests/fixtures/<name> into a temporary directory and return its path."""

    def _copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target, symlinks=True)
        return target

    yield _copy


@pytest.fixture(autouse=True)
def _no_home_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("MLCYCLE_TODAY", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the wheel of this checkout (mlcycle_cli-<version>-...whl),
    built once per session. No build isolation: the backend is in the test extra,
    and no network is needed."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("wheelhouse")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
         str(Path(__file__).resolve().parents[1])],
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return out
