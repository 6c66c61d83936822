"""What a change does to the lifecycle, by item id, never by text lines.

Compares two ``gitbase.Snapshot``s (the merge base and the working tree).
Definition changes come first: a gate switched off or an evidence requirement
dropped is what a reviewer must not miss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mlcycle.load.definitions import FIELDS
from mlcycle.load.gitbase import Snapshot
from mlcycle.load.model import Item

EXPIRY_WARNING_DAYS = 14
CLOSED = ("done", "waived")


@dataclass(frozen=True)
class Change:
    kind: str  # definition, playbook, phase, item, state, waiver, team
    subject: str  # "problem/feasibility", "phase data", "playbook", "team pm"
    text: str  # one line a reviewer reads
    severe: bool = False  # weakens a gate: shown prominently


@dataclass
class Diff:
    base: str  # "1a2b3c4 (merge base of origin/main and HEAD)"
    today: date
    definitions: list[Change] = field(default_factory=list)
    playbook: list[Change] = field(default_factory=list)
    moves: list[Change] = field(default_factory=list)
    structure: list[Change] = field(default_factory=list)  # items and phases added/removed
    items: list[Change] = field(default_factory=list)  # closed, reopened, status/owner/due
    waivers: list[Change] = field(default_factory=list)
    team: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # files that could not be read

    def sections(self) -> list[tuple[str, list[Change]]]:
        return [("Definition changes", self.definitions), ("Playbook", self.playbook),
                ("Phase moves", self.moves), ("Items and phases added or removed",
                                              self.structure),
                ("Item changes", self.items), ("Waivers", self.waivers), ("Team", self.team)]

    @property
    def empty(self) -> bool:
        return not any(changes for _, changes in self.sections())

    def count(self) -> int:
        return sum(len(changes) for _, changes in self.sections())


def _short(value: Any) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _items(snapshot: Snapshot) -> dict[str, tuple[str, Item]]:
    return {item.id: (phase_id, item) for phase_id, phase in snapshot.phases.items()
            for item in phase.items}


def _definition_changes(subject: str, old: Item, new: Item) -> list[Change]:
    out = []
    for name in FIELDS:
        if name == "id":
            continue
        a, b = getattr(old, name), getattr(new, name)
        if name == "raci":
            for role_field in ("responsible", "accountable", "consulted", "informed"):
                ra, rb = getattr(a, role_field), getattr(b, role_field)
                if ra != rb:
                    out.append(Change("definition", subject, f"RACI {role_field}: "
                                      f"{_short(ra)} -> {_short(rb)}",
                                      severe=role_field == "accountable"))
            continue
        if a == b:
            continue
        if name == "gate":
            out.append(Change("definition", subject, "gate REMOVED: it no longer blocks "
                              "leaving its phase" if a else "gate added", severe=bool(a)))
        elif name == "evidence_required":
            out.append(Change("definition", subject, "evidence requirement REMOVED" if a
                              else "evidence now required", severe=bool(a)))
        elif name in ("title", "description"):
            out.append(Change("definition", subject, f"{name} reworded: {_short(a)!r} -> "
                              f"{_short(b)!r}"))
        elif name == "depends_on":
            out.append(Change("definition", subject, f"depends_on: {_short(a)} -> "
                              f"{_short(b)}", severe=bool(set(a) - set(b))))
        else:
            out.append(Change("definition", subject, f"{name}: {_short(a)} -> {_short(b)}"))
    return out


def _state_changes(d: Diff, subject: str, old: Item, new: Item) -> None:
    if old.status != new.status:
        if new.status in CLOSED and old.status not in CLOSED:
            evidence = f" (evidence: {_short(new.evidence)})" if new.status == "done" else ""
            verb = "closed" if new.status == "done" else "closed by waiver"
            d.items.append(Change("state", subject, f"{verb}: {old.status} -> {new.status}"
                                  f"{evidence}"))
        elif old.status in CLOSED and new.status not in CLOSED:
            d.items.append(Change("state", subject, f"reopened: {old.status} -> {new.status}"
                                  f" (evidence was: {_short(old.evidence)})"))
        else:
            d.items.append(Change("state", subject, f"status: {old.status} -> {new.status}"))
    elif new.status == "done" and old.evidence != new.evidence:
        d.items.append(Change("state", subject, f"evidence: {_short(old.evidence)} -> "
                              f"{_short(new.evidence)}"))
    if old.owner != new.owner:
        d.items.append(Change("state", subject, f"owner: {_short(old.owner)} -> "
                              f"{_short(new.owner)}"))
    if old.due != new.due:
        d.items.append(Change("state", subject, f"due: {_short(old.due)} -> {_short(new.due)}"))
    a, b = old.waiver, new.waiver
    if a is None and b is not None:
        d.waivers.append(Change("waiver", subject, f"waiver added: approved by {b.approved_by},"
                                f" until {b.expires.isoformat()} ({_short(b.reason)})"))
    elif a is not None and b is None:
        d.waivers.append(Change("waiver", subject, "waiver removed"))
    elif a is not None and b is not None and a != b:
        parts = [f"{k}: {_short(getattr(a, k))} -> {_short(getattr(b, k))}"
                 for k in ("reason", "approved_by", "expires") if getattr(a, k) != getattr(b, k)]
        d.waivers.append(Change("waiver", subject, "waiver changed: " + "; ".join(parts)))


def _expiring(d: Diff, subject: str, item: Item) -> None:
    if item.status != "waived" or item.waiver is None:
        return
    left = (item.waiver.expires - d.today).days
    if left < 0:
        d.waivers.append(Change("waiver", subject, f"waiver EXPIRED on "
                                f"{item.waiver.expires.isoformat()}", severe=True))
    elif left <= EXPIRY_WARNING_DAYS:
        d.waivers.append(Change("waiver", subject, f"waiver expires "
                                f"{item.waiver.expires.isoformat()} (in {left} days)"))


def compare(old: Snapshot, new: Snapshot, base: str, today: date) -> Diff:
    d = Diff(base, today)
    d.notes = [f"{old.label}: {p}" for p in old.unreadable] + \
        [f"{new.label}: {p}" for p in new.unreadable]
    a, b = old.project, new.project
    if a is not None and b is not None:
        if (a.playbook.name, a.playbook.version, a.playbook.path) != \
                (b.playbook.name, b.playbook.version, b.playbook.path):
            d.playbook.append(Change("playbook", "playbook", f"{a.playbook.name} "
                                     f"{a.playbook.version} -> {b.playbook.name} "
                                     f"{b.playbook.version}" + (
                                         f" (path {a.playbook.path} -> {b.playbook.path})"
                                         if a.playbook.path != b.playbook.path else "")))
        shared = len(a.history) if b.history[:len(a.history)] == a.history else 0
        if shared < len(a.history):
            d.moves.append(Change("phase", "history", "history REWRITTEN: entries of the base "
                                  "were changed or removed", severe=True))
        for entry in b.history[shared:]:
            if entry.event == "advance":
                d.moves.append(Change("phase", f"phase {entry.to}", f"forward: {entry.from_} -> "
                                      f"{entry.to} on {entry.date.isoformat()}"
                                      f"{' by ' + entry.by if entry.by else ''}"))
            elif entry.event == "reopen":
                d.moves.append(Change("phase", f"phase {entry.to}", f"back: {entry.from_} -> "
                                      f"{entry.to} on {entry.date.isoformat()}: "
                                      f"{_short(entry.reason)}"))
        if a.current_phase != b.current_phase and not b.history[shared:]:
            d.moves.append(Change("phase", "current_phase", f"current_phase: {a.current_phase} "
                                  f"-> {b.current_phase} (no history entry)", severe=True))
        for role in sorted(set(a.team) | set(b.team)):
            before, after = a.team.get(role, []), b.team.get(role, [])
            for person in after:
                if person not in before:
                    d.team.append(Change("team", f"team {role}", f"added {person}"))
            for person in before:
                if person not in after:
                    d.team.append(Change("team", f"team {role}", f"removed {person}"))
    elif b is not None:
        d.structure.append(Change("phase", "project", f"project added: {b.name}"))
    for phase_id in new.phases:
        if phase_id not in old.phases and old.project is not None:
            d.structure.append(Change("phase", f"phase {phase_id}", "phase added"))
    for phase_id in old.phases:
        if phase_id not in new.phases:
            d.structure.append(Change("phase", f"phase {phase_id}", "phase REMOVED",
                                      severe=True))
        elif old.phases[phase_id].title != new.phases[phase_id].title:
            d.definitions.append(Change("definition", f"phase {phase_id}", f"title reworded: "
                                        f"{_short(old.phases[phase_id].title)!r} -> "
                                        f"{_short(new.phases[phase_id].title)!r}"))
    old_items, new_items = _items(old), _items(new)
    for item_id, (phase_id, item) in new_items.items():
        subject = f"{phase_id}/{item_id}"
        if item_id not in old_items:
            if old.project is not None:
                d.structure.append(Change("item", subject, "item added"
                                          + (" (a gate)" if item.gate else "")))
            _expiring(d, subject, item)
            continue
        old_phase, old_item = old_items[item_id]
        if old_phase != phase_id:
            d.structure.append(Change("item", subject, f"moved from phase {old_phase}"))
        d.definitions.extend(_definition_changes(subject, old_item, item))
        _state_changes(d, subject, old_item, item)
        _expiring(d, subject, item)
    for item_id, (phase_id, item) in old_items.items():
        if item_id not in new_items:
            d.structure.append(Change("item", f"{phase_id}/{item_id}", "item REMOVED"
                                      + (" (it was a gate)" if item.gate else ""),
                                      severe=item.gate))
    # Prominent first: what weakens a gate leads its section.
    for _, changes in d.sections():
        changes.sort(key=lambda c: not c.severe)
    return d
