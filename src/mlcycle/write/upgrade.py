"""Move a project to another playbook version, merging by item id.

Every item definition is rendered again from the target playbook, exactly as
``init`` renders it (the same templates and filters); every item's state lines
are kept byte for byte (``statekeep``), found by id, or by the id a new
definition ``replaces``. The project is read without verifying its definitions
against the pinned playbook: a team that edited its playbook directory in
place has status files that no longer match it, and that is what upgrading
fixes. What is written is then read back through the loader's own models and
every cross-file rule against the target playbook before one byte is written,
and written all or nothing (``transaction.commit``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mlcycle.codes import (
    MLC025,
    MLC030,
    MLC031,
    MLC032,
    MLC051,
    MLC052,
    MLC053,
    MLC054,
    MLC056,
)
from mlcycle.disk.transaction import FileChange
from mlcycle.errors import Location, MlcycleError, Problem
from mlcycle.load import definitions, playbooks, releases
from mlcycle.load.definitions import Definitions
from mlcycle.load.model import Item, PhaseFile, ProjectFile
from mlcycle.load.playbooks import Outline, Playbook
from mlcycle.load.project import (
    _PHASE_FILE_RE,
    PROJECT_FILE,
    PhaseState,
    _lifecycle_entries,
    find_root,
    load_overlays,
    phase_file_name,
    project_problems,
    with_overlay_roles,
)
from mlcycle.load.source import Source, load_model, load_models
from mlcycle.load.validation import validate
from mlcycle.load.yamlio import parse_document
from mlcycle.write import statekeep
from mlcycle.write.scalars import Verbatim
from mlcycle.write.upgrade_summary import OldPhase, has_state, summary_lines
from mlcycle.write.yamledit import BOM, YamlText

ARGS = "<command line>"
STATE_FIELDS = statekeep.STATE_KEYS


@dataclass
class Plan:
    source_label: str  # "product@1.0.0"
    target_label: str
    changes: list[FileChange]
    summary: list[str]  # the grouped, readable change (dry-run output)
    nothing_to_do: bool = False
    dropped: list[str] = field(default_factory=list)


def label(name: str, version: str) -> str:
    return f"{name}@{version}"


# --- reading ------------------------------------------------------------------


def read_all(directory: Path, to: str | None, cwd: Path
             ) -> tuple[Path, ProjectFile, Source, list[OldPhase], Playbook, str | None]:
    """The project and the target playbook. Their large files (the status files
    and a team playbook's phase files) are parsed ahead on every core, as the
    project loader does."""
    from mlcycle.load.source import prefetching

    root = find_root(directory)
    jobs = [(p, f"lifecycle/{p.name}") for p in _lifecycle_entries(root)
            if _PHASE_FILE_RE.match(p.name)]
    guess = _target_directory(root, to, cwd)
    if guess is not None:
        try:
            jobs += playbooks.phase_file_jobs(guess)
        except (OSError, MlcycleError):
            pass  # reported, located, when the playbook itself is loaded
    with prefetching(jobs):
        root, project, source, old = read_project(root)
        playbook, path = target(project, to, root, cwd)
    return root, project, source, old, playbook, path


def _target_directory(root: Path, to: str | None, cwd: Path) -> Path | None:
    """Where a team playbook to move to most likely is (a guess: a wrong one only
    costs time)."""
    if to is not None:
        return (cwd / to).resolve() if playbooks.looks_like_path(to) else None
    try:
        project, _ = load_model(ProjectFile, root / PROJECT_FILE, PROJECT_FILE)
    except MlcycleError:
        return None
    path = project.playbook.path
    return (root / path).resolve() if path is not None and "\0" not in path else None


def read_project(directory: Path) -> tuple[Path, ProjectFile, Source, list[OldPhase]]:
    root = find_root(directory)
    project, source = load_model(ProjectFile, root / PROJECT_FILE, PROJECT_FILE)
    named = []
    problems: list[Problem] = []
    for path in _lifecycle_entries(root):
        match = _PHASE_FILE_RE.match(path.name)
        display = f"lifecycle/{path.name}"
        if not match:
            problems.append(Problem(Location(display), MLC025,
                                    "not a phase status file name; expected NN-<phase>.yaml"))
            continue
        named.append((path, display, int(match.group(1)), match.group(2)))
    phases = []
    for (path, display, number, name), outcome in zip(
            named, load_models(PhaseFile, [(p, d) for p, d, _, _ in named]), strict=True):
        if isinstance(outcome, MlcycleError):
            problems.extend(outcome.problems)
            continue
        model, phase_source = outcome
        if model.phase != name:
            problems.append(phase_source.problem(("phase",), MLC025, f"phase '{model.phase}' "
                                                 f"does not match the file name '{path.name}'"))
            continue
        phases.append(OldPhase(number, name, display, model, phase_source, path.read_bytes()))
    if not phases and not problems:
        problems.append(Problem(Location("lifecycle/"), MLC025, "no phase status files "
                                "(lifecycle/NN-<phase>.yaml): nothing to upgrade"))
    if problems:
        raise MlcycleError(problems)
    return root, project, source, sorted(phases, key=lambda p: p.number)


def target(project: ProjectFile, to: str | None, root: Path, cwd: Path
           ) -> tuple[Playbook, str | None]:
    """The playbook to move to and the path mlcycle.yaml will record for it
    (None for a built-in one)."""
    ref = project.playbook
    if to is None:
        if ref.path is not None:
            return playbooks.load_directory(_team_directory(root, ref.path)), ref.path
        return _builtin(ref.name, None), None
    if playbooks.looks_like_path(to):
        playbook = playbooks.load(to, base=cwd)
        return playbook, Path(os.path.relpath(playbook.directory, root.resolve())).as_posix()
    name, _, version = to.partition("@")
    return _builtin(name, version or None), None


def _team_directory(root: Path, path: str) -> Path:
    directory = (root / path).resolve()
    if not (directory / "playbook.yaml").is_file():
        raise MlcycleError.at(MLC030, f"playbook.path '{path}' is not a playbook directory "
                              "(it has no playbook.yaml)", PROJECT_FILE)
    return directory


def _builtin(name: str, version: str | None) -> Playbook:
    playbook = playbooks.load(name)
    if version is not None and version != playbook.version:
        known = ", ".join(releases.versions(name)) or "none"
        raise MlcycleError.at(MLC053, f"--to {name}@{version}: mlcycle can move a project to "
                              f"the version it ships, {name}@{playbook.version}, only (released: "
                              f"{known})", ARGS)
    return playbook


def newer_available(project: ProjectFile, playbook: Playbook) -> bool:
    ref = project.playbook
    return (playbook.name != ref.name
            or releases._version_key(playbook.version) > releases._version_key(ref.version))


# --- merging ------------------------------------------------------------------


OldItems = dict[str, tuple[OldPhase, int, Item]]  # old id -> its phase, index, item


@dataclass
class _Match:
    """How the old items meet the new definitions, by id (or ``replaces``)."""

    old_items: OldItems
    origin: dict[str, str]  # new id -> the old id whose state it takes
    renamed: list[tuple[str, str]]
    removed: list[str]  # old ids no new item takes


def plan(root: Path, project: ProjectFile, source: Source, old: list[OldPhase],
         playbook: Playbook, path: str | None, drops: list[str], by: str, today: date,
         base: bytes | None = None, overlay_texts: dict[str, str] | None = None) -> Plan:
    """The upgrade, computed and verified in memory: match the items, refuse a
    loss of state, render what changes, check the result, summarise it.

    ``base`` is mlcycle.yaml as the built-in overlays' upgrade leaves it (the
    edits start from it), ``overlay_texts`` their new status files: the result
    is verified with them (``write.overlay.upgrade_builtins``)."""
    ref = project.playbook
    before, after = label(ref.name, ref.version), label(playbook.name, playbook.version)
    match = _match(old, playbook)
    _refuse_losses(project, source, playbook, match, drops, after)
    defs = _definitions(playbook)  # every new definition dumped once, for every step
    kept = _kept_phases(old, playbook, defs)
    overlays = _overlays_view(root, project, source, defs, base, overlay_texts)
    # The document stubs missing from the project: rendered and created.
    missing = {doc.path for _, doc in playbook.docs() if not os.path.lexists(root / doc.path)}
    fresh = _render_fresh(project, playbook, path, today, kept, missing, overlays)
    changes, new_phase_files = _phase_changes(root, old, playbook, fresh, match, kept)
    changes += _other_changes(root, old, playbook, fresh, changes, kept, missing)
    same_pin = (ref.name, ref.version, ref.path) == (playbook.name, playbook.version, path)
    if same_pin and not any(c.after != c.before for c in changes):
        return Plan(before, after, [], [], nothing_to_do=True)
    _refuse_same_label(project, path, before, after, same_pin, today)
    _refuse_small_bump(root, project, playbook, path, match)
    changes.append(_project_change(root, project, playbook, path, before, after, by, today,
                                   base))
    for change in changes:
        _check_path(root, change.display)
    _verify(root, changes, new_phase_files, kept, playbook, defs, match.origin,
            match.old_items, overlay_texts)
    real = [c for c in changes if c.after != c.before]
    summary = summary_lines(old, match.old_items, playbook, match.origin, match.renamed,
                            match.removed, real, before, after, path, kept)
    return Plan(before, after, real, summary, dropped=[r for r in match.removed if r in drops])


def _match(old: list[OldPhase], playbook: Playbook) -> _Match:
    old_items: OldItems = {}
    for phase in old:
        for index, item in enumerate(phase.file.items):
            old_items.setdefault(item.id, (phase, index, item))
    new_defs = [d for phase in playbook.phases for d in phase.items]
    new_ids = {d.id for d in new_defs}
    origin: dict[str, str] = {}
    renamed: list[tuple[str, str]] = []
    for d in new_defs:
        if d.id in old_items:
            origin[d.id] = d.id
        elif d.replaces is not None and d.replaces in old_items and d.replaces not in new_ids:
            origin[d.id] = d.replaces
            renamed.append((d.replaces, d.id))
    taken = set(origin.values())
    return _Match(old_items, origin, renamed, [i for i in old_items if i not in taken])


def _refuse_losses(project: ProjectFile, source: Source, playbook: Playbook, match: _Match,
                   drops: list[str], after: str) -> None:
    """Exit 2 when the project cannot stand in the new playbook, or an item with
    state would vanish without ``--drop``, or a ``--drop`` names nothing removed."""
    problems: list[Problem] = []
    current = project.current_phase
    if current not in playbook.phase_ids:
        problems.append(source.problem(("current_phase",), MLC052, f"current_phase "
                        f"'{current}': {after} has no such phase; the project cannot stand in a "
                        "phase its playbook removes (upgrade to a version that keeps it)"))
    unknown_drops = [d for d in drops if d not in match.removed]
    for drop in dict.fromkeys(unknown_drops):
        problems.append(Problem(Location(ARGS), MLC053, f"--drop {drop}: {after} does not "
                                f"remove an item '{drop}' of this project"))
    for item_id in match.removed:
        phase, index, gone = match.old_items[item_id]
        if has_state(gone) and item_id not in drops:
            problems.append(phase.source.problem(
                ("items", index, "id"), MLC051, f"item '{item_id}' ({gone.status}"
                f"{', owner ' + gone.owner if gone.owner else ''}) is not in {after}; its state "
                f"would be lost: pass --drop {item_id} to accept that"))
    if problems:
        raise MlcycleError(problems)


def _kept_phases(old: list[OldPhase], playbook: Playbook, defs: Definitions
                 ) -> dict[str, OldPhase]:
    """A status file whose phase keeps its title and exactly its item definitions
    (by value, in order) keeps every byte, header comment included, so that a
    pull request shows only the files that really change; only the others are
    rendered (the cost of an upgrade follows what changes, not the project size).

    By value is the loader's own comparison (``definitions.same``, the one
    ``check`` verifies a status file with), against the new definitions dumped
    once (``defs``): no item is dumped to compare it."""
    kept: dict[str, OldPhase] = {}
    for number, phase_def in enumerate(playbook.phases, 1):
        display = phase_file_name(number, phase_def.id)
        same_name = next((p for p in old if p.display == display), None)
        if same_name is None or same_name.file.title != phase_def.title:
            continue
        items = same_name.file.items
        if len(items) == len(phase_def.items) and all(
                item.id == wanted.id and definitions.same(item, compared)
                for item, wanted, compared in zip(items, phase_def.items,
                                                  defs.compared(phase_def.id), strict=True)):
            kept[phase_def.id] = same_name
    return kept


def _definitions(playbook: Playbook) -> Definitions:
    rec = definitions.record(playbook.name, playbook.version,
                             [(r.id, r.name) for r in playbook.roles],
                             [(p.id, p.title, p.items) for p in playbook.phases])
    return Definitions.from_record(rec, label(playbook.name, playbook.version))


def _overlays_view(root: Path, project: ProjectFile, source: Source, defs: Definitions,
                   base: bytes | None, overlay_texts: dict[str, str] | None
                   ) -> tuple[dict[str, Any], ...]:
    """The pinned overlays as the new LIFECYCLE.md shows them: as the built-in
    overlays' upgrade leaves them (``base``, ``overlay_texts``), attached to the
    new playbook's phases. One that does not load is left out (``_verify`` says why)."""
    from mlcycle.write import lifecycle

    if not project.overlays:
        return ()
    if base is not None:
        text = base.removeprefix(BOM).decode("utf-8")
        data, marks = parse_document(text, PROJECT_FILE)
        project, source = validate(ProjectFile, data, text, PROJECT_FILE, marks), \
            Source(PROJECT_FILE, text, marks)
    states = load_overlays(root, project, source, defs, [], {}, overlay_texts)
    return lifecycle.overlays_view(states, project.overlays, project.team)


