"""One editing command's unit of work: the project as loaded, the files it
edits, the project those edits would make (validated in memory before any byte
is written) and the all-or-nothing write.

The bytes each edit starts from are the bytes the loader read: a file opened
for editing is compared with the loader's text first, and with the disk again
just before the rename (``transaction``).
"""

from __future__ import annotations

import dataclasses
import difflib

from mlcycle.codes import MLC201
from mlcycle.disk.transaction import FileChange, StaleError, commit
from mlcycle.errors import MlcycleError
from mlcycle.load import project as project_mod
from mlcycle.load.model import OverlayFile, PhaseFile, ProjectFile
from mlcycle.load.project import PROJECT_FILE, OverlayState, PhaseState, Project
from mlcycle.load.source import Source
from mlcycle.load.validation import validate
from mlcycle.load.yamlio import parse_document
from mlcycle.write.yamledit import BOM, EditError, YamlText


class Session:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.docs: dict[str, YamlText] = {}
        # Whole files rendered from the edited project (LIFECYCLE.md after a team
        # change), written in the same all-or-nothing commit.
        self.extra: list[FileChange] = []
        # Overlays this change adds (``overlay add``: their status file is in ``extra``).
        self.added: list[OverlayState] = []
        self.roles_added: set[str] = set()  # roles an overlay of this change added to team:
        self._sources = {PROJECT_FILE: project.source,
                         **{p.source.display: p.source for p in project.phases},
                         **{o.source.display: o.source for o in project.overlays}}

    def edit(self, display: str) -> YamlText:
        """The file ``display`` (relative to the project), opened for editing."""
        if display not in self.docs:
            raw = (self.project.root / display).read_bytes()
            text = raw[len(BOM):] if raw.startswith(BOM) else raw
            if text.decode("utf-8", "replace") != self._sources[display].text:
                raise StaleError.at(MLC201, "changed on disk since it was read; nothing "
                                    "written (run the command again)", display, 1, 1)
            self.docs[display] = YamlText(raw, display)
        return self.docs[display]

    def project_doc(self) -> YamlText:
        return self.edit(PROJECT_FILE)

    def phase_doc(self, phase_id: str) -> YamlText:
        phase = self.project.phases[self.project.phase_index(phase_id)]
        return self.edit(phase.source.display)

    def item_doc(self, phase: PhaseState) -> YamlText:
        """The file holding an item of ``phase`` (an overlay's own file for its items)."""
        return self.edit(phase.source.display)

    def changes(self) -> list[FileChange]:
        out = []
        for display, doc in self.docs.items():
            path = self.project.root / display
            before = (BOM if doc.bom else b"") + doc.text.encode("utf-8")
            out.append(FileChange(path, display, before, doc.render()))
        return [c for c in [*out, *self.extra] if c.after != c.before]

    def edited(self) -> Project:
        """The project as it will be once written, read back through the loader's
        own parser, models and cross-file rules. A problem here is a bug of ours
        (the commands check their input first): EditError, nothing written."""
        project = self.project
        new_file, new_source = project.file, project.source
        phases = list(project.phases)
        states = list(project.overlays) + self.added
        overlay_files = [o.source.display for o in states]
        for change in self.changes():
            if change.display not in self.docs:
                continue  # a rendered file: the project does not read it
            raw = change.after
            assert raw is not None  # a session edits files, it never removes one
            text = raw[len(BOM):].decode("utf-8") if raw.startswith(BOM) else raw.decode()
            reread = self.docs[change.display].reread  # render() parsed it already
            try:
                data, marks = reread if reread is not None else parse_document(
                    text, change.display)
                source = Source(change.display, text, marks)
                if change.display == PROJECT_FILE:
                    new_file = validate(ProjectFile, data, text, change.display, marks)
                    new_source = source
                elif change.display in overlay_files:
                    index = overlay_files.index(change.display)
                    states[index] = _reread(states[index],
                                            validate(OverlayFile, data, text, change.display,
                                                     marks), source)
                else:
                    index = [p.source.display for p in phases].index(change.display)
                    model = validate(PhaseFile, data, text, change.display, marks)
                    phases[index] = dataclasses.replace(phases[index], file=model,
                                                        source=source)
            except MlcycleError as exc:
                raise EditError(f"the edit would make {change.display} invalid: {exc}") from None
        outline = project_mod.with_overlay_roles(project.playbook, states)
        problems = project_mod.project_problems(
            project.root, new_file, new_source, project.definitions, outline, phases,
            True, states)
        if problems:
            raise EditError("the edit would make the project invalid: "
                            + "; ".join(str(p) for p in problems))
        return Project(project.root, new_file, new_source, outline, phases,
                       project.definitions, states)

    def diff(self) -> str:
        out: list[str] = []
        for change in self.changes():
            old = (change.before or b"").decode("utf-8").splitlines(keepends=True)
            new = (change.after or b"").decode("utf-8").splitlines(keepends=True)
            out.extend(difflib.unified_diff(old, new, f"a/{change.display}",
                                            f"b/{change.display}"))
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                       for line in out)

    def write(self) -> None:
        # A new file's folder (lifecycle/overlays/, docs/<phase>/ of an overlay) is
        # made by the commit, and removed again if the commit fails.
        commit(self.changes(), make_dirs=True)



def _reread(state: OverlayState, file: OverlayFile, source: Source) -> OverlayState:
    """An overlay with its status file as edited (same items, same attachments)."""
    views = {pid: dataclasses.replace(view, file=file, source=source)
             for pid, view in state.views.items()}
    return dataclasses.replace(state, file=file, source=source, views=views)
