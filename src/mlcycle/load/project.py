"""Load a project: ``mlcycle.yaml``, its playbook and ``lifecycle/NN-<phase>.yaml``,
with every cross-file rule. Raises one MlcycleError holding every problem."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from mlcycle.codes import (
    MLC022,
    MLC025,
    MLC026,
    MLC027,
    MLC028,
    MLC029,
    MLC030,
    MLC043,
    MLC071,
    MLC072,
)
from mlcycle.errors import Location, MlcycleError, Problem
from mlcycle.load import definitions, journal, overlays, playbooks, releases
from mlcycle.load.definitions import Definitions, phase_problems
from mlcycle.load.history import history_problems
from mlcycle.load.model import Item, OverlayFile, OverlayRef, PhaseFile, PlaybookRef, ProjectFile
from mlcycle.load.playbooks import Outline
from mlcycle.load.rules import Placed, item_problems
from mlcycle.load.source import Source, load_model, load_models, parsing_ahead, prefetching
from mlcycle.load.validation import did_you_mean

PROJECT_FILE = "mlcycle.yaml"
LIFECYCLE_DIR = "lifecycle"
_PHASE_FILE_RE = re.compile(r"^(\d{2})-([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.yaml$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def phase_file_name(number: int, phase_id: str) -> str:
    return f"{LIFECYCLE_DIR}/{number:02d}-{phase_id}.yaml"


@dataclass
class PhaseState:
    number: int  # 1-based position in the playbook
    id: str
    title: str
    file: PhaseFile | OverlayFile
    source: Source
    # An overlay's items seen as members of the phase ``id`` they are attached to
    # (judged as that phase's items): the overlay's name; None for a phase file.
    overlay: str | None = None

    def placed(self) -> list[Placed]:
        return [Placed(item, self.source, ("items", i)) for i, item in enumerate(self.file.items)]

    @property
    def key(self) -> str:
        """What (key, index) names an item by: the phase id, or an overlay's file."""
        return self.id if self.overlay is None else self.source.display


@dataclass
class OverlayState:
    """One pinned overlay: its definitions, its status file, and for each of its
    items (by index) the lifecycle phase it joins, None for an unknown item."""

    index: int  # in mlcycle.yaml's overlays
    ref: OverlayRef
    definitions: Definitions
    file: OverlayFile
    source: Source
    attached: list[str | None]
    views: dict[str, PhaseState]  # lifecycle phase id -> the overlay seen as its member

    @property
    def name(self) -> str:
        return self.ref.name

    def entries(self) -> Iterator[tuple[PhaseState, int, Item]]:
        for index, item in enumerate(self.file.items):
            phase = self.attached[index]
            if phase is not None:
                yield self.views[phase], index, item

    def overlay_phase(self, item_id: str) -> str | None:
        found = self.definitions.find(item_id)
        return found[0] if found else None


@dataclass
class Project:
    root: Path
    file: ProjectFile
    source: Source
    playbook: Outline
    phases: list[PhaseState]  # in playbook order; with load_partial, only those that loaded
    definitions: Definitions  # of the pinned playbook version
    overlays: list[OverlayState] = dataclass_field(default_factory=list)
    # Overlays whose pinned definitions could not be read (a team's directory at
    # another version): name -> those problems. Only `overlay upgrade` looks.
    unpinned: dict[str, list[Problem]] = dataclass_field(default_factory=dict)

    def phase_index(self, phase_id: str) -> int:
        return [p.id for p in self.phases].index(phase_id)

    def entries(self) -> Iterator[tuple[PhaseState, int, Item]]:
        """Every item with the phase it belongs to (an overlay's: the phase it is
        attached to, seen through the overlay's file) and its index in its file."""
        for phase in self.phases:
            for index, item in enumerate(phase.file.items):
                yield phase, index, item
        for overlay in self.overlays:
            yield from overlay.entries()

    def placed(self) -> list[Placed]:
        return [entry for phase in self.phases for entry in phase.placed()]

    def people(self) -> set[str]:
        return {person for people in self.file.team.values() for person in people}

    def former(self) -> dict[str, date]:
        """Who left the team (not back on it since) -> the day they left."""
        people = self.people()
        return {f.name: f.left for f in self.file.former if f.name not in people}


def is_url(evidence: str) -> bool:
    return bool(_URL_RE.match(evidence))