def _render_fresh(project: ProjectFile, playbook: Playbook, path: str | None, today: date,
                  kept: dict[str, OldPhase], missing: set[str],
                  overlays: tuple[dict[str, Any], ...] = ()) -> dict[str, str]:
    """What ``init`` would write for the new playbook, of the files upgrade uses:
    the status files of the phases not kept, LIFECYCLE.md, the missing document
    stubs (``_phase_changes``, ``_other_changes``)."""
    from mlcycle.init import scaffold

    def needed(file: str) -> bool:
        return file == "LIFECYCLE.md" or file.startswith("lifecycle/") or file in missing

    team = {r: list(p) for r, p in project.team.items()}
    options = scaffold.InitOptions(
        name=project.name, slug=project.slug, playbook=playbook, playbook_path=path, team=team,
        init_date=project.history[0].date if project.history else today, overlays=overlays)
    return scaffold.render_files(  # _verify reads back what is written
        options, self_check=False,
        phases_to_render={p for p in playbook.phase_ids if p not in kept}, needed=needed)


class _Cuts(dict[str, statekeep.Cut]):
    """Each old status file's state lines, cut once, on first need."""

    def of(self, phase: OldPhase) -> statekeep.Cut:
        if phase.id not in self:
            try:
                self[phase.id] = statekeep.cut(phase.source.text, phase.source.marks)
            except statekeep.Layout as exc:
                raise MlcycleError.at(MLC054, f"cannot keep the state lines of this file "
                                      f"byte for byte: {exc}; write the items in block style as "
                                      "`mlcycle init` does", phase.display, exc.line + 1,
                                      1) from None
        return self[phase.id]


