"""``overlay add`` and ``overlay remove``: an extra rubric pinned in mlcycle.yaml
(``overlays:``), its status file ``lifecycle/overlays/<name>.yaml`` and the
document stubs its items point at, written all or nothing with a history
entry; removal deletes the status file (the documents stay: they are the
team's work) and records who removed it and why.

Roles the overlay uses that the team lacks are added to ``team:`` as empty
lists, so that `mlcycle team add` and the RACI name them.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

from mlcycle.codes import MLC071
from mlcycle.disk.transaction import FileChange
from mlcycle.errors import MlcycleError, Refused
from mlcycle.escape import line, quote
from mlcycle.load import overlays, playbooks
from mlcycle.load.inputs import OWN_DIR
from mlcycle.load.model import OverlayFile, OverlayRef
from mlcycle.load.playbooks import Playbook
from mlcycle.load.project import OverlayState, Project, overlay_state
from mlcycle.load.schemas import schema_text
from mlcycle.load.source import Source, load_model
from mlcycle.load.validation import did_you_mean
from mlcycle.write.items import Outcome, check_text, usage, who, with_lifecycle
from mlcycle.write.phases import check_date
from mlcycle.write.scalars import Verbatim
from mlcycle.write.session import Session
from mlcycle.write.yamledit import YamlText

ARGS = "<command line>"
OVERLAY_SCHEMA = "overlay.schema.json"
_HEADER = re.compile(r"(?s)\A.*?^items:\n", re.MULTILINE)


def _error(message: str) -> MlcycleError:
    return MlcycleError.at(MLC071, message, ARGS)


def _resolve(project: Project, spec: str, cwd: Path) -> tuple[Playbook, str | None]:
    """The overlay's playbook and, for a team's directory, its path as pinned
    (relative to the project, / separated)."""
    if playbooks.looks_like_path(spec):
        playbook = playbooks.load(spec, cwd)
        try:
            rel = playbook.directory.relative_to(project.root.resolve()).as_posix()
        except ValueError:
            raise _error(f"overlay directory '{line(spec)}' is outside the project; an overlay "
                         "is pinned by a path inside the project (copy it in, or fork one "
                         "with `mlcycle playbooks fork NAME DIR`)") from None
        return playbook, rel
    known = overlays.builtin_overlays()
    if spec not in known:
        raise _error(f"unknown overlay '{line(spec)}'{line(did_you_mean(spec, known))}; "
                     f"built-in overlays: {', '.join(known)} (or give a team's playbook "
                     "directory, e.g. ./our-rubric)")
    return playbooks.load(spec), None


def _gate_at(project: Project, playbook: Playbook, given: list[str]) -> dict[str, str]:
    """Where each overlay phase attaches: the defaults of phases/overlays.yaml for a
    built-in lifecycle, then each ``--gate-at OVERLAY_PHASE=PHASE``."""
    ref = project.file.playbook
    found = (overlays.default_gate_at(playbook.name, ref.name) or {}) \
        if ref.path is None and playbook.builtin else {}
    lifecycle = project.playbook.phase_ids
    for value in given:
        key, sep, target = value.partition("=")
        if not sep or not key or not target:
            raise usage(f"--gate-at {quote(value)}: expected OVERLAY_PHASE=PHASE")
        if key not in playbook.phase_ids:
            raise _error(f"--gate-at {quote(value)}: '{line(key)}' is not a phase of overlay "
                         f"'{playbook.name}'{line(did_you_mean(key, playbook.phase_ids))}; its "
                         f"phases: {', '.join(playbook.phase_ids)}")
        found[key] = target
    for key, target in found.items():
        if target not in lifecycle:
            raise _error(f"--gate-at {key}={line(target)}: '{line(target)}' is not a phase of "
                         f"playbook '{project.playbook.name}'"
                         f"{line(did_you_mean(target, lifecycle))}; phases: "
                         f"{', '.join(lifecycle)}")
    missing = [p for p in playbook.phase_ids if p not in found]
    if missing:
        raise _error(f"overlay '{playbook.name}' has no default attachment on playbook "
                     f"'{project.playbook.name}' for phase{'s' * (len(missing) != 1)} "
                     f"{', '.join(missing)}; attach each with --gate-at {missing[0]}=PHASE "
                     f"(phases: {', '.join(lifecycle)})")
    return {p: found[p] for p in playbook.phase_ids}


def _rendered(project: Project, playbook: Playbook, gate_at: dict[str, str]
              ) -> dict[str, str]:
    """The overlay's status file and its document stubs, rendered by init's templates."""
    from mlcycle.init.scaffold import InitOptions, render_files

    team = {role: list(people) for role, people in project.file.team.items()}
    files = render_files(InitOptions(project.file.name, project.file.slug, playbook, None,
                                     team, date(2000, 1, 1)), self_check=False)
    titles = dict(zip(project.playbook.phase_ids,
                      (project.definitions.phase_titles.get(p, p)
                       for p in project.playbook.phase_ids), strict=True))
    parts = [f"# yaml-language-server: $schema=../../{OWN_DIR}/{OVERLAY_SCHEMA}\n"
             f"# The {playbook.name} {playbook.version} overlay ({playbook.title}): its items,\n"
             "# each judged as an item of the lifecycle phase its overlay phase is attached\n"
             "# to (mlcycle.yaml, overlays: gate_at). Move items forward as in the phase\n"
             "# status files; definitions come from the pinned overlay.\n"
             f"---\noverlay: {playbook.name}\nitems:\n"]
    for number, phase in enumerate(playbook.phases, 1):
        text = files[f"lifecycle/{number:02d}-{phase.id}.yaml"]
        body = _HEADER.sub("", text, count=1)
        target = gate_at[phase.id]
        parts.append(("\n" if number > 1 else "")
                     + f"  # {phase.title} ({phase.id}): gates of phase '{target}' "
                     f"({titles.get(target, target)})\n" + body)
    out = {overlays.overlay_file_name(playbook.name): "".join(parts)}
    # Its schema, as init writes the project's and the phases' (none before an overlay).
    out[f"{OWN_DIR}/{OVERLAY_SCHEMA}"] = schema_text(OVERLAY_SCHEMA)
    for _, doc in playbook.docs():
        out[doc.path] = files[doc.path]
    return out


def _add_roles(doc: YamlText, project: Project, playbook: Playbook,
               added: set[str] | None = None) -> None:
    """Each role the overlay uses that ``team:`` lacks, as an empty list (``added``:
    the roles an earlier overlay of the same change added already)."""
    missing = [r for r in playbook.role_ids if r not in project.file.team
               and r not in (added or set())]
    if not missing:
        return
    if added is not None:
        added.update(missing)
    if not doc.has(("team",)):
        doc.set(("team",), {role: [] for role in missing})
        return
    for role in missing:
        doc.add_key(("team",), role, [])


def pin_ref(name: str, version: str, path: str | None, gate_at: dict[str, str]
            ) -> OverlayRef:
    return OverlayRef(name=name, version=version, path=path, gate_at=gate_at)


def _state(project: Project, playbook: Playbook, ref: OverlayRef, text: str) -> OverlayState:
    """The overlay as the project will read it, for the edit's own check."""
    from mlcycle.load import definitions
    from mlcycle.load.definitions import Definitions
    from mlcycle.load.model import OverlayFile
    from mlcycle.load.source import Source
    from mlcycle.load.validation import validate
    from mlcycle.load.yamlio import parse_document

    display = overlays.overlay_file_name(ref.name)
    data, marks = parse_document(text, display)
    rec = definitions.record(playbook.name, playbook.version,
                             [(r.id, r.name) for r in playbook.roles],
                             [(p.id, p.title, p.items) for p in playbook.phases])
    return overlay_state(len(project.file.overlays), ref,
                         Definitions.from_record(rec, f"{ref.name} {ref.version}"),
                         validate(OverlayFile, data, text, display, marks),
                         Source(display, text, marks), project.definitions)


