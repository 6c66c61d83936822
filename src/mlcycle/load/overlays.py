"""Overlays: extra rubrics (the ML Test Score, a team's own) a project adds to its
lifecycle. An overlay is a playbook directory, pinned in ``mlcycle.yaml`` under
``overlays:`` by name and version like the lifecycle playbook, with every one
of its phases attached to a lifecycle phase (``gate_at``); its items live in
one status file, ``lifecycle/overlays/<name>.yaml``, a flat list in the
overlay's order whose definitions are verified against the pinned version
(MLC040-MLC043, as a phase file's). An item joins the phase its overlay phase
is attached to: its gates close that phase.

The defaults (which built-in playbooks may be overlays, where their phases
attach on each built-in lifecycle) are data: ``phases/overlays.yaml``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from mlcycle.codes import MLC040, MLC041, MLC042, MLC071, MLC072, MLC320
from mlcycle.errors import Problem
from mlcycle.load.definitions import WHERE_TO_CHANGE, Definitions, item_differences
from mlcycle.load.model import Item, ProjectFile
from mlcycle.load.validation import did_you_mean
from mlcycle.resources import data_dir

OVERLAY_DIR = "lifecycle/overlays"
DEFAULTS_FILE = "overlays.yaml"
ADD = "mlcycle overlay add"
REMOVE = "mlcycle overlay remove"


def overlay_file_name(name: str) -> str:
    return f"{OVERLAY_DIR}/{name}.yaml"


@cache
def defaults() -> dict[str, Any]:
    """``phases/overlays.yaml``: built-in overlay name -> {lifecycle, gate_at}."""
    from mlcycle.load.yamlio import load_mapping

    data, _, _ = load_mapping(data_dir("phases") / DEFAULTS_FILE, f"phases/{DEFAULTS_FILE}")
    return dict(data)


def builtin_overlays() -> list[str]:
    return sorted(defaults())


def overlay_only() -> frozenset[str]:
    """Built-in playbooks that are only overlays: never offered as a lifecycle."""
    return frozenset(name for name, entry in defaults().items()
                     if entry.get("lifecycle") is False)


def refuse_as_lifecycle(spec: str) -> None:
    """``init --playbook NAME`` of a playbook that is only an overlay: MLC030."""
    from mlcycle.codes import MLC030
    from mlcycle.errors import MlcycleError

    if spec in overlay_only():
        raise MlcycleError.at(MLC030, f"'{spec}' is an overlay, not a lifecycle playbook: "
                              "init the project with a lifecycle (`mlcycle playbooks` lists "
                              f"them), then `{ADD} {spec}`", "<command line>")


def default_gate_at(overlay: str, playbook: str) -> dict[str, str] | None:
    entry = defaults().get(overlay) or {}
    found = (entry.get("gate_at") or {}).get(playbook)
    return dict(found) if found is not None else None


def newer_builtin(project: ProjectFile, source: Any) -> list[Problem]:
    """MLC320 notes: each built-in overlay pinned at a version older than the one
    this mlcycle ships (its newest released record), with the command that moves it."""
    from mlcycle.load import releases

    notes = []
    for index, ref in enumerate(project.overlays):
        # Not a built-in overlay (a team's, or a lifecycle pinned here, MLC071): no note.
        shipped = releases.versions(ref.name) \
            if ref.path is None and ref.name in defaults() else []
        if not shipped:
            continue  # a team's overlay, or one the loader reports as unknown
        try:
            older = releases._version_key(ref.version) < releases._version_key(shipped[-1])
        except ValueError:
            continue  # not a version: the loader says so
        if older:
            notes.append(source.problem(
                ("overlays", index, "version"), MLC320,
                f"overlay {ref.name} is pinned at {ref.version}, and this mlcycle ships "
                f"{shipped[-1]}; move it with `mlcycle overlay upgrade {ref.name}` (every "
                "item's state kept by id)", "note"))
    return notes


def attachment_problems(project: ProjectFile, source: Any, index: int, defs: Definitions,
                        phase_ids: list[str]) -> list[Problem]:
    """``gate_at`` of ``overlays[index]``: every overlay phase attached, each to a
    phase of the lifecycle, and nothing else named."""
    ref = project.overlays[index]
    problems: list[Problem] = []
    where = f"overlays[{index}].gate_at"
    for key, target in ref.gate_at.items():
        if key not in defs.phase_ids:
            problems.append(source.problem(
                ("overlays", index, "gate_at", key, "<key>"), MLC071,
                f"{where}: '{key}' is not a phase of overlay '{ref.name}'"
                f"{did_you_mean(key, defs.phase_ids)}; its phases: {', '.join(defs.phase_ids)}"))
        elif target not in phase_ids:
            problems.append(source.problem(
                ("overlays", index, "gate_at", key), MLC071,
                f"{where}.{key}: '{target}' is not a phase of playbook "
                f"'{project.playbook.name}'{did_you_mean(target, phase_ids)}; attach overlay "
                f"phase '{key}' to one of: {', '.join(phase_ids)}"))
    missing = [p for p in defs.phase_ids if p not in ref.gate_at]
    if missing:
        problems.append(source.problem(
            ("overlays", index, "gate_at"), MLC071,
            f"{where}: overlay phase{'s' * (len(missing) != 1)} {', '.join(missing)} of "
            f"'{ref.name}' attached to no phase; add {missing[0]}: PHASE (a phase of "
            f"playbook '{project.playbook.name}')"))
    return problems


def ledger_problems(project: ProjectFile, source: Any) -> list[Problem]:
    """MLC072: the overlays pinned are those the history added and did not remove,
    so an overlay (and its gates) cannot vanish in a hand edit."""
    live: dict[str, int] = {}  # name -> index of the entry that added it
    attached: dict[str, dict[str, str] | None] = {}  # name -> the attachment last recorded
    for index, entry in enumerate(project.history):
        name = (entry.overlay or "").partition("@")[0]
        if entry.event == "overlay-add":
            live[name] = index
        elif entry.event == "overlay-remove":
            live.pop(name, None)
        if entry.event in ("overlay-add", "overlay-upgrade"):
            attached[name] = entry.gate_at
    problems = []
    pinned = [ref.name for ref in project.overlays]
    for index, name in enumerate(pinned):
        if name not in live:
            problems.append(source.problem(
                ("overlays", index, "name"), MLC072,
                f"overlays[{index}]: overlay '{name}' is pinned, but no history entry added "
                f"it; add overlays with `{ADD} {name}` (it records the change)"))
            continue
        problems.extend(_attachment_moved(project.overlays[index], index,
                                          attached.get(name), source))
    for name, index in live.items():
        if name not in pinned:
            problems.append(source.problem(
                ("history", index, "overlay"), MLC072,
                f"history[{index}] added overlay '{name}', and it is no longer pinned under "
                f"overlays: removed without `{REMOVE}`; restore it, or remove it with "
                f"`{REMOVE} {name} --reason TEXT --by PERSON` (it records who and why)"))
    return problems


def _attachment_moved(ref: Any, index: int, recorded: dict[str, str] | None,
                      source: Any) -> list[Problem]:
    """MLC072: an attachment is the one the history last recorded; moved by hand
    (say, to a later phase) it would postpone the overlay's gates unrecorded."""
    if recorded is None or recorded == ref.gate_at:
        return []
    moved = [f"{phase} -> {ref.gate_at.get(phase, '(none)')} (recorded: "
             f"{recorded.get(phase, '(none)')})"
             for phase in dict.fromkeys([*recorded, *ref.gate_at])
             if recorded.get(phase) != ref.gate_at.get(phase)]
    return [source.problem(
        ("overlays", index, "gate_at"), MLC072,
        f"overlays[{index}].gate_at: {'; '.join(moved)}: changed by hand; move an attachment "
        f"with `mlcycle overlay upgrade {ref.name} --gate-at OVERLAY_PHASE=PHASE` (it records "
        "the change)")]


