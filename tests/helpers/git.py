"""git as the tests run it: never the user's or the system's settings (a
signing key, hooks, a default branch), always a known identity."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

_CONFIG: list[Path] = []


def empty_config() -> str:
    """An empty git config file of our own, one per test process. Not /dev/null:
    where /dev/null is a plain file (some containers), whatever another process
    wrote there breaks git."""
    if not _CONFIG:
        directory = Path(tempfile.mkdtemp(prefix="mlcycle-test-git-"))
        atexit.register(shutil.rmtree, directory, True)
        (directory / "config").write_text("", encoding="utf-8")
        _CONFIG.append(directory / "config")
    return str(_CONFIG[0])


def git_env(author: str = "Ana", committer: str = "Ana", when: str = "") -> dict[str, str]:
    """The variables that give git a known identity (and, with ``when``, the
    author and commit date) and none of the user's or system's settings."""
    return {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "ana@example.com",
            "GIT_COMMITTER_NAME": committer, "GIT_COMMITTER_EMAIL": "ana@example.com",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": empty_config(),
            **({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {})}


def isolate_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for every git the test's process runs (mlcycle's own included)."""
    for key, value in git_env().items():
        monkeypatch.setenv(key, value)


def git(cwd: Path, *args: str, author: str = "Ana", committer: str = "Ana",
        when: str = "") -> str:
    """Run ``git ARGS`` in ``cwd`` (never signing), which must succeed; its stdout."""
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=cwd,
                          env={**os.environ, **git_env(author, committer, when)},
                          capture_output=True, text=True, encoding="utf-8", errors="replace",
                          timeout=60, check=False)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def git_init(path: Path) -> Path:
    """A new repository at ``path`` (made if missing)."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    return path