@lru_cache(maxsize=4096)  # many items cite the same few documents
def evidence_escapes(root: Path, evidence: str) -> str | None:
    """Why an evidence path may not be opened, or None when it stays in the project."""
    if "\0" in evidence:  # no file name holds one; the OS would refuse the path
        return "contains a NUL character, which no file name can hold"
    if "\\" in evidence or evidence.startswith("/") or re.match(r"^[A-Za-z]:", evidence):
        return "is not a relative path inside the project (use / and no drive or leading /)"
    if ".." in PurePosixPath(evidence).parts:
        return "climbs out with '..'"
    if "://" in evidence or evidence.startswith("~"):
        return "is neither an http(s) URL nor a path inside the project"
    try:
        resolved = (root / evidence).resolve()
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        return "is a symlink that loops or cannot be resolved"
    if resolved != root and root not in resolved.parents:
        return "resolves (through a symlink) to a place outside the project"
    return None


def find_root(directory: Path) -> Path:
    """The project holding ``directory``: the nearest directory at or above it with
    an mlcycle.yaml, as git finds its repository. The walk stops at a directory
    holding ``.git`` (a repository without a project here) or at the filesystem root.

    Anything by that name (a directory, a FIFO, a dangling symlink) is the
    project's file gone wrong, for the reader to report (MLC001), not "no project".
    """
    start = directory.resolve()
    for candidate in (start, *start.parents):
        if os.path.lexists(candidate / PROJECT_FILE):
            return candidate
        if (candidate / ".git").exists():
            break
    raise MlcycleError.at(
        MLC028, f"no {PROJECT_FILE} here or in any parent directory; run 'mlcycle init' "
        "first or name the project directory", str(start).rstrip("/") + "/")


def load(directory: Path) -> Project:
    """The whole project, verified; raises one MlcycleError holding every problem."""
    project, problems = load_partial(directory)
    if problems:
        raise MlcycleError(problems)
    assert project is not None
    return project


def load_partial(directory: Path) -> tuple[Project | None, list[Problem]]:
    """The project as far as it loaded, and every problem found.

    ``check`` evaluates what loaded cleanly even when other parts did not
    (exit 2 still wins), so that an open gate is not hidden behind an
    unrelated input error until the next CI run. The project is None when
    mlcycle.yaml or its playbook could not be read.
    """
    evidence_escapes.cache_clear()  # the disk may have changed since the last load
    # Every problem, not capped: check leaves out each item one points into, and
    # an item whose evidence leaves the project must never be judged (opened).
    return _load(find_root(directory))


def _load(root: Path) -> tuple[Project | None, list[Problem]]:
    # A change to several files that a killed mlcycle left half done is completed
    # before anything is read: no reader sees part of it (load.journal).
    journal.recover(root)
    problems: list[Problem] = []
    project: ProjectFile | None = None
    source: Source | None = None
    defs: Definitions | None = None
    try:
        project, source = load_model(ProjectFile, root / PROJECT_FILE, PROJECT_FILE)
    except MlcycleError as exc:
        problems.extend(exc.problems)
    with prefetching(_prefetch_jobs(root, project) if parsing_ahead() else []):
        if project is not None and source is not None:
            try:
                defs = pinned_definitions(project, source, root)
            except MlcycleError as exc:
                for p in exc.problems:
                    if p.location == Location(PROJECT_FILE):  # the whole file: say where
                        p = Problem(source.at(("playbook",)), p.code, p.message)
                    problems.append(p)
        outline = Outline(defs.name, defs.version, list(defs.roles), defs.phase_ids) \
            if defs else None
        phases = _load_phases(root, outline, problems)
        unpinned: dict[str, list[Problem]] = {}
        states = load_overlays(root, project, source, defs, problems, unpinned) \
            if project is not None and source is not None and defs is not None else []
    if project is None or source is None or defs is None or outline is None:
        return None, problems
    for phase in phases:
        phase.title = phase.title or defs.phase_titles.get(phase.id, phase.id)
    outline = with_overlay_roles(outline, states)
    complete = [p.id for p in phases] == outline.phase_ids
    found = project_problems(root, project, source, defs, outline, phases, complete, states)
    if len(states) < len(project.overlays):
        # An overlay that did not load brings roles nobody knows yet: its own
        # problem says what is wrong, not one "unknown role" per role it uses.
        found = [p for p in found if not (p.code == MLC022 and p.message.startswith("team:"))]
    problems.extend(found)
    return Project(root, project, source, outline, phases, defs, states, unpinned), problems


