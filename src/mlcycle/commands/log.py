"""``mlcycle log``: the project's history, and with git each item's status changes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

import typer

from mlcycle.cli_kit import output
from mlcycle.cli_kit.editing import ProjectOption, complete

if TYPE_CHECKING:
    from mlcycle.load.model import Item


def register(app: typer.Typer) -> None:
    app.command("log")(log)


def log(
    item: Annotated[Optional[str], typer.Option(  # noqa: UP045 - typer on Python 3.10
        "--item", metavar="ITEM", help="Only this item's status changes.",
        autocompletion=complete("item"))] = None,
    format: Annotated[Literal["text", "json"], typer.Option(
        "--format", "-f", help="Output format.")] = "text",
    directory: ProjectOption = Path("."),
) -> int:
    """The phase history and each item's status changes.

    Phase moves from mlcycle.yaml's history; inside git, also every item's status
    changes from the history of lifecycle/ (commit, author, date, old -> new).

    \b
    Example:
      mlcycle log --item problem-statement
    """
    from mlcycle.judge import journey
    from mlcycle.load import githistory, project
    from mlcycle.write.items import find_item

    loaded = project.load(directory)
    found = find_item(loaded, item)[2] if item is not None else None  # unknown: MLC027
    moves = journey.moves(loaded)
    history = githistory.status_changes(loaded.root)
    changes = history.changes if history is not None else None
    note = history.note if history is not None else None
    if changes is not None and item is not None:
        changes = [c for c in changes if c.item == item]
    if format == "json":
        output.show(_as_json(moves, changes, note, found))
        return 0
    lines = [*_move_lines(moves), "", *_waiver_lines(found),
             *_change_lines(changes, note, item)]
    output.show("\n".join(lines) + "\n")
    return 0


def _as_json(moves: list[Any], changes: list[Any] | None, note: str | None,
             found: Item | None) -> str:
    import json

    data = {
        "version": 1,
        "history": [{"date": m.date, "event": m.event, "from": m.from_, "to": m.to,
                     "reason": m.reason, "by": m.by} for m in moves],
        "git": changes is not None,
        "note": note,
        "waivers": _waivers(found),
        "changes": [{"commit": c.commit, "author": c.author, "date": c.date,
                     "path": c.path, "item": c.item, "from": c.old, "to": c.new}
                    for c in changes or []],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def _move_lines(moves: list[Any]) -> list[str]:
    from mlcycle import escape

    lines = ["Phase history (mlcycle.yaml):"]
    # The event column as wide as its longest event (`overlay-upgrade`), so that
    # every line's place column starts at the same offset.
    width = max([7, *(len(m.event) for m in moves)])
    for m in moves:
        where = f"{m.from_} -> {m.to}" if m.from_ else f"-> {m.to}"
        if m.playbooks is not None:  # an upgrade does not move the project
            where = f"at {m.to}: playbook {m.playbooks[0]} -> {m.playbooks[1]}"
        if m.profiles is not None:  # nor does a profile change
            where = f"at {m.to}: profile {m.profiles[0]} -> {m.profiles[1]}"
        if m.hosts is not None:  # nor does a change of the evidence hosts
            where = f"at {m.to}: hosts {m.hosts}"
        if m.overlay is not None:  # nor an overlay added, removed or upgraded
            where = f"at {m.to}: {m.event.removeprefix('overlay-')} overlay {m.overlay}"
        if m.metric is not None:  # nor a primary metric declared or changed
            where = f"at {m.to}: primary metric {m.metric}"
        entry = f"  {m.date}  {m.event:<{width}}  {where}"
        if m.reason:
            entry += f": {' '.join(m.reason.split())}"
        if m.by:
            entry += f"  (by {m.by})"
        lines.append(escape.line(entry))
    return lines


def _waiver_lines(found: Item | None) -> list[str]:
    from mlcycle import escape

    if found is None or (found.waiver is None and not found.waivers_before):
        return []
    lines = [f"Waivers of {found.id} (oldest first):"]
    for w in _waivers(found):
        current = "  (current)" if w["current"] else ""
        lines.append(escape.line(f"  until {w['expires']}  approved by {w['approved_by']}: "
                                 f"{' '.join(str(w['reason']).split())}{current}"))
    return [*lines, ""]


def _change_lines(changes: list[Any] | None, note: str | None, item: str | None) -> list[str]:
    from mlcycle import escape

    if changes is None:
        return ["Item status changes: not a git repository (or git is not installed); "
                "showing the phase history only"]
    lines = [f"Item status changes (git log of lifecycle/){f' for {item}' if item else ''}"
             f": {len(changes)}"]
    if note:
        lines.append(f"  note: {note}")
    for c in changes:
        lines.append(escape.line(f"  {c.date[:10]}  {c.commit[:7]}  {c.author}  {c.item}: "
                                 f"{c.old} -> {c.new}"))
    return lines


def _waivers(item: Item | None) -> list[dict[str, object]]:
    """An item's waivers, the ones a renewal replaced first."""
    if item is None:
        return []
    out: list[dict[str, object]] = [
        {"reason": w.reason, "approved_by": w.approved_by, "expires": w.expires.isoformat(),
         "current": False} for w in item.waivers_before]
    if item.waiver is not None:
        out.append({"reason": item.waiver.reason, "approved_by": item.waiver.approved_by,
                     "expires": item.waiver.expires.isoformat(), "current": True})
    return out
