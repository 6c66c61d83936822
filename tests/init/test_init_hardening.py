"""`mlcycle init` under hostile or unusual input (issue 9): messages that blame
what the user really gave, team playbooks inside the project, team templates
that break the self-check or run away, and CI wiring inside a larger git repo."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import yaml
from helpers.cli import run
from helpers.git import git_init
from helpers.project import snapshot

EPOCH = "1700000000"
PHASES = Path(__file__).parents[2] / "phases"


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def team_playbook(where: Path) -> Path:
    shutil.copytree(PHASES / "five-phase", where)
    return where


# --- item 17: the error blames what the user gave --------------------------------


def test_a_name_whose_slug_is_invalid_blames_the_name_and_suggests_slug(tmp_path: Path) -> None:
    result = run("init", tmp_path / "x", "--no-input", "--name", "2025 churn model")
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: the slug derived from the project name, "
        "'2025-churn-model', is not a slug (lowercase letters, digits and single dashes, "
        "starting with a letter; at most 64); give one with --slug",
    ]
    assert not (tmp_path / "x").exists()
    fixed = run("init", tmp_path / "x", "--no-input", "--name", "2025 churn model",
                "--slug", "churn-2025")
    assert fixed.code == 0, fixed.err
    assert "slug: churn-2025\n" in (tmp_path / "x" / "mlcycle.yaml").read_text()


def test_a_given_slug_that_is_invalid_still_blames_slug(tmp_path: Path) -> None:
    result = run("init", tmp_path / "x", "--no-input", "--slug", "2x")
    assert result.code == 2
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: --slug: '2x' is not a slug (lowercase letters, digits "
        "and single dashes, starting with a letter; at most 64)",
    ]


def test_a_directory_name_with_a_newline_blames_the_directory(tmp_path: Path) -> None:
    target = tmp_path / "a\nb"
    target.mkdir()
    result = run("init", "--no-input", cwd=target)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "<command line>: error[MLC031]: the directory name 'a\\nb' is not a valid project name "
        "(a project name is one printable line of 1 to 200 characters); give one with --name",
    ]
    assert list(target.iterdir()) == []
    assert run("init", "--no-input", "--name", "Ab", cwd=target).code == 0


# --- item 24: a playbook kept inside the project -----------------------------------


def test_a_playbook_inside_the_project_is_recorded_as_a_path_and_checks(tmp_path: Path) -> None:
    project = tmp_path / "p"
    team_playbook(project / "playbook")
    result = run("init", ".", "--no-input", "--playbook", "./playbook", cwd=project)
    assert result.code == 0, result.err
    assert "  path: ./playbook\n" in (project / "mlcycle.yaml").read_text()
    before = snapshot(project)
    checked = run("check", cwd=project)
    assert checked.code == 0, checked.err
    assert checked.err == ""
    assert snapshot(project) == before


def test_a_bare_recorded_playbook_path_reads_as_a_directory(tmp_path: Path) -> None:
    # mlcycle 0.1 recorded `path: playbook`: that is the directory, not a built-in name.
    project = tmp_path / "p"
    team_playbook(project / "playbook")
    assert run("init", ".", "--no-input", "--playbook", "./playbook", cwd=project).code == 0
    file = project / "mlcycle.yaml"
    file.write_text(file.read_text().replace("  path: ./playbook\n", "  path: playbook\n"))
    for command in ("check", "validate", "status"):
        result = run(command, cwd=project)
        assert result.code == 0, (command, result.err)
        assert result.err == ""


# --- item 5: a team's phase template that does not read back ------------------------


def _override(playbook: Path, template: str, old: str, new: str) -> Path:
    """The team's copy of one built-in template, with one change."""
    source = Path(__file__).parents[2] / "templates" / template
    path = playbook / "templates" / template
    path.parent.mkdir(parents=True, exist_ok=True)
    text = source.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))
    return path


def test_a_team_phase_template_that_switches_a_gate_off_is_mlc030(tmp_path: Path) -> None:
    playbook = team_playbook(tmp_path / "pb")
    _override(playbook, "project/phase.yaml.j2",
              'gate: {{ "true" if item.gate else "false" }}', "gate: false")
    result = run("init", "p", "--no-input", "--playbook", "./pb", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "pb/templates/project/phase.yaml.j2:1:1: error[MLC030]: renders lifecycle/01-define.yaml, "
        "which does not read back as the playbook defines it: item 'problem-statement': gate "
        "is false, the playbook says true",
        "1 error in 1 file",
    ]
    assert not (tmp_path / "p").exists()