def item_problems(defs: Definitions, items: list[Item], source: Any) -> list[Problem]:
    """Every difference between an overlay status file and its pinned definitions."""
    label = f"overlay {defs.label}"
    # An overlay moves to its new version with its own command.
    where = WHERE_TO_CHANGE.replace("`mlcycle upgrade`", f"`mlcycle overlay upgrade {defs.name}`")
    problems: list[Problem] = []
    order = [d["id"] for phase in defs.phase_ids for d in defs.items.get(phase, [])]
    present: set[str] = set()
    for index, item in enumerate(items):
        if item.id in present:
            continue  # a second copy: the id rule says so (MLC020)
        present.add(item.id)
        home = defs.find(item.id)
        if home is None:
            problems.append(source.problem(
                ("items", index, "id"), MLC042,
                f"items[{index}]: item '{item.id}' is not an item of {label}; add items in "
                "the overlay's playbook, not in status files"))
            continue
        for sub, message in item_differences(item, defs.items[home[0]][home[1]]):
            problems.append(source.problem(
                ("items", index, *sub), MLC040,
                f"items[{index}].{message.replace('{label}', label)}; {where}"))
    for item_id in order:
        if item_id not in present:
            problems.append(source.problem(
                ("items",), MLC041, f"item '{item_id}' of {label} is missing here (restore it "
                "with its definition; status files never drop items)"))
    return problems