def add(project: Project, spec: str, gate_at: list[str], by: str | None, today: date,
        cwd: Path) -> Outcome:
    playbook, path = _resolve(project, spec, cwd)
    name = playbook.name
    if name == project.file.playbook.name:
        raise _error(f"'{name}' is the project's playbook; an overlay adds another rubric")
    if any(ref.name == name for ref in project.file.overlays):
        raise Refused([f"mlcycle overlay add: overlay '{name}' is already pinned; nothing "
                       "written (move it to a new version with `mlcycle overlay upgrade "
                       f"{name}`)"])
    ours = {item.id for _, _, item in project.entries()}
    clash = [item.id for _, item in playbook.items() if item.id in ours]
    if clash:
        raise _error(f"overlay '{name}' has item{'s' * (len(clash) != 1)} "
                     f"{', '.join(clash[:5])} that the project has already; an item id is "
                     "unique in a project (rename them in the overlay's playbook)")
    attach = _gate_at(project, playbook, gate_at)
    check_date(project, today)
    person = who(project, by)
    session = Session(project)
    doc = session.project_doc()
    entry: dict[str, object] = {"date": Verbatim(today.isoformat()), "event": "overlay-add",
                                "to": project.file.current_phase,
                                "overlay": f"{name}@{playbook.version}", "by": person,
                                "gate_at": attach}
    doc.append(("history",), [entry])
    pin: dict[str, object] = {"name": name, "version": Verbatim(playbook.version)}
    if path is not None:
        pin["path"] = path
    pin["gate_at"] = attach
    doc.append(("overlays",), [pin], block=True)
    _add_roles(doc, project, playbook)
    rendered = _rendered(project, playbook, attach)
    session.added.append(_state(project, playbook, pin_ref(name, playbook.version, path, attach),
                                rendered[overlays.overlay_file_name(name)]))
    for display, text in rendered.items():
        target = project.root / display
        if display.startswith("docs/") and target.exists():
            continue  # a document the team has: theirs, never overwritten
        if display.startswith(f"{OWN_DIR}/"):
            session.extra += _schema_change(target, display, text)
            continue
        session.extra.append(FileChange(target, display, None, text.encode("utf-8")))
    session.edited()
    where = ", ".join(f"{k} -> {v}" for k, v in attach.items())
    return with_lifecycle(Outcome(session, f"overlay added: {name} {playbook.version} "
                                  f"({where}; by {line(person)}, {today.isoformat()})"))