def test_a_team_phase_template_that_renders_an_unknown_key_is_mlc030(tmp_path: Path) -> None:
    playbook = team_playbook(tmp_path / "pb")
    _override(playbook, "project/phase.yaml.j2", "phase: {{ phase.id }}\n",
              "phase: {{ phase.id }}\nfoo: 1\n")
    target = tmp_path / "p"
    target.mkdir()
    result = run("init", "p", "--no-input", "--playbook", "./pb", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "pb/templates/project/phase.yaml.j2:1:1: error[MLC030]: renders lifecycle/01-define.yaml, "
        "which does not read back as the playbook defines it: lifecycle/01-define.yaml:8:1: "
        "foo: unknown key 'foo'; allowed: phase, title, items",
        "1 error in 1 file",
    ]
    assert list(target.iterdir()) == []


def test_a_team_project_template_that_changes_the_name_is_mlc030(tmp_path: Path) -> None:
    playbook = team_playbook(tmp_path / "pb")
    _override(playbook, "project/mlcycle.yaml.j2", "name: {{ project.name|yaml_line(6, \"  \") }}",
              "name: Something else")
    result = run("init", "p", "--no-input", "--name", "Churn", "--playbook", "./pb",
                 cwd=tmp_path)
    assert result.code == 2
    assert result.err.splitlines() == [
        "pb/templates/project/mlcycle.yaml.j2:1:1: error[MLC030]: renders mlcycle.yaml, which does "
        'not read back as the playbook defines it: name is "Something else", not "Churn"',
        "1 error in 1 file",
    ]


# --- item 11: a team's template cannot hang init or fill the disk -----------------------


def _doc_template(tmp_path: Path, body: str) -> None:
    playbook = team_playbook(tmp_path / "pb")
    docs = playbook / "templates" / "docs"
    docs.mkdir(parents=True)
    (docs / "problem-statement.md.j2").write_text("<!-- mlcycle:stub -->\n" + body + "\n")


def test_a_template_that_loops_for_ever_is_stopped_at_the_time_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlcycle.init import templating

    monkeypatch.setattr(templating, "RENDER_SECONDS", 0.5)
    _doc_template(tmp_path, "{% for i in range(50000) %}{% for j in range(50000) %}"
                            "{% endfor %}{% endfor %}")
    started = time.monotonic()
    result = run("init", "p", "--no-input", "--playbook", "./pb", cwd=tmp_path)
    assert time.monotonic() - started < 10
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "pb/templates/docs/problem-statement.md.j2:1:1: error[MLC030]: template error: rendering "
        "took longer than 0.5 seconds (a loop that does not end?); mlcycle stopped it",
        "1 error in 1 file",
    ]
    assert not (tmp_path / "p").exists()


def test_exponential_recursion_without_loops_is_stopped_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlcycle.init import templating

    monkeypatch.setattr(templating, "RENDER_SECONDS", 0.5)
    _doc_template(tmp_path, "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
                            "{% endmacro %}{{ f(60) }}")
    result = run("init", "p", "--no-input", "--playbook", "./pb", cwd=tmp_path)
    assert result.code == 2
    assert result.err.splitlines()[0].endswith(
        "error[MLC030]: template error: rendering took longer than 0.5 seconds (a loop that "
        "does not end?); mlcycle stopped it")


