"""A team's document templates must render stubs: a document without the stub
marker counts as evidence the moment ``init`` writes it, so a gate could close
on an empty form. Warned about (not refused: a team may mean it)."""

from __future__ import annotations

from pathlib import Path

from mlcycle.codes import MLC301
from mlcycle.errors import Location, Problem
from mlcycle.load.playbooks import Playbook

# The marker `check` looks for (judge/evaluate.STUB_MARKER; a test keeps them equal).
STUB_MARKER = "<!-- mlcycle:stub -->"


def unmarked_templates(playbook: Playbook) -> list[Problem]:
    """One warning per document template of the team's own that lacks the marker.
    Built-in templates all carry it (a test says so)."""
    if playbook.builtin:
        return []
    own = playbook.directory / "templates" / "docs"
    warnings = []
    for template in sorted({doc.template for _, doc in playbook.docs()}):
        path = own / template
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue  # not the team's (the built-in one is used) or unreadable: init says so
        if STUB_MARKER not in text:
            warnings.append(Problem(
                Location(_shown(path)), MLC301,
                f"document template has no stub marker {STUB_MARKER}: the documents it renders "
                "count as evidence as soon as init writes them; add the marker as its first line",
                "warning"))
    return warnings


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()