def _schema_change(target: Path, display: str, text: str) -> list[FileChange]:
    """The overlay status files' JSON Schema, written when missing or different
    (another mlcycle version's): mlcycle's own file, as ``schema -o .mlcycle``
    refreshes it."""
    data = text.encode("utf-8")
    before = target.read_bytes() if target.is_file() else None
    return [] if before == data else [FileChange(target, display, before, data)]


def _roles_only_of(project: Project, name: str) -> list[str]:
    """Roles that overlay ``name`` brought and nothing else in the project uses."""
    kept = set(project.definitions.roles)
    for state in project.overlays:
        if state.name != name:
            kept.update(state.definitions.roles)
    ours = next((s for s in project.overlays if s.name == name), None)
    return [r for r in (ours.definitions.roles if ours else []) if r not in kept]


def remove(project: Project, name: str, reason: str, by: str | None, today: date) -> Outcome:
    pinned = [ref.name for ref in project.file.overlays]
    if name not in pinned:
        raise MlcycleError.at(MLC071, f"no overlay '{line(name)}' in "
                              f"this project{line(did_you_mean(name, pinned))}; pinned: "
                              f"{', '.join(pinned) or 'none'}", ARGS)
    check_text(reason, "--reason", multiline=True, limit=2000)
    check_date(project, today)
    person = who(project, by)
    index = pinned.index(name)
    ref = project.file.overlays[index]
    # The project as it will be: without the overlay, the later ones one place up
    # (LIFECYCLE.md is rendered from it).
    session = Session(dataclasses.replace(project, overlays=[
        dataclasses.replace(s, index=s.index - (s.index > index))
        for s in project.overlays if s.name != name]))
    doc = session.project_doc()
    doc.append(("history",), [{"date": Verbatim(today.isoformat()), "event": "overlay-remove",
                               "to": project.file.current_phase,
                               "overlay": f"{name}@{ref.version}", "reason": reason,
                               "by": person}])
    doc.remove(("overlays",), index)
    for role in _roles_only_of(project, name):
        people = project.file.team.get(role)
        if people:
            raise Refused([f"mlcycle overlay remove refused: role '{role}' is used only by "
                           f"overlay '{name}', and team.{role} holds {line(', '.join(people))}"
                           "; nothing written",
                           f"take them off first: mlcycle team remove {role} "
                           f"{quote(people[0])}"])
        if people is not None:
            doc.remove_key(("team",), role)
    display = overlays.overlay_file_name(name)
    target = project.root / display
    if target.exists():
        session.extra.append(FileChange(target, display, target.read_bytes(), None))
    why = line(" ".join(reason.split()))
    return with_lifecycle(Outcome(session, f"overlay removed: {name} {ref.version} ({why}; by "
                                  f"{line(person)}, {today.isoformat()}; its documents stay)"))