def _phase_changes(root: Path, old: list[OldPhase], playbook: Playbook, fresh: dict[str, str],
                   match: _Match, kept: dict[str, OldPhase]
                   ) -> tuple[list[FileChange], dict[str, tuple[str, str]]]:
    """The new status files (each kept item's state lines merged into init's
    rendering), and every phase's (display, text) for ``_verify``."""
    cuts = _Cuts()
    changes: list[FileChange] = []
    new_phase_files: dict[str, tuple[str, str]] = {}  # phase id -> (display, text)
    for number, phase_def in enumerate(playbook.phases, 1):
        display = phase_file_name(number, phase_def.id)
        if phase_def.id in kept:
            new_phase_files[phase_def.id] = (display, kept[phase_def.id].source.text)
            continue
        old_phase = next((p for p in old if p.id == phase_def.id), None)
        layout = cuts.of(old_phase) if old_phase else None
        for i in phase_def.items:
            if i.id in match.origin:
                cuts.of(match.old_items[match.origin[i.id]][0])
        text = _merge(fresh[display], phase_def.items, match.origin, match.old_items, cuts,
                      layout.nl if layout else "\n", layout.column if layout else 4)
        new_phase_files[phase_def.id] = (display, text)
        old_at_name = next((p for p in old if p.display == display), None)
        bom = BOM if old_phase is not None and old_phase.raw.startswith(BOM) else b""
        changes.append(FileChange(root / display, display,
                                  old_at_name.raw if old_at_name else None,
                                  bom + text.encode("utf-8")))
    return changes, new_phase_files


