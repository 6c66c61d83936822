"""The documentation site: generated pages current, the getting-started page true."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"
PAGE = DOCS / "getting-started.md"
FENCE = re.compile(r"(?:<!-- (not run|file): ([^\n]*?) -->\n\n?)?```(\w+)\n(.*?)```", re.S)


def test_generated_reference_pages_are_current() -> None:
    done = subprocess.run([sys.executable, str(DOCS / "generate.py"), "--check"],
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, ""), (
        f"{done.stderr}regenerate with: python docs/generate.py")


def test_a_stale_page_is_named(tmp_path: Path) -> None:
    # The check itself can fail: a copy of the docs with one page edited.
    import shutil

    shutil.copytree(DOCS, tmp_path / "docs")
    codes = tmp_path / "docs" / "reference" / "codes.md"
    codes.write_text(codes.read_text() + "stale\n")
    done = subprocess.run([sys.executable, str(tmp_path / "docs" / "generate.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr == ("docs/reference/codes.md: stale; regenerate with: "
                           "python docs/generate.py\n")


def blocks() -> list[tuple[str, str, str, str]]:
    """(marker, its text, language, body) of every fenced block of the page."""
    return [m.groups("") for m in FENCE.finditer(PAGE.read_text(encoding="utf-8"))]


def script() -> str:
    """The page's sh blocks as one bash script that stops at the first command
    whose exit code is not the one the page states."""
    lines = ["set -u"]
    for marker, why, language, body in blocks():
        if language != "sh":
            continue
        if marker == "not run":
            assert why.strip(), "a skipped block says why"
            continue
        for line in body.splitlines():
            if not line.strip():
                continue
            expected = re.search(r"  # exit (\d+): \S", line)
            code = expected.group(1) if expected else "0"
            lines.append(line)
            lines.append(f'rc=$?; [ "$rc" = {code} ] || {{ echo "exit $rc, not {code}: '
                         f'{line.replace(chr(39), "")[:60]!r}" >&2; exit 99; }}')
    return "\n".join(lines) + "\n"


def test_the_page_marks_what_it_skips_and_what_fails() -> None:
    sh = [b for b in blocks() if b[2] == "sh"]
    assert [b[1] for b in sh if b[0] == "not run"] == [
        "the test uses the mlcycle it is testing, already installed",
        "pre-commit installs mlcycle-cli from PyPI into its own environment"]
    assert "# exit 1: the gate is open" not in script()  # each says its own why
    assert script().count("[ \"$rc\" = 1 ]") == 3


@pytest.mark.process
def test_getting_started_runs_as_written(tmp_path: Path) -> None:
    home = tmp_path / "user-home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "HOME": str(home), "LANG": "C.UTF-8", "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["bash", "-c", script()], cwd=work, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "problem-statement: doing -> done" in done.stdout
    project = work / "churn"
    # The files the page shows are the ones init rendered (comments left out).
    for marker, path, _language, body in blocks():
        if marker == "file":
            text = (project / path).read_text(encoding="utf-8")
            uncommented = "".join(line + "\n" for line in text.splitlines()
                                  if not line.lstrip().startswith("#"))
            assert body == uncommented, path
    assert sum(1 for b in blocks() if b[0] == "file") == 2
