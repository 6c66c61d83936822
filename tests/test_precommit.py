"""This repository's pre-commit hook (.pre-commit-hooks.yaml), run by the real
pre-commit from a git commit, in a temporary git repository holding a rendered
project that has left a phase: a commit that opens one of that phase's gates
is blocked with mlcycle's located finding, the fixed commit goes through.

pre-commit builds the hook's virtualenv and pip-installs this checkout into
it (from a git repository of the working tree, so uncommitted changes are
what is tested). That install happens once per test session: PRE_COMMIT_HOME
is a session directory and the hook repository is pinned to one commit.
Without pre-commit (it is in the `test` extra) the tests skip, except under
CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import leftphase
import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
IDENTITY = {"GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "ana@example.com",
            "GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "ana@example.com",
            "GIT_CONFIG_NOSYSTEM": "1"}


def _pre_commit() -> Path:
    script = BIN / "pre-commit"
    if not script.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit is not installed (pip install -e '.[test]'); CI must run "
                        "these tests")
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    return script


def _git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.fixture(scope="session")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A git repository of this checkout's working tree (tracked and new files,
    as they are now), the commit to pin, and the session's PRE_COMMIT_HOME."""
    script = _pre_commit()
    base = tmp_path_factory.mktemp("precommit")
    env = {**os.environ, **IDENTITY, "HOME": str(base)}
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, check=True, timeout=60).stdout
    source = base / "mlcycle-repo"
    for rel in filter(None, listed.decode().split("\0")):
        origin = REPO / rel
        if origin.is_file():  # a deleted, not yet committed file is listed too
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, source / rel)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "mlcycle under test")):
        done = _git(*args, cwd=source, env=env)
        assert done.returncode == 0, done.stderr
    rev = _git("rev-parse", "HEAD", cwd=source, env=env).stdout.strip()
    return {"script": script, "repo": source, "rev": rev, "home": base / "pre-commit-home",
            "base": base}


def _env(hooks: dict[str, object], home: Path) -> dict[str, str]:
    base = Path(str(hooks["base"]))
    return {**leftphase.env(), **IDENTITY, "HOME": str(home),
            "PRE_COMMIT_HOME": str(hooks["home"]), "PIP_CACHE_DIR": str(base / "pip-cache"),
            "VIRTUALENV_OVERRIDE_APP_DATA": str(base / "virtualenv"),
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def _hooked_repo(hooks: dict[str, object], where: Path, env: dict[str, str]) -> Path:
    """A git repository holding a project whose phase is already left, with this
    repository's hook (pinned to the working tree's commit) installed."""
    root = leftphase.build(where)
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks['repo']}\n    rev: {hooks['rev']}\n"
        "    hooks:\n      - id: mlcycle-check\n", encoding="utf-8")
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "base")):
        done = _git(*args, cwd=root, env=env)
        assert done.returncode == 0, done.stderr
    done = subprocess.run([str(hooks["script"]), "install"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def test_a_commit_that_opens_a_gate_of_a_left_phase_is_blocked(
        hooks: dict[str, object], tmp_path: Path) -> None:
    env = _env(hooks, tmp_path / "home")
    root = _hooked_repo(hooks, tmp_path / "repo", env)

    leftphase.open_gate(root)
    _git("add", "-A", cwd=root, env=env)
    started = time.monotonic()
    blocked = _git("commit", "-m", "undo a gate", cwd=root, env=env)
    took = time.monotonic() - started
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "mlcycle check" in output  # the hook's name, from .pre-commit-hooks.yaml
    assert leftphase.FINDING in output.splitlines()
    assert _git("rev-list", "--count", "HEAD", cwd=root, env=env).stdout == "1\n"

    leftphase.fix_gate(root)
    _git("add", "-A", cwd=root, env=env)
    passed = _git("commit", "-m", "keep the gate closed", cwd=root, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "mlcycle check" in passed.stdout + passed.stderr
    assert _git("rev-list", "--count", "HEAD", cwd=root, env=env).stdout == "2\n"
    print(f"\nfirst hooked commit (hook environment install included): {took:.1f} s")


def test_a_commit_of_an_invalid_file_is_blocked_too(
        hooks: dict[str, object], tmp_path: Path) -> None:
    # Same hook environment (built by the test above or here, once per session).
    env = _env(hooks, tmp_path / "home")
    root = _hooked_repo(hooks, tmp_path / "repo", env)
    phase = root / leftphase.PHASE_FILE
    phase.write_text(phase.read_text(encoding="utf-8").replace(
        "    status: waived\n    owner:\n", "    status: waived\n    owner: 1.10\n", 1),
        encoding="utf-8")
    _git("add", "-A", cwd=root, env=env)
    started = time.monotonic()
    blocked = _git("commit", "-m", "a number for an owner", cwd=root, env=env)
    took = time.monotonic() - started
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert (f"{leftphase.PHASE_FILE}:{leftphase.OPEN_LINE + 1}:12: error[MLC012]: "
            "items[0].owner: expected text, got 1.10, which YAML 1.2 readers "
            "(check-jsonschema, editors) read as a number; quote it: \"1.10\""
            ) in output.splitlines()
    assert _git("rev-list", "--count", "HEAD", cwd=root, env=env).stdout == "1\n"
    print(f"\nhooked commit: {took:.1f} s")
