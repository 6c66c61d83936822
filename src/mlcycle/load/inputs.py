"""Every file a project's ``check`` reads, so that no output ever replaces one.

A report written over ``lifecycle/01-problem.yaml`` would pass once and break
every later run; over a piece of evidence it would forge it. Each entry covers
the path and, for a directory, everything below it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlcycle.errors import MlcycleError
from mlcycle.load.journal import JOURNAL

if TYPE_CHECKING:
    from mlcycle.load.project import Project

PROJECT_FILE = "mlcycle.yaml"
LIFECYCLE_DIR = "lifecycle"
# mlcycle's own files beside them: the journal every command replays before it
# reads (a report there makes every later command refuse the project, MLC090),
# and the JSON Schemas the status files point editors at.
OWN_DIR = ".mlcycle"
OWN_SCHEMAS = "mlcycle's JSON Schemas in .mlcycle/"


def project_inputs(root: Path, project: Project | None = None,
                   complete: bool = True) -> dict[Path, str]:
    """Resolved path -> what it is to the project (for the refusal message).

    From the loaded project; when there is none, or it did not load completely
    (invalid input), also from the raw files, read leniently as far as they parse.
    """
    root = root.resolve()
    inputs = {root / PROJECT_FILE: "the project file",
              root / LIFECYCLE_DIR: "a status file in lifecycle/",
              root / JOURNAL: "the journal of an interrupted change",
              root / OWN_DIR: OWN_SCHEMAS}
    specs: list[tuple[str, str]] = []  # (playbook spec, what it is to the project)
    # (what it is, path): evidence, and the metrics files an item's checks read.
    files: list[tuple[str, str]] = []
    if project is not None:
        specs.append((_spec(project.file.playbook.path, project.file.playbook.name),
                      "the project's playbook"))
        specs += [(_spec(ref.path, ref.name), f"the playbook of overlay '{ref.name}'")
                  for ref in project.file.overlays if ref.path]
        # Overlays' items too (entries()): their evidence is read as the phases' is.
        for _, _, item in project.entries():
            files += [(f"evidence of item '{item.id}'", e) for e in item.evidence]
            refs = [*item.metrics, *(side for c in item.parity
                                     for side in (c.experiment, c.production))]
            files += [(f"a metrics file of item '{item.id}'", r.file) for r in refs]
    if project is None or not complete:
        spec, raw = _raw_references(root)
        specs.append((spec, "the project's playbook"))
        files += raw
    for spec, what in specs:
        playbook = _playbook_directory(spec, root) if spec else None
        if playbook is not None:
            inputs.setdefault(playbook, what)
    for what, path in files:
        where = _evidence_path(root, path)
        if where is not None:
            inputs.setdefault(where, what)
    return inputs


def _spec(path: str | None, name: str) -> str:
    """What to resolve: ``playbook.path`` always names a directory (as the loader
    reads it, ``playbook`` is ``./playbook``); without one, the built-in name."""
    if path is None:
        return name
    return path if "/" in path or path.startswith((".", "~")) else f"./{path}"


def _playbook_directory(spec: str, root: Path) -> Path | None:
    from mlcycle.load.playbooks import resolve

    try:
        return resolve(spec, root, PROJECT_FILE)[0].resolve()
    except MlcycleError:
        return None


def _evidence_path(root: Path, evidence: str) -> Path | None:
    """Where an evidence path leads, if it is a path inside the project (the
    project directory itself is no evidence, so it does not shield everything)."""
    if "://" in evidence or "\0" in evidence:
        return None
    try:
        where = (root / evidence).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    return where if where != root and root in where.parents else None


def _raw_references(root: Path) -> tuple[str, list[tuple[str, str]]]:
    """The playbook spec and (item id, evidence) pairs of files that may not
    validate: whatever parses, with the same safe reader (no alias bombs)."""
    project = _parsed(root / PROJECT_FILE)
    playbook = project.get("playbook") if project else None
    spec = ""
    if isinstance(playbook, dict):
        path, name = playbook.get("path"), playbook.get("name")
        spec = _spec(path if isinstance(path, str) else None,
                     name if isinstance(name, str) else "")
    evidence: list[tuple[str, str]] = []
    directory = root / LIFECYCLE_DIR
    # The phases' status files and the overlays' (lifecycle/overlays/<name>.yaml).
    for file in [*sorted(directory.glob("*.yaml")), *sorted(directory.glob("overlays/*.yaml"))
                 ] if directory.is_dir() else []:
        evidence.extend(_evidence_of(_parsed(file)))
    return spec, evidence


def _evidence_of(phase: dict[str, Any] | None) -> Iterator[tuple[str, str]]:
    """(what it is, path) of the evidence and metrics files of a raw status file."""
    items = phase.get("items") if phase else None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        item_id = str(item["id"]) if isinstance(item.get("id"), str) else "?"
        evidence = item.get("evidence")
        for entry in evidence if isinstance(evidence, list) else []:
            if isinstance(entry, str):
                yield f"evidence of item '{item_id}'", entry
        refs = [c for c in item.get("metrics") or [] if isinstance(c, dict)]
        for check in item.get("parity") or []:
            if isinstance(check, dict):
                refs += [check[s] for s in ("experiment", "production")
                         if isinstance(check.get(s), dict)]
        for ref in refs:
            if isinstance(ref.get("file"), str):
                yield f"a metrics file of item '{item_id}'", ref["file"]


def _parsed(path: Path) -> dict[str, Any] | None:
    from mlcycle.load.yamlio import parse_mapping, read_text

    try:
        return parse_mapping(read_text(path, path.name), path.name)
    except Exception:  # noqa: BLE001 - the loader reports this file's real problem; here it
        return None    # only means fewer paths to protect, never a second error