@pytest.mark.parametrize("body", [
    "{% set s = 'x' * 999999 %}{% for i in range(2000) %}{{ s }}{% endfor %}",
    # built in memory by a macro before anything is written
    "{% macro m() %}{% for i in range(2000) %}{{ 'x' * 999999 }}{% endfor %}{% endmacro %}"
    "{{ m() }}",
])
def test_a_template_that_renders_gigabytes_is_stopped_at_the_size_limit(
        tmp_path: Path, body: str) -> None:
    _doc_template(tmp_path, body)
    result = run("init", "p", "--no-input", "--playbook", "./pb", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "pb/templates/docs/problem-statement.md.j2:1:1: error[MLC030]: template error: renders "
        "more than 16 MiB; mlcycle stopped it",
        "1 error in 1 file",
    ]
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(("body", "reason"), [
    # One call that would allocate gigabytes before any output limit could look.
    ("{{ 'x'|center(3000000000) }}", "3000000000 is too large an argument for a template (at "
     "most 16777216)"),
    ("{{ 'a'|indent(999999999) }}", "999999999 is too large an argument for a template (at "
     "most 16777216)"),
    ("{{ [1]|batch(999999999, 0)|list }}", "999999999 is too large an argument for a template "
     "(at most 16777216)"),
    ("{{ 'x'.ljust(999999999) }}", "999999999 is too large an argument for a template (at most "
     "16777216)"),
    ("{{ '%999999999d' % 1 }}", "a format width over 16 MiB is too large for a template"),
    ("{{ '%*d'|format(999999999, 1) }}", "999999999 is too large an argument for a template (at "
     "most 16777216)"),
    ("{{ '{:999999999}'.format(1) }}", "a format width over 16 MiB is too large for a template"),
    ("{{ '{:{w}}'.format(1, w=999999999) }}", "999999999 is too large an argument for a "
     "template (at most 16777216)"),
    # What no argument check sees: the address space is capped while it renders.
    ("{% set s = 'x' * 999999 %}{{ s|replace('x', s) }}", "needs more than 1024 MiB of memory; "
     "mlcycle stopped it"),
    ("{% set s = ['ab'] * 999999 %}{{ s|join('y' * 999999) }}", "needs more than 1024 MiB of "
     "memory; mlcycle stopped it"),
])
def test_a_single_call_that_would_allocate_gigabytes_is_refused_at_once(
        tmp_path: Path, body: str, reason: str) -> None:
    if "memory" in reason and not Path("/proc/self/statm").exists():
        pytest.skip("the address-space cap needs Linux's /proc (elsewhere only the time limit)")
    _doc_template(tmp_path, body)
    started = time.monotonic()
    result = run("init", "p", "--no-input", "--playbook", "./pb", cwd=tmp_path)
    assert time.monotonic() - started < 30
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        f"pb/templates/docs/problem-statement.md.j2:1:1: error[MLC030]: template error: {reason}",
        "1 error in 1 file",
    ]
    assert not (tmp_path / "p").exists()


def test_a_long_but_finite_team_template_still_renders(tmp_path: Path) -> None:
    _doc_template(tmp_path, "{% for i in range(300) %}{% for j in range(300) %}{% endfor %}"
                            "{% endfor %}{{ 'y' * 1000 }}")
    result = run("init", "p", "--no-input", "--playbook", "./pb", cwd=tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "p/docs/define/problem-statement.md").read_text() == (
        "<!-- mlcycle:stub -->\n" + "y" * 1000 + "\n")


# --- item 23: document templates without the stub marker ------------------------------


def test_a_team_doc_template_without_the_stub_marker_is_warned_about(tmp_path: Path) -> None:
    playbook = team_playbook(tmp_path / "pb")
    docs = playbook / "templates" / "docs"
    docs.mkdir(parents=True)
    (docs / "problem-statement.md.j2").write_text("# {{ doc.title }}\n")
    warning = ("pb/templates/docs/problem-statement.md.j2:1:1: warning[MLC301]: document template "
               "has no stub marker <!-- mlcycle:stub -->: the documents it renders count as "
               "evidence as soon as init writes them; add the marker as its first line")
    shown = run("playbooks", "show", "./pb", cwd=tmp_path)
    assert shown.code == 0
    assert shown.err.splitlines() == [warning]
    assert shown.out == run("playbooks", "show", "five-phase").out  # a warning, nothing more
    result = run("init", "p", "--no-input", "--playbook", "./pb", cwd=tmp_path)
    assert result.code == 0
    assert result.err.splitlines() == [warning]
    assert (tmp_path / "p/docs/define/problem-statement.md").read_text() == (
        "# Problem statement\n")


def test_built_in_playbooks_and_marked_templates_give_no_warning(tmp_path: Path) -> None:
    from mlcycle.init.stubs import STUB_MARKER
    from mlcycle.judge.evaluate import STUB_MARKER as CHECKED

    assert STUB_MARKER.encode() == CHECKED
    lifecycles, overlays = run("playbooks").out.split("\n\n")
    rows = lifecycles.splitlines()[2:] + overlays.splitlines()[3:]
    assert "responsible-ai" in {row.split()[0] for row in rows}
    for row in rows:
        assert run("playbooks", "show", row.split()[0]).err == ""
    playbook = team_playbook(tmp_path / "pb")
    docs = playbook / "templates" / "docs"
    docs.mkdir(parents=True)
    (docs / "problem-statement.md.j2").write_text("# {{ doc.title }}\n<!-- mlcycle:stub -->\n")
    assert run("playbooks", "show", "./pb", cwd=tmp_path).err == ""
    assert run("init", "p", "--no-input", "--playbook", "./pb", cwd=tmp_path).err == ""


# --- item 19: a project below the root of its git repository ---------------------------


