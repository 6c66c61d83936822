"""The valid projects the fuzz tests start from, and what each command may print.

Two bases: a real `mlcycle init` product project (SOURCE_DATE_EPOCH fixed, so its
history date is the same on any day) and the hand-written fixture with its own
team playbook. Each is built once per test module and copied per example.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from helpers.cli import Result, run
from helpers.project import FIXTURES, init_date

TODAY = "2025-12-05"  # after both bases' history, before every due date and waiver
INIT_EPOCH = "1764547200"  # 2025-12-01
# Examples are copied to memory where there is a tmpfs: every edit fsyncs, and
# a thousand examples' worth of disk flushes would be most of the run's time.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None

# One line per problem, compiler style; a directory or the command line has no line.
_LOCATED = re.compile(r"^[^\s:][^:]*:\d+:\d+: (error|warning|note)\[MLC\d{3}\]: \S")
_UNLOCATED = re.compile(r"^([^\s:][^:]*/|<command line>|<environment>): "
                        r"(error|warning|note)\[MLC\d{3}\]: \S")
_COUNT = re.compile(r"^\d+ errors? in \d+ files?$")


def bad_lines(stderr: str) -> list[str]:
    """The stderr lines of an exit 2 that are neither a problem nor the count."""
    return [ln for ln in stderr.splitlines()
            if not (_LOCATED.match(ln) or _UNLOCATED.match(ln) or _COUNT.match(ln))]


@dataclass(frozen=True)
class Base:
    name: str
    root: Path
    # Commands that only read, and editing commands, each with arguments valid
    # on the unmutated project (the project directory is appended).
    reads: tuple[tuple[str, ...], ...]
    edits: tuple[tuple[str, ...], ...]

    def __repr__(self) -> str:  # hypothesis prints the drawn base on a failure
        return f"Base({self.name!r})"


def _reads(phase: str) -> tuple[tuple[str, ...], ...]:
    return (("validate",), ("check", "--today", TODAY), ("status", "--today", TODAY),
            ("status", "--format", "json", "--today", TODAY), ("raci", "--phase", phase),
            ("log",))


def _product(root: Path) -> Base:
    with init_date(INIT_EPOCH):
        # product 3.0.0's model and A/B gates read the project's primary metric.
        made = run("init", root, "--no-input", "--team", "pm=Ana", "--team", "mlm=Mia",
                   "--team", "ds=Bo", "--primary-metric", "precision_at_50>=0.30")
    assert made.code == 0, made
    today = ("--today", TODAY)
    return Base("product", root, _reads("problem"), (
        ("set", "problem-statement", "doing", "--owner", "Ana", "--note", "fuzz: a note",
         "--due", "2026-01-15", *today),
        ("start", "team-and-allies", *today),
        ("block", "why-ml", "--reason", "waiting for data", *today),
        ("done", "problem-statement", "--evidence", "https://example.com/statement", *today),
        ("waive", "success-metrics", "--reason", "agreed", "--by", "Ana", "--until",
         "2026-06-30", *today),
        ("advance", "--by", "Ana", *today),  # refused: the phase's gates are open
        ("team", "add", "support", "Sam Lee"),
        ("team", "remove", "ds", "Bo"),
        ("render",),
    ))


def _handwritten(root: Path) -> Base:
    shutil.copytree(FIXTURES / "valid" / "handwritten", root, symlinks=True)
    today = ("--today", TODAY)
    return Base("handwritten", root, _reads("data"), (
        ("set", "cleaning-scripts", "doing", "--owner", "Ana Lima", "--note", "fuzz: a note",
         "--due", "2026-01-15", *today),
        ("done", "cleaning-scripts", "--evidence", "https://example.com/cleaning", *today),
        ("waive", "eda", "--reason", "agreed", "--by", "Marco Rossi", "--until",
         "2026-06-30", *today),
        ("advance", "--by", "Priya Nair", *today),  # refused: the phase's gates are open
        ("reopen", "define", "--reason", "fuzz: look again", "--by", "Priya Nair", *today),
        ("team", "add", "qa", "Ida Berg"),
        ("team", "remove", "pe", "Sam Carter"),
        ("render",),
    ))


def build(where: Path) -> dict[str, Base]:
    return {"product": _product(where / "product"),
            "handwritten": _handwritten(where / "handwritten")}


def command(args: tuple[str, ...], root: Path) -> Result:
    """Run one command on the project at ``root``: read commands take it as DIR,
    the others as --project (they find it as from a working directory)."""
    if args[0] in ("validate", "check", "status"):
        return run(args[0], root, *args[1:])
    return run(*args, "--project", root)
