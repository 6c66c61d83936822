"""Find and load playbooks: built-in (``phases/<name>/``) or a team's directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlcycle.codes import MLC020, MLC025, MLC030, MLC050
from mlcycle.errors import Location, MlcycleError, Problem
from mlcycle.load.model import Doc, ItemDefinition, PhaseDefinition, PlaybookFile, Role
from mlcycle.load.rules import Placed, item_problems
from mlcycle.load.source import Source, load_model
from mlcycle.load.validation import did_you_mean
from mlcycle.resources import data_dir


@dataclass(frozen=True)
class Playbook:
    name: str
    version: str
    title: str
    description: str
    roles: tuple[Role, ...]
    phases: tuple[PhaseDefinition, ...]
    directory: Path
    builtin: bool

    @property
    def role_ids(self) -> list[str]:
        return [r.id for r in self.roles]

    @property
    def phase_ids(self) -> list[str]:
        return [p.id for p in self.phases]

    @property
    def role_names(self) -> dict[str, str]:
        return {r.id: r.name for r in self.roles}

    def items(self) -> list[tuple[PhaseDefinition, ItemDefinition]]:
        return [(phase, item) for phase in self.phases for item in phase.items]

    def docs(self) -> list[tuple[PhaseDefinition, Doc]]:
        return [(phase, doc) for phase in self.phases for doc in phase.docs]

    def template_dirs(self) -> list[Path]:
        """Where templates are looked up: the playbook's own first, then the built-in ones."""
        own = self.directory / "templates"
        builtin = data_dir("templates")
        return [own, builtin] if own.is_dir() and not self.builtin else [builtin]


def builtin_names() -> list[str]:
    root = data_dir("phases")
    return sorted(p.name for p in root.iterdir() if (p / "playbook.yaml").is_file())


def looks_like_path(spec: str) -> bool:
    return "/" in spec or "\\" in spec or spec.startswith(".") or spec.startswith("~")


def resolve(spec: str, base: Path, display: str) -> tuple[Path, bool]:
    """A playbook name or directory -> (directory, is built-in)."""
    if "\0" in spec:  # from mlcycle.yaml ("\0" is a YAML escape); the OS would refuse it
        raise MlcycleError.at(MLC030, f"playbook {spec!r} contains a NUL character, which "
                              "no file name can hold", display)
    if looks_like_path(spec):
        directory = (base / Path(spec).expanduser()).resolve()
        if not (directory / "playbook.yaml").is_file():
            raise MlcycleError.at(
                MLC030, f"playbook directory '{spec}' has no playbook.yaml", display
            )
        return directory, False
    names = builtin_names()
    if spec not in names:
        raise MlcycleError.at(
            MLC030,
            f"unknown playbook '{spec}'{did_you_mean(spec, names)}; built-in: {', '.join(names)}"
            " (or give a directory path)",
            display,
        )
    return data_dir("phases") / spec, True


@dataclass(frozen=True)
class Outline:
    """What a project needs of its playbook: name, roles and phase order.

    ``check`` and ``status`` read only ``playbook.yaml``: the status files
    carry the item definitions, so the playbook's phase files (most of its
    bytes) are read by ``init`` and ``playbooks show``, not on every check.
    """

    name: str
    version: str
    role_ids: list[str]
    phase_ids: list[str]


def load(spec: str, base: Path | None = None, display: str = "<command line>") -> Playbook:
    directory, builtin = resolve(spec, base or Path.cwd(), display)
    return load_directory(directory, builtin)