def upgrade(project: Project, name: str, to: str | None, gate_at: list[str], by: str | None,
            today: date, cwd: Path) -> Outcome:
    """Move overlay ``name`` to a new version (the built-in one this mlcycle ships,
    or its team directory as it is now, or ``to``), every item's state kept by id
    (an item the new version ``replaces`` takes the old one's state)."""
    move = _prepare(project, name, to, gate_at, cwd)
    if move is None:
        version = next(r.version for r in project.file.overlays if r.name == name)
        raise Refused([f"mlcycle overlay upgrade: {name} is at {version} already; "
                       "nothing written"])
    check_date(project, today)
    person = who(project, by)
    session = Session(dataclasses.replace(project, overlays=[s for s in project.overlays
                                                             if s.name != name]))
    line_out = _record(session, project, move, person, today)
    session.edited()
    return with_lifecycle(Outcome(session, line_out))


def upgrade_builtins(project: Project, by: str, today: date) -> tuple[Session, list[str]] | None:
    """``mlcycle upgrade``'s part: every built-in overlay pinned older than the
    version this mlcycle ships, moved as ``overlay upgrade NAME`` moves it, in one
    session (None when none is behind). ``by`` is taken as given: the lifecycle
    upgrade records the same person."""
    behind = [ref.name for ref in project.file.overlays
              if ref.path is None and _older(ref.version, playbooks.load(ref.name).version)]
    if not behind:
        return None
    moves = [move for move in (_prepare(project, name, None, [], project.root)
                               for name in behind) if move is not None]
    session = Session(dataclasses.replace(project, overlays=[s for s in project.overlays
                                                             if s.name not in behind]))
    lines = [_record(session, project, move, by, today) for move in moves]
    session.edited()
    with_lifecycle(Outcome(session, ""))  # LIFECYCLE.md shows the overlays' new versions
    return session, lines


def _older(pinned: str, shipped: str) -> bool:
    from mlcycle.load.releases import _version_key

    try:
        return _version_key(pinned) < _version_key(shipped)
    except ValueError:
        return False


@dataclasses.dataclass
class _Move:
    """One overlay's upgrade, computed: what it is, where it goes, its new file."""

    state: _Current
    playbook: Playbook
    path: str | None
    attach: dict[str, str]
    rendered: dict[str, str]
    text: str


