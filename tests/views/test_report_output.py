"""`--output` (check, schema): a report never replaces a file the project reads;
a device, FIFO or `/dev/stdout` is written into, never replaced; a symlink is
written through (issue 9, item 1)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_project, snapshot

PHASES = Path(__file__).parents[2] / "phases"
REFUSED = ("error[MLC035]: --output would replace a file mlcycle reads ({what}){via}; nothing "
           "was written, write the report elsewhere")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return init_project(tmp_path / "p", "--team", "pm=Ana")


def with_evidence(root: Path, evidence: str) -> None:
    """Item problem-statement done, with ``evidence`` (state fields only)."""
    path = root / "lifecycle/01-problem.yaml"
    text = path.read_text()
    old = "    status: todo\n    owner:\n"
    assert text.count(old) >= 1
    path.write_text(text.replace(old, f"    status: done\n    owner: Ana\n    evidence:\n"
                                      f"      - {evidence}\n", 1))


def refused(shown: str, what: str, via: str = "") -> list[str]:
    return [f"{shown}:1:1: " + REFUSED.format(what=what, via=via), "1 error in 1 file"]


@pytest.mark.parametrize("target, what", [
    ("lifecycle/01-problem.yaml", "a status file in lifecycle/"),
    ("lifecycle/new-report.yaml", "a status file in lifecycle/"),  # would be read next time
    ("mlcycle.yaml", "the project file"),
])
@pytest.mark.parametrize("format", ["text", "json", "junit"])
def test_check_never_writes_over_the_projects_own_files(
        project: Path, target: str, what: str, format: str) -> None:
    before = snapshot(project)
    result = run("check", "--format", format, "--output", target, cwd=project)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == refused(target, what)
    assert snapshot(project) == before
    assert run("check", cwd=project).code == 0  # the project still loads


def test_check_never_writes_over_evidence_or_into_an_evidence_directory(project: Path) -> None:
    doc = project / "docs/problem/problem-statement.md"
    doc.write_text("# Problem statement\n\nChurn costs us.\n")
    with_evidence(project, "docs/problem")
    before = snapshot(project)
    for target in ("docs/problem/problem-statement.md", "docs/problem/report.md"):
        result = run("check", "--output", target, cwd=project)
        assert (result.code, result.out) == (2, "")
        assert result.err.splitlines() == refused(target,
                                                  "evidence of item 'problem-statement'")
    assert snapshot(project) == before


def test_check_never_writes_over_a_metrics_file(project: Path) -> None:
    # Found by trying to make check pass: a report over reports/eval.json would
    # destroy the number a parity check reads (existing or not yet written).
    (project / "reports").mkdir()
    (project / "reports/eval.json").write_text('{"accuracy": 0.91}\n')
    before = snapshot(project)
    for target, item in (("reports/eval.json", "model-accuracy"),
                         ("reports/drift.json", "drift-monitoring")):
        result = run("check", "--format", "json", "--output", target, cwd=project)
        assert (result.code, result.out) == (2, "")
        assert result.err.splitlines() == refused(target, f"a metrics file of item '{item}'")
    assert snapshot(project) == before
    # Also when the status files do not validate (the inputs are read leniently).
    status = project / "lifecycle/05-quality.yaml"
    status.write_text(status.read_text().replace("    status: todo\n", "    status: nope\n", 1))
    result = run("check", "--output", "reports/offline-impact.json", cwd=project)
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines[0].startswith("lifecycle/05-quality.yaml:28:13: error[MLC012]: items[0].status:")
    # Only the quality file, which did not load, names this one: read from its raw data.
    assert lines[1:] == [refused("reports/offline-impact.json",
                                 "a metrics file of item 'offline-evaluation'")[0],
                         "2 errors in 2 files"]
    assert not (project / "reports/offline-impact.json").exists()


def test_a_symlink_to_an_input_is_refused_and_stays_a_link(project: Path) -> None:
    (project / "report.yaml").symlink_to("lifecycle/01-problem.yaml")
    before = snapshot(project)
    result = run("check", "--output", "report.yaml", cwd=project)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == refused("report.yaml", "a status file in lifecycle/",
                                              " (through a symlink)")
    assert snapshot(project) == before


def test_a_team_playbook_inside_the_project_is_an_input(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "p"
    shutil.copytree(PHASES / "five-phase", root / "playbook")
    assert run("init", ".", "--no-input", "--playbook", "./playbook", cwd=root).code == 0
    before = snapshot(root)
    result = run("check", "--output", "playbook/define.yaml", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == refused("playbook/define.yaml", "the project's playbook")
    assert snapshot(root) == before


def test_a_bare_recorded_playbook_path_is_protected_as_a_directory(tmp_path: Path) -> None:
    import shutil

    from helpers.project import FIXTURES

    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "valid" / "handwritten", root)
    assert "  path: playbook  #" in (root / "mlcycle.yaml").read_text()
    before = snapshot(root)
    result = run("check", "--output", "playbook/data.yaml", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == refused("playbook/data.yaml", "the project's playbook")
    assert snapshot(root) == before


def test_an_invalid_project_is_protected_too_and_every_problem_is_shown(project: Path) -> None:
    with_evidence(project, "docs/problem/problem-statement.md")
    status = project / "lifecycle/01-problem.yaml"
    status.write_text(status.read_text().replace("    status: done\n", "    status: finished\n",
                                                 1))
    before = snapshot(project)
    result = run("check", "--output", "docs/problem/problem-statement.md", cwd=project)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "docs/problem/problem-statement.md:1:1: " + REFUSED.format(
            what="evidence of item 'problem-statement'", via=""),
        "lifecycle/01-problem.yaml:28:13: error[MLC012]: items[0].status: 'finished' is not "
        "one of todo, doing, blocked, done, waived, na",
        "2 errors in 2 files",
    ]
    assert snapshot(project) == before


def test_dev_null_is_written_into_and_stays_a_device(project: Path) -> None:
    result = run("check", "--format", "json", "--output", "/dev/null", cwd=project)
    assert result.code == 0, result.err
    assert result.out == run("check", cwd=project).out
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not Path("/dev").joinpath(".null.").exists()


def test_a_fifo_is_written_into_and_stays_a_fifo(project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("check", "--format", "json", "--output", fifo, cwd=project)
    reader.join(timeout=30)
    assert result.code == 0, result.err
    assert received == [run("check", "--format", "json", cwd=project).out.encode()]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["p",
                                                                              "report.fifo"]


def test_dev_stdout_is_written_into(project: Path, tmp_path: Path) -> None:
    # Exactly what /dev/stdout is, a symlink to /proc/self/fd/1 (here: a pipe), but
    # one whose replacement by a regressed mlcycle running as root would not break
    # the machine's /dev/stdout, as the code before this fix did.
    (tmp_path / "stdout").symlink_to("/proc/self/fd/1")
    stdout = str(tmp_path / "stdout")
    done = subprocess.run([sys.executable, "-m", "mlcycle", "check", "--format", "json",
                           "--output", stdout], cwd=project, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1"})
    assert (done.returncode, done.stderr) == (0, "")
    json_report = run("check", "--format", "json", cwd=project).out
    assert done.stdout == json_report + run("check", cwd=project).out
    assert os.path.islink(stdout)


def test_a_symlink_is_written_through_and_stays_a_link(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "real.json").write_text("old\n")
    os.chmod(out / "real.json", 0o640)
    (out / "link.json").symlink_to("real.json")
    (out / "dangling.json").symlink_to("new.json")
    for name in ("link.json", "dangling.json"):
        result = run("check", "--format", "json", "--output", out / name, cwd=project)
        assert result.code == 0, result.err
    report = run("check", "--format", "json", cwd=project).out
    assert os.readlink(out / "link.json") == "real.json"
    assert os.readlink(out / "dangling.json") == "new.json"
    assert (out / "real.json").read_text() == report
    assert (out / "new.json").read_text() == report
    assert stat.S_IMODE(os.stat(out / "real.json").st_mode) == 0o640  # kept
    assert sorted(p.name for p in out.iterdir()) == ["dangling.json", "link.json", "new.json",
                                                      "real.json"]


def test_a_plain_new_file_is_still_written(project: Path, tmp_path: Path) -> None:
    result = run("check", "--format", "junit", "--output", "report.xml", cwd=project)
    assert result.code == 0, result.err
    assert (project / "report.xml").read_text() == run("check", "--format", "junit",
                                                       cwd=project).out


def test_schema_output_never_replaces_an_input_and_writes_nothing(project: Path) -> None:
    with_evidence(project, ".mlcycle/phase.schema.json")
    (project / ".mlcycle/phase.schema.json").write_text("{}\n")  # differs: would be written
    before = snapshot(project)
    result = run("schema", "--output", ".mlcycle", cwd=project)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == refused(".mlcycle/phase.schema.json",
                                              "evidence of item 'problem-statement'")
    assert snapshot(project) == before


def test_schema_output_writes_through_a_symlink(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    out.mkdir()
    (tmp_path / "elsewhere.json").write_text("old\n")
    (out / "phase.schema.json").symlink_to(tmp_path / "elsewhere.json")
    result = run("schema", "--output", out, cwd=tmp_path)
    assert result.code == 0, result.err
    assert (out / "phase.schema.json").is_symlink()
    assert (tmp_path / "elsewhere.json").read_text().startswith("{")
