"""What ``init`` would render today for the files it writes only where none
exists (README.md, .pre-commit-config.yaml), so that such a file left exactly as
rendered is not mistaken for the team's work (MLC109), and the stub of each
document, whose prompt lines ``check`` looks for (MLC133, ``stubs``). Rendered only when a
piece of evidence names one of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from mlcycle.errors import MlcycleError
from mlcycle.init.scaffold import ONLY_IF_ABSENT, InitOptions, render_files


def _options(project: Any) -> InitOptions:
    from mlcycle.load.project import project_playbook

    playbook = project_playbook(project)
    return InitOptions(name=project.file.name, slug=project.file.slug, playbook=playbook,
                       playbook_path=project.file.playbook.path,
                       team=dict(project.file.team), init_date=date.today())


def stubs(project: Any) -> Callable[[str], str | None]:
    """A function: path -> the stub ``init`` renders there for ``project`` (a
    loaded ``Project``) as things stand, or None: no document of the playbook
    lives there, or the playbook's templates cannot render. The playbook is
    read once, when the first path is asked about."""
    from mlcycle.init.scaffold import doc_renderer

    made: list[Callable[[str], str | None] | None] = []

    def stub(path: str) -> str | None:
        try:
            if not made:
                made.append(None)  # a playbook that cannot load is tried once
                made[0] = doc_renderer(_options(project))
            return made[0](path) if made[0] is not None else None
        except MlcycleError:
            return None

    return stub


def rendered(project: Any) -> dict[str, bytes]:
    """Relative path -> bytes of each such file for ``project`` (a loaded
    ``Project``); empty when the playbook's templates cannot render."""
    try:
        files = render_files(_options(project), self_check=False)
    except MlcycleError:
        return {}
    return {path: files[path].encode("utf-8") for path in sorted(ONLY_IF_ABSENT)
            if path in files}