def _prepare(project: Project, name: str, to: str | None, gate_at: list[str], cwd: Path
             ) -> _Move | None:
    """The upgrade of overlay ``name``, computed (None: nothing to move)."""
    state = _current(project, _pinned_name(project, name))
    ref = state.ref
    playbook, path = _target(project, ref, to, cwd)
    if playbook.version == ref.version and path == ref.path and not gate_at:
        return None
    kept = {p: t for p, t in ref.gate_at.items() if p in playbook.phase_ids}
    defaults = (overlays.default_gate_at(name, project.file.playbook.name) or {}) \
        if playbook.builtin and project.file.playbook.path is None else {}
    attach = _gate_at(project, playbook, [f"{p}={t}" for p, t in {**defaults, **kept}.items()
                                          if p in playbook.phase_ids] + gate_at)
    rendered = _rendered(project, playbook, attach)
    text = _kept_states(state, playbook, rendered[overlays.overlay_file_name(name)])
    return _Move(state, playbook, path, attach, rendered, text)


def _record(session: Session, project: Project, move: _Move, person: str, today: date) -> str:
    """``move`` written into ``session``: the pin, the history entry, the status
    file, new document stubs, new roles. Returns the line that says it."""
    ref, playbook, name = move.state.ref, move.playbook, move.state.ref.name
    session.added.append(dataclasses.replace(
        _state(project, playbook, pin_ref(name, playbook.version, move.path, move.attach),
               move.text), index=move.state.index))
    doc = session.project_doc()
    doc.append(("history",), [{"date": Verbatim(today.isoformat()), "event": "overlay-upgrade",
                               "to": project.file.current_phase,
                               "overlay": f"{name}@{playbook.version}", "by": person,
                               "gate_at": move.attach}])
    at = ("overlays", move.state.index)
    changed: list[tuple[str, object]] = [("version", Verbatim(playbook.version))] \
        if playbook.version != ref.version else []
    changed += [("path", move.path)] if move.path is not None and move.path != ref.path else []
    for key, value in changed:
        doc.set((*at, key), value)
    # The attachment key by key (a mapping is edited in place, never replaced):
    # new and moved phases first, so the mapping never runs empty.
    for phase, joins in move.attach.items():
        if ref.gate_at.get(phase) != joins:
            doc.set((*at, "gate_at", phase), joins)
    for phase in ref.gate_at:
        if phase not in move.attach:
            doc.remove_key((*at, "gate_at"), phase)
    _add_roles(doc, project, playbook, session.roles_added)
    display = overlays.overlay_file_name(name)
    target = project.root / display
    session.extra.append(FileChange(target, display, target.read_bytes(),
                                    move.text.encode("utf-8")))
    schema = f"{OWN_DIR}/{OVERLAY_SCHEMA}"
    if not any(c.display == schema for c in session.extra):
        session.extra += _schema_change(project.root / schema, schema, move.rendered[schema])
    session.extra += [FileChange(project.root / p, p, None, t.encode("utf-8"))
                      for p, t in move.rendered.items()
                      if p.startswith("docs/") and not (project.root / p).exists()
                      and not any(c.display == p for c in session.extra)]
    return (f"overlay upgraded: {name} {ref.version} -> {playbook.version} "
            f"(by {line(person)}, {today.isoformat()}; every item's state kept by id)")


def _pinned_name(project: Project, name: str) -> str:
    pinned = [ref.name for ref in project.file.overlays]
    if name not in pinned:
        raise MlcycleError.at(MLC071, f"no overlay '{line(name)}' in this project"
                              f"{line(did_you_mean(name, pinned))}; pinned: "
                              f"{', '.join(pinned) or 'none'}", ARGS)
    return name


