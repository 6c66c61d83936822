"""The GitHub Action (action.yml) and the workflow `init` renders: their files
validate against GitHub's schemas (check-jsonschema's built-in vendor
schemas, offline), and the Action's step script runs here as GitHub would run
it, with a fake $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import leftphase

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / ".github" / "action" / "run.sh"
BIN = Path(sys.executable).parent


def _check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    script = BIN / "check-jsonschema"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "check_jsonschema"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120,
                          check=False)


def test_action_yml_is_a_valid_github_action() -> None:
    done = _check_jsonschema("--builtin-schema", "vendor.github-actions", str(REPO / "action.yml"))
    assert done.returncode == 0, done.stdout + done.stderr
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"version", "python-version", "working-directory", "base",
                                     "args"}
    # Inputs reach the script through env only: never `${{ }}` inside a run line.
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", "")
    assert stat.S_IMODE(SCRIPT.stat().st_mode) & 0o111


@pytest.mark.parametrize("where", ["root", "subdirectory"])
def test_rendered_workflow_is_a_valid_github_workflow(tmp_path: Path, where: str) -> None:
    if where == "root":
        leftphase.mlcycle("init", "p", "--no-input", cwd=tmp_path)
        workflow = tmp_path / "p" / ".github" / "workflows" / "mlcycle.yml"
    else:  # below a git root: init prints the workflow to add at the root
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        done = subprocess.run([sys.executable, "-m", "mlcycle", "init", "ml/churn", "--no-input"],
                              cwd=tmp_path, env=leftphase.env(), capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        start = done.stdout.index("# Runs")
        workflow = tmp_path / "mlcycle-churn.yml"
        end = done.stdout.index("\nnote: pre-commit")  # the pre-commit config follows
        workflow.write_text(done.stdout[start:end], encoding="utf-8")
    done = _check_jsonschema("--builtin-schema", "vendor.github-workflows", str(workflow))
    assert done.returncode == 0, done.stdout + done.stderr
    text = workflow.read_text(encoding="utf-8")
    # The Action is offered as a commented alternative (see the README).
    assert "#   - uses: OWNER/mlcycle@v1\n" in text


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return leftphase.build(tmp_path_factory.mktemp("action") / "proj")


def _run_step(root: Path, tmp_path: Path, **extra: str) -> tuple[subprocess.CompletedProcess[str],
                                                                   Path, Path]:
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.write_text("# earlier step\n", encoding="utf-8")
    env = {**leftphase.env(), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output),
           "RUNNER_TEMP": str(tmp_path), "MLCYCLE_WORKING_DIRECTORY": str(root), **extra}
    done = subprocess.run(["bash", str(SCRIPT), "check"], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    return done, summary, output


def _markdown(root: Path, *args: str) -> str:
    """The report `check --format markdown --output` writes, run directly."""
    out = root.parent / "direct.md"
    subprocess.run([sys.executable, "-m", "mlcycle", "check", *args, "--format", "markdown",
                    "--output", str(out)], cwd=root, env=leftphase.env(), capture_output=True,
                   text=True, timeout=120, check=False)
    return out.read_text(encoding="utf-8")


def test_step_passes_writes_summary_and_output(project: Path, tmp_path: Path) -> None:
    done, summary, output = _run_step(project, tmp_path)
    assert done.returncode == 0, done.stderr
    # No annotation (nothing is wrong), the one summary line, nothing on stderr.
    assert (done.stdout, done.stderr) == (
        "mlcycle check: passed: 4 of 4 gates closed (phases before the current phase 'data': "
        "problem); 0 errors, 0 warnings, 0 notes\n", "")
    report = _markdown(project)
    assert report.startswith("## mlcycle check: passed\n")
    assert summary.read_text(encoding="utf-8") == "# earlier step\n" + report
    assert output.read_text(encoding="utf-8") == "exit-code=0\n"
    assert list(tmp_path.glob("mlcycle-summary.*")) == []  # its temporary file is gone


def test_step_fails_on_an_open_gate_with_an_annotation(project: Path, tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(project, root)
    leftphase.open_gate(root)
    done, summary, output = _run_step(root, tmp_path, MLCYCLE_ARGS=" --phase  problem ")
    assert done.returncode == 1
    assert (done.stdout.splitlines(), done.stderr) == ([
        f"::error file={leftphase.PHASE_FILE},line={leftphase.OPEN_LINE},col=13,"
        "title=mlcycle MLC101%3A problem-statement::gate 'problem-statement' (Problem "
        "statement) is open: status is doing",
        leftphase.FINDING,  # the plain line too, for the log
        "mlcycle check: FAILED: 1 of 4 gates open (phase 'problem'); 1 error, 0 warnings, "
        "0 notes"], "")
    report = _markdown(root, "--phase", "problem")
    assert report.startswith("## mlcycle check: failed\n")
    assert summary.read_text(encoding="utf-8") == "# earlier step\n" + report
    assert output.read_text(encoding="utf-8") == "exit-code=1\n"


def test_step_invalid_input_is_exit_2(project: Path, tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(project, root)
    with (root / "mlcycle.yaml").open("a", encoding="utf-8") as handle:
        handle.write("owner: 1.10\n")
    last = len((root / "mlcycle.yaml").read_text(encoding="utf-8").splitlines())
    done, summary, output = _run_step(root, tmp_path)
    assert done.returncode == 2
    assert done.stdout.startswith(f"::error file=mlcycle.yaml,line={last}")
    assert done.stderr == (f"mlcycle.yaml:{last}:1: error[MLC010]: owner: unknown key 'owner'; "
                           "allowed: format, name, slug, playbook, current_phase, profile, team, "
                           "metrics, github, overlays, evidence, history, former\n")
    assert summary.read_text(encoding="utf-8").startswith(
        "# earlier step\n## mlcycle check: invalid input\n")
    assert output.read_text(encoding="utf-8") == "exit-code=2\n"


def test_step_passes_base_to_check(project: Path, tmp_path: Path) -> None:
    # Not a git repository: --base reached check, which says so (MLC062), exit 2.
    done, summary, output = _run_step(project, tmp_path, MLCYCLE_BASE="origin/main")
    assert done.returncode == 2
    assert "error[MLC062]" in done.stderr
    assert output.read_text(encoding="utf-8") == "exit-code=2\n"


def test_install_refuses_a_version_that_is_no_version(tmp_path: Path) -> None:
    for bad in ("--index-url=https://evil.example", "1.0; rm -rf /", "", "v1"):
        done = subprocess.run(["bash", str(SCRIPT), "install"],
                              env={**os.environ, "MLCYCLE_VERSION": bad or "x y"},
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 2, bad
        assert done.stderr.startswith("mlcycle action: version ")


@pytest.mark.parametrize("name", ["-ml proj", "-", "ml/it's $HOME *"])
def test_step_runs_in_any_working_directory(project: Path, tmp_path: Path, name: str) -> None:
    # The commented alternative in the rendered workflow passes the project's
    # directory as working-directory: a leading dash is a name, not an option of cd.
    shutil.copytree(project, tmp_path / name)
    env = {**leftphase.env(), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "MLCYCLE_WORKING_DIRECTORY": name, "OLDPWD": str(tmp_path / "elsewhere")}
    env.pop("GITHUB_STEP_SUMMARY", None)
    env.pop("GITHUB_OUTPUT", None)
    done = subprocess.run(["bash", str(SCRIPT), "check"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == ("mlcycle check: passed: 4 of 4 gates closed (phases before the "
                           "current phase 'data': problem); 0 errors, 0 warnings, 0 notes\n")
