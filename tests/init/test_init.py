"""`mlcycle init`: golden trees, real-client checks of the output, safety."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import snapshot

GOLDEN = Path(__file__).parents[1] / "golden" / "init"
EPOCH = "1700000000"  # 2023-11-14
TEAM = ["--team", "pm=Alice Martin", "--team", "ds=Bo Li", "--team", "ds=Chen Wu",
        "--team", "mlm=Dee"]


def init(target: Path, *extra: str, cwd: Path | None = None) -> object:
    return run("init", target, "--no-input", "--name", "Fraud scoring", *extra, cwd=cwd)


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("playbook", ["product", "five-phase"])
def test_rendered_tree_equals_golden(tmp_path: Path, playbook: str) -> None:
    target = tmp_path / "project"
    result = init(target, "--playbook", playbook, *TEAM)
    assert result.code == 0, result.err
    assert result.err == ""
    golden = GOLDEN / playbook
    if os.environ.get("MLCYCLE_REGEN_GOLDEN") == "1":
        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(target, golden)
    got, want = tree_bytes(target), tree_bytes(golden)
    assert sorted(got) == sorted(want), "files missing or extra"
    # The JSON Schemas are pydantic's rendering of our models, and their bytes
    # move with pydantic's version: they must be exactly what this installation's
    # `mlcycle schema` writes (tests/read/test_schema.py checks what they accept).
    from mlcycle.load.schemas import schema_texts

    for name, text in schema_texts().items():
        if f".mlcycle/{name}" in want:
            want[f".mlcycle/{name}"] = text.encode("utf-8")
    for path in want:
        assert got[path] == want[path], f"{path} differs from the golden file"


def test_output_is_git_friendly(tmp_path: Path) -> None:
    target = tmp_path / "p"
    assert init(target, *TEAM).code == 0
    for path, data in tree_bytes(target).items():
        assert b"\r" not in data, path
        assert data.endswith(b"\n") and not data.endswith(b"\n\n"), path
        assert not any(line != line.rstrip() for line in data.decode().split("\n")), path


def test_fresh_project_validates_and_passes_yamllint_and_jsonschema(tmp_path: Path) -> None:
    target = tmp_path / "p"
    assert init(target, *TEAM).code == 0
    result = run("validate", target)
    assert (result.code, result.out) == (0, "Fraud scoring: 7 phase files, 53 items, all valid\n")
    yaml_files = sorted(str(p) for p in target.rglob("*.y*ml"))
    lint = subprocess.run([sys.executable, "-m", "yamllint", "--strict", *yaml_files],
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    phases = sorted(str(p) for p in (target / "lifecycle").glob("*.yaml"))
    for schema, files in (("phase.schema.json", phases),
                          ("project.schema.json", [str(target / "mlcycle.yaml")])):
        check = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--schemafile",
             str(target / ".mlcycle" / schema), *files], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    workflow = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         str(target / ".github/workflows/mlcycle.yml")], capture_output=True, text=True)
    assert workflow.returncode == 0, workflow.stdout + workflow.stderr


def test_pre_commit_accepts_the_config_and_this_repos_hook_manifest(tmp_path: Path) -> None:
    target = tmp_path / "p"
    assert init(target).code == 0
    repo_root = Path(__file__).parents[2]
    for args in (["validate-config", str(target / ".pre-commit-config.yaml")],
                 ["validate-manifest", str(repo_root / ".pre-commit-hooks.yaml")]):
        done = subprocess.run([sys.executable, "-m", "pre_commit", *args],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_dry_run_writes_nothing_and_prints_the_plan(tmp_path: Path) -> None:
    target = tmp_path / "p"
    target.mkdir()
    (target / "README.md").write_text("# mine\n")
    result = init(target, "--dry-run")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "create    lifecycle/01-problem.yaml" in lines
    assert "keep      README.md" in lines
    assert lines[-1] == f"dry run: nothing written in {target.as_posix()} (36 created, 1 kept)"
    assert list(snapshot(target)) == ["README.md"]  # nothing else was written
    assert (target / "README.md").read_text() == "# mine\n"


def existing_project_line(location: str, where: str = "this directory", arg: str = "") -> str:
    return (f"{location}:1:1: error[MLC037]: {where} is already an mlcycle project; init "
            "writes nothing here, with or without --force (it would replace the team, the "
            "history and every status file): to regenerate LIFECYCLE.md run `mlcycle render"
            f"{' -C' + arg if arg else ''}`, for a new playbook version `mlcycle upgrade{arg}`, "
            "for a new project `mlcycle init` in another directory")


@pytest.mark.parametrize("extra", [[], ["--force"], ["--dry-run"], ["--force", "--dry-run"],
                                   ["--playbook", "five-phase", "--force"]])
def test_init_in_a_project_refuses_whatever_force_says(tmp_path: Path,
                                                       extra: list[str]) -> None:
    # Issue 17 item 8: --force here replaced the team, the history, every status
    # file and every filled document with stubs.
    target = tmp_path / "p"
    assert init(target, *TEAM).code == 0
    status = target / "lifecycle/01-problem.yaml"
    status.write_text(status.read_text().replace("status: todo", "status: doing", 1))
    (target / "docs/problem/problem-statement.md").write_text("# Filled in\n")
    before = snapshot(target)
    result = init(target, *extra)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        existing_project_line(f"{target.as_posix()}/mlcycle.yaml", target.as_posix(),
                              f" {target.as_posix()}"),
        "1 error in 1 file"]
    assert snapshot(target) == before


def test_init_here_in_a_project_names_the_commands_without_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "p"
    assert init(target).code == 0
    before = snapshot(target)
    result = run("init", "--no-input", "--force", cwd=target)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [existing_project_line("mlcycle.yaml"),
                                       "1 error in 1 file"]
    assert snapshot(target) == before


def test_init_in_a_project_with_a_quoted_directory_and_a_symlinked_project_file(
        tmp_path: Path) -> None:
    # Any entry named mlcycle.yaml makes a project, even a dangling link: init
    # never decides by whether the file parses.
    target = tmp_path / "my proj"
    target.mkdir()
    (target / "mlcycle.yaml").symlink_to("elsewhere.yaml")
    result = run("init", "my proj", "--no-input", "--force", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        existing_project_line("my proj/mlcycle.yaml", "my proj", " 'my proj'"),
        "1 error in 1 file"]
    assert sorted(p.name for p in target.iterdir()) == ["mlcycle.yaml"]


def test_conflict_writes_nothing_and_force_overwrites_only_rendered_files(tmp_path: Path) -> None:
    # A directory that is not (yet) a project: what a killed init leaves (every
    # file but mlcycle.yaml, which comes last), here with a status file edited.
    target = tmp_path / "p"
    assert init(target).code == 0
    (target / "mlcycle.yaml").unlink()
    status_file = target / "lifecycle" / "01-problem.yaml"
    status_file.write_text(status_file.read_text().replace("status: todo", "status: doing", 1))
    (target / "notes.txt").write_text("keep me\n")
    before = snapshot(target)
    result = init(target)
    assert result.code == 1
    assert result.err == (
        "lifecycle/01-problem.yaml: conflict: exists with different content\n"
        "1 conflicting file(s); nothing written. Use --force to overwrite them "
        "(nothing is ever deleted).\n")
    assert snapshot(target) == before
    forced = init(target, "--force")
    assert forced.code == 0, forced.err
    assert forced.out.splitlines()[0] == (f"initialised {target.as_posix()}: "
                                          "1 created, 1 overwritten, 35 unchanged")
    assert "status: doing" not in status_file.read_text()
    assert (target / "notes.txt").read_text() == "keep me\n"


def test_existing_readme_and_pre_commit_config_are_never_touched(tmp_path: Path) -> None:
    target = tmp_path / "p"
    target.mkdir()
    (target / "README.md").write_bytes(b"mine\r\n")
    (target / ".pre-commit-config.yaml").write_bytes(b"repos: []\n")
    result = init(target, "--force")
    assert result.code == 0, result.err
    assert (target / "README.md").read_bytes() == b"mine\r\n"
    assert (target / ".pre-commit-config.yaml").read_bytes() == b"repos: []\n"
    assert "kept your README.md (not touched); see `mlcycle init --dry-run`" in result.out


def test_unknown_team_role_is_a_usage_error_with_a_hint(tmp_path: Path) -> None:
    target = tmp_path / "p"
    result = init(target, "--team", "dss=Bo", "--team", "nobody")
    assert result.code == 2
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: --team 'dss=Bo': unknown role 'dss' (did you mean "
        "'ds'?); roles of playbook 'product': pm, mlm, ds, mle, pe, devops, qa, de, "
        "stakeholder, support",
        "<command line>: error[MLC031]: --team 'nobody': expected role=person",
    ]
    assert not target.exists()


@pytest.mark.parametrize("name", ["", "a\nb", "x" * 201])
def test_invalid_project_name(tmp_path: Path, name: str) -> None:
    result = run("init", tmp_path / "p", "--no-input", "--name", name)
    assert result.code == 2
    assert result.err.splitlines()[0] == ("<command line>: error[MLC031]: --name: a project name "
                                          "is one printable line of 1 to 200 characters")
    assert not (tmp_path / "p").exists()


def test_invalid_slug(tmp_path: Path) -> None:
    result = init(tmp_path / "p", "--slug", "../etc")
    assert result.code == 2
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: --slug: '../etc' is not a slug (lowercase letters, "
        "digits and single dashes, starting with a letter; at most 64)",
    ]


def _user_playbook(tmp_path: Path) -> Path:
    source = Path(__file__).parents[2] / "phases" / "five-phase"
    playbook = tmp_path / "team-playbook"
    shutil.copytree(source, playbook)
    return playbook


def test_doc_path_leaving_the_project_is_rejected(tmp_path: Path) -> None:
    playbook = _user_playbook(tmp_path)
    define = playbook / "define.yaml"
    text = define.read_text()
    first_doc = text.split("path: ", 1)[1].split("\n", 1)[0]
    define.write_text(text.replace(first_doc, "docs/define/../../../evil.md", 1))
    target = tmp_path / "p"
    result = init(target, "--playbook", str(playbook))
    assert result.code == 2
    assert result.err.splitlines() == [
        f"{playbook.as_posix()}/define.yaml:9:11: error[MLC012]: docs[0].path: "
        "'docs/define/../../../evil.md' is not allowed here: expected a path "
        "docs/<phase>/<name>.md without '..'",
        "1 error in 1 file",
    ]
    assert not target.exists() and not (tmp_path / "evil.md").exists()


def test_template_that_climbs_out_is_refused_in_the_sandbox(tmp_path: Path) -> None:
    playbook = _user_playbook(tmp_path)
    (tmp_path / "secret.txt").write_text("top secret\n")
    (playbook / "templates" / "docs").mkdir(parents=True)
    (playbook / "templates" / "docs" / "problem-statement.md.j2").write_text(
        '<!-- mlcycle:stub -->\n{% include "../../../secret.txt" %}\n')
    target = tmp_path / "p"
    result = init(target, "--playbook", str(playbook), cwd=tmp_path)
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        "team-playbook/templates/docs/problem-statement.md.j2:1:1: error[MLC030]: template error: "
        "template not found: ../../../secret.txt")
    assert not target.exists()


def test_template_cannot_reach_python_internals(tmp_path: Path) -> None:
    playbook = _user_playbook(tmp_path)
    (playbook / "templates" / "docs").mkdir(parents=True)
    (playbook / "templates" / "docs" / "problem-statement.md.j2").write_text(
        "{{ project.__class__.__mro__[1].__subclasses__() }}\n")
    result = init(tmp_path / "p", "--playbook", str(playbook), cwd=tmp_path)
    assert result.code == 2
    assert result.err.splitlines() == [
        "team-playbook/templates/docs/problem-statement.md.j2:1:1: error[MLC030]: template error: "
        "access to attribute '__class__' of 'dict' object is unsafe.",
        "1 error in 1 file",
    ]


def test_user_playbook_template_overrides_builtin(tmp_path: Path) -> None:
    playbook = _user_playbook(tmp_path)
    (playbook / "templates" / "docs").mkdir(parents=True)
    (playbook / "templates" / "docs" / "problem-statement.md.j2").write_text(
        "<!-- mlcycle:stub -->\n# Our own {{ doc.title }}\n")
    target = tmp_path / "p"
    result = init(target, "--playbook", str(playbook))
    assert result.code == 0, result.err
    assert (target / "docs/define/problem-statement.md").read_text() == (
        "<!-- mlcycle:stub -->\n# Our own Problem statement\n")
    assert "  path: ../team-playbook\n" in (target / "mlcycle.yaml").read_text()
    assert run("validate", target).code == 0


def test_symlinked_directory_leading_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "p"
    target.mkdir()
    (target / "docs").symlink_to(outside)
    result = init(target)
    assert result.code == 2
    assert result.err.splitlines() == [
        "docs/data/data-quality-report.md:1:1: error[MLC032]: 'docs' is a symlink or a file; "
        "mlcycle will not write through it",
        "1 error in 1 file",
    ]
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == ["docs"]


def test_interrupt_mid_write_leaves_target_as_before(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "p"
    target.mkdir()
    (target / "README.md").write_text("mine\n")
    (target / "lifecycle").mkdir()
    (target / "lifecycle" / "01-problem.yaml").write_text("old\n")
    before = snapshot(target)
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src: object, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] == 10:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    result = init(target, "--force")
    monkeypatch.setattr(os, "replace", real_replace)
    assert result.code == 130
    assert result.err == "mlcycle: interrupted\n"
    assert calls["n"] == 10  # nine files were in place when Ctrl-C came; all were undone
    assert snapshot(target) == before
    assert sorted(p.name for p in target.rglob("*")) == ["01-problem.yaml", "README.md",
                                                          "lifecycle"]


def test_interrupt_removes_a_target_directory_init_created(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "new" / "p"
    real_replace = os.replace

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    result = init(target)
    monkeypatch.setattr(os, "replace", real_replace)
    assert result.code == 130
    assert not (tmp_path / "new").exists()


def test_read_only_target_fails_cleanly(tmp_path: Path) -> None:
    # Outside pytest's private (0700) temp tree, so that the unprivileged user can reach it.
    base = Path(tempfile.mkdtemp(prefix="mlcycle-ro-"))
    base.chmod(0o755)
    target = base / "ro"
    target.mkdir()
    (target / "keep.txt").write_text("x\n")
    target.chmod(0o555)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    command = [sys.executable, "-m", "mlcycle", "init", str(target), "--no-input"]
    if os.geteuid() == 0:  # root ignores permissions: run as nobody for a real refusal
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    before = snapshot(target)
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd="/")
    target.chmod(0o755)
    after = snapshot(target)
    shutil.rmtree(base)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"{target}/: error[MLC001]: cannot write: Permission denied; nothing was changed",
        "1 error in 1 file",
    ]
    assert after == before


def test_source_date_epoch_must_be_a_number(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = init(tmp_path / "p")
    assert result.code == 2
    assert result.err.splitlines()[0] == ("<environment>: error[MLC031]: SOURCE_DATE_EPOCH must "
                                          "be a whole number of seconds since 1970, not "
                                          "'yesterday'")


@pytest.mark.parametrize("template, message", [
    (b"{% for x in range(10**9) %}{{ x }}{% endfor %}\n",
     "error[MLC030]: template error: 1000000000 is too large an argument for a template (at "
     "most 16777216)"),
    (b'{{ "x" * 10**9 }}\n',
     "error[MLC030]: template error: a template may not build a sequence over 1000000 items "
     "with '*'"),
    (b"{{ 2 ** 1000000000 }}\n",
     "error[MLC030]: template error: exponent 1000000000 is too large for a template"),
    (b"<!-- mlcycle:stub -->\n\xff\xfe\n",
     "error[MLC002]: template is not valid UTF-8 (byte 0xff at offset 22)"),
])
def test_a_teams_hostile_or_broken_template_is_a_user_error(
    tmp_path: Path, template: bytes, message: str
) -> None:
    playbook = _user_playbook(tmp_path)
    (playbook / "templates" / "docs").mkdir(parents=True)
    (playbook / "templates" / "docs" / "problem-statement.md.j2").write_bytes(template)
    target = tmp_path / "p"
    result = init(target, "--playbook", str(playbook), cwd=tmp_path)
    assert result.code == 2
    assert result.err.splitlines() == [
        f"team-playbook/templates/docs/problem-statement.md.j2:1:1: {message}", "1 error in 1 file"]
    assert not target.exists()
