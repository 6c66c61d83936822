"""Playbook listings: table, markdown and json."""

from __future__ import annotations

import json
from collections.abc import Callable

from mlcycle.escape import json_safe, line
from mlcycle.escape import markdown as md_escape
from mlcycle.load.playbooks import Playbook
from mlcycle.render.text import md_table, plain_table


def summary_table(playbooks: list[Playbook]) -> str:
    rows = [
        [p.name, p.version, str(len(p.phases)), str(len(p.items())),
         str(sum(item.gate for _, item in p.items())), p.title]
        for p in playbooks
    ]
    return plain_table(["name", "version", "phases", "items", "gates", "title"], rows)


def _rows(playbook: Playbook) -> list[list[str]]:
    return [
        [phase.id, item.id, item.title, ", ".join(item.raci.responsible), item.raci.accountable,
         "gate" if item.gate else ""]
        for phase, item in playbook.items()
    ]


def table(playbook: Playbook) -> str:
    head = line(f"{playbook.name} {playbook.version}: {playbook.title}") + "\n"
    roles = line("roles: " + ", ".join(f"{r.id} ({r.name})" for r in playbook.roles)) + "\n\n"
    return head + roles + plain_table(["phase", "item", "title", "R", "A", "gate"],
                                      _rows(playbook))


def markdown(playbook: Playbook) -> str:
    out = [f"# {md_escape(playbook.title)} (`{playbook.name}` {playbook.version})\n",
           md_escape(playbook.description) + "\n"]
    names = playbook.role_names
    for phase in playbook.phases:
        out.append(f"## {md_escape(phase.title)}\n")
        out.append(md_escape(phase.purpose) + "\n")
        rows = [[f"`{item.id}`", md_escape(item.title),
                 ", ".join(md_escape(names[r]) for r in item.raci.responsible),
                 md_escape(names[item.raci.accountable]), "yes" if item.gate else ""]
                for item in phase.items]
        out.append(md_table(["Item", "Title", "Responsible", "Accountable", "Gate"], rows))
    return "\n".join(out)


def as_json(playbook: Playbook) -> str:
    data = {
        "name": playbook.name,
        "version": playbook.version,
        "title": playbook.title,
        "description": playbook.description,
        "roles": [r.model_dump() for r in playbook.roles],
        "phases": [p.model_dump(mode="json") for p in playbook.phases],
    }
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


RENDERERS: dict[str, Callable[[Playbook], str]] = {
    "table": table, "markdown": markdown, "json": as_json,
}