def with_overlay_roles(outline: Outline, states: list[OverlayState]) -> Outline:
    """The project's roles: the playbook's, then those only its overlays use."""
    roles = list(outline.role_ids)
    for state in states:
        roles += [r for r in state.definitions.roles if r not in roles]
    return Outline(outline.name, outline.version, roles, outline.phase_ids)


def project_problems(root: Path, project: ProjectFile, source: Source, defs: Definitions,
                     outline: Outline, phases: list[PhaseState], complete: bool,
                     states: list[OverlayState] | None = None) -> list[Problem]:
    """Every rule across the files of a loaded project: definitions against the
    pinned playbook (and overlays), ids, RACI, dependencies, team, evidence paths
    and history. Editing commands run the same rules on what they are about to write."""
    problems: list[Problem] = []
    states = states or []
    for phase in phases:
        problems.extend(phase_problems(defs, phase.id, phase.file.title, phase.file.items,
                                       phase.source))
    for state in states:
        problems.extend(overlays.attachment_problems(project, source, state.index,
                                                     state.definitions, outline.phase_ids))
        problems.extend(overlays.item_problems(state.definitions, state.file.items,
                                               state.source))
    # Items equal to the playbook's obey its rules (ids, RACI, dependencies,
    # cycles), which loading the playbook checked: look again only at a copy
    # that differs, where the rule's own message is the clearest one.
    ids = [item.id for phase in phases for item in phase.file.items] + \
        [item.id for state in states for item in state.file.items]
    differs = bool(problems) or not complete or len(ids) != len(set(ids))
    problems.extend(_project_problems(root, project, source, outline, phases, complete,
                                      item_rules=differs, states=states))
    problems.extend(history_problems(project, source, outline.phase_ids))
    problems.extend(overlays.ledger_problems(project, source))
    if project.evidence is not None:  # imported only for a project that sets it
        from mlcycle.load.hosts import host_problems

        problems.extend(host_problems(project, source))
    return problems


def overlay_state(index: int, ref: OverlayRef, odefs: Definitions, ofile: OverlayFile,
                  osource: Source, defs: Definitions) -> OverlayState:
    """An overlay's items seen as members of the lifecycle phases (``defs``) they join."""
    views = {pid: PhaseState(number, pid, defs.phase_titles.get(pid, pid), ofile, osource,
                             ref.name) for number, pid in enumerate(defs.phase_ids, 1)}
    attached: list[str | None] = []
    for item in ofile.items:
        home = odefs.find(item.id)
        target = ref.gate_at.get(home[0]) if home else None
        attached.append(target if target in views else None)
    return OverlayState(index, ref, odefs, ofile, osource, attached, views)


def _overlay_text(text: str, display: str) -> tuple[OverlayFile, Source]:
    from mlcycle.load.validation import validate
    from mlcycle.load.yamlio import parse_document

    data, marks = parse_document(text, display)
    return validate(OverlayFile, data, text, display, marks), Source(display, text, marks)