def _target(project: Project, ref: OverlayRef, to: str | None, cwd: Path
            ) -> tuple[Playbook, str | None]:
    """The version to move to: ``to``, else the pinned directory as it is now, else
    the built-in playbook this mlcycle ships."""
    spec = to if to is not None else (f"./{ref.path}" if ref.path is not None else ref.name)
    playbook, path = _resolve(project, spec, project.root if to is None else cwd)
    if playbook.name != ref.name:
        raise _error(f"--to {quote(spec)} is overlay '{playbook.name}', not '{ref.name}'")
    return playbook, path


def _kept_states(state: _Current, playbook: Playbook, text: str) -> str:
    """The rendered status file with every item's state lines as they were; refused
    when the new version drops an item that has state."""
    from mlcycle.write.statekeep import Layout, cut
    from mlcycle.write.upgrade_summary import has_state

    try:
        layout = cut(state.source.text, state.source.marks)
    except Layout as exc:
        raise MlcycleError.at(MLC071, f"{exc}; upgrade keeps each item's state lines and "
                              "needs the layout `overlay add` writes",
                              state.source.display, exc.line + 1, 1) from None
    states = {item.id: lines for item, lines in zip(state.file.items, layout.states,
                                                     strict=True)}
    new_ids = {item.id for _, item in playbook.items()}
    moved = {item.replaces: item.id for _, item in playbook.items() if item.replaces}
    lost = [i.id for i in state.file.items
            if has_state(i) and i.id not in new_ids and i.id not in moved]
    if lost:
        raise Refused([f"mlcycle overlay upgrade refused: {playbook.name} {playbook.version} "
                       f"drops item{'s' * (len(lost) != 1)} {', '.join(lost)}, whose state "
                       "would be lost; nothing written",
                       "close or reset them first, or keep the current version"])
    return _with_states(text, playbook, states, moved, layout.column)


def _with_states(text: str, playbook: Playbook, states: dict[str, list[str]],
                 moved: dict[str, str], column: int) -> str:
    """The rendered file with each item's fresh state lines replaced by the old ones."""
    by_new = {new: states[old] for old, new in moved.items() if old in states}
    by_new.update({i: lines for i, lines in states.items() if i not in by_new})
    pad = " " * 4
    fresh = f"\n{pad}status: todo\n{pad}owner:\n"
    for _, item in playbook.items():
        lines = by_new.get(item.id)
        if lines is None:
            continue
        start = text.index(f"\n  - id: {item.id}\n") if f"\n  - id: {item.id}\n" in text \
            else text.index(f"- id: {item.id}")
        at = text.index(fresh, start)
        shifted = [(" " * 4 + ln[column:]) if ln.strip() and ln[:column].strip() == "" else ln
                   for ln in lines]
        text = text[:at] + "\n" + "\n".join(shifted) + "\n" + text[at + len(fresh):]
    return text


@dataclasses.dataclass
class _Current:
    """What upgrade needs of the overlay as it is: its pin and its status file."""

    index: int
    ref: OverlayRef
    file: OverlayFile
    source: Source


def _current(project: Project, name: str) -> _Current:
    loaded = next((s for s in project.overlays if s.name == name), None)
    if loaded is not None:
        return _Current(loaded.index, loaded.ref, loaded.file, loaded.source)
    # Pinned at a version its directory has left: the file is read as it is.
    index = [ref.name for ref in project.file.overlays].index(name)
    display = overlays.overlay_file_name(name)
    file, source = load_model(OverlayFile, project.root / display, display)
    return _Current(index, project.file.overlays[index], file, source)


def load_for_upgrade(directory: Path, name: str) -> Project:
    """The project, where overlay ``name``'s pinned version may be one its directory
    has left (that is what the upgrade mends); any other problem refuses."""
    from mlcycle.load import project as project_mod

    loaded, problems = project_mod.load_partial(directory)
    excused = loaded.unpinned.get(name, []) if loaded is not None else []
    rest = [p for p in problems if p not in excused]
    if rest or loaded is None:
        raise MlcycleError(rest or problems)
    return loaded