def _other_changes(root: Path, old: list[OldPhase], playbook: Playbook, fresh: dict[str, str],
                   phase_changes: list[FileChange], kept: dict[str, OldPhase],
                   missing: set[str]) -> list[FileChange]:
    """Old status files no phase writes (removed), missing document stubs, LIFECYCLE.md."""
    changes: list[FileChange] = []
    written = {c.display for c in phase_changes} | {p.display for p in kept.values()}
    for phase in old:
        if phase.display not in written:
            changes.append(FileChange(root / phase.display, phase.display, phase.raw, None))
    for _, doc in playbook.docs():
        if doc.path in missing:
            changes.append(FileChange(root / doc.path, doc.path, None,
                                      fresh[doc.path].encode("utf-8")))
    lifecycle = root / "LIFECYCLE.md"
    changes.append(FileChange(lifecycle, "LIFECYCLE.md",
                              lifecycle.read_bytes() if lifecycle.is_file() else None,
                              fresh["LIFECYCLE.md"].encode("utf-8")))
    return changes


def _refuse_same_label(project: ProjectFile, path: str | None, before: str, after: str,
                       same_pin: bool, today: date) -> None:
    """The history records an upgrade as NAME@VERSION -> NAME@VERSION: one that
    names the same playbook twice says nothing a reviewer can check; and its
    date never goes before the last entry."""
    if before == after:
        manifest = f"{path}/playbook.yaml" if path is not None else "its playbook.yaml"
        why = ("the name and version the project is on already" if not same_pin else
               "but its definitions changed without a new version")
        raise MlcycleError.at(MLC053, f"the target playbook is {after}, {why}; an upgrade "
                              f"moves between versions: give it its own version (or name) in "
                              f"{manifest} (`mlcycle playbooks fork {project.playbook.name} DIR "
                              "--name NEW` names a fork)", ARGS)
    if project.history and today < project.history[-1].date:
        raise MlcycleError.at(MLC031, f"today ({today.isoformat()}) is before the last history "
                              f"entry ({project.history[-1].date.isoformat()}); history dates "
                              "never go back (set --today)", ARGS)