def load_overlays(root: Path, project: ProjectFile, source: Source, defs: Definitions,
                   problems: list[Problem], unpinned: dict[str, list[Problem]],
                   texts: dict[str, str] | None = None) -> list[OverlayState]:
    """Every pinned overlay that loads: its definitions and its status file (from
    ``texts``, display -> text, when a change about to be written holds it)."""
    states: list[OverlayState] = []
    seen: set[str] = set()
    for index, ref in enumerate(project.overlays):
        at = ("overlays", index, "name")
        if ref.name == project.playbook.name or ref.name in seen:
            why = "is pinned twice" if ref.name in seen else "is the project's playbook"
            problems.append(source.problem(at, MLC071, f"overlays[{index}]: overlay "
                                           f"'{ref.name}' {why}"))
            continue
        seen.add(ref.name)
        try:
            odefs = pinned_definitions_of(ref, ("overlays", index), f"overlays[{index}]",
                                          source, root)
        except MlcycleError as exc:
            problems.extend(exc.problems)
            unpinned[ref.name] = exc.problems
            continue
        display = overlays.overlay_file_name(ref.name)
        path = root / display
        if texts is not None and display in texts:
            states.append(overlay_state(index, ref, odefs, *_overlay_text(texts[display],
                                                                          display), defs))
            continue
        if not path.is_file():
            problems.append(Problem(Location(display), MLC071, f"missing: overlay "
                                    f"'{ref.name}' (mlcycle.yaml overlays[{index}]) has no "
                                    f"status file; restore it from git, or remove the overlay "
                                    f"with `{overlays.REMOVE} {ref.name}`"))
            continue
        try:
            ofile, osource = load_model(OverlayFile, path, display)
        except MlcycleError as exc:
            problems.extend(exc.problems)
            continue
        if ofile.overlay != ref.name:
            problems.append(osource.problem(("overlay",), MLC071, f"overlay '{ofile.overlay}' "
                                            f"does not match the file name '{path.name}'"))
            continue
        states.append(overlay_state(index, ref, odefs, ofile, osource, defs))
    directory = root / overlays.OVERLAY_DIR
    if directory.is_dir():
        pinned = {f"{ref.name}.yaml" for ref in project.overlays}
        for entry in sorted(directory.iterdir()):
            if entry.name.startswith(".") or entry.name in pinned:
                continue
            problems.append(Problem(Location(f"{overlays.OVERLAY_DIR}/{entry.name}"), MLC072,
                                    f"'{entry.name}' is no overlay mlcycle.yaml pins (overlays:); "
                                    f"an overlay is removed with `{overlays.REMOVE} NAME`, which "
                                    "deletes its file; add one with `"
                                    f"{overlays.ADD} NAME`"))
    return states


def items_with_problems(project: Project, problems: list[Problem]
                        ) -> frozenset[tuple[str, int]]:
    """(phase, index) of every item that a problem points into: not judged by check
    (an overlay's item: (its status file, index))."""
    import bisect

    by_file = {p.source.display: (p.id, p.source) for p in project.phases}
    by_file.update({o.source.display: (o.source.display, o.source) for o in project.overlays})
    tainted = set()
    for problem in problems:
        found = by_file.get(problem.location.path)
        if found is None or not problem.location.line:
            continue
        starts = [line for line, _ in found[1].marks.items]
        index = bisect.bisect_right(starts, problem.location.line - 1) - 1
        if index >= 0:
            tainted.add((found[0], index))
    return frozenset(tainted)


# While ``portfolio`` walks many projects, those on one playbook share its record
# (None otherwise: a single command always reads its playbook afresh).
_SHARED: dict[tuple[str, ...], tuple[str, str, dict[str, Any] | None]] | None = None
# The Definitions made from those records, for the same run (``_definitions``).
_SHARED_DEFS: dict[tuple[str, ...], tuple[dict[str, Any], Definitions]] = {}


@contextmanager
def sharing_playbooks() -> Iterator[None]:
    """Read each playbook once for all the projects loaded inside (a portfolio run)."""
    global _SHARED
    saved, _SHARED = _SHARED, {}
    try:
        yield
    finally:
        _SHARED = saved
        _SHARED_DEFS.clear()


def _team_record(directory: Path) -> tuple[str, str, dict[str, Any]]:
    key = ("path", str(directory))
    if _SHARED is not None and key in _SHARED:
        name, version, rec = _SHARED[key]
        assert rec is not None
        return name, version, rec
    playbook = playbooks.load_directory(directory)
    rec = definitions.record(playbook.name, playbook.version,
                             [(r.id, r.name) for r in playbook.roles],
                             [(p.id, p.title, p.items) for p in playbook.phases])
    if _SHARED is not None:
        _SHARED[key] = (playbook.name, playbook.version, rec)
    return playbook.name, playbook.version, rec


def _builtin_record(name: str, version: str) -> dict[str, Any] | None:
    key = ("builtin", name, version)
    if _SHARED is not None and key in _SHARED:
        return _SHARED[key][2]
    found = releases.load_record(name, version)
    if _SHARED is not None:
        _SHARED[key] = (name, version, found)
    return found


def pinned_definitions(project: ProjectFile, source: Source, root: Path) -> Definitions:
    """The definitions of the playbook version the project pins.

    A built-in playbook is read from the record of that exact version (see
    ``releases``), never from whatever version this mlcycle ships; a team's
    playbook directory must be at the pinned version.
    """
    return pinned_definitions_of(project.playbook, ("playbook",), "playbook", source, root)


