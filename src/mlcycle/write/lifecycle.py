"""Regenerate ``LIFECYCLE.md`` from the project's current state (name, team,
playbook) through the very templates ``init`` renders it with."""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

from mlcycle.disk.transaction import FileChange
from mlcycle.init import scaffold
from mlcycle.load.model import OverlayRef
from mlcycle.load.overlays import overlay_file_name
from mlcycle.load.project import OverlayState, Project, project_playbook

LIFECYCLE = "LIFECYCLE.md"


def change(project: Project) -> FileChange:
    """The file as it is and as init would render it today."""
    ref = project.file.playbook
    playbook = project_playbook(project)
    # LIFECYCLE.md does not show the date; init_date only fills the options.
    init_date = project.file.history[0].date if project.file.history else date.today()
    options = scaffold.InitOptions(
        name=project.file.name, slug=project.file.slug, playbook=playbook,
        playbook_path=ref.path, team={r: list(p) for r, p in project.file.team.items()},
        init_date=init_date,
        overlays=overlays_view(project.overlays, project.file.overlays, project.file.team))
    text = scaffold.render_files(options)[LIFECYCLE]
    path = project.root / LIFECYCLE
    before = path.read_bytes() if path.exists() else None
    return FileChange(path, LIFECYCLE, before, text.encode("utf-8"))


def overlays_view(states: list[OverlayState], pinned: list[OverlayRef],
                  team: dict[str, list[str]]) -> tuple[dict[str, Any], ...]:
    """What LIFECYCLE.md shows of each pinned overlay, in ``overlays:`` order: its
    roles (with their people), and per overlay phase the lifecycle phase it is
    attached to and its items as their status file carries them (verified copies
    of the pinned definitions). ``states`` may hold an overlay no longer pinned
    (``overlay remove`` edits the pins): it is left out."""
    order = [ref.name for ref in pinned]
    chosen = sorted((s for s in states if s.name in order), key=lambda s: order.index(s.name))
    views = []
    for state in chosen:
        grouped: dict[str, list[dict[str, Any]]] = {p: [] for p in state.definitions.phase_ids}
        for item in state.file.items:
            found = state.definitions.find(item.id)
            if found is not None:
                grouped[found[0]].append({"id": item.id, "title": item.title, "doc": item.doc,
                                          "gate": item.gate, "raci": item.raci.model_dump()})
        views.append({
            "name": state.name, "version": state.ref.version,
            "file": overlay_file_name(state.name),
            "roles": [{"id": r, "name": n, "people": list(team.get(r, []))}
                      for r, n in state.definitions.roles.items()],
            "phases": [{"id": p, "title": state.definitions.phase_titles.get(p, p),
                        "attached": state.ref.gate_at.get(p), "items": items}
                       for p, items in grouped.items() if items]})
    return tuple(views)


def diff(item: FileChange) -> str:
    old = (item.before or b"").decode("utf-8", "replace").splitlines(keepends=True)
    new = (item.after or b"").decode("utf-8").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, f"a/{item.display}", f"b/{item.display}"))
