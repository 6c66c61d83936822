"""The GitHub workflow `init` renders (or prints, for a project below the
repository root), action.yml and every YAML file mlcycle writes or ships, put
through the real validators: zizmor (offline, default configuration),
actionlint, check-jsonschema's GitHub schemas and yamllint --strict. The
directory names are hostile but legal; the ones no workflow can hold are
refused by `init` before anything is written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers.cli import run
from helpers.project import snapshot

from mlcycle.init.scaffold import ACTIONS

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# Legal directory names that a careless template would turn into a broken or
# dangerous workflow: shell and YAML quoting, glob characters, a leading dash,
# unicode, and names longer than a line.
HOSTILE = [
    "ml/my proj",
    "ml/it's \"quoted\" $HOME `id` *",
    "ml/exp[1]",
    "ml/!neg+plus?/{a,b}",
    "ml/a: b #c &x",
    "ml/données ✓ 模型",
    "-lead/x y",
    "ml/" + "very long directory name with spaces " * 3,
    "ml/" + "x" * 90,
]


def tool(name: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A validator from the test extra; its absence fails the test (never skips it)."""
    exe = BIN / name
    assert exe.exists(), f"{name} is missing: pip install -e '.[test]'"
    env = {**os.environ, "XDG_CACHE_HOME": str(Path(cwd or ".").resolve() / ".cache"),
           "NO_COLOR": "1"}
    return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def builtin_playbooks() -> list[str]:
    result = run("playbooks")
    assert result.code == 0
    lines = result.out.split("\n\n")[0].splitlines()  # the lifecycles, not the overlays
    assert lines[0].split()[0] == "name" and set(lines[1]) <= {"-", " "}
    return [line.split()[0] for line in lines[2:]]


PLAYBOOKS = builtin_playbooks()


def git_init(path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True, timeout=60)


def printed_workflow(repo: Path, directory: str, playbook: str = "product") -> str:
    """The workflow `init` prints for a project below the repository root."""
    result = run("init", f"./{directory}", "--no-input", "--playbook", playbook, cwd=repo)
    assert result.code == 0, result.err
    assert not (repo / directory / ".github").exists()
    # The pre-commit hook to add at the root is printed after it.
    text = result.out[result.out.index("# Runs `mlcycle check`"):]
    return text[:text.index("\nnote: pre-commit")].rstrip("\n") + "\n"


def uncomment_action(text: str) -> str:
    """The commented Action alternative, uncommented as a user would, with the
    Action taken from this repository (``./``) so that actionlint reads its inputs."""
    lines = text.split("\n")
    start = lines.index("      #   - uses: OWNER/mlcycle@v1")
    end = start
    while lines[end + 1].startswith("      #     "):
        end += 1
    block = [line.replace("      #   ", "      ", 1) for line in lines[start:end + 1]]
    block[0] = "      - uses: ./"
    return "\n".join(lines[:start] + block + lines[end + 1:])


@pytest.fixture(scope="module")
def workflows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str | None, str]]:
    """Every built-in playbook's workflow: at the repository root, and printed
    for a project below it under each hostile name. File name -> (dir, text)."""
    base = tmp_path_factory.mktemp("workflows")
    found: dict[str, tuple[str | None, str]] = {}
    for playbook in PLAYBOOKS:
        root = base / f"{playbook}-root"
        assert run("init", root, "--no-input", "--playbook", playbook).code == 0
        found[f"{playbook}-root.yml"] = (
            None, (root / ".github/workflows/mlcycle.yml").read_text(encoding="utf-8"))
        repo = base / f"{playbook}-repo"
        git_init(repo)
        for number, directory in enumerate(HOSTILE):
            found[f"{playbook}-{number}.yml"] = (directory,
                                                 printed_workflow(repo, directory, playbook))
    return found


def lint_repo(path: Path, files: dict[str, str]) -> Path:
    """A git repository holding the files, and this repository's action.yml at
    its root (what ``uses: ./`` names)."""
    git_init(path)
    (path / ".github/workflows").mkdir(parents=True)
    shutil.copyfile(REPO / "action.yml", path / "action.yml")
    for name, text in files.items():
        (path / ".github/workflows" / name).write_text(text, encoding="utf-8")
    return path


