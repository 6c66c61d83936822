"""Load a project: ``mlcycle.yaml``, its playbook and ``lifecycle/NN-<phase>.yaml``,
with every cross-file rule. Raises one MlcycleError holding every problem."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from mlcycle.errors import Location, MlcycleError, Problem
from mlcycle.load import playbooks
from mlcycle.load.model import Item, PhaseFile, ProjectFile
from mlcycle.load.playbooks import Outline
from mlcycle.load.rules import Placed, item_problems
from mlcycle.load.source import Source, load_model, load_models
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
    file: PhaseFile
    source: Source

    def placed(self) -> list[Placed]:
        return [Placed(item, self.source, ("items", i)) for i, item in enumerate(self.file.items)]


@dataclass
class Project:
    root: Path
    file: ProjectFile
    source: Source
    playbook: Outline
    phases: list[PhaseState]  # in playbook order

    def phase_index(self, phase_id: str) -> int:
        return [p.id for p in self.phases].index(phase_id)

    def placed(self) -> list[Placed]:
        return [entry for phase in self.phases for entry in phase.placed()]

    def people(self) -> set[str]:
        return {person for people in self.file.team.values() for person in people}


def is_url(evidence: str) -> bool:
    return bool(_URL_RE.match(evidence))


@lru_cache(maxsize=4096)  # many items cite the same few documents
def evidence_escapes(root: Path, evidence: str) -> str | None:
    """Why an evidence path may not be opened, or None when it stays in the project."""
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
    holding ``.git`` (a repository without a project here) or at the filesystem root."""
    start = directory.resolve()
    for candidate in (start, *start.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
        if (candidate / ".git").exists():
            break
    raise MlcycleError.at(
        "MLC028", f"no {PROJECT_FILE} here or in any parent directory; run 'mlcycle init' "
        "first or name the project directory", str(start))


def load(directory: Path) -> Project:
    evidence_escapes.cache_clear()  # the disk may have changed since the last load
    return _load(find_root(directory))


def _load(root: Path) -> Project:
    problems: list[Problem] = []
    project: ProjectFile | None = None
    source: Source | None = None
    playbook: Outline | None = None
    try:
        project, source = load_model(ProjectFile, root / PROJECT_FILE, PROJECT_FILE)
    except MlcycleError as exc:
        problems.extend(exc.problems)
    spec = project.playbook.path or project.playbook.name if project else ""
    if project is not None and source is not None:
        try:
            playbook = playbooks.load_outline(spec, base=root, display=PROJECT_FILE)
        except MlcycleError as exc:
            for p in exc.problems:
                if p.location.path == PROJECT_FILE:  # point at the playbook key
                    p = Problem(source.at(("playbook",)), p.code, p.message)
                problems.append(p)
        if playbook is not None and playbook.name != project.playbook.name:
            problems.append(source.problem(
                ("playbook", "name"), "MLC030", f"playbook is named '{playbook.name}' in its "
                f"playbook.yaml, not '{project.playbook.name}'"))
    phases = _load_phases(root, playbook, problems)
    if project is not None and any(not p.title for p in phases):
        _titles_from_playbook(phases, spec, root)
    if project is not None and source is not None and playbook is not None:
        complete = [p.id for p in phases] == playbook.phase_ids
        problems.extend(_project_problems(root, project, source, playbook, phases, complete))
    if problems:
        raise MlcycleError(problems)
    assert project is not None and source is not None and playbook is not None
    return Project(root, project, source, playbook, phases)


def _titles_from_playbook(phases: list[PhaseState], spec: str, root: Path) -> None:
    """A hand-written status file may leave ``title`` out: take the playbook's."""
    try:
        titles = {p.id: p.title for p in playbooks.load(spec, base=root).phases}
    except MlcycleError:
        titles = {}  # the outline loaded; a broken phase file only costs the title
    for phase in phases:
        phase.title = phase.title or titles.get(phase.id, phase.id)


def _load_phases(root: Path, playbook: Outline | None, problems: list[Problem]) -> list[PhaseState]:
    directory = root / LIFECYCLE_DIR
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not files:
        problems.append(Problem(Location(f"{LIFECYCLE_DIR}/"), "MLC025",
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
            problems.append(Problem(Location(display), "MLC025",
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
            problems.append(source.problem(("phase",), "MLC025",
                                           f"phase '{phase_file.phase}' does not match the file "
                                           f"name '{path.name}'"))
            rejected.add(name)
            continue
        if playbook is None:
            continue
        if name not in expected:
            problems.append(source.problem(
                ("phase",), "MLC025", f"phase '{name}' is not in playbook '{playbook.name}'"
                f"{did_you_mean(name, expected)}; its phases: {', '.join(expected)}"))
            continue
        position = expected.index(name) + 1
        if number != position:
            problems.append(Problem(Location(display), "MLC025",
                                    f"phase '{name}' is phase {position} of the playbook; name "
                                    f"the file {phase_file_name(position, name)}"))
            rejected.add(name)
            continue
        if name in found:
            problems.append(Problem(Location(display), "MLC025",
                                    f"a second status file for phase '{name}'"))
            continue
        found[name] = PhaseState(number, name, phase_file.title or "",
                                 phase_file, source)
    for position, phase_id in enumerate(expected, 1):
        if phase_id not in found and phase_id not in rejected:
            problems.append(Problem(Location(phase_file_name(position, phase_id)), "MLC025",
                                    f"missing: phase '{phase_id}' of playbook "
                                    f"'{playbook.name if playbook else ''}' has no status file"))
    return [found[p] for p in expected if p in found]


def _project_problems(
    root: Path, project: ProjectFile, source: Source, playbook: Outline,
    phases: list[PhaseState], complete: bool,
) -> list[Problem]:
    problems = item_problems([e for p in phases for e in p.placed()], playbook.role_ids,
                             complete)
    phase_ids = playbook.phase_ids
    if project.current_phase not in phase_ids:
        problems.append(source.problem(
            ("current_phase",), "MLC027", f"current_phase '{project.current_phase}' is not a "
            f"phase of playbook '{playbook.name}'{did_you_mean(project.current_phase, phase_ids)}"))
    for role, people in project.team.items():
        if role not in playbook.role_ids:
            problems.append(source.problem(
                ("team", role, "<key>"), "MLC022", f"team: unknown role '{role}'"
                f"{did_you_mean(role, playbook.role_ids)}; roles: {', '.join(playbook.role_ids)}"))
        for index, person in enumerate(people):
            if not person.strip():
                problems.append(source.problem(("team", role, index), "MLC026",
                                               f"team.{role}[{index}]: a person's name is empty"))
    for index, entry in enumerate(project.history):
        for key, value in (("from", entry.from_), ("to", entry.to)):
            if value is not None and value not in phase_ids:
                problems.append(source.problem(
                    ("history", index, key), "MLC027",
                    f"history[{index}].{key}: '{value}' is not a phase of the playbook"))
    for phase in phases:
        for index, item in enumerate(phase.file.items):
            problems.extend(_evidence_problems(root, phase.source, index, item))
    return problems


def _evidence_problems(root: Path, source: Source, index: int, item: Item) -> list[Problem]:
    problems = []
    for e_index, evidence in enumerate(item.evidence):
        if is_url(evidence):
            continue
        why = evidence_escapes(root, evidence)
        if why:
            problems.append(source.problem(
                ("items", index, "evidence", e_index), "MLC029",
                f"item '{item.id}': evidence '{evidence}' {why}; it was not opened"))
    return problems