def load_directory(directory: Path, builtin: bool = False) -> Playbook:
    """Load and check a playbook directory; every problem in it is reported at once."""
    prefix = _prefix(directory, builtin)
    meta, meta_source = load_model(PlaybookFile, directory / "playbook.yaml",
                                   f"{prefix}/playbook.yaml")
    problems: list[Problem] = []
    phases: list[PhaseDefinition] = []
    placed: list[Placed] = []
    seen_phases: set[str] = set()
    complete = True  # every phase file read: unknown dependencies are really unknown
    for index, phase_id in enumerate(meta.phases):
        if phase_id in seen_phases:
            problems.append(meta_source.problem(("phases", index), MLC025,
                                                f"phase '{phase_id}' is listed twice"))
            continue
        seen_phases.add(phase_id)
        path = directory / f"{phase_id}.yaml"
        display = f"{prefix}/{phase_id}.yaml"
        if not path.is_file():
            problems.append(meta_source.problem(
                ("phases", index), MLC025, f"phase '{phase_id}' has no file {phase_id}.yaml"))
            complete = False
            continue
        try:
            phase, source = load_model(PhaseDefinition, path, display)
        except MlcycleError as exc:
            problems.extend(exc.problems)
            complete = False
            continue
        if phase.id != phase_id:
            problems.append(source.problem(
                ("id",), MLC025, f"phase id '{phase.id}' does not match the file name "
                f"'{phase_id}.yaml'"))
        phases.append(phase)
        placed.extend(Placed(item, source, ("items", i)) for i, item in enumerate(phase.items))
        problems.extend(_doc_problems(phase, source))
    for extra in sorted(directory.glob("*.yaml")):
        if extra.stem not in seen_phases and extra.name != "playbook.yaml":
            problems.append(Problem(Location(f"{prefix}/{extra.name}"), MLC025,
                                    f"'{extra.name}' is not listed in playbook.yaml phases"))
    role_ids = [r.id for r in meta.roles]
    for index, role in enumerate(meta.roles):
        if role_ids.index(role.id) != index:
            problems.append(meta_source.problem(("roles", index, "id"), MLC020,
                                                f"role id '{role.id}' is used twice"))
    problems.extend(item_problems(placed, role_ids, complete))
    playbook = Playbook(meta.name, meta.version, meta.title, meta.description,
                        tuple(meta.roles), tuple(phases), directory, builtin)
    problems.extend(_reference_problems(playbook, placed))
    problems.extend(_replaces_problems(placed))
    if problems:
        raise MlcycleError(problems)
    return playbook


def phase_file_jobs(directory: Path) -> list[tuple[Path, str]]:
    """(path, display) of the phase files ``load_directory`` will read, for
    parsing them ahead (``source.prefetching``)."""
    prefix = _prefix(directory, False)
    meta, _ = load_model(PlaybookFile, directory / "playbook.yaml", f"{prefix}/playbook.yaml")
    return [(directory / f"{phase}.yaml", f"{prefix}/{phase}.yaml") for phase in meta.phases
            if (directory / f"{phase}.yaml").is_file()]


def _prefix(directory: Path, builtin: bool) -> str:
    """How a playbook's files are named in messages."""
    return f"phases/{directory.name}" if builtin else _shown(directory)


def _shown(directory: Path) -> str:
    try:
        return directory.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return directory.as_posix()


def _doc_problems(phase: PhaseDefinition, source: Source) -> list[Problem]:
    problems = []
    for index, doc in enumerate(phase.docs):
        if not doc.path.startswith(f"docs/{phase.id}/"):
            problems.append(source.problem(
                ("docs", index, "path"), MLC030,
                f"document '{doc.path}' of phase '{phase.id}' must be under docs/{phase.id}/"))
    return problems


def _replaces_problems(placed: list[Placed]) -> list[Problem]:
    """``replaces`` names an id the playbook no longer has, once: otherwise an
    upgrade could not tell whose state moves where."""
    ids = {entry.item.id for entry in placed}
    claimed: dict[str, str] = {}
    problems = []
    for entry in placed:
        old = entry.item.replaces
        if old is None:
            continue
        if old in ids:
            problems.append(entry.problem(("replaces",), MLC050, f"item '{entry.item.id}' "
                            f"replaces '{old}', which is still an item of this playbook"))
        elif old in claimed:
            problems.append(entry.problem(("replaces",), MLC050, f"item '{entry.item.id}' "
                            f"replaces '{old}', which item '{claimed[old]}' replaces already"))
        else:
            claimed[old] = entry.item.id
    return problems


def _reference_problems(playbook: Playbook, placed: list[Placed]) -> list[Problem]:
    """Docs referenced by items exist; templates exist; doc paths are unique."""
    declared = {doc.path for _, doc in playbook.docs()}
    problems = []
    for entry in placed:
        if entry.item.doc is not None and entry.item.doc not in declared:
            problems.append(entry.problem(
                ("doc",), MLC030,
                f"item '{entry.item.id}' points at '{entry.item.doc}', which no phase declares"
                f"{did_you_mean(entry.item.doc, declared)}"))
    dirs = playbook.template_dirs()
    seen: set[str] = set()
    for phase in playbook.phases:
        for doc in phase.docs:
            where = Location(f"{_prefix(playbook.directory, playbook.builtin)}/{phase.id}.yaml")
            if doc.path in seen:
                problems.append(Problem(where, MLC020,
                                        f"document '{doc.path}' is declared twice"))
            seen.add(doc.path)
            if not any((d / "docs" / doc.template).is_file() for d in dirs):
                problems.append(Problem(where, MLC030,
                                        f"template '{doc.template}' of '{doc.path}' not found in "
                                        + " or ".join(str(d / "docs") for d in dirs)))
    return problems