def assert_valid(repo: Path) -> None:
    """The four validators on every workflow of the repository, and action.yml."""
    names = sorted(str(p) for p in (repo / ".github/workflows").glob("*.yml"))
    done = tool("zizmor", "--offline", "--min-severity", "medium", ".", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout, done.stdout
    done = tool("actionlint", "-no-color", *names, cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    done = tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *names)
    assert done.returncode == 0, done.stdout + done.stderr
    done = tool("check-jsonschema", "--builtin-schema", "vendor.github-actions",
                str(repo / "action.yml"))
    assert done.returncode == 0, done.stdout + done.stderr
    done = tool("yamllint", "--strict", *names, str(repo / "action.yml"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_workflow_passes_zizmor_actionlint_schema_and_yamllint(
        workflows: dict[str, tuple[str | None, str]], tmp_path: Path) -> None:
    assert_valid(lint_repo(tmp_path / "lint", {n: t for n, (_, t) in workflows.items()}))


def test_the_commented_action_alternative_is_valid_once_uncommented(
        workflows: dict[str, tuple[str | None, str]], tmp_path: Path) -> None:
    files = {name: uncomment_action(text) for name, (_, text) in workflows.items()}
    # actionlint checks the `with:` inputs against ./action.yml.
    assert_valid(lint_repo(tmp_path / "lint", files))
    for name, (directory, _) in workflows.items():
        step = yaml.safe_load(files[name])["jobs"]["check"]["steps"][2]
        assert step["uses"] == "./"
        expected = {"version": "0.1.0"} if directory is None else \
            {"version": "0.1.0", "working-directory": directory}
        assert step["with"] == expected, name


def test_the_directory_reaches_the_workflow_only_as_data(
        workflows: dict[str, tuple[str | None, str]]) -> None:
    escaped = {"*": r"\*", "?": r"\?", "+": r"\+", "[": r"\[", "]": r"\]", "!": r"\!"}
    for name, (directory, text) in workflows.items():
        data = yaml.safe_load(text)
        job = data["jobs"]["check"]
        runs = [step["run"] for step in job["steps"] if "run" in step]
        assert runs == [
            'python -m pip install "mlcycle-cli==0.1.0"',
            'mlcycle check --strict-evidence --format markdown --output "$GITHUB_STEP_SUMMARY" '
            '${BASE:+--base "$BASE"} || true',
            'mlcycle check --strict-evidence --format github ${BASE:+--base "$BASE"}'], name
        assert data["permissions"] == {} and job["permissions"] == {"contents": "read"}
        checkout, setup = job["steps"][:2]
        assert checkout == {"uses": f"actions/checkout@{ACTIONS['checkout'].sha}",
                            "with": {"fetch-depth": 0, "persist-credentials": False}}
        assert setup == {"uses": f"actions/setup-python@{ACTIONS['setup_python'].sha}",
                         "with": {"python-version": "3.12"}}
        if directory is None:
            assert "defaults" not in job and "paths" not in data["on"]["push"]
            assert data["name"] == "mlcycle"
            continue
        assert job["defaults"] == {"run": {"working-directory": directory}}, name
        pattern = "".join(escaped.get(c, c) for c in directory) + "/**"
        assert data["on"]["pull_request"]["paths"] == [pattern], name
        assert data["on"]["push"]["paths"] == [pattern], name
        assert re.fullmatch(r"mlcycle [a-z0-9-]+", data["name"]), name
        # Every line fits in 80 columns however long the name (yamllint too).
        assert max(len(line) for line in text.split("\n")) <= 80, name


def test_the_pins_are_commented_with_their_versions() -> None:
    text = (REPO / "templates/project/github-workflow.yml.j2").read_text(encoding="utf-8")
    assert "# {{ actions.checkout.name }} {{ actions.checkout.version }}\n" \
           "      - uses: {{ actions.checkout.name }}@{{ actions.checkout.sha }}\n" in text
    action = (REPO / "action.yml").read_text(encoding="utf-8")
    pin = ACTIONS["setup_python"]
    assert f"    # {pin.name} {pin.version} (node24), pinned to its commit" in action
    assert f"      uses: {pin.name}@{pin.sha}\n" in action
    assert (ACTIONS["checkout"].version, ACTIONS["setup_python"].version) == ("v7.0.1", "v7.0.0")


@pytest.mark.parametrize(("directory", "shown", "why"), [
    ("ml/${{ github.token }}", "'ml/${{ github.token }}'",
     "'${{', which GitHub would evaluate as an expression in the CI workflow"),
    ("ml/a\tb", "'ml/a\\tb'",
     "a control or invisible character, which a workflow cannot hold safely"),
    ("ml/a\nb/c", "'ml/a\\nb/c'",
     "a control or invisible character, which a workflow cannot hold safely"),
    ("ml/\u202eevil", "'ml/\\u202eevil'",
     "a control or invisible character, which a workflow cannot hold safely"),
    ("ml/a\\b", "'ml/a\\b'", "a backslash, which GitHub's path filters read as an escape"),
])
@pytest.mark.parametrize("dry_run", [False, True])
def test_init_refuses_a_directory_no_workflow_can_hold(
        tmp_path: Path, directory: str, shown: str, why: str, dry_run: bool) -> None:
    git_init(tmp_path)
    before = snapshot(tmp_path)
    result = run("init", directory, "--no-input", "--name", "Churn",
                 *(["--dry-run"] if dry_run else []), cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"<command line>: error[MLC031]: the project directory {shown} (from the root of its "
        f"git repository) contains {why}; rename it (git mv), then run `mlcycle init` again\n")
    assert snapshot(tmp_path) == before
    assert not (tmp_path / directory.split("/")[0]).exists()


def test_a_hostile_directory_is_refused_from_its_parents_too(tmp_path: Path) -> None:
    git_init(tmp_path)
    parent = tmp_path / "team ${{ x }}"
    parent.mkdir()
    result = run("init", "churn", "--no-input", cwd=parent)
    assert result.code == 2
    assert result.err.startswith("<command line>: error[MLC031]: the project directory "
                                 "'team ${{ x }}/churn' (from the root of its git repository) "
                                 "contains '${{'")
    assert list(parent.iterdir()) == []


def test_at_the_root_of_no_repository_any_name_is_fine(tmp_path: Path) -> None:
    # Outside git the workflow is written in the project and names no directory.
    target = tmp_path / "a\\b ${{ x }}"
    result = run("init", target, "--no-input", "--name", "Churn")
    assert result.code == 0, result.err
    text = (target / ".github/workflows/mlcycle.yml").read_text(encoding="utf-8")
    assert "${{ x }}" not in text and "a\\b" not in text


def yaml_files(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*") if p.suffix in (".yaml", ".yml")
                  and ".mlcycle" not in p.parts)


def test_every_yaml_file_mlcycle_writes_or_ships_passes_yamllint_strict(tmp_path: Path) -> None:
    files: list[str] = []
    repo = tmp_path / "repo"
    git_init(repo)
    for number, playbook in enumerate(PLAYBOOKS):
        root = tmp_path / playbook
        assert run("init", root, "--no-input", "--playbook", playbook).code == 0
        assert (root / ".pre-commit-config.yaml").is_file()
        assert (root / ".github/workflows/mlcycle.yml").is_file()
        files += yaml_files(root)
        # Below a repository root: the project's own files, and the printed workflow.
        directory = HOSTILE[number % len(HOSTILE)]
        printed = tmp_path / f"printed-{playbook}.yml"
        printed.write_text(printed_workflow(repo, directory, playbook), encoding="utf-8")
        files += [*yaml_files(repo / directory), str(printed)]
        fork = tmp_path / f"fork-{playbook}"
        result = run("playbooks", "fork", playbook, fork)
        assert result.code == 0, result.err
        forked = yaml_files(fork)
        assert len(forked) >= 2 and all(Path(f).read_text(encoding="utf-8").find("---\n") >= 0
                                        for f in forked)
        files += forked
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    for directory in HOSTILE:  # each name as the project's own name too (outside git)
        assert run("init", f"./{directory}", "--no-input", cwd=hostile).code == 0
        files += yaml_files(hostile / directory)
    shipped = [REPO / "action.yml", REPO / ".pre-commit-hooks.yaml",
               *sorted((REPO / "phases").rglob("*.yaml"))]
    files += [str(p) for p in shipped]
    done = tool("yamllint", "--strict", *files)
    assert done.returncode == 0, done.stdout + done.stderr
    # Nothing was left out: one rendered tree alone has a status file per phase.
    assert len(files) > 100


def test_a_long_project_name_keeps_mlcycle_yaml_within_80_columns(tmp_path: Path) -> None:
    name = "Churn model for the retention team of the north-east region " * 3
    result = run("init", tmp_path / "p", "--no-input", "--name", name.strip())
    assert result.code == 0, result.err
    lines = (tmp_path / "p/mlcycle.yaml").read_text(encoding="utf-8").split("\n")
    start = lines.index(
        'name: "Churn model for the retention team of the north-east region Churn \\')
    assert lines[start + 1:start + 3] == [
        "  model for the retention team of the north-east region Churn model for the \\",
        '  retention team of the north-east region"']
    # Read back as the same name, and edited by the commands like any project file.
    assert run("team", "add", "pm", "Ana", "--project", tmp_path / "p").code == 0
    assert run("validate", tmp_path / "p").out.startswith(f"{name.strip()}: 7 phase files")
    done = tool("yamllint", "--strict", str(tmp_path / "p/mlcycle.yaml"))
    assert done.returncode == 0, done.stdout + done.stderr
