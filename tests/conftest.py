"""The suite's fixtures and pytest hooks. Helpers live in ``tests/helpers/``
(``helpers.cli``: ``run``; ``helpers.project``; ``helpers.git``).

Writes to $HOME fail, as a user's home must never be touched.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.project import FIXTURES
from hypothesis import HealthCheck, settings

# A runner that starts the suite in the background (a shell without job control,
# nohup, some CI agents) hands it SIGINT ignored, and every child inherits that:
# the Ctrl-C tests then see no Ctrl-C at all. They need it as a terminal delivers it.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The fuzz tests' profiles (tests/fuzz/test_fuzz_*.py). HYPOTHESIS_PROFILE=ci runs
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
