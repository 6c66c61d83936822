"""What ``mlcycle report`` shows: the dashboard, the RACI matrix, the path
through the phases, the waivers, and a burn-up of items closed over time from
the git history. Pure data; ``render.report_html`` turns it into one HTML page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from mlcycle.judge import journey
from mlcycle.judge.dashboard import Dashboard, dashboard
from mlcycle.judge.evaluate import EXPIRY_WARNING_DAYS, ItemState, Result
from mlcycle.judge.raci import Matrix, matrix

CLOSED = ("done", "waived", "na")


@dataclass(frozen=True)
class Waiver:
    phase: str
    item: str
    title: str
    reason: str
    approved_by: str
    expires: str
    days_left: int

    @property
    def state(self) -> str:
        if self.days_left < 0:
            return "expired"
        return "expiring" if self.days_left <= EXPIRY_WARNING_DAYS else "valid"


@dataclass(frozen=True)
class Point:
    day: str  # YYYY-MM-DD
    closed: int
    label: str  # the commit (short) or "working tree"


@dataclass
class Chart:
    """The burn-up as SVG coordinates (computed here so the template only draws)."""

    points: list[Point]
    total: int
    width: int = 640
    height: int = 220
    pad: int = 36
    coords: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.points)
        top = max([self.total, 1, *(p.closed for p in self.points)])
        inner_w, inner_h = self.width - 2 * self.pad, self.height - 2 * self.pad
        self.coords = [(round(self.pad + (inner_w * i / (n - 1) if n > 1 else inner_w / 2), 1),
                        round(self.height - self.pad - inner_h * p.closed / top, 1))
                       for i, p in enumerate(self.points)]
        self.top = top

    @property
    def polyline(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.coords)

    @property
    def total_y(self) -> float:
        return round(self.height - self.pad - (self.height - 2 * self.pad) * self.total
                     / self.top, 1)


@dataclass
class Report:
    view: Dashboard
    result: Result
    raci: Matrix
    open_gates: list[ItemState]  # of phases up to and including the current one
    waivers: list[Waiver]
    moves: list[journey.Move]
    chart: Chart | None  # None outside a git repository
    generated: str | None  # from SOURCE_DATE_EPOCH only: same input, same bytes

    @property
    def closed(self) -> int:
        return sum(1 for s in self.result.items if _closed(s))

    def place(self, phase: str, item: str) -> str:
        """The phase an item sits in, with the overlay it comes from (as ``raci``
        names it): ``quality (responsible-ai)``."""
        overlay = self._overlays.get(item)
        return phase if overlay is None else f"{phase} ({overlay})"

    @cached_property  # one lookup table, not a scan per row
    def _overlays(self) -> dict[str, str]:
        return {s.item.id: s.overlay for s in self.result.items if s.overlay is not None}


def _closed(state: ItemState) -> bool:
    """Closed by its status, or not applicable by the project's profile (as
    ``status`` counts it)."""
    return state.by_profile or state.item.status in CLOSED


def generated_text(epoch: datetime | None) -> str | None:
    return None if epoch is None else epoch.strftime("%Y-%m-%d %H:%M UTC")


def burn_up(result: Result) -> Chart | None:
    """Items closed after each commit that changed a status file, then now."""
    from mlcycle.load.githistory import status_changes

    project = result.project
    assert project is not None
    history = status_changes(project.root)
    if history is None:
        return None
    # An item outside the project's profile counts as closed all along (as
    # ``status`` counts it now), whatever its status went through.
    skipped = {s.item.id for s in result.items if s.by_profile}
    changes = [c for c in history.changes if c.item not in skipped]
    points: list[Point] = []
    closed = len(skipped)
    for change in changes:
        closed += (change.new in CLOSED) - (change.old in CLOSED)
        point = Point(change.date[:10], closed, change.commit[:7])
        if points and points[-1].label == point.label:
            points[-1] = point
        else:
            points.append(point)
    now = sum(1 for s in result.items if _closed(s))
    points.append(Point(result.options.today.isoformat() if result.options else "",
                        now, "working tree"))
    return Chart(points, len(result.items))


def report(result: Result, epoch: datetime | None) -> Report:
    project = result.project
    assert project is not None and result.options is not None
    today: date = result.options.today
    view = dashboard(result, everything=True)  # the report lists every phase
    ids = project.playbook.phase_ids
    current = project.file.current_phase
    upto = set(ids[: ids.index(current) + 1]) if current in ids else set(ids)
    gates = [s for s in result.items if s.item.gate and not s.closed and s.phase in upto]
    waivers = [Waiver(s.phase, s.item.id, s.item.title, " ".join(s.item.waiver.reason.split()),
                      s.item.waiver.approved_by, s.item.waiver.expires.isoformat(),
                      (s.item.waiver.expires - today).days)
               for s in result.items if s.item.status == "waived" and s.item.waiver is not None]
    return Report(view, result, matrix(project, project.definitions.roles), gates, waivers,
                  journey.moves(project), burn_up(result), generated_text(epoch))