def _changed_checks(playbook: Playbook, match: _Match) -> list[str]:
    """'item/check' of each metric or parity check the new playbook adds or changes."""
    out = []
    for phase in playbook.phases:
        for d in phase.items:
            if not d.metrics and not d.parity:
                continue  # no check to add or change (most items)
            old_id = match.origin.get(d.id)
            old = match.old_items[old_id][2] if old_id is not None else None
            for kind, new_checks, old_checks in (
                    ("metric", d.metrics, old.metrics if old else []),
                    ("parity", d.parity, old.parity if old else [])):
                before = {c.id: c for c in old_checks}
                out += [f"{d.id}/{kind} {c.id}" for c in new_checks if before.get(c.id) != c]
    return out


def _refuse_small_bump(root: Path, project: ProjectFile, playbook: Playbook,
                       path: str | None, match: _Match) -> None:
    """MLC056: a team playbook follows the built-ins' version policy for checks:
    one added or changed can fail a project that passed, so it asks for a new
    major version (a lowered floor in a patch release passed silently)."""
    ref = project.playbook
    if path is None or ref.name != playbook.name:
        return
    try:
        old_major = releases._version_key(ref.version)[0]
        new_major = releases._version_key(playbook.version)[0]
    except (ValueError, IndexError):
        return
    changed = _changed_checks(playbook, match) if new_major <= old_major else []
    if not changed:
        return
    manifest = playbook.directory / "playbook.yaml"
    display = Path(os.path.relpath(manifest, root.resolve())).as_posix()
    line_no = 1
    try:
        for number, text in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
            if text.startswith("version:"):
                line_no = number
                break
    except (OSError, UnicodeDecodeError):
        pass
    shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    raise MlcycleError([Problem(Location(display, line_no, 1), MLC056, (
        f"version {playbook.version} changes checks of {ref.name} {ref.version} ({shown}) "
        f"without a new major version; the version policy of built-in playbooks applies to "
        f"team playbooks: a changed metric or parity check needs {old_major + 1}.0.0 or later")
    )])


def _merge(rendered: str, items: Any, origin: dict[str, str],
           old_items: dict[str, tuple[OldPhase, int, Item]],
           cuts: dict[str, statekeep.Cut], nl: str, column: int) -> str:
    """init's fresh status file, with each kept item's state lines in place of
    init's ``status: todo`` / ``owner:``."""
    lines = rendered.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("  - id: ")]
    head = lines[:starts[0]] if starts else lines
    chunks = [lines[s:e] for s, e in zip(starts, [*starts[1:], len(lines)], strict=True)]
    out = list(head)
    shift = column - 4
    for index, (item, chunk) in enumerate(zip(items, chunks, strict=True)):
        body = [line for line in chunk]
        while body and not body[-1].strip():
            body.pop()
        if shift > 0:
            body = [" " * shift + line if line else line for line in body]
        elif shift < 0:
            body = [line[-shift:] for line in body]
        if item.id in origin:
            phase, position, _ = old_items[origin[item.id]]
            del body[-2:]  # init's `status: todo` and `owner:`
            body.extend(cuts[phase.id].states[position])
        if index:
            out.append("")
        out.extend(body)
    if not out or out[-1] != "":
        out.append("")
    return nl.join(out)


