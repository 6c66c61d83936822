"""What ``mlcycle status`` shows, computed from an evaluation: rows per phase
and the lists of blocked, overdue and unowned items and expiring waivers.
Pure: no printing, no rich (that is ``render.status``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mlcycle.codes import MLC031, MLC101, MLC120, MLC121, MLC150, MLC151, MLC152, MLC153
from mlcycle.errors import MlcycleError
from mlcycle.escape import quote
from mlcycle.judge import journey, workable
from mlcycle.judge.evaluate import (
    EXPIRY_WARNING_DAYS,
    OPEN_STATUSES,
    ItemState,
    Options,
    Result,
    scope,
)
from mlcycle.judge.rules.recurring import due_detail
from mlcycle.load.model import Item
from mlcycle.load.project import Project
from mlcycle.load.validation import did_you_mean


@dataclass
class PhaseRow:
    id: str
    title: str
    number: int
    current: bool
    total: int = 0
    done: int = 0
    waived: int = 0
    na: int = 0  # not applicable: closed, counted apart
    gates: int = 0
    open_gates: list[str] = field(default_factory=list)
    reopened: int = 0  # times the project was sent back to this phase

    @property
    def progress(self) -> float:
        """(done + waived + na) / total; an empty row counts as complete."""
        return (self.done + self.waived + self.na) / self.total if self.total else 1.0


@dataclass
class Entry:
    phase: str
    item: Item
    detail: str  # the reason, the lateness, the expiry
    code: str = ""  # the finding a reason comes from (why_open)
    waits_on: list[str] = field(default_factory=list)  # its dependencies not closed yet


DUE_SOON_DAYS = 7  # "Due this week": open items due today or within this many days


@dataclass
class Dashboard:
    project: Project
    today: date
    owner: str | None
    phase: str | None
    rows: list[PhaseRow]
    blocked: list[Entry]
    overdue: list[Entry]
    unowned: list[Entry]
    expiring: list[Entry]  # waivers expired or expiring within EXPIRY_WARNING_DAYS
    path: str = ""  # the phases the project went through, reopenings included
    # Why an open gate is open beyond its status: a failing check with its
    # numbers, missing evidence, an open dependency; one entry per reason.
    why_open: list[Entry] = field(default_factory=list)
    # The open items of the current phase, those being worked on, those due soon.
    current: list[Entry] = field(default_factory=list)
    in_progress: list[Entry] = field(default_factory=list)
    due_soon: list[Entry] = field(default_factory=list)
    # Recurring items done longer ago than their period (or done with no date).
    due_again: list[Entry] = field(default_factory=list)
    # Items the project's profile leaves out (shown only for a profile other
    # than production, where there are any).
    by_profile: list[Entry] = field(default_factory=list)
    # Lists cover the phases up to the current one, unless --all (or --phase).
    everything: bool = False
    listed: list[str] = field(default_factory=list)  # the phases the lists cover


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def _check_filters(result: Result, owner: str | None, phase: str | None) -> None:
    """An unknown --owner or --phase is a usage error, named with a hint."""
    project, options = result.project, result.options
    assert project is not None and options is not None
    if owner is not None:
        owners = project.people() | {s.item.owner for s in result.items if s.item.owner}
        if owner not in owners:
            raise MlcycleError.at(
                MLC031, f"--owner {quote(owner)} is not on the team and owns no item"
                f"{did_you_mean(owner, sorted(owners))}; team: "
                f"{', '.join(sorted(project.people()))}", "<command line>")
    if phase is not None:
        scope(project, Options(options.today, "phase", phase))  # unknown phase: MLC027


def _count(row: PhaseRow, state: ItemState) -> None:
    item = state.item
    row.total += 1
    if state.by_profile:  # not applicable by the project's profile: closed, never a gate
        row.na += 1
        return
    row.done += item.status == "done"
    row.waived += item.status == "waived"
    row.na += item.status == "na"
    if item.gate:
        row.gates += 1
        if not state.closed:
            row.open_gates.append(item.id)


def _open_entries(board: Dashboard, state: ItemState, waits: list[str]) -> None:
    """An open item: blocked (with the reason in its notes), overdue, unowned,
    in progress, due this week, and of the current phase."""
    item, today = state.item, board.today
    if item.status == "blocked":
        # Notes may span lines; a table cell shows them as one.
        reason = " ".join((item.notes or "").split()) or "(no reason given in notes)"
        board.blocked.append(Entry(state.phase, item, reason, waits_on=waits))
    if item.due is not None and item.due < today:
        board.overdue.append(Entry(state.phase, item, f"due {item.due.isoformat()}, "
                                   f"{_days((today - item.due).days)} late", waits_on=waits))
    elif item.due is not None and (item.due - today).days <= DUE_SOON_DAYS:
        left = (item.due - today).days
        board.due_soon.append(Entry(state.phase, item, f"due {item.due.isoformat()} "
                                    f"({'today' if left == 0 else 'in ' + _days(left)})",
                                    waits_on=waits))
    if item.owner is None:
        board.unowned.append(Entry(state.phase, item, item.status, waits_on=waits))
    if item.status == "doing":
        due = f"due {item.due.isoformat()}" if item.due is not None else ""
        board.in_progress.append(Entry(state.phase, item, due, waits_on=waits))
    if state.phase == board.project.file.current_phase or board.owner is not None:
        detail = item.status + (", gate" if item.gate else "")
        board.current.append(Entry(state.phase, item, detail, waits_on=waits))


def _waiver_entry(board: Dashboard, state: ItemState) -> None:
    """A waiver expired or expiring within EXPIRY_WARNING_DAYS."""
    item = state.item
    assert item.waiver is not None
    left = (item.waiver.expires - board.today).days
    expires = item.waiver.expires.isoformat()
    if left < 0:
        board.expiring.append(Entry(state.phase, item, f"expired {expires} ({_days(-left)} ago)"))
    elif left <= EXPIRY_WARNING_DAYS:
        board.expiring.append(Entry(state.phase, item, f"expires {expires} "
                                    f"({'today' if left == 0 else 'in ' + _days(left)})"))


# An open item's own status says why it is open; of its findings only failing
# numbers add to that (a metrics file not written yet is the normal state of
# open work). A done item that is not closed shows every finding against it.
_OPEN_REASONS = (MLC120, MLC121, MLC153)
_NOT_REASONS = (MLC101, MLC150, MLC151, MLC152)


def _reasons(result: Result) -> dict[str, list[tuple[str, str]]]:
    """(code, message) of the findings that keep each item open, by item id."""
    found: dict[str, list[tuple[str, str]]] = {}
    for finding in result.findings:
        found.setdefault(finding.item, []).append((finding.code, finding.message))
    return found


def _why_entries(board: Dashboard, state: ItemState,
                 reasons: dict[str, list[tuple[str, str]]]) -> None:
    item = state.item
    prefix = f"item '{item.id}': "
    wanted = [(code, message.removeprefix(prefix)) for code, message in reasons.get(item.id, [])
              if (code in _OPEN_REASONS if item.status in OPEN_STATUSES
                  else code not in _NOT_REASONS)]
    if not wanted and item.status not in OPEN_STATUSES:
        wanted = [("", state.why_open)]
    board.why_open += [Entry(state.phase, item, message, code) for code, message in wanted]


def _listed(project: Project, phase: str | None, everything: bool) -> list[str]:
    """The phases whose items the lists show: one with --phase, all with --all,
    else those up to the current one (later phases are one line each)."""
    ids = [p.id for p in project.phases]
    if phase is not None:
        return [phase]
    if everything or project.file.current_phase not in ids:
        return ids
    return ids[:ids.index(project.file.current_phase) + 1]


def dashboard(result: Result, owner: str | None = None, phase: str | None = None,
              everything: bool = False) -> Dashboard:
    """What ``mlcycle status`` shows, optionally for one person and/or one phase."""
    project, options = result.project, result.options
    assert project is not None and options is not None
    _check_filters(result, owner, phase)
    reopened = journey.reopened(project)
    rows = {p.id: PhaseRow(p.id, p.title, p.number, p.id == project.file.current_phase,
                           reopened=reopened[p.id])
            for p in project.phases if phase is None or p.id == phase}
    board = Dashboard(project, options.today, owner, phase, [], [], [], [], [],
                      journey.path(project), everything=everything,
                      # one person's view lists their items of every phase
                      listed=_listed(project, phase, everything or owner is not None))
    reasons = _reasons(result)
    listed = set(board.listed)
    waiting = workable.unmet(result)
    for state in result.items:
        item = state.item
        row = rows.get(state.phase)
        if row is None or (owner is not None and item.owner != owner):
            continue
        _count(row, state)
        if state.by_profile:
            if state.phase in listed:
                board.by_profile.append(Entry(
                    state.phase, item, f"not applicable to a {project.file.profile} project "
                    f"(applies to {', '.join(item.profiles or [])})"))
            continue
        if item.gate and not state.closed:
            _why_entries(board, state, reasons)
        if state.phase not in listed:
            continue
        if item.status in OPEN_STATUSES:
            _open_entries(board, state, waiting.get(item.id, []))
        elif item.status == "waived" and item.waiver is not None:
            _waiver_entry(board, state)
        elif due_detail(item, board.today):
            board.due_again.append(Entry(state.phase, item,
                                         due_detail(item, board.today)))
    # With --owner, only the phases where the person owns something: an empty
    # current phase would read as "your work is here".
    board.rows = [r for r in rows.values() if owner is None or r.total]
    return board
