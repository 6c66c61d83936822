"""The pre-commit config `init` renders (or prints, for a project below the root
of its git repository), this repository's hook manifest, the README's snippet,
and the name people are told to install: fast, in-process checks. The same
configs run under the real pre-commit from `git commit` in test_precommit.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers.cli import run
from helpers.git import git_init
from hypothesis import given
from hypothesis import strategies as st

from mlcycle import install_spec
from mlcycle.init.templating import yaml_flow_str

REPO = Path(__file__).resolve().parents[2]
HOOK = {"id": "mlcycle-check", "name": "mlcycle check", "entry": "mlcycle check",
        "language": "python", "additional_dependencies": [install_spec()],
        "pass_filenames": False, "always_run": True}
NOTE = ("note: pre-commit reads only the .pre-commit-config.yaml at the root of the git "
        "repository, so mlcycle wrote none in {dir}. Add this hook to the repos: of the root's "
        ".pre-commit-config.yaml (or create that file with this content); it runs `mlcycle "
        "check` on the project's directory:")


def _yamllint_strict(text: str, where: Path) -> None:
    """yamllint's default config, warnings as errors (-s)."""
    where.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "yamllint", "-s", str(where)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _pre_commit_accepts(path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(path)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def printed_config(out: str) -> str:
    """The root .pre-commit-config.yaml `init` prints for a project below the root."""
    head, sep, config = out.partition(":\n\n# pre-commit hooks of this repository")
    assert sep, out
    assert head.rsplit("\n", 1)[-1].startswith("note: pre-commit reads only"), out
    return sep.removeprefix(":\n\n") + config


def readme_snippet() -> str:
    """The pre-commit config the docs tell people to add, as written there
    (docs/reference/ci-and-hooks.md, moved from the README)."""
    text = (REPO / "docs" / "reference" / "ci-and-hooks.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", text, flags=re.S | re.M)
    found = [b for b in blocks if "id: mlcycle-check" in b]
    assert len(found) == 1, found
    return found[0]


def test_the_rendered_config_pins_mlcycle_and_runs_on_every_commit(tmp_path: Path) -> None:
    assert run("init", "p", "--no-input", cwd=tmp_path).code == 0
    path = tmp_path / "p/.pre-commit-config.yaml"
    text = path.read_text(encoding="utf-8")
    assert yaml.safe_load(text) == {"repos": [{"repo": "local", "hooks": [HOOK]}]}
    assert f'        additional_dependencies: ["{install_spec()}"]\n' in text
    assert install_spec().startswith("mlcycle-cli==")
    _yamllint_strict(text, tmp_path / "lint.yaml")
    _pre_commit_accepts(path)


def test_below_the_root_no_config_is_written_and_the_root_one_is_printed(
        tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git_init(repo)
    # --dry-run first (once ml/churn is a project, init refuses it: MLC037).
    dry = run("init", "ml/churn", "--no-input", "--name", "Churn model", "--dry-run", cwd=repo)
    assert dry.code == 0, dry.err
    result = run("init", "ml/churn", "--no-input", "--name", "Churn model", cwd=repo)
    assert result.code == 0, result.err
    assert printed_config(dry.out) == printed_config(result.out)  # it prints the same
    assert not (repo / "ml/churn/.pre-commit-config.yaml").exists()
    assert not (repo / ".pre-commit-config.yaml").exists()  # nothing outside the project
    assert NOTE.format(dir="ml/churn") in result.out.split("\n")
    config = printed_config(result.out)
    assert result.out.endswith(config)  # the last thing printed, shown whole
    assert yaml.safe_load(config) == {"repos": [{"repo": "local", "hooks": [
        {**HOOK, "name": "mlcycle check ml/churn", "args": ["ml/churn"]}]}]}
    assert "        args: [ml/churn]\n" in config
    _yamllint_strict(config, tmp_path / "lint.yaml")
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _pre_commit_accepts(repo / ".pre-commit-config.yaml")
    # What the hook runs from the root (pre-commit appends args to the entry).
    assert run("check", "ml/churn", cwd=repo).code == 0


def test_at_the_root_or_outside_git_nothing_is_printed(tmp_path: Path) -> None:
    git_init(tmp_path / "repo")
    for cwd, target in ((tmp_path / "repo", "."), (tmp_path, "plain")):
        result = run("init", target, "--no-input", "--name", "Churn", cwd=cwd)
        assert result.code == 0, result.err
        assert "pre-commit" not in result.out
        assert (cwd / target / ".pre-commit-config.yaml").is_file()


@pytest.mark.parametrize("directory", [
    "ml/churn model", "ml/a,b", "ml/[x]", "ml/{x}", "ml/#x", "ml/x #y", "ml/0755", "ml/1.10",
    "ml/yes", "ml/it's", 'ml/"q"', "ml/çà-ñ", "ml/-x", "ml/:x", "ml/x: y",
    "ml/&a", "ml/*a", "ml/!a", "ml/%a", "ml/@a", "ml/`a", "ml/|a", "ml/>a", "ml/?a"])
def test_the_printed_args_read_back_as_the_directory(tmp_path: Path, directory: str) -> None:
    repo = tmp_path / "repo"
    git_init(repo)
    result = run("init", directory, "--no-input", "--name", "Churn", cwd=repo)
    assert result.code == 0, result.err
    (hook,) = yaml.safe_load(printed_config(result.out))["repos"][0]["hooks"]
    assert hook["args"] == [directory]
    assert hook["name"] == f"mlcycle check {directory}"


@given(st.text())
def test_yaml_flow_str_reads_back_inside_a_flow_sequence(text: str) -> None:
    quoted = yaml_flow_str(text)
    assert "\n" not in quoted and "\r" not in quoted
    assert yaml.safe_load(f"args: [{quoted}, next]\n") == {"args": [text, "next"]}


def test_this_repositorys_hook_runs_for_every_commit_and_subdirectory() -> None:
    manifest = REPO / ".pre-commit-hooks.yaml"
    (hook,) = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    # No files: pattern (a root-anchored one skipped projects in subdirectories,
    # and metrics, playbooks, evidence outside docs/); check runs every time.
    assert {k: v for k, v in hook.items() if k != "description"} == {
        "id": "mlcycle-check", "name": "mlcycle check", "entry": "mlcycle check",
        "language": "python", "pass_filenames": False, "always_run": True}
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest",
                           str(manifest)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_snippet_is_the_rendered_hook(tmp_path: Path) -> None:
    # It runs under the real pre-commit in test_precommit.py; here: it pins this
    # version, and says what init renders.
    snippet = readme_snippet()
    assert yaml.safe_load(snippet) == {"repos": [{"repo": "local", "hooks": [HOOK]}]}
    _yamllint_strict("---\n" + snippet, tmp_path / "lint.yaml")


# --- the name people are told to install ------------------------------------------------

# `mlcycle` on the package index is someone else's project: everything we ship
# or render names the distribution mlcycle-cli. Each pattern catches the bare
# name where an installer or the index would take it.
_NOT_OURS = r"(?<![\w.-])mlcycle(?![\w-])"
BARE_NAME = [
    # pip install mlcycle, pip install -U "mlcycle[x]==1", pipx/uv/poetry/pdm alike;
    # not beyond the end of that shell command.
    re.compile(r"\b(?:pip3?|pipx|uv|poetry|pdm)\b(?:\s+(?:pip|tool|-m\s+pip))?\s+"
               r"(?:install|add|inject)\b[^\n#;&|]{0,80}?[\s\"'=]" + _NOT_OURS),
    # a requirement of the bare name: mlcycle==0.1.0, mlcycle>=1, mlcycle[x]~=1
    re.compile(_NOT_OURS + r"\s*(?:\[[^\]\n]*\])?\s*(?:===|==|>=|<=|~=|!=)"),
    # its page or simple index on PyPI
    re.compile(r"pypi\.org/(?:project|simple|pypi)/mlcycle(?![\w-])", re.I),
    # a pre-commit environment that would install it
    re.compile(r"additional_dependencies:[^\n]*[\[\s\"']" + _NOT_OURS),
]


def bare_name_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(p.search(line) for p in BARE_NAME)]


def test_the_scan_finds_the_bare_name_and_only_it() -> None:
    bad = ["pip install mlcycle", "python -m pip install -U 'mlcycle[test]'",
           'run: pip install "mlcycle==0.1.0"', "pipx install mlcycle",
           "uv tool install mlcycle", "uv pip install mlcycle>=0.1", "mlcycle==0.1.0",
           "mlcycle >= 1", "https://pypi.org/project/mlcycle/", "pypi.org/simple/mlcycle",
           'additional_dependencies: ["mlcycle==0.1.0"]', "additional_dependencies: [mlcycle]",
           "poetry add mlcycle"]
    good = ["pip install mlcycle-cli", 'pip install "mlcycle-cli==0.1.0"',
            "pip install -e . && mlcycle init demo", "pip install tomli; mlcycle check",
            "mlcycle-cli==0.1.0", "https://pypi.org/project/mlcycle-cli/",
            'additional_dependencies: ["mlcycle-cli==0.1.0"]', "mlcycle check --all",
            "import mlcycle", "python -m mlcycle --version", "mlcycle_version == x",
            "(pip install -U mlcycle-cli)", "pip install . # then run mlcycle"]
    assert [line for line in bad if not bare_name_lines(line)] == []
    assert [line for line in good if bare_name_lines(line)] == []


def _shipped_files() -> list[Path]:
    files = [REPO / "README.md", REPO / "action.yml"]
    for top in ("templates", "phases", "src", ".github"):
        files += [p for p in sorted((REPO / top).rglob("*")) if p.is_file()
                  and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    return files


def test_nothing_shipped_tells_people_to_install_the_bare_name() -> None:
    files = _shipped_files()
    assert len(files) > 100  # the walk found the tree
    found = [f"{p.relative_to(REPO)}: {line.strip()}" for p in files
             for line in bare_name_lines(p.read_text(encoding="utf-8"))]
    assert found == []


def test_nothing_rendered_tells_people_to_install_the_bare_name(tmp_path: Path) -> None:
    listed = run("playbooks")
    assert listed.code == 0
    names = [line.split()[0] for line in listed.out.split("\n\n")[0].splitlines()[2:]]
    assert "product" in names and len(names) >= 6
    git_init(tmp_path / "repo")
    found = []
    for name in names:
        # Below a repository's root, so the printed workflow and config are read too.
        result = run("init", f"ml/{name}", "--no-input", "--playbook", name,
                     cwd=tmp_path / "repo")
        assert result.code == 0, result.err
        found += [f"{name}: stdout: {line}" for line in bare_name_lines(result.out)]
        rendered = run("init", name, "--no-input", "--playbook", name, cwd=tmp_path)
        assert rendered.code == 0, rendered.err
        paths = sorted(p for p in (tmp_path / name).rglob("*") if p.is_file())
        assert any(p.name == ".pre-commit-config.yaml" for p in paths)
        found += [f"{p.relative_to(tmp_path)}: {line.strip()}" for p in paths
                  for line in bare_name_lines(p.read_text(encoding="utf-8"))]
    assert found == []
