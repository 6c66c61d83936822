"""The pre-commit hooks people are given, run by the real pre-commit from a real
`git commit`: the README's snippet, the config `init` renders, the one `init`
prints for a project below the repository's root, and this repository's
`.pre-commit-hooks.yaml`. Each blocks the commit that opens a gate of a phase
already left, with mlcycle's located finding, and lets the fixed commit through.

The hooks pin `mlcycle-cli==<version>`; pre-commit installs it into an
environment of its own, from a wheel of this checkout built once per session
(PIP_FIND_LINKS: mlcycle-cli exists only there, its dependencies come from the
usual index). That environment is built once per session too: PRE_COMMIT_HOME
is a session directory. `mlcycle` is on no directory of git's PATH, so the
hook cannot pass by finding some other installed mlcycle. Process-level and
slow (`-m "not process"` leaves them out): the first commit installs the hook
environment (about 10-30 s), every later one takes a second or two.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import leftphase
from test_precommit_config import printed_config, readme_snippet

pytestmark = pytest.mark.process

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
IDENTITY = {"GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "ana@example.com",
            "GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "ana@example.com",
            "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture(scope="session")
def session(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> dict[str, Path]:
    """The session's pre-commit, PRE_COMMIT_HOME (the hook environments, shared
    by every test) and caches."""
    script = BIN / "pre-commit"
    if not script.exists():  # it is in the test extra: missing is a broken setup
        pytest.fail("pre-commit is not installed (pip install -e '.[test]')")
    (wheel,) = wheelhouse.glob("mlcycle_cli-*.whl")
    base = tmp_path_factory.mktemp("precommit")
    return {"script": script, "base": base, "home": base / "pre-commit-home",
            "wheelhouse": wheelhouse, "wheel": wheel}


def _env(session: dict[str, Path], home: Path) -> dict[str, str]:
    base = session["base"]
    # git and the tools it needs stay on PATH; no directory holding an `mlcycle`
    # does (this test's virtualenv has one), so only the hook's own can run.
    path = os.pathsep.join(d for d in os.environ["PATH"].split(os.pathsep)
                           if d and not shutil.which("mlcycle", path=d))
    assert shutil.which("mlcycle", path=path) is None
    links = " ".join(filter(None, [str(session["wheelhouse"]),
                                   os.environ.get("PIP_FIND_LINKS", "")]))
    return {**leftphase.env(), **IDENTITY, "HOME": str(home), "PATH": path,
            "PRE_COMMIT_HOME": str(session["home"]), "PIP_FIND_LINKS": links,
            "PIP_CACHE_DIR": str(base / "pip-cache"),
            "VIRTUALENV_OVERRIDE_APP_DATA": str(base / "virtualenv")}


def _git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def _hooked(session: dict[str, Path], root: Path, env: dict[str, str]) -> None:
    """``root`` as a git repository with one commit of what it holds, and
    pre-commit's hook installed in it."""
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "base")):
        done = _git(*args, cwd=root, env=env)
        assert done.returncode == 0, done.stderr
    done = subprocess.run([str(session["script"]), "install"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _commit(root: Path, env: dict[str, str], message: str) -> tuple[int, list[str]]:
    """Commit everything changed: git's exit code and the lines it (and the hook) printed."""
    assert _git("add", "-A", cwd=root, env=env).returncode == 0
    done = _git("commit", "-m", message, cwd=root, env=env)
    return done.returncode, (done.stdout + done.stderr).splitlines()


def _commits(root: Path, env: dict[str, str]) -> int:
    return int(_git("rev-list", "--count", "HEAD", cwd=root, env=env).stdout)


def _hook_line(lines: list[str], name: str) -> str:
    """pre-commit's `name....Passed` / `Failed` line of the hook."""
    (line,) = [s for s in lines if s.startswith(f"{name}.")]
    return line.rsplit(".", 1)[1]


def _runs_this_checkout(session: dict[str, Path]) -> None:
    """The hook's environment holds the wheel of this checkout, not some other
    mlcycle-cli: a file this branch changed is byte for byte the checkout's."""
    installed = sorted(session["home"].glob("*/py_env-*/lib/python*/site-packages/"
                                            "mlcycle/init/plan.py"))
    assert installed, sorted(p.name for p in session["home"].iterdir())
    for path in installed:
        assert path.read_bytes() == (REPO / "src/mlcycle/init/plan.py").read_bytes()


def test_the_readme_snippet_blocks_an_open_gate_and_lets_the_fix_through(
        session: dict[str, Path], tmp_path: Path) -> None:
    env = _env(session, tmp_path / "home")
    root = leftphase.build(tmp_path / "repo")
    (root / ".pre-commit-config.yaml").write_text(readme_snippet(), encoding="utf-8")
    _hooked(session, root, env)

    leftphase.open_gate(root)
    started = time.monotonic()
    code, lines = _commit(root, env, "undo a gate")
    took = time.monotonic() - started
    assert code == 1, lines
    assert _hook_line(lines, "mlcycle check") == "Failed", lines
    assert leftphase.FINDING in lines
    assert _commits(root, env) == 1
    _runs_this_checkout(session)

    leftphase.fix_gate(root)
    code, lines = _commit(root, env, "keep the gate closed")
    assert code == 0, lines
    assert _hook_line(lines, "mlcycle check") == "Passed", lines
    assert _commits(root, env) == 2
    print(f"\nfirst hooked commit (hook environment install included): {took:.1f} s")


def test_a_metrics_only_commit_that_breaks_parity_is_blocked(
        session: dict[str, Path], tmp_path: Path) -> None:
    env = _env(session, tmp_path / "home")
    root = leftphase.build_quality_left(tmp_path / "repo")
    _hooked(session, root, env)  # with the config init rendered, as it is
    prod_eval = root / "reports/prod-eval.json"

    # Production's number drifts within the tolerance: the commit goes through.
    prod_eval.write_text(f'{{"{leftphase.PRIMARY}": 0.910}}\n', encoding="utf-8")
    code, lines = _commit(root, env, "re-score production")
    assert code == 0, lines
    assert _hook_line(lines, "mlcycle check") == "Passed", lines

    prod_eval.write_text(f'{{"{leftphase.PRIMARY}": 0.871}}\n', encoding="utf-8")
    assert _git("add", "-A", cwd=root, env=env).returncode == 0
    staged = _git("diff", "--cached", "--name-only", cwd=root, env=env).stdout
    assert staged == "reports/prod-eval.json\n"  # no lifecycle/, docs/ or mlcycle.yaml
    started = time.monotonic()
    code, lines = _commit(root, env, "re-score production")
    took = time.monotonic() - started
    assert code == 1, lines
    assert _hook_line(lines, "mlcycle check") == "Failed", lines
    assert leftphase.parity_finding("0.871", "0.041", "4.7%") in lines
    assert _commits(root, env) == 2
    print(f"\nhooked commit: {took:.1f} s")


def test_a_project_below_the_root_is_checked_with_the_printed_config(
        session: dict[str, Path], tmp_path: Path) -> None:
    env = _env(session, tmp_path / "home")
    repo = tmp_path / "repo"
    repo.mkdir()
    assert _git("init", "-q", cwd=repo, env=env).returncode == 0
    project = repo / "ml/churn"
    out = leftphase.init(project)
    assert not (project / ".pre-commit-config.yaml").exists()
    (repo / ".pre-commit-config.yaml").write_text(printed_config(out), encoding="utf-8")
    leftphase.leave_first_phase(project)
    _hooked(session, repo, env)

    leftphase.open_gate(project)
    code, lines = _commit(repo, env, "undo a gate")
    assert code == 1, lines
    assert _hook_line(lines, "mlcycle check ml/churn") == "Failed", lines
    assert leftphase.FINDING in lines  # paths as in the project, as `mlcycle check` says
    assert _commits(repo, env) == 1

    leftphase.fix_gate(project)
    code, lines = _commit(repo, env, "keep the gate closed")
    assert code == 0, lines
    assert _hook_line(lines, "mlcycle check ml/churn") == "Passed", lines


def test_a_commit_of_an_invalid_file_is_blocked_too(
        session: dict[str, Path], tmp_path: Path) -> None:
    env = _env(session, tmp_path / "home")
    root = leftphase.build(tmp_path / "repo")
    _hooked(session, root, env)
    phase = root / leftphase.PHASE_FILE
    phase.write_text(phase.read_text(encoding="utf-8").replace(
        "    status: waived\n    owner:\n", "    status: waived\n    owner: 1.10\n", 1),
        encoding="utf-8")
    code, lines = _commit(root, env, "a number for an owner")
    assert code == 1, lines
    assert (f"{leftphase.PHASE_FILE}:{leftphase.OPEN_LINE + 1}:12: error[MLC012]: "
            "items[0].owner: expected text, got 1.10, which YAML 1.2 readers "
            "(check-jsonschema, editors) read as a number; quote it: \"1.10\"") in lines
    assert _commits(root, env) == 1


def _source_repo(session: dict[str, Path], env: dict[str, str]) -> tuple[Path, str]:
    """A git repository of this checkout's working tree (tracked and new files, as
    they are now, so uncommitted changes are what is tested) and its commit."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, check=True, timeout=60).stdout
    source = session["base"] / "mlcycle-repo"
    for rel in filter(None, listed.decode().split("\0")):
        origin = REPO / rel
        if origin.is_file():  # a deleted, not yet committed file is listed too
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, source / rel)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "mlcycle under test")):
        done = _git(*args, cwd=source, env=env)
        assert done.returncode == 0, done.stderr
    return source, _git("rev-parse", "HEAD", cwd=source, env=env).stdout.strip()


def test_this_repositorys_hook_checks_a_project_below_the_root(
        session: dict[str, Path], tmp_path: Path) -> None:
    # `repo: <mlcycle's URL>` form: pre-commit installs mlcycle from the
    # repository itself (a second environment: pip builds this checkout).
    env = _env(session, tmp_path / "home")
    source, rev = _source_repo(session, env)
    repo = tmp_path / "repo"
    project = repo / "ml/churn"
    leftphase.init(project)
    leftphase.leave_first_phase(project)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n"
        "      - id: mlcycle-check\n        args: [ml/churn]\n", encoding="utf-8")
    _hooked(session, repo, env)

    leftphase.open_gate(project)
    code, lines = _commit(repo, env, "undo a gate")
    assert code == 1, lines
    assert _hook_line(lines, "mlcycle check") == "Failed", lines
    assert leftphase.FINDING in lines
    leftphase.fix_gate(project)
    code, lines = _commit(repo, env, "keep the gate closed")
    assert code == 0, lines
    assert _hook_line(lines, "mlcycle check") == "Passed", lines
