"""Regenerate ``LIFECYCLE.md`` from the project's current state (name, team,
playbook) through the very templates ``init`` renders it with."""

from __future__ import annotations

import difflib
from datetime import date

from mlcycle.disk.transaction import FileChange
from mlcycle.init import scaffold
from mlcycle.load.project import Project, project_playbook

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
        init_date=init_date)
    text = scaffold.render_files(options)[LIFECYCLE]
    path = project.root / LIFECYCLE
    before = path.read_bytes() if path.exists() else None
    return FileChange(path, LIFECYCLE, before, text.encode("utf-8"))


def diff(item: FileChange) -> str:
    old = (item.before or b"").decode("utf-8", "replace").splitlines(keepends=True)
    new = (item.after or b"").decode("utf-8").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, f"a/{item.display}", f"b/{item.display}"))
