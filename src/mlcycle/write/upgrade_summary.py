"""The change an upgrade makes, grouped and readable in a pull request: phases
and items added, removed and renamed; the definition changes that matter (a
gate added or removed, evidence now required, RACI); and the files created,
changed, renamed and removed. ``--dry-run`` prints exactly this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlcycle.disk.transaction import FileChange
from mlcycle.load.model import Item, PhaseFile
from mlcycle.load.playbooks import Playbook
from mlcycle.load.project import _PHASE_FILE_RE
from mlcycle.load.source import Source


@dataclass
class OldPhase:
    """A status file as the project has it before the upgrade (defined here, the
    lower of the two upgrade modules, so that neither imports the other)."""

    number: int
    id: str
    display: str
    file: PhaseFile
    source: Source
    raw: bytes


def has_state(item: Item) -> bool:
    """Anything but an untouched ``todo``."""
    return (item.status != "todo" or item.owner is not None or bool(item.evidence)
            or item.due is not None or item.notes is not None or item.waiver is not None)



def summary_lines(old: list[OldPhase], old_items: dict[str, tuple[OldPhase, int, Item]],
                  playbook: Playbook, origin: dict[str, str], renamed: list[tuple[str, str]],
                  removed: list[str], changes: list[FileChange], before: str, after: str,
                  path: str | None, kept: dict[str, OldPhase] | None = None) -> list[str]:
    """``kept``: the phases whose status file keeps its bytes (every definition
    equal to the new one, in order): their items have no change to tell."""
    out = [f"upgrade {before} -> {after}" + (f" ({path})" if path else "")]

    def group(title: str, rows: list[str]) -> None:
        if rows:
            out.append("")
            out.append(f"{title} ({len(rows)}):")
            out.extend(f"  {row}" for row in rows)

    old_phase_ids = [p.id for p in old]
    group("phases added", [p for p in playbook.phase_ids if p not in old_phase_ids])
    group("phases removed", [p for p in old_phase_ids if p not in playbook.phase_ids])
    added = []
    changed = []
    for phase in playbook.phases:
        unchanged = (kept or {}).get(phase.id)
        for index, item in enumerate(phase.items):
            if item.id not in origin:
                flags = [f for f, on in (("gate", item.gate),
                                         ("evidence required", item.evidence_required)) if on]
                added.append(f"{phase.id}/{item.id}" + (f" ({', '.join(flags)})" if flags else ""))
                continue
            old_phase, position, was = old_items[origin[item.id]]
            if old_phase is unchanged and position == index:
                continue  # the very item of a kept file: its definition is this one
            notes = _what_changed(was, item)
            if old_phase.id != phase.id:
                notes.insert(0, f"moved from phase {old_phase.id}")
            if notes:
                changed.append(f"{item.id}: {'; '.join(notes)}")
    group("items added", added)
    group("items removed", [f"{old_items[r][0].id}/{r}" + (
        f" (dropped: {old_items[r][2].status})" if has_state(old_items[r][2]) else " (untouched)")
        for r in removed])
    group("items renamed", [f"{a} -> {b} (state kept)" for a, b in renamed])
    group("definition changes", changed)
    group("files", _file_rows(changes))
    return out


def _file_rows(changes: list[FileChange]) -> list[str]:
    """One row per file; a status file renumbered (a phase added or removed
    before it) shows as a rename, not as a removal and a creation."""
    verbs = {(True, True): "change", (False, True): "create", (True, False): "remove"}
    removed = {}
    for change in changes:
        match = _PHASE_FILE_RE.match(Path(change.display).name)
        if change.after is None and match:
            removed[match.group(2)] = change
    rows = []
    for change in sorted(changes, key=lambda c: c.display):
        match = _PHASE_FILE_RE.match(Path(change.display).name)
        if change.before is None and match and match.group(2) in removed:
            rows.append(f"rename {removed[match.group(2)].display} -> {change.display}")
            continue
        if change.after is None and match and any(
                c.before is None and c.display.endswith(f"-{match.group(2)}.yaml")
                for c in changes):
            continue
        rows.append(f"{verbs[(change.before is not None, change.after is not None)]} "
                    f"{change.display}")
    return rows


def _roles(value: str | list[str]) -> str:
    return ", ".join(value) if isinstance(value, list) else value


def _what_changed(was: Item, now: Any) -> list[str]:
    notes = []
    if was.gate != now.gate:
        notes.append("gate added" if now.gate else "gate removed")
    if was.evidence_required != now.evidence_required:
        notes.append("evidence now required" if now.evidence_required
                     else "evidence no longer required")
    for key in ("responsible", "accountable", "consulted", "informed"):
        mine, theirs = getattr(was.raci, key), getattr(now.raci, key)
        if mine != theirs:
            notes.append(f"raci.{key}: {_roles(mine) or '-'} -> {_roles(theirs) or '-'}")
    for key in ("title", "description", "doc", "depends_on", "section", "tags"):
        if getattr(was, key) != getattr(now, key):
            notes.append(f"{key} changed")
    if was.recurs != now.recurs:  # a done item may come due again: say when
        notes.append(f"recurs every {now.recurs}" if now.recurs and not was.recurs else
                     "no longer recurs" if not now.recurs else
                     f"recurs: {was.recurs} -> {now.recurs}")
    if was.profiles != now.profiles:
        notes.append(f"profiles: {', '.join(was.profiles or ['all'])} -> "
                     f"{', '.join(now.profiles or ['all'])}")
    notes.extend(_checks_changed(was, now))
    return notes


def _checks_changed(was: Item, now: Any) -> list[str]:
    """Metric and parity checks added, changed or removed, by id: each can make
    a closed item open again, which is what a reviewer of the upgrade needs."""
    notes = []
    for kind in ("metrics", "parity"):
        word = "metric" if kind == "metrics" else "parity"
        mine = {c.id: c for c in getattr(was, kind)}
        theirs = {c.id: c for c in getattr(now, kind)}
        for check_id, check in theirs.items():
            if check_id not in mine:
                notes.append(f"{word} check {check_id} added")
            elif mine[check_id] != check:
                notes.append(f"{word} check {check_id} changed")
        notes.extend(f"{word} check {c} removed" for c in mine if c not in theirs)
    return notes