def pinned_definitions_of(ref: PlaybookRef | OverlayRef, at: tuple[str | int, ...], key: str,
                          source: Source, root: Path) -> Definitions:
    """The definitions of ``ref`` (the playbook, or an overlay at ``at`` in mlcycle.yaml,
    named ``key`` in messages), pinned by name and version."""
    kind = "playbook" if key == "playbook" else "overlay"
    if ref.path is not None:
        # A recorded path is always a path, even without a slash ("playbook").
        directory = _playbook_directory(root, ref.path, source, at, key)
        name, version, rec = _team_record(directory)
        if name != ref.name:
            raise MlcycleError([source.problem(
                (*at, "name"), MLC030, f"{kind} is named '{name}' in its "
                f"playbook.yaml, not '{ref.name}'")])
        if version != ref.version:
            raise MlcycleError([source.problem(
                (*at, "version"), MLC043, f"{key}.version: this project pins "
                f"{ref.name} {ref.version}, but the playbook directory '{ref.path}' is at "
                f"{version}; move the project to it with `mlcycle "
                f"{'upgrade' if kind == 'playbook' else 'overlay upgrade ' + ref.name}`, or "
                f"restore the {kind}")])
        return _definitions(rec, f"{ref.name} {ref.version} ({ref.path.rstrip('/')}/)")
    names = playbooks.builtin_names()
    if ref.name in names:
        _refuse_misplaced(ref.name, kind, at, key, source)
    elif kind == "playbook":  # an overlay-only playbook is never offered as one
        names = [name for name in names if name not in overlays.overlay_only()]
    if ref.name not in names:
        raise MlcycleError([source.problem(
            (*at, "name"), MLC030 if kind == "playbook" else MLC071, f"unknown {kind} "
            f"'{ref.name}'{did_you_mean(ref.name, names)}; built-in: {', '.join(names)} (a "
            f"team's {kind} also needs its directory under {key}.path)")])
    found = _builtin_record(ref.name, ref.version)
    if found is None:
        from mlcycle import DISTRIBUTION, __version__

        known = releases.versions(ref.name)
        raise MlcycleError([source.problem(
            (*at, "version"), MLC043, f"{key}.version: {ref.name} {ref.version} is "
            f"not a version this mlcycle ({__version__}) can verify; it knows {ref.name} "
            f"{', '.join(known) or 'in no version'}. A project made by a newer mlcycle needs "
            f"that mlcycle (pip install -U {DISTRIBUTION})")])
    return _definitions(found, f"{ref.name} {ref.version}")


def _refuse_misplaced(name: str, kind: str, at: tuple[str | int, ...], key: str,
                      source: Source) -> None:
    """A built-in overlay-only playbook pinned as the lifecycle (MLC030), or a
    built-in that is no overlay pinned under ``overlays:`` (MLC071): written by
    hand, it would load (``init`` and ``overlay add`` refuse both), and judge the
    project against a rubric that was never meant for that place."""
    if kind == "playbook" and name in overlays.overlay_only():
        raise MlcycleError([source.problem(
            (*at, "name"), MLC030, f"{key}.name: '{name}' is an overlay, not a lifecycle "
            "playbook: pin a lifecycle playbook here (`mlcycle playbooks` lists them), then "
            f"`{overlays.ADD} {name}`")])
    if kind == "overlay" and name not in overlays.builtin_overlays():
        raise MlcycleError([source.problem(
            (*at, "name"), MLC071, f"{key}.name: '{name}' is a lifecycle playbook, not an "
            f"overlay; built-in overlays: {', '.join(overlays.builtin_overlays())} (remove "
            f"this entry; add an overlay with `{overlays.ADD} NAME`)")])


def _definitions(rec: dict[str, Any], label: str) -> Definitions:
    """The definitions of a record; in a portfolio run, made once per record and
    label for every project pinning it (with what ``phase_problems`` compares).
    Nothing changes a ``Definitions`` once made."""
    if _SHARED is None:
        return Definitions.from_record(rec, label)
    key = ("definitions", label, str(id(rec)))  # rec is kept alive by _SHARED
    made = _SHARED_DEFS.get(key)
    if made is None or made[0] is not rec:
        made = _SHARED_DEFS[key] = (rec, Definitions.from_record(rec, label))
    return made[1]


