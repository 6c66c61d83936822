"""The project's path through its phases, read from ``mlcycle.yaml``'s history:
forward moves, the reopenings that sent it back (with why), and how often each
phase was reopened. Pure data for ``status`` and ``log``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mlcycle.escape import line
from mlcycle.load.project import Project


@dataclass(frozen=True)
class Move:
    date: str
    event: str
    from_: str | None
    to: str
    reason: str | None
    by: str | None
    playbooks: tuple[str, str] | None = None  # an upgrade: (from, to) as NAME@VERSION
    profiles: tuple[str, str] | None = None  # a profile change: (from, to)
    hosts: str | None = None  # an evidence entry: "+= HOST" or "-= HOST"
    overlay: str | None = None  # an overlay entry: NAME@VERSION
    metric: str | None = None  # a metric entry: the primary metric after (NAME>=FLOOR)


def moves(project: Project) -> list[Move]:
    return [Move(h.date.isoformat(), h.event, h.from_, h.to, h.reason, h.by,
                 (h.from_playbook or "", h.to_playbook or "") if h.event == "upgrade" else None,
                 (h.from_profile or "", h.to_profile or "") if h.event == "profile" else None,
                 (f"+= {h.added_host}" if h.added_host else f"-= {h.removed_host}")
                 if h.event == "evidence" else None,
                 h.overlay if h.event.startswith("overlay-") else None,
                 h.to_metric if h.event == "metric" else None)
            for h in project.file.history]


def path(project: Project) -> str:
    """``frame -> data -> model -> data (reopened 2026-03-02: label leakage) -> model``."""
    steps: list[str] = []
    for move in moves(project):
        if move.event == "reopen":
            why = " ".join((move.reason or "").split())
            steps.append(f"{move.to} (reopened {move.date}: {line(why)})")
        elif move.event in ("init", "advance"):
            steps.append(move.to)
        # Any other entry (an upgrade, a metric, a profile, an overlay, a host)
        # changes the project where it stands: no step on the path.
    return " -> ".join(steps) or project.file.current_phase


def reopened(project: Project) -> dict[str, int]:
    """Phase id -> how many times the project was sent back to it."""
    counts = Counter(m.to for m in moves(project) if m.event == "reopen")
    return {p.id: counts.get(p.id, 0) for p in project.phases}
