"""``mlcycle raci``: the matrix as a plain table, Markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from mlcycle.judge.evaluate import printable
from mlcycle.judge.raci import Matrix
from mlcycle.render.text import md_escape, md_table, plain_table


def _people(people: list[str]) -> str:
    return ", ".join(people) if people else "(nobody)"


def table(m: Matrix) -> str:
    role_ids = [r.id for r in m.roles]
    rows = [[i.phase, printable(i.id), "G" if i.gate else "", *(i.letters[r] for r in role_ids)]
            for i in m.items]
    people = [[r.id, printable(r.name), printable(_people(r.people))] for r in m.roles]
    return (plain_table(["phase", "item", "gate", *role_ids], rows) + "\n"
            + plain_table(["role", "name", "people"], people))


def markdown(m: Matrix) -> str:
    role_ids = [r.id for r in m.roles]
    rows = [[f"`{i.phase}`", f"`{i.id}` {md_escape(printable(i.title))}",
             "G" if i.gate else "", *(i.letters[r] for r in role_ids)] for i in m.items]
    people = [[f"`{r.id}`", md_escape(printable(r.name)),
               md_escape(printable(_people(r.people)))] for r in m.roles]
    return (md_table(["Phase", "Item", "G", *role_ids], rows) + "\n"
            + md_table(["Role", "Name", "People"], people))


def as_csv(m: Matrix) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["phase", "item", "title", "gate", *(r.id for r in m.roles)])
    for i in m.items:
        writer.writerow([i.phase, i.id, i.title, "true" if i.gate else "false",
                         *(i.letters[r.id] for r in m.roles)])
    return out.getvalue()


def as_json(m: Matrix) -> str:
    data = {
        "version": 1,
        "roles": [{"id": r.id, "name": r.name, "people": r.people} for r in m.roles],
        "items": [{"phase": i.phase, "id": i.id, "title": i.title, "gate": i.gate,
                   "responsible": list(i.raci.responsible), "accountable": i.raci.accountable,
                   "consulted": list(i.raci.consulted), "informed": list(i.raci.informed)}
                  for i in m.items],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[Matrix], str]] = {
    "table": table, "markdown": markdown, "csv": as_csv, "json": as_json,
}
