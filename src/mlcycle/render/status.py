"""``mlcycle status``: the terminal dashboard (rich), json and markdown.

rich is imported inside ``table`` only. User text is never read as rich markup
(every cell is a ``Text``) and control characters are made visible, so a title
like ``[red]x[/red]`` or one carrying ANSI codes prints as written.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

from mlcycle.judge.dashboard import Dashboard, Entry, PhaseRow
from mlcycle.judge.evaluate import printable
from mlcycle.render.text import md_escape as _md_escape
from mlcycle.render.text import md_table

BAR_WIDTH = 20
PIPED_WIDTH = 100


def md_escape(text: object) -> str:
    """Markdown-safe and free of control characters (ANSI codes, bidi overrides)."""
    return _md_escape(printable(text))


def bar(row: PhaseRow, width: int = BAR_WIDTH) -> str:
    if not row.total:
        return " " * width
    filled = round(row.progress * width)
    return "█" * filled + "░" * (width - filled)


def _percent(row: PhaseRow) -> str:
    if not row.total:
        return "-"
    return f"{round(row.progress * 100)}%"


def _reopened(row: PhaseRow) -> str:
    """How often the project came back to this phase; nothing when never."""
    if not row.reopened:
        return ""
    return f" (reopened {row.reopened}x)" if row.reopened > 1 else " (reopened)"


def _heading(d: Dashboard) -> str:
    project = d.project
    head = (f"{project.file.name} · playbook {project.playbook.name} "
            f"{project.file.playbook.version} · current phase: {project.file.current_phase} · "
            f"as of {d.today.isoformat()}")
    if d.owner is not None:
        head += f" · owner: {d.owner}"
    return head


_SECTIONS: list[tuple[str, str, str]] = [
    ("blocked", "Blocked", "reason"),
    ("overdue", "Overdue", "due"),
    ("unowned", "Unowned open items", "status"),
    ("expiring", "Waivers expired or expiring within 14 days", "waiver"),
]


def _sections(d: Dashboard) -> list[tuple[str, str, list[Entry]]]:
    out = []
    for key, title, detail in _SECTIONS:
        if key == "unowned" and d.owner is not None:
            continue  # one person's view has no unowned items by definition
        out.append((title, detail, getattr(d, key)))
    return out


def table(d: Dashboard) -> str:
    from rich import box  # noqa: TID251 - the one place status draws
    from rich.console import Console  # noqa: TID251
    from rich.table import Table  # noqa: TID251
    from rich.text import Text  # noqa: TID251

    def text(value: object, style: str = "") -> Text:
        return Text(printable(value), style=style)

    stream = sys.stdout
    tty = stream.isatty()
    color = tty and not os.environ.get("NO_COLOR")
    console = Console(file=stream, width=None if tty else PIPED_WIDTH, force_terminal=tty,
                      color_system="auto" if color else None, no_color=not color,
                      highlight=False, markup=False, emoji=False, soft_wrap=False,
                      legacy_windows=False, force_jupyter=False)
    with console.capture() as capture:
        console.print(text(_heading(d), "bold"))
        console.print(text(f"Path: {d.path}"))
        phases = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
        for name, justify in (("", "left"), ("Phase", "left"), ("Progress", "left"),
                              ("Done", "right"), ("Gates", "right"), ("Open gates", "left")):
            phases.add_column(name, justify=justify)  # type: ignore[arg-type]
        for row in d.rows:
            style = "bold" if row.current else ""
            phases.add_row(
                text("▶" if row.current else ""),
                text(f"{row.number}. {row.title}{_reopened(row)}", style),
                Text.assemble((bar(row), "green"), f" {_percent(row):>4}"),
                text(f"{row.done + row.waived}/{row.total}"),
                text(f"{row.gates - len(row.open_gates)}/{row.gates}"),
                text(", ".join(row.open_gates) or "-", "red" if row.open_gates else ""),
            )
        console.print(phases)
        for title, detail, entries in _sections(d):
            console.print()
            if not entries:
                console.print(text(f"{title}: none"))
                continue
            console.print(text(f"{title} ({len(entries)})", "bold"))
            listing = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
            for name in ("Phase", "Item", "Title", "Owner", detail.capitalize()):
                listing.add_column(name, overflow="fold")
            for e in entries:
                listing.add_row(text(e.phase), text(e.item.id), text(e.item.title),
                                text(e.item.owner or "-"), text(e.detail))
            console.print(listing)
    out = capture.get()
    if not color:  # pasted into an issue: no trailing blanks from cell padding
        out = "".join(line.rstrip() + "\n" for line in out.splitlines())
    return out


def _entry(e: Entry) -> dict[str, Any]:
    item = e.item
    return {"phase": e.phase, "item": item.id, "title": item.title, "status": item.status,
            "owner": item.owner, "due": item.due.isoformat() if item.due else None,
            "detail": e.detail}


def as_json(d: Dashboard) -> str:
    project = d.project
    data = {
        "version": 1,
        "project": {"name": project.file.name, "slug": project.file.slug,
                    "playbook": project.playbook.name,
                    "playbook_version": project.file.playbook.version,
                    "current_phase": project.file.current_phase},
        "today": d.today.isoformat(),
        "owner": d.owner,
        "phase": d.phase,
        "path": d.path,
        "phases": [
            {"id": r.id, "title": r.title, "number": r.number, "current": r.current,
             "total": r.total, "done": r.done, "waived": r.waived,
             "progress": round(r.progress, 4), "gates": r.gates, "open_gates": r.open_gates,
             "reopened": r.reopened}
            for r in d.rows
        ],
        "blocked": [_entry(e) for e in d.blocked],
        "overdue": [_entry(e) for e in d.overdue],
        "unowned": [_entry(e) for e in d.unowned] if d.owner is None else [],
        "expiring_waivers": [_entry(e) for e in d.expiring],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def markdown(d: Dashboard) -> str:
    out = [f"## {md_escape(_heading(d))}\n", f"Path: {md_escape(d.path)}\n"]
    out.append(md_table(
        ["Phase", "Progress", "Done", "Gates closed", "Open gates"],
        [[f"{r.number}. {md_escape(r.title)}{_reopened(r)}"
          + (" **(current)**" if r.current else ""),
          _percent(r), f"{r.done + r.waived}/{r.total}",
          f"{r.gates - len(r.open_gates)}/{r.gates}",
          ", ".join(f"`{g}`" for g in r.open_gates)] for r in d.rows]))
    for title, detail, entries in _sections(d):
        if not entries:
            out.append(f"**{title}:** none\n")
            continue
        out.append(f"### {title} ({len(entries)})\n")
        out.append(md_table(
            ["Phase", "Item", "Title", "Owner", detail.capitalize()],
            [[f"`{e.phase}`", f"`{e.item.id}`", md_escape(e.item.title),
              md_escape(e.item.owner or "-"), md_escape(e.detail)] for e in entries]))
    return "\n".join(out)


RENDERERS: dict[str, Callable[[Dashboard], str]] = {
    "table": table, "json": as_json, "markdown": markdown,
}