def project_playbook(project: Project) -> playbooks.Playbook:
    """The whole playbook the project names (``raci`` and ``render`` need its role
    names and templates): a recorded ``playbook.path`` is a directory even without
    a slash (``path: playbook``), never a built-in name."""
    ref = project.file.playbook
    if ref.path is not None:
        return playbooks.load_directory(_playbook_directory(project.root, ref.path,
                                                            project.source))
    return playbooks.load(ref.name)


def _playbook_directory(root: Path, path: str, source: Source,
                        at: tuple[str | int, ...] = ("playbook",), key: str = "playbook"
                        ) -> Path:
    def refuse(why: str) -> MlcycleError:
        return MlcycleError([source.problem((*at, "path"), MLC030,
                                            f"{key}.path '{path}' {why}")])

    if "\0" in path:
        raise MlcycleError([source.problem(
            (*at, "path"), MLC030, f"{key}.path {path!r} contains a NUL character, "
            "which no file name can hold")])
    try:
        directory = (root / Path(path).expanduser()).resolve()
    except (OSError, RuntimeError) as exc:
        raise refuse(f"cannot be resolved: {exc}") from None
    if not (directory / "playbook.yaml").is_file():
        raise refuse("is not a playbook directory (it has no playbook.yaml)")
    return directory


def _prefetch_jobs(root: Path, project: ProjectFile | None) -> list[tuple[Path, str]]:
    """Every large file the load will parse: the status files and, for a team's
    playbook, its phase files (a guess: a wrong one only costs time)."""
    jobs = [(path, f"{LIFECYCLE_DIR}/{path.name}") for path in _lifecycle_entries(root)
            if _PHASE_FILE_RE.match(path.name)]
    if project is not None and project.playbook.path is not None \
            and "\0" not in project.playbook.path:
        try:
            directory = (root / project.playbook.path).resolve()
            # A playbook another project of this portfolio read is not read again
            # (its playbook.yaml would be, only to list what not to parse).
            if _SHARED is None or ("path", str(directory)) not in _SHARED:
                jobs += playbooks.phase_file_jobs(directory)
        except (OSError, RuntimeError, MlcycleError):
            pass  # reported, located, when the playbook itself is loaded
    return jobs


def _lifecycle_entries(root: Path) -> list[Path]:
    directory = root / LIFECYCLE_DIR
    # Every entry but hidden ones (editors' swap files, .gitkeep): a '02-data.yml'
    # or a stray file must not be skipped in silence, its items never checked.
    # lifecycle/overlays/ holds the overlays' status files (load.overlays).
    # Sorted by name: the order of the paths (one directory), without comparing Paths.
    return sorted((p for p in directory.iterdir() if not p.name.startswith(".")
                   and not (p.name == "overlays" and p.is_dir())), key=_name) \
        if directory.is_dir() else []


def _name(path: Path) -> str:
    return path.name


def _load_phases(root: Path, playbook: Outline | None, problems: list[Problem]) -> list[PhaseState]:
    files = _lifecycle_entries(root)
    if not files:
        problems.append(Problem(Location(f"{LIFECYCLE_DIR}/"), MLC025,
                                "no phase status files (lifecycle/NN-<phase>.yaml): nothing to "
                                "check; run 'mlcycle init'"))
        return []
    expected = playbook.phase_ids if playbook else []
    found: dict[str, PhaseState] = {}
    rejected: set[str] = set()  # has a file, with its own error: not also "missing"
    named: list[tuple[Path, str, int, str]] = []
    for path in files:
        display = f"{LIFECYCLE_DIR}/{path.name}"
        match = _PHASE_FILE_RE.match(path.name)
        if not match:
            where = Location(display + "/" if path.is_dir() else display)
            problems.append(Problem(where, MLC025,
                                    "not a phase status file name; expected NN-<phase>.yaml"))
            continue
        named.append((path, display, int(match.group(1)), match.group(2)))
    loaded = load_models(PhaseFile, [(path, display) for path, display, _, _ in named])
    for (path, display, number, name), outcome in zip(named, loaded, strict=True):
        if isinstance(outcome, MlcycleError):
            problems.extend(outcome.problems)
            rejected.add(name)
            continue
        phase_file, source = outcome
        if phase_file.phase != name:
            problems.append(source.problem(("phase",), MLC025,
                                           f"phase '{phase_file.phase}' does not match the file "
                                           f"name '{path.name}'"))
            rejected.add(name)
            continue
        if playbook is None:
            continue
        if name not in expected:
            problems.append(source.problem(
                ("phase",), MLC025, f"phase '{name}' is not in playbook '{playbook.name}'"
                f"{did_you_mean(name, expected)}; its phases: {', '.join(expected)}"))
            continue
        position = expected.index(name) + 1
        if number != position:
            problems.append(Problem(Location(display), MLC025,
                                    f"phase '{name}' is phase {position} of the playbook; name "
                                    f"the file {phase_file_name(position, name)}"))
            rejected.add(name)
            continue
        if name in found:
            problems.append(Problem(Location(display), MLC025,
                                    f"a second status file for phase '{name}'"))
            continue
        found[name] = PhaseState(number, name, phase_file.title or "",
                                 phase_file, source)
    for position, phase_id in enumerate(expected, 1):
        if phase_id not in found and phase_id not in rejected:
            problems.append(Problem(Location(phase_file_name(position, phase_id)), MLC025,
                                    f"missing: phase '{phase_id}' of playbook "
                                    f"'{playbook.name if playbook else ''}' has no status file"))
    return [found[p] for p in expected if p in found]


