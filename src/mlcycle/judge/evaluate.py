"""Evaluate a loaded project: which gates are closed, and what is inconsistent.

Pure in the sense that matters: a Project and options in, a Result out. It never
prints, never exits and never imports typer or rich. It does look at evidence
files (stat, and the first MiB of a file for the stub marker), because that is
what "evidence" means.

Linear in the number of items: items are indexed by id once, and a location
(a text scan from the item's recorded start) is only computed for a finding that
is reported.
"""

from __future__ import annotations

import os
import re
import stat
from datetime import date
from pathlib import Path

from mlcycle import codes
from mlcycle.errors import MlcycleError, Problem, capped
from mlcycle.escape import line, quote
from mlcycle.judge import metrics
from mlcycle.judge.own_files import OwnFiles

# The result types live in judge/result.py; importers may name them here too.
from mlcycle.judge.result import (
    Finding,
    ItemState,
    MetricResult,
    Mode,
    Options,
    PhaseSummary,
    Result,
)
from mlcycle.load.model import Item
from mlcycle.load.project import PhaseState, Project, is_url
from mlcycle.load.source import Loc
from mlcycle.load.validation import did_you_mean

__all__ = ["EXPIRY_WARNING_DAYS", "OPEN_STATUSES", "STUB_MARKER", "Finding",
           "ItemState", "MetricResult", "Mode", "Options", "PhaseSummary", "Result",
           "evaluate", "parse_today", "scope"]
STUB_MARKER = b"<!-- mlcycle:stub -->"
STUB_SCAN_BYTES = 1024 * 1024  # a stub is a few KiB; evidence may be a 5 GiB model file
EXPIRY_WARNING_DAYS = codes.EXPIRY_WARNING_DAYS
OPEN_STATUSES = ("todo", "doing", "blocked")

