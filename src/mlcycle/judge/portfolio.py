"""Every mlcycle project under some paths, one row each, for ``mlcycle portfolio``.

A row is a handful of numbers: each project is loaded, judged and dropped
before the next, so memory stays at one project plus the rows. Projects are
spread over every core (fork), each worker loading one at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mlcycle.codes import MLC060
from mlcycle.errors import MlcycleError, Problem

PROJECT_FILE = "mlcycle.yaml"
# Never projects, and often huge: a repository's objects, installed packages.
SKIP_NAMES = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache"})
# Below this many projects, starting worker processes costs more than it saves.
PARALLEL_MIN = 16


@dataclass
class Row:
    path: str  # as the user sees it: relative to the working directory when under it
    valid: bool
    name: str = ""
    playbook: str = ""
    version: str = ""
    current_phase: str = ""
    items: int = 0
    closed: int = 0  # done + waived, as `status` counts progress
    open_gates: list[str] = field(default_factory=list)  # of phases already left
    blocked: int = 0
    overdue: int = 0
    expiring: int = 0  # waivers expired or expiring within 14 days
    errors: int = 0  # error findings of `check` (default scope)
    warnings: int = 0
    check: str = ""  # "passed", "failed" or "invalid" (what `check` would say)
    first_error: str = ""  # for an invalid project

    @property
    def progress(self) -> float:
        return self.closed / self.items if self.items else 1.0

    def risk(self) -> tuple[Any, ...]:
        """Sort key, riskiest first: invalid; then more open gates of phases
        already left; more check errors; more waivers expired or expiring;
        more overdue items; more blocked items; less progress; then path."""
        return (self.valid, -len(self.open_gates), -self.errors, -self.expiring, -self.overdue,
                -self.blocked, self.progress, self.path)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["progress"] = round(self.progress, 4)
        return data


@dataclass
class Totals:
    projects: int = 0
    invalid: int = 0
    failing: int = 0  # `check` would exit 1
    items: int = 0
    closed: int = 0
    open_gates: int = 0
    blocked: int = 0
    overdue: int = 0
    expiring: int = 0

    @property
    def progress(self) -> float:
        return self.closed / self.items if self.items else 1.0


@dataclass
class Portfolio:
    today: date
    rows: list[Row]
    totals: Totals
    notes: list[str] = field(default_factory=list)  # what the search left out


def _skipped(directory: str, name: str) -> bool:
    if name in SKIP_NAMES:
        return True
    # Any virtual environment, whatever its name.
    return os.path.isfile(os.path.join(directory, name, "pyvenv.cfg"))


MAX_DEPTH = 32  # directory levels below each path; a monorepo nests far less


def discover(paths: list[Path], notes: list[str] | None = None) -> list[Path]:
    """Every directory holding an mlcycle.yaml under ``paths`` (nested projects
    included), sorted, each once. Symlinked directories are never entered: they
    lead out of the paths or to a place already walked. Walked with a stack, not
    recursion, and at most ``MAX_DEPTH`` levels deep; what was cut is added to
    ``notes``."""
    found: dict[str, Path] = {}
    for top in paths:
        if not top.is_dir():
            raise MlcycleError.at(MLC060, "not a directory; portfolio looks for projects "
                                  "under directories", str(top))
        too_deep: list[str] = []
        stack = [(os.fspath(top), 0)]
        while stack:
            directory, depth = stack.pop()
            try:
                entries = list(os.scandir(directory))
            except OSError:
                continue  # unreadable: as os.walk, skipped
            if any(e.name == PROJECT_FILE and e.is_file() for e in entries):
                found.setdefault(os.path.realpath(directory), Path(directory))
            subdirs = sorted(e.name for e in entries
                             if e.is_dir(follow_symlinks=False) and not _skipped(directory, e.name))
            if subdirs and depth >= MAX_DEPTH:
                too_deep.append(directory)
                continue
            stack.extend((os.path.join(directory, name), depth + 1) for name in reversed(subdirs))
        if too_deep and notes is not None:
            notes.append(f"{top.as_posix()}: not searched below {MAX_DEPTH} directory levels "
                         f"({len(too_deep)} director{'y' if len(too_deep) == 1 else 'ies'} "
                         f"cut, the first {too_deep[0]!r})")
    return sorted(found.values(), key=lambda p: p.as_posix())


def display(path: Path) -> str:
    """A project's path as shown: relative to the working directory when below it."""
    try:
        rel = path.absolute().relative_to(Path.cwd())
    except ValueError:
        return path.as_posix()
    return rel.as_posix() or "."


