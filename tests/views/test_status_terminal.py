"""``mlcycle status`` on a real (pseudo-)terminal at 0, 40, 80 and 120 columns
(issue 9, item 22): it always draws, never cuts an id or splits a phase number
from its title, keeps each bar whole, and summarises long lists."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.safety import init_project

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TODAY = "2025-06-01"


def screen(root: Path, columns: str, size: int, *args: str, color: bool = False) -> str:
    """What ``mlcycle status`` puts on a terminal ``size`` columns wide with
    ``COLUMNS=columns``; colour codes removed, line ends as the terminal shows them."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, size, 0, 0))
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    env.update(COLUMNS=columns, MLCYCLE_TODAY=TODAY, **({} if color else {"NO_COLOR": "1"}))
    proc = subprocess.Popen([sys.executable, "-m", "mlcycle", "status", *args], cwd=root,
                            stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        assert ready, f"timed out; screen so far: {seen!r}"
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.wait(timeout=30) == 0, seen
    return ANSI.sub("", seen.decode()).replace("\r\n", "\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return init_project(tmp_path_factory.mktemp("term") / "p")


PHASES = ["Problem definition", "Data exploration and quality", "Modeling",
          "Productionization", "Quality check and offline evaluation",
          "Online evaluation and rollout", "Operations: monitoring and maintenance"]


@pytest.mark.parametrize(("columns", "size", "width"), [
    ("0", 100, 100),  # COLUMNS=0 means "unknown": the terminal's own width
    ("40", 40, 40),
    ("60", 60, 60),
    ("80", 80, 80),
    ("120", 120, 120),
])
def test_status_fits_the_terminal(project: Path, columns: str, size: int, width: int) -> None:
    text = screen(project, columns, size)
    lines = text.splitlines()
    assert lines[0].startswith("p · playbook product 3.1.0")
    assert max(len(line) for line in lines) <= width
    assert "…" not in text  # nothing is ever cut short
    for number, title in enumerate(PHASES, start=1):
        # "4." stays on the line where its title starts.
        row = next(line for line in lines if re.match(rf"^[▶ ]\s+{number}\.\s", line))
        assert title.split()[0] in row, (number, row)
        assert re.search(r"\s\d+/\d+\s+\d+/\d+(\s|$)", row), row  # counts whole
        if width >= 72:  # the bar and its percentage stay whole
            assert re.search(r"[░█]+\s+0%", row), row
        elif width >= 60:  # narrower, the percentage alone
            assert re.search(r"\s0%\s", row), row
    # At the first phase the lists cover it alone (not 50 unowned items of later phases).
    assert "Unowned open items (7)" in text and "Open gates (4)" in text
    assert "more; `mlcycle status" not in text
    wide = screen(project, columns, size, "--all")
    assert "Unowned open items (53)" in wide
    assert "... and 43 more; `mlcycle status --all-items` lists every one" in " ".join(
        wide.splitlines())


@pytest.mark.parametrize("width", [60, 80, 120])
def test_lines_break_between_words(tmp_path: Path, width: int) -> None:
    """A blocked reason, an overdue cell, an id and a person's name are wrapped
    between words at any width from 60, never cut inside one."""
    root = init_project(tmp_path / "p", "--team", "pm=Ana Ruiz")
    long_id = "data-understanding-from-engineering"
    assert run("set", "problem-statement", "blocked", "--owner", "Ana Ruiz", "--note",
               "waiting for the data contract from billing and legal",
               "--due", "2025-05-27", "--today", TODAY, cwd=root).code == 0
    text = screen(root, str(width), width, "--all")
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    flat = " ".join(line.strip() for line in lines)
    for words in ("waiting for the data contract from billing and legal", "5 days late",
                  long_id, "Ana Ruiz"):
        assert words in flat, words
    for word in ("billing", "late", long_id, "Ruiz"):  # each whole on one line
        assert any(word in line for line in lines), word
    assert "billin\n" not in text and "la\n" not in text


@pytest.mark.parametrize("width", [40, 80, 120])
def test_every_open_gate_id_is_shown_whole(project: Path, width: int) -> None:
    text = screen(project, str(width), width, "--all", "--all-items")
    words = set(re.findall(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", text))
    gates = re.findall(r"  - id: (\S+)\n(?:    .*\n)*?    gate: true",
                       "".join(p.read_text(encoding="utf-8")
                               for p in sorted((project / "lifecycle").glob("*.yaml"))))
    assert len(gates) == 27
    assert set(gates) <= words, set(gates) - words
    assert "Unowned open items (53)" in text and "more; `mlcycle status" not in text


def test_colour_on_a_terminal_changes_no_word(project: Path) -> None:
    def words(text: str) -> list[str]:
        return [line.rstrip() for line in text.splitlines()]

    coloured = screen(project, "120", 120, color=True)
    assert words(coloured) == words(screen(project, "120", 120))


def test_long_lists_are_summarised_in_every_format_but_json(project: Path) -> None:
    more = "... and 43 more; `mlcycle status --all-items` lists every one"
    table = run("status", "--today", TODAY, "--all", cwd=project)
    assert (table.code, table.err) == (0, "")
    assert more in table.out.splitlines()
    markdown = run("status", "--today", TODAY, "--all", "--format", "markdown",
                   cwd=project).out
    assert "... and 43 more; \\`mlcycle status --all-items\\` lists every one" in markdown
    unowned = markdown.split("### Unowned open items (53)\n", 1)[1].split("\n\n**", 1)[0]
    assert sum(line.startswith("| `") for line in unowned.splitlines()) == 10
    full = run("status", "--today", TODAY, "--all", "--all-items", cwd=project).out
    assert "more; `mlcycle status" not in full
    assert "improvement-backlog" in full and "improvement-backlog" not in table.out
    data = json.loads(run("status", "--today", TODAY, "--all", "--format", "json",
                          cwd=project).out)
    assert len(data["unowned"]) == 53
    first = json.loads(run("status", "--today", TODAY, "--format", "json", cwd=project).out)
    assert (len(first["unowned"]), first["listed_phases"]) == (7, ["problem"])
