"""``mlcycle next``: the ready items as text (one line each, then the command)
and JSON."""

from __future__ import annotations

import json

from mlcycle.escape import json_safe
from mlcycle.judge.workable import Ready, active_phases
from mlcycle.load.project import Project


def _whose(person: str | None, role: str | None) -> str:
    if person is not None:
        return f" for {person}"
    return f" for role {role}" if role is not None else ""


def text(project: Project, found: list[Ready], person: str | None, role: str | None) -> str:
    phases = ", ".join(active_phases(project))
    if not found:
        return (f"Nothing ready{_whose(person, role)} in {phases}: every open item waits on "
                "another or is blocked, or has another owner; `mlcycle status` shows why\n")
    out = [f"Ready to work on{_whose(person, role)} in {phases} ({len(found)}):"]
    for entry in found:
        item = entry.item
        facts = ["gate" if item.gate else "item", item.status,
                 item.owner or "unowned"]
        if item.due is not None:
            facts.append(f"due {item.due.isoformat()}")
        if entry.due_again:
            facts.append(entry.due_again)
        out.append(f"  {item.id} ({', '.join(facts)}): {item.title}")
        out.append(f"    {entry.command}")
    return "\n".join(out) + "\n"


def as_json(project: Project, found: list[Ready], person: str | None, role: str | None) -> str:
    data = {
        "version": 1,
        "phases": active_phases(project),
        "owner": person,
        "role": role,
        "ready": [{"phase": e.phase, "item": e.item.id, "title": e.item.title,
                   "gate": e.item.gate, "status": e.item.status, "owner": e.item.owner,
                   "due": e.item.due.isoformat() if e.item.due else None,
                   "command": e.command,
                   **({"due_again": e.due_again} if e.due_again else {})} for e in found],
    }
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