def test_init_below_the_repository_root_writes_no_dead_workflow_and_prints_it(
        tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git_init(repo)
    # The dry run first: once ml/churn is a project, init refuses it (MLC037).
    dry = run("init", "ml/churn", "--no-input", "--name", "Churn model", "--dry-run", cwd=repo)
    assert dry.code == 0
    result = run("init", "ml/churn", "--no-input", "--name", "Churn model", cwd=repo)
    assert result.code == 0, result.err
    lines = result.out.split("\n")
    assert lines[:4] == [
        "initialised ml/churn: 35 created",
        "next: fill in the docs, then run `mlcycle status` and `mlcycle check`",
        f"note: ml/churn is inside the git repository at {repo.resolve().as_posix()}, not at "
        "its root; GitHub runs only the workflows in .github/workflows/ of the root, so "
        "mlcycle wrote none (it writes nothing outside the project). Add this file as "
        ".github/workflows/mlcycle-churn-model.yml there:",
        "",
    ]
    assert not (repo / "ml/churn/.github").exists()
    assert not (repo / ".github").exists()
    # The pre-commit note follows (tests/clients/test_precommit_config.py).
    workflow = yaml.safe_load("\n".join(lines[4:]).split("\nnote: pre-commit", 1)[0])
    assert workflow["on"]["pull_request"]["paths"] == ["ml/churn/**"]
    assert workflow["on"]["push"]["paths"] == ["ml/churn/**"]
    steps = [s.get("run", "") for s in workflow["jobs"]["check"]["steps"]]
    assert "mlcycle check --strict-evidence --format github ${BASE:+--base \"$BASE\"}" in steps
    assert workflow["jobs"]["check"]["defaults"] == {"run": {"working-directory": "ml/churn"}}
    # The printed workflow's command works in that directory, where GitHub runs it.
    assert run("check", "--format", "github", cwd=repo / "ml/churn").code == 0
    assert dry.out.split("\n")[-len(lines) + 2:] == lines[2:]


def test_a_directory_with_spaces_is_data_in_the_printed_workflow(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git_init(repo)
    result = run("init", "ml/churn model", "--no-input", "--name", "Churn", cwd=repo)
    assert result.code == 0, result.err
    workflow = yaml.safe_load(result.out.split("there:\n\n", 1)[1].split("\nnote: ", 1)[0])
    steps = [s.get("run", "") for s in workflow["jobs"]["check"]["steps"]]
    assert "mlcycle check --strict-evidence --format github ${BASE:+--base \"$BASE\"}" in steps
    assert workflow["jobs"]["check"]["defaults"]["run"]["working-directory"] == "ml/churn model"
    assert workflow["on"]["pull_request"]["paths"] == ["ml/churn model/**"]


def test_init_at_the_repository_root_writes_the_workflow_as_before(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git_init(repo)
    result = run("init", ".", "--no-input", "--name", "Churn model", cwd=repo)
    assert result.code == 0, result.err
    assert "note:" not in result.out
    golden = Path(__file__).parents[1] / "golden/init/product/.github/workflows/mlcycle.yml"
    assert (repo / ".github/workflows/mlcycle.yml").read_bytes() == golden.read_bytes()


# --- issue 18: init writes through the one writer, never over a changed file ---------


def test_init_never_writes_over_a_file_saved_after_it_planned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlcycle.init import scaffold

    target = tmp_path / "p"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    apply = scaffold.apply

    def someone_saves_first(where: Path, planned: list[scaffold.Planned]) -> None:
        # a README saved after init planned (README: create), before it writes
        (target / "README.md").write_text("# Ours\n\nWritten while init ran.\n")
        apply(where, planned)

    monkeypatch.setattr(scaffold, "apply", someone_saves_first)
    result = run("init", target, "--no-input", "--team", "pm=Ana")
    assert (result.code, result.out) == (1, "")
    assert result.err == (f"{target.as_posix()}/README.md:1:1: error[MLC201]: changed on disk "
                          "since it was read; nothing written (run the command again)\n")
    # nothing of init's: no directory, no staged file, the two files as they were
    assert sorted(p.name for p in target.iterdir()) == ["README.md", "notes.txt"]
    assert (target / "README.md").read_text() == "# Ours\n\nWritten while init ran.\n"
    monkeypatch.setattr(scaffold, "apply", apply)
    again = run("init", target, "--no-input", "--team", "pm=Ana")  # keeps that README
    assert again.code == 0, again.err
    assert (target / "README.md").read_text() == "# Ours\n\nWritten while init ran.\n"