def row(path: Path, today: date) -> Row:
    """Load, judge and summarise one project; an invalid one is a row saying so."""
    from mlcycle.judge import evaluate
    from mlcycle.load import project

    shown = display(path)
    try:
        loaded, problems = project.load_partial(path)
    except MlcycleError as exc:
        return _invalid(shown, exc.problems)
    if loaded is None or problems:
        out = _invalid(shown, problems)
        if loaded is not None:
            _describe(out, loaded)
        return out
    result = evaluate.evaluate(loaded, evaluate.Options(today))
    if result.problems:
        out = _invalid(shown, result.problems)
        _describe(out, loaded)
        return out
    out = Row(shown, True)
    _describe(out, loaded)
    for state in result.items:
        item = state.item
        out.items += 1
        out.closed += item.status in ("done", "waived")
        if state.evaluated and not state.closed:
            out.open_gates.append(item.id)
        if item.status == "blocked":
            out.blocked += 1
        if item.status in evaluate.OPEN_STATUSES and item.due is not None and item.due < today:
            out.overdue += 1
        if item.status == "waived" and item.waiver is not None \
                and (item.waiver.expires - today).days <= evaluate.EXPIRY_WARNING_DAYS:
            out.expiring += 1
    out.errors = result.count("error")
    out.warnings = result.count("warning")
    out.check = result.outcome
    return out


def _describe(out: Row, loaded: Any) -> None:
    out.name = loaded.file.name
    out.playbook = loaded.file.playbook.name
    out.version = loaded.file.playbook.version
    out.current_phase = loaded.file.current_phase


def _invalid(shown: str, problems: list[Problem]) -> Row:
    # mlcycle.yaml first: when it is broken, that is the news, not what follows from it.
    errors = [p for p in problems if p.severity == "error"] or problems
    ordered = sorted(errors, key=lambda p: (p.location.path != PROJECT_FILE, p))
    first = str(ordered[0]) if ordered else "invalid"
    return Row(shown, False, check="invalid", first_error=first)


def _row_job(job: tuple[Path, date]) -> Row:
    return row(*job)


def rows(paths: list[Path], today: date, jobs: int | None = None,
         notes: list[str] | None = None) -> Iterator[Row]:
    """One row per project, in discovery order; on every core when there are many."""
    projects = discover(paths, notes)
    workers = min(jobs or os.cpu_count() or 1, len(projects))
    import multiprocessing

    if workers < 2 or len(projects) < PARALLEL_MIN \
            or "fork" not in multiprocessing.get_all_start_methods():
        for path in projects:
            yield row(path, today)
        return
    import concurrent.futures

    from mlcycle.load.source import parse_here

    # Each worker has a core: it parses its projects' files itself.
    with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"),
            initializer=parse_here) as pool:
        # Chunks keep the hand-over cost low; map keeps discovery order.
        chunk = max(1, min(32, len(projects) // (workers * 8)))
        yield from pool.map(_row_job, [(p, today) for p in projects], chunksize=chunk)


def portfolio(paths: list[Path], today: date, jobs: int | None = None) -> Portfolio:
    from mlcycle.load.project import sharing_playbooks

    notes: list[str] = []
    with sharing_playbooks():  # forked workers inherit it: each reads a playbook once
        found = sorted(rows(paths, today, jobs, notes), key=Row.risk)
    totals = Totals()
    for r in found:
        totals.projects += 1
        totals.invalid += not r.valid
        totals.failing += r.check == "failed"
        totals.items += r.items
        totals.closed += r.closed
        totals.open_gates += len(r.open_gates)
        totals.blocked += r.blocked
        totals.overdue += r.overdue
        totals.expiring += r.expiring
    return Portfolio(today, found, totals, notes)
