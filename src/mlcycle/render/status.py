"""``mlcycle status``: the terminal dashboard (rich), json and markdown.

rich is imported inside ``table`` only. User text is never read as rich markup
(every cell is a ``Text``) and control characters are made visible, so a title
like ``[red]x[/red]`` or one carrying ANSI codes prints as written.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from mlcycle.escape import json_safe, line
from mlcycle.escape import markdown as md_escape
from mlcycle.judge.dashboard import Dashboard, Entry, PhaseRow
from mlcycle.render.text import md_table

BAR_WIDTH = 20
PIPED_WIDTH = 100
MIN_WIDTH = 40
# A list longer than LIST_LIMIT shows its first LIST_FIRST entries and a count
# (a fresh project has 53 unowned items); --all-items shows every one.
LIST_LIMIT = 12
LIST_FIRST = 10


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
    if project.file.profile != "production":  # production: every item applies
        head += f" · profile: {project.file.profile}"
    if project.file.overlays:
        head += " · overlays: " + ", ".join(f"{o.name} {o.version}"
                                            for o in project.file.overlays)
    if d.owner is not None:
        head += f" · owner: {d.owner}"
    return head


_SECTIONS: list[tuple[str, str, str]] = [
    ("current", "Open in the current phase", "status"),
    ("why_open", "Why gates are open", "reason"),  # shown only when it has entries
    ("in_progress", "In progress", "owner"),
    ("due_soon", "Due this week", "due"),
    ("blocked", "Blocked", "reason"),
    ("overdue", "Overdue", "due"),
    ("unowned", "Unowned open items", "status"),
    ("expiring", "Waivers expired or expiring within 14 days", "waiver"),
    ("due_again", "Due again (recurring)", "recurs"),  # shown only when it has entries
    ("by_profile", "Not applicable by profile", "profile"),  # likewise
]


def _sections(d: Dashboard) -> list[tuple[str, str, list[Entry]]]:
    out = []
    for key, title, detail in _SECTIONS:
        if key == "unowned" and d.owner is not None:
            continue  # one person's view has no unowned items by definition
        if key in ("why_open", "due_again", "by_profile") and not getattr(d, key):
            continue  # a gate open by its status alone: the table's Open gates say it
        if key == "current":
            title = (f"Open items of {d.owner}" if d.owner is not None else
                     f"Open in {d.project.file.current_phase}, the current phase")
        out.append((title, detail, getattr(d, key)))
    return out


def _scope(d: Dashboard) -> str:
    """Which phases the lists cover, when not all of them."""
    if d.everything or d.phase is not None or d.owner is not None \
            or len(d.listed) == len(d.project.phases):
        return ""
    return (f"Lists cover {', '.join(d.listed)}; later phases are one line each above "
            "(`mlcycle status --all` lists them too)")


def _waits(e: Entry) -> str:
    return f"waits on {', '.join(e.waits_on)}" if e.waits_on else ""


def terminal_width(environ: Mapping[str, str], stream: TextIO) -> int:
    """The width to draw for on a terminal: ``COLUMNS`` when it is a positive
    number, else the terminal's own, else 80; never under ``MIN_WIDTH`` (a
    table squeezed narrower says nothing; the terminal wraps a wider line)."""
    try:
        width = int(environ.get("COLUMNS", ""))
    except ValueError:
        width = 0
    if width <= 0:
        try:
            width = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            width = 0
    return max(width if width > 0 else 80, MIN_WIDTH)


def _shown(entries: list[Entry], all_items: bool) -> tuple[list[Entry], int]:
    """The entries a list shows, and how many it leaves out."""
    if all_items or len(entries) <= LIST_LIMIT:
        return entries, 0
    return entries[:LIST_FIRST], len(entries) - LIST_FIRST


def _owns_nothing(d: Dashboard) -> str:
    return (f"{d.owner} owns no item; `mlcycle status` shows the whole project, and "
            f"`mlcycle set ITEM --owner {shlex.quote(d.owner or '')}` gives them one")


def _more(hidden: int) -> str:
    return f"... and {hidden} more; `mlcycle status --all-items` lists every one"


def _text(value: object, style: str = "") -> Any:
    from rich.text import Text  # noqa: TID251 - the one place status draws

    return Text(line(value), style=style)


def table(d: Dashboard, all_items: bool = False) -> str:
    from rich.console import Console  # noqa: TID251 - the one place status draws

    stream = sys.stdout
    tty = stream.isatty()
    color = tty and not os.environ.get("NO_COLOR")
    width = terminal_width(os.environ, stream) if tty else PIPED_WIDTH
    console = Console(file=stream, width=width, force_terminal=tty,
                      color_system="auto" if color else None, no_color=not color,
                      highlight=False, markup=False, emoji=False, soft_wrap=False,
                      legacy_windows=False, force_jupyter=False)
    with console.capture() as capture:
        console.print(_text(_heading(d), "bold"))
        console.print(_text(f"Path: {d.path}"))
        console.print(_phase_table(d, width) if d.rows else _text(_owns_nothing(d)))
        if _scope(d):
            console.print(_text(_scope(d)))
        for title, rows in _listings(d):
            console.print()
            _print_listing(console, title, rows, all_items)
    out = capture.get()
    if not color:  # pasted into an issue: no trailing blanks from cell padding
        out = "".join(line.rstrip() + "\n" for line in out.splitlines())
    return out


def _phase_table(d: Dashboard, width: int) -> Any:
    """One row per phase. Narrower than the piped width, the open gates get a
    list of their own (an id is never cut) and the bar shrinks, so the numbers
    always fit."""
    from rich import box  # noqa: TID251
    from rich.table import Table  # noqa: TID251
    from rich.text import Text  # noqa: TID251

    wide = width >= PIPED_WIDTH
    bar_width = BAR_WIDTH if wide else (BAR_WIDTH // 2 if width >= 72 else 0)
    progress_column = width >= 60  # narrower, Done (n/total) says it alone
    phases = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, collapse_padding=True)
    phases.add_column("", no_wrap=True)
    phases.add_column("", justify="right", no_wrap=True)  # "4." stays by its title
    # A title wraps between words, never inside one ("Productionization").
    longest_word = max((len(w) for r in d.rows for w in line(r.title).split()), default=5)
    phases.add_column("Phase", overflow="fold", min_width=min(longest_word, width - 24))
    if progress_column:
        phases.add_column("Progress", no_wrap=True)
    # Counts never shrink: a clipped "0/" reads as a different number.
    for name, counts in (("Done", [f"{r.done + r.waived + r.na}/{r.total}" for r in d.rows]),
                         ("Gates", [f"{r.gates}/{r.gates}" for r in d.rows])):
        phases.add_column(name, justify="right", no_wrap=True,
                          min_width=max(len(c) for c in [name, *counts]))
    for row in d.rows:
        style = "bold" if row.current else ""
        progress = (Text.assemble((bar(row, bar_width), "green"), f" {_percent(row):>4}")
                    if bar_width else Text(f"{_percent(row):>4}"))
        cells = [_text("▶" if row.current else ""), _text(f"{row.number}.", style),
                 _text(f"{row.title}{_reopened(row)}", style)]
        if progress_column:
            cells.append(progress)
        cells += [_text(f"{row.done + row.waived + row.na}/{row.total}"),
                  _text(f"{row.gates - len(row.open_gates)}/{row.gates}")]
        phases.add_row(*cells)
    return phases


def _listings(d: Dashboard) -> list[tuple[str, list[str]]]:
    """The lists under the table, one line per entry: the open gates of the
    phases listed, then the sections. Each entry is one run of words that the
    terminal's width wraps between words: an id, a name or a reason is never cut
    (a table column would fold it mid-word)."""
    listed = set(d.listed)
    gates = [f"{gate} ({row.id})" for row in d.rows if row.id in listed
             for gate in row.open_gates]
    sections = [("Open gates", gates)]
    for title, _, entries in _sections(d):
        sections.append((title, [_line(e) for e in entries]))
    return sections


def _line(e: Entry) -> str:
    parts = [f"{e.item.id} ({e.phase})", e.item.title, e.item.owner or "unowned", e.detail,
             _waits(e)]
    return " · ".join(p for p in parts if p)


def _print_listing(console: Any, title: str, rows: list[str], all_items: bool) -> None:
    if not rows:
        console.print(_text(f"{title}: none"))
        return
    from rich.table import Table  # noqa: TID251

    console.print(_text(f"{title} ({len(rows)})", "bold"))
    limit = len(rows) if all_items or len(rows) <= LIST_LIMIT else LIST_FIRST
    # A dash, then the entry wrapped between words under itself (a hanging indent).
    listing = Table.grid(padding=(0, 1))
    listing.add_column(no_wrap=True)
    listing.add_column(overflow="fold")
    for entry in rows[:limit]:
        listing.add_row(_text("-"), _text(entry))
    console.print(listing)
    if limit < len(rows):
        console.print(_text(_more(len(rows) - limit)))


def _entry(e: Entry) -> dict[str, Any]:
    item = e.item
    return {"phase": e.phase, "item": item.id, "title": item.title, "status": item.status,
            "owner": item.owner, "due": item.due.isoformat() if item.due else None,
            "detail": e.detail, "waits_on": e.waits_on, **({"code": e.code} if e.code else {})}


def as_json(d: Dashboard, all_items: bool = True) -> str:
    """Every entry of every list, whatever ``all_items`` says: JSON is read by programs."""
    project = d.project
    data = {
        "version": 1,
        "project": {"name": project.file.name, "slug": project.file.slug,
                    "playbook": project.playbook.name,
                    "playbook_version": project.file.playbook.version,
                    "current_phase": project.file.current_phase,
                    "profile": project.file.profile},
        **({"overlays": [{"name": o.name, "version": o.version, "gate_at": dict(o.gate_at)}
                         for o in project.file.overlays]} if project.file.overlays else {}),
        "today": d.today.isoformat(),
        "owner": d.owner,
        "phase": d.phase,
        "path": d.path,
        "phases": [
            {"id": r.id, "title": r.title, "number": r.number, "current": r.current,
             "total": r.total, "done": r.done, "waived": r.waived, "na": r.na,
             "progress": round(r.progress, 4), "gates": r.gates, "open_gates": r.open_gates,
             "reopened": r.reopened}
            for r in d.rows
        ],
        "listed_phases": d.listed,
        "current_items": [_entry(e) for e in d.current],
        "in_progress": [_entry(e) for e in d.in_progress],
        "due_this_week": [_entry(e) for e in d.due_soon],
        "blocked": [_entry(e) for e in d.blocked],
        "overdue": [_entry(e) for e in d.overdue],
        "unowned": [_entry(e) for e in d.unowned] if d.owner is None else [],
        "expiring_waivers": [_entry(e) for e in d.expiring],
        "why_open": [_entry(e) for e in d.why_open],
        "due_again": [_entry(e) for e in d.due_again],
        "not_applicable_by_profile": [_entry(e) for e in d.by_profile],
    }
    return json_safe(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


def markdown(d: Dashboard, all_items: bool = False) -> str:
    out = [f"## {md_escape(_heading(d))}\n", f"Path: {md_escape(d.path)}\n"]
    out.append(md_table(
        ["Phase", "Progress", "Done", "Gates closed", "Open gates"],
        [[f"{r.number}. {md_escape(r.title)}{_reopened(r)}"
          + (" **(current)**" if r.current else ""),
          _percent(r), f"{r.done + r.waived + r.na}/{r.total}",
          f"{r.gates - len(r.open_gates)}/{r.gates}",
          ", ".join(f"`{g}`" for g in r.open_gates)] for r in d.rows])
               if d.rows else md_escape(_owns_nothing(d)) + "\n")
    if _scope(d):
        out.append(md_escape(_scope(d)) + "\n")
    for title, detail, entries in _sections(d):
        if not entries:
            out.append(f"**{title}:** none\n")
            continue
        out.append(f"### {title} ({len(entries)})\n")
        shown, hidden = _shown(entries, all_items)
        out.append(md_table(
            ["Phase", "Item", "Title", "Owner", detail.capitalize(), "Waits on"],
            [[f"`{e.phase}`", f"`{e.item.id}`", md_escape(e.item.title),
              md_escape(e.item.owner) if e.item.owner else "-", md_escape(e.detail),
              ", ".join(f"`{w}`" for w in e.waits_on)]
             for e in shown]))
        if hidden:
            out.append(md_escape(_more(hidden)) + "\n")
    return "\n".join(out)


RENDERERS: dict[str, Callable[[Dashboard, bool], str]] = {
    "table": table, "json": as_json, "markdown": markdown,
}
