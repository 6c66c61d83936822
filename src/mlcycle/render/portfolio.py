"""``mlcycle portfolio``: the rows as a plain table, Markdown, JSON or one HTML page."""

from __future__ import annotations

import json
from collections.abc import Callable

from mlcycle.escape import line as printable
from mlcycle.escape import markdown as md_escape
from mlcycle.judge.portfolio import Portfolio, Row
from mlcycle.render.text import md_table, plain_table

HEADERS = ["project", "path", "playbook", "phase", "progress", "open gates", "blocked",
           "overdue", "waivers", "check"]


def _percent(closed: int, items: int) -> str:
    share = closed / items if items else 1.0
    return f"{closed}/{items} {share:.0%}"


def _gates(r: Row, limit: int = 3) -> str:
    if not r.open_gates:
        return "0"
    shown = ", ".join(r.open_gates[:limit])
    more = f", +{len(r.open_gates) - limit}" if len(r.open_gates) > limit else ""
    return f"{len(r.open_gates)} ({shown}{more})"


def cells(r: Row) -> list[str]:
    if not r.valid:
        return [r.name or "?", r.path, f"{r.playbook} {r.version}".strip() or "?",
                r.current_phase or "?", "", "", "", "", "", "INVALID"]
    return [r.name, r.path, f"{r.playbook} {r.version}", r.current_phase,
            _percent(r.closed, r.items), _gates(r), str(r.blocked), str(r.overdue),
            str(r.expiring), r.check]


def _total_cells(p: Portfolio) -> list[str]:
    t = p.totals
    check = f"{t.failing} failing" + (f", {t.invalid} invalid" if t.invalid else "")
    return [f"total ({t.projects} project{'' if t.projects == 1 else 's'})", "", "", "",
            _percent(t.closed, t.items), str(t.open_gates), str(t.blocked), str(t.overdue),
            str(t.expiring), check]


def _invalid_lines(p: Portfolio, escape: Callable[[str], str]) -> list[str]:
    return [f"{escape(r.path)}: {escape(r.first_error)}" for r in p.rows if not r.valid]


def table(p: Portfolio) -> str:
    rows = [[printable(c) for c in cells(r)] for r in p.rows]
    out = plain_table(HEADERS, [*rows, _total_cells(p)])
    invalid = _invalid_lines(p, printable)
    if invalid:
        out += "\ninvalid projects (first error):\n" + "".join(f"  {line}\n" for line in invalid)
    return out


def markdown(p: Portfolio) -> str:
    rows = [[md_escape(printable(c)) for c in cells(r)] for r in p.rows]
    total = [f"**{c}**" if c else "" for c in _total_cells(p)]
    out = f"## mlcycle portfolio ({p.today.isoformat()})\n\n" + md_table(HEADERS, [*rows, total])
    invalid = _invalid_lines(p, lambda s: md_escape(printable(s)))
    if invalid:
        out += "\n**Invalid projects** (first error):\n\n" + "".join(f"- {x}\n" for x in invalid)
    return out


def as_json(p: Portfolio) -> str:
    t = p.totals
    data = {
        "version": 1,
        "today": p.today.isoformat(),
        "projects": [r.as_dict() for r in p.rows],
        "totals": {"projects": t.projects, "invalid": t.invalid, "failing": t.failing,
                   "items": t.items, "closed": t.closed, "progress": round(t.progress, 4),
                   "open_gates": t.open_gates, "blocked": t.blocked, "overdue": t.overdue,
                   "expiring": t.expiring},
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def html(p: Portfolio) -> str:
    from mlcycle.render.html import render_page

    return render_page("portfolio.html.j2", p=p, headers=HEADERS, cells=cells,
                       totals=_total_cells(p))


RENDERERS: dict[str, Callable[[Portfolio], str]] = {
    "table": table, "markdown": markdown, "json": as_json, "html": html,
}