def _project_problems(
    root: Path, project: ProjectFile, source: Source, playbook: Outline,
    phases: list[PhaseState], complete: bool, item_rules: bool = True,
    states: list[OverlayState] | None = None,
) -> list[Problem]:
    states = states or []
    overlay_placed = [Placed(item, s.source, ("items", i)) for s in states
                      for i, item in enumerate(s.file.items)]
    problems = item_problems([e for p in phases for e in p.placed()] + overlay_placed,
                             playbook.role_ids, complete) if item_rules else []
    phase_ids = playbook.phase_ids
    if project.current_phase not in phase_ids:
        problems.append(source.problem(
            ("current_phase",), MLC027, f"current_phase '{project.current_phase}' is not a "
            f"phase of playbook '{playbook.name}'{did_you_mean(project.current_phase, phase_ids)}"))
    for role, people in project.team.items():
        if role not in playbook.role_ids:
            problems.append(source.problem(
                ("team", role, "<key>"), MLC022, f"team: unknown role '{role}'"
                f"{did_you_mean(role, playbook.role_ids)}; roles: {', '.join(playbook.role_ids)}"))
        for index, person in enumerate(people):
            if not person.strip():
                problems.append(source.problem(("team", role, index), MLC026,
                                               f"team.{role}[{index}]: a person's name is empty"))
    last_upgrade = max((i for i, e in enumerate(project.history) if e.event == "upgrade"),
                       default=-1)
    for index, entry in enumerate(project.history):
        if index < last_upgrade:
            continue  # named the phases of the playbook the project had then
        for key, value in (("from", entry.from_), ("to", entry.to)):
            if value is not None and value not in phase_ids:
                problems.append(source.problem(
                    ("history", index, key), MLC027,
                    f"history[{index}].{key}: '{value}' is not a phase of the playbook"))
    for phase in phases:
        for index, item in enumerate(phase.file.items):
            problems.extend(_evidence_problems(root, phase.source, index, item))
    for state in states:
        for index, item in enumerate(state.file.items):
            problems.extend(_evidence_problems(root, state.source, index, item))
    return problems


def _evidence_problems(root: Path, source: Source, index: int, item: Item) -> list[Problem]:
    if not (item.evidence or item.metrics or item.parity):
        return []  # most items: nothing to resolve
    problems = []
    for e_index, evidence in enumerate(item.evidence):
        if is_url(evidence):
            continue
        why = evidence_escapes(root, evidence)
        if why:
            problems.append(source.problem(
                ("items", index, "evidence", e_index), MLC029,
                f"item '{item.id}': evidence {evidence!r} {why}; it was not opened"))
    # A metrics file is evidence the gate reads: the same rule, the same exit 2.
    refs: list[tuple[tuple[str | int, ...], str]] = [
        (("items", index, "metrics", m, "file"), check.file)
            for m, check in enumerate(item.metrics)]
    refs += [(("items", index, "parity", p, side, "file"), getattr(check, side).file)
             for p, check in enumerate(item.parity) for side in ("experiment", "production")]
    for where, file in refs:
        why = evidence_escapes(root, file)
        if why:
            problems.append(source.problem(
                where, MLC029, f"item '{item.id}': metrics file {file!r} {why}; it was not "
                "opened (a metrics file lives in the project, like evidence)"))
    return problems
