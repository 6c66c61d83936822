"""Shell completion of item ids, phase ids, roles, people and statuses of the
project holding the working directory. Imported only when the shell asks."""

from __future__ import annotations

from pathlib import Path

STATUSES = ["todo", "doing", "blocked", "done"]


def candidates(kind: str, incomplete: str) -> list[str]:
    if kind == "status":
        words = STATUSES
    else:
        try:
            words = _from_project(kind)
        except Exception:  # noqa: BLE001 - a broken project completes nothing, never crashes
            words = []
    return [w for w in words if w.startswith(incomplete)]


def _from_project(kind: str) -> list[str]:
    from mlcycle.load import project

    loaded = project.load(Path("."))
    if kind == "item":
        return [i.id for p in loaded.phases for i in p.file.items]
    if kind == "phase":
        return [p.id for p in loaded.phases]
    if kind == "role":
        return list(loaded.playbook.role_ids)
    return sorted(loaded.people())