def _project_change(root: Path, project: ProjectFile, playbook: Playbook, path: str | None,
                    before: str, after: str, by: str, today: date,
                    base: bytes | None = None) -> FileChange:
    where = root / PROJECT_FILE
    raw = where.read_bytes()
    doc = YamlText(raw if base is None else base, PROJECT_FILE)
    doc.set(("playbook", "name"), playbook.name)
    doc.set(("playbook", "version"), Verbatim(playbook.version))
    if path is not None:
        doc.set(("playbook", "path"), path)
    elif project.playbook.path is not None:
        raise MlcycleError.at(MLC053, "--to: a project on a team playbook directory moves to "
                              "a built-in one by removing playbook.path by hand first", ARGS)
    doc.append(("history",), [{"date": Verbatim(today.isoformat()), "event": "upgrade",
                               "to": project.current_phase, "from_playbook": before,
                               "to_playbook": after, "by": by}])
    return FileChange(where, PROJECT_FILE, raw, doc.render())


def _check_path(root: Path, display: str) -> None:
    """Whatever the playbook says, nothing is written outside the project."""
    from mlcycle.init.scaffold import _check_inside, check_relative

    check_relative(display)
    _check_inside(root.resolve(), root, display)
    where = root / display
    if where.is_symlink() or (where.exists() and not where.is_file()):
        raise MlcycleError.at(MLC032, "exists and is not a regular file (a symlink or a "
                              "directory); mlcycle will not write through it", display)


def _verify(root: Path, changes: list[FileChange], phase_files: dict[str, tuple[str, str]],
            unchanged: dict[str, OldPhase], playbook: Playbook, defs: Definitions,
            origin: dict[str, str],
            old_items: dict[str, tuple[OldPhase, int, Item]],
            overlay_texts: dict[str, str] | None = None) -> None:
    """The new project, read back: every rule against the target playbook, and
    every kept item's state equal to what it was. A failure is a bug of ours."""
    project_change = next(c for c in changes if c.display == PROJECT_FILE)
    assert project_change.after is not None
    text = project_change.after.removeprefix(BOM).decode("utf-8")
    data, marks = parse_document(text, PROJECT_FILE)
    new_file = validate(ProjectFile, data, text, PROJECT_FILE, marks)
    new_source = Source(PROJECT_FILE, text, marks)
    states = []
    for number, phase in enumerate(playbook.phases, 1):
        display, body = phase_files[phase.id]
        if phase.id in unchanged:
            kept_file = unchanged[phase.id]
            states.append(PhaseState(number, phase.id, phase.title, kept_file.file,
                                     kept_file.source))
            continue
        data, marks = parse_document(body, display)
        model = validate(PhaseFile, data, body, display, marks)
        states.append(PhaseState(number, phase.id, phase.title, model,
                                 Source(display, body, marks)))
        for item in model.items:
            if item.id in origin:
                kept = old_items[origin[item.id]][2]
                if item.model_dump(include=set(STATE_FIELDS)) != \
                        kept.model_dump(include=set(STATE_FIELDS)):
                    raise RuntimeError(f"{display}: the state of item {item.id} did not survive")
    outline = Outline(playbook.name, playbook.version, playbook.role_ids, playbook.phase_ids)
    # The overlays stay as they are; their attachments must still name phases.
    problems: list[Problem] = []
    overlays = load_overlays(root, new_file, new_source, defs, problems, {}, overlay_texts)
    problems += project_problems(root, new_file, new_source, defs,
                                 with_overlay_roles(outline, overlays), states, True, overlays)
    if problems:
        raise MlcycleError(problems)


def apply(changes: list[FileChange]) -> None:
    """Write the plan all or nothing; directories it has to create (a new
    phase's docs/<phase>/) are removed again when the write fails."""
    from mlcycle.disk.transaction import commit

    commit(changes, make_dirs=True)