# --- options -----------------------------------------------------------------

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def parse_today(option: str | None, env: str | None) -> date:
    """The evaluation date: ``--today``, else ``MLCYCLE_TODAY``, else the local date."""
    for value, where in ((option, "--today"), (env, "MLCYCLE_TODAY")):
        if value is None or (where == "MLCYCLE_TODAY" and value == ""):
            continue
        try:
            if not _DATE_RE.match(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            raise MlcycleError.at(
                "MLC031", f"{where}: {quote(value)} is not a calendar date YYYY-MM-DD",
                "<command line>" if where == "--today" else "<environment>") from None
    return date.today()


def scope(project: Project, options: Options) -> list[str]:
    """Ids of the phases whose gates are evaluated, in playbook order."""
    # Positions come from the playbook: a phase whose file did not load (check
    # goes on with the rest) must not shift the others.
    ids = project.playbook.phase_ids
    loaded = {p.id for p in project.phases}
    if options.mode == "all":
        chosen = ids
    elif options.mode == "default":
        current = project.file.current_phase
        chosen = ids[: ids.index(current)] if current in ids else []
    else:
        name = options.phase or ""
        if name not in ids:
            raise MlcycleError.at(
                "MLC027", f"--{options.mode} {quote(name)} is not a phase of playbook "
                f"'{project.playbook.name}'{did_you_mean(name, ids)}; phases: {', '.join(ids)}",
                "<command line>")
        index = ids.index(name)
        chosen = ids[: index + 1] if options.mode == "through" else [name]
    return [p for p in chosen if p in loaded]



# --- evaluation --------------------------------------------------------------


def _init_rendered(project: Project) -> dict[str, bytes]:
    from mlcycle.init.pristine import rendered

    return rendered(project)


class _Evidence:
    """Checks one path of evidence; records why it is not evidence."""

    def __init__(self, root: Path, own: OwnFiles) -> None:
        self.root = root
        self.own = own
        # Many items cite the same document: look at each path once.
        self.known: dict[str, tuple[str, str] | None] = {}

    def is_own(self, path: Path) -> bool:
        """Is this one of the files mlcycle renders or reads to run the lifecycle?"""
        return self.own.holds(path)

    def check(self, rel: str) -> tuple[str, str] | None:
        """None when rel is evidence, else (code, reason). OSError propagates."""
        if rel not in self.known:
            self.known[rel] = self._check(rel)
        return self.known[rel]

    def _check(self, rel: str) -> tuple[str, str] | None:
        path = self.root / rel
        try:
            info = path.stat()
        except FileNotFoundError:
            return "MLC103", "does not exist"
        except NotADirectoryError:
            return "MLC103", "does not exist"
        whose = self.own.whose(path)
        if whose:
            return "MLC109", f"is one of {whose} own files; it proves nothing about the item"
        if self.own.pristine(path):
            return "MLC109", ("is the file `mlcycle init` rendered, unchanged; it proves "
                              "nothing about the item")
        if stat.S_ISREG(info.st_mode):
            if info.st_size == 0:
                return "MLC103", "is an empty file"
            return ("MLC104", "is still a stub (it carries <!-- mlcycle:stub -->)") \
                if self._is_stub(path) else None
        if stat.S_ISDIR(info.st_mode):
            if path.resolve() == self.root:
                return "MLC103", "is the project directory itself, not a piece of evidence"
            return self._check_directory(path)
        return "MLC103", "is neither a regular file nor a directory"

    @staticmethod
    def _is_stub(path: Path) -> bool:
        with open(path, "rb") as handle:
            return STUB_MARKER in handle.read(STUB_SCAN_BYTES)

    def _check_directory(self, directory: Path) -> tuple[str, str] | None:
        # Symlinks inside are not followed: they could lead anywhere.
        stubs = own = False
        stack = [directory]
        while stack:
            with os.scandir(stack.pop()) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    path = Path(entry.path)
                    if entry.is_dir(follow_symlinks=False):
                        if self.is_own(path):
                            own = True
                        else:
                            stack.append(path)
                    elif entry.is_file(follow_symlinks=False) and entry.stat().st_size > 0:
                        if self.is_own(path):
                            own = True
                        elif not self._is_stub(path):
                            return None
                        else:
                            stubs = True
        if own:
            return "MLC109", ("is a directory that holds nothing but stubs and mlcycle's own "
                              "files; they prove nothing about the item")
        if stubs:
            return "MLC104", "is a directory that holds only stubs (<!-- mlcycle:stub -->)"
        return "MLC103", "is a directory without any non-empty file"


def evaluate(project: Project, options: Options,
             skip: frozenset[tuple[str, int]] = frozenset()) -> Result:
    """Judge every item; ``skip`` holds (phase, index) of items that did not load
    cleanly (check evaluates the rest and still exits 2)."""
    evaluated = scope(project, options)
    in_scope = set(evaluated)
    today = options.today
    result = Result(project, options, evaluated)
    people = project.people()
    evidence = _Evidence(project.root, OwnFiles(project.root, project.file.playbook.path,
                                                lambda: _init_rendered(project)))
    metric_files = metrics.Files(project.root)
    metric_results: list[MetricResult] = []
    findings: list[Finding] = []
    problems: list[Problem] = []

    def report(phase: PhaseState, item: Item, sub: Loc, code: str, message: str,
               index: int) -> Finding:
        severity = codes.severity(code)
        problem = phase.source.problem(("items", index, *sub), code, message, severity)
        finding = Finding(problem, phase.id, item.id)
        findings.append(finding)
        return finding

    # Pass 1: each item's own state (closed or not), evidence, waiver, owner, due.
    states: dict[str, ItemState] = {}
    placed: list[tuple[PhaseState, int, ItemState]] = []
    for phase in project.phases:
        for index, item in enumerate(phase.file.items):
            if (phase.id, index) in skip:
                continue
            why = ""
            name = f"item '{item.id}'"
            if item.status == "done":
                broken = False
                for e_index, ev in enumerate(item.evidence):
                    if is_url(ev):
                        report(phase, item, ("evidence", e_index), "MLC152",
                               f"{name}: URL evidence {quote(ev)} was not verified "
                               "(check works offline)", index)
                        continue
                    # project.load has refused every path that leaves the project.
                    try:
                        failed = evidence.check(ev)
                    except OSError as exc:
                        problems.append(phase.source.problem(
                            ("items", index, "evidence", e_index), "MLC001",
                            f"{name}: evidence {quote(ev)} cannot be read: "
                            f"{exc.strerror or exc}"))
                        broken = True
                        continue
                    if failed:
                        code, reason = failed
                        report(phase, item, ("evidence", e_index), code,
                               f"{name}: evidence {quote(ev)} {reason}", index)
                        broken = True
                if item.evidence_required and not item.evidence:
                    report(phase, item, ("status",), "MLC102",
                           f"{name} is done but has no evidence; it requires a file in the "
                           "project or an http(s) URL", index)
                    broken = True
                if broken:
                    why = "done, but its evidence is not valid"
            elif item.status == "waived":
                if item.waiver is None:
                    report(phase, item, ("status",), "MLC106",
                           f"{name} is waived but has no waiver (reason, approved_by, expires)",
                           index)
                    why = "waived without a waiver"
                else:
                    approver = _approver_problem(project, item)
                    if approver:
                        report(phase, item, ("waiver", "approved_by"), "MLC110",
                               f"{name}: {approver}", index)
                        why = "its waiver is not approved by the accountable role"
                    expires = item.waiver.expires
                    left = (expires - today).days
                    if left < 0:
                        report(phase, item, ("waiver", "expires"), "MLC105",
                               f"{name}: waiver expired on {expires.isoformat()} (approved by "
                               f"{item.waiver.approved_by})", index)
                        why = f"waiver expired on {expires.isoformat()}"
                    elif left <= EXPIRY_WARNING_DAYS:
                        when = "today" if left == 0 else \
                            f"in {left} day{'' if left == 1 else 's'}"
                        report(phase, item, ("waiver", "expires"), "MLC151",
                               f"{name}: waiver expires on {expires.isoformat()}, {when} "
                               "(valid through that day)", index)
            else:
                why = f"status is {item.status}"
                if item.due is not None and item.due < today:
                    late = (today - item.due).days
                    report(phase, item, ("due",), "MLC150",
                           f"{name} is {late} day{'' if late == 1 else 's'} past its due date "
                           f"{item.due.isoformat()} (status: {item.status})", index)
            # An item's numbers are judged with the item: in a phase being evaluated,
            # unless a waiver excuses it. A failing check keeps the item open.
            if (item.metrics or item.parity) and phase.id in in_scope \
                    and item.status != "waived":
                failing = False
                for outcome in metrics.run(metric_files, item):
                    # Messages quote keys and text from metrics files: made printable.
                    found = tuple(report(phase, item, loc, code, line(message), index)
                                  for loc, code, message in outcome.problems)
                    metric_results.append(MetricResult(phase.id, item.id, phase.source.display,
                                                       outcome, found))
                    failing = failing or outcome.verdict != "pass"
                if failing and not why:
                    why = "its metric checks fail"
            if item.owner is not None and item.owner not in people:
                report(phase, item, ("owner",), "MLC108",
                       f"{name}: owner {quote(item.owner)} is not on the team in "
                       f"mlcycle.yaml{did_you_mean(item.owner, sorted(people))}",
                       index)
            state = ItemState(phase.id, index, item, not why, why,
                              item.gate and phase.id in in_scope)
            states[item.id] = state
            placed.append((phase, index, state))
            if state.evaluated and item.status in OPEN_STATUSES:
                report(phase, item, ("status",), "MLC101",
                       f"gate '{item.id}' ({item.title}) is open: "
                       f"status is {item.status}", index)

    # Pass 2: a done item whose dependencies are not closed.
    for phase, index, state in placed:
        if state.item.status != "done":
            continue
        for d_index, dep in enumerate(state.item.depends_on):
            other = states.get(dep)  # project.load checked every id exists
            if other is not None and not other.closed:
                report(phase, state.item, ("depends_on", d_index), "MLC107",
                       f"item '{state.item.id}' is done but depends on '{dep}', which is not "
                       f"closed ({other.why_open})", index)

    result.items = [state for _, _, state in placed]
    if options.min_score is not None:
        from mlcycle.judge import score

        low = score.below_minimum(project, result, options.min_score)
        if low is not None:
            findings.append(Finding(*low))
    findings.sort(key=lambda f: f.problem)
    result.findings = findings
    result.metrics = metric_results
    result.problems = capped(problems)
    result.items = [state for _, _, state in placed]
    result.phases = _summaries(project, result, in_scope)
    return result


def _approver_problem(project: Project, item: Item) -> str:
    """Why the waiver's approver may not excuse the item, or "" when they may."""
    assert item.waiver is not None
    role = item.raci.accountable
    holders = project.file.team.get(role, [])
    approver = item.waiver.approved_by
    if approver in holders:
        return ""
    role_name = project.definitions.roles.get(role, role)
    if not holders:
        return (f"waiver approved by {quote(approver)}, but nobody on the team holds the "
                f"item's accountable role '{role}' ({role_name}); add the person who answers "
                f"for it under team.{role} in mlcycle.yaml")
    return (f"waiver approved by {quote(approver)}, who does not hold the item's "
            f"accountable role '{role}' ({role_name}); it may be approved by "
            f"{line(', '.join(holders))}")


def _summaries(project: Project, result: Result, in_scope: set[str]) -> list[PhaseSummary]:
    summaries = {
        p.id: PhaseSummary(p.id, p.title, p.number, p.source.display,
                           p.id == project.file.current_phase, p.id in in_scope)
        for p in project.phases
    }
    for state in result.items:
        s = summaries[state.phase]
        s.items += 1
        s.done += state.item.status == "done"
        s.waived += state.item.status == "waived"
        s.closed += state.closed
        if state.item.gate:
            s.gates += 1
            s.gates_closed += state.closed
    for finding in result.findings:
        s = summaries[finding.phase]
        if finding.severity == "error":
            s.errors += 1
        elif finding.severity == "warning":
            s.warnings += 1
        else:
            s.notes += 1
    return list(summaries.values())
