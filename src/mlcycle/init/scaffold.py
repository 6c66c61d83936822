"""Plan the files of a skeleton, then write them as one transaction.

``plan`` renders every file in memory and compares it with the disk (dry-run
prints exactly this). ``apply`` writes them through the one all-or-nothing
writer (``disk.transaction``): staged inside the target, then moved into place;
on any failure or Ctrl-C every move is undone, every replaced file restored,
and the directories (and the target) it created removed.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from mlcycle import __version__, install_spec
from mlcycle.codes import MLC002, MLC030, MLC032
from mlcycle.errors import MlcycleError
from mlcycle.load import definitions
from mlcycle.load.metrickeys import shown
from mlcycle.load.model import PhaseFile, PrimaryMetric, ProjectFile
from mlcycle.load.playbooks import Playbook
from mlcycle.load.schemas import SCHEMA_FILES, schema_texts
from mlcycle.load.validation import validate
from mlcycle.load.yamlio import parse_mapping
from mlcycle.resources import data_dir

# Files a team usually has already: rendered only where there is none.
ONLY_IF_ABSENT = frozenset({"README.md", ".pre-commit-config.yaml"})
_SAFE_PART = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Action:
    name: str
    version: str
    sha: str  # the commit the version's tag names: a tag can be moved, a commit cannot


# The actions the rendered workflow uses, pinned (both run on node24); action.yml
# pins the same setup-python (tests/clients/test_workflow.py holds them together).
ACTIONS = {
    "checkout": Action("actions/checkout", "v7.0.1", "3d3c42e5aac5ba805825da76410c181273ba90b1"),
    "setup_python": Action("actions/setup-python", "v7.0.0",
                           "5fda3b95a4ea91299a34e894583c3862153e4b97"),
}


@dataclass(frozen=True)
class InitOptions:
    name: str
    slug: str
    playbook: Playbook
    playbook_path: str | None  # for a team's playbook: its path relative to the project
    team: dict[str, list[str]]
    init_date: date
    # Relative to the root of the git repository the project is in, when it is
    # not that root (the CI workflow then runs `mlcycle check` on it).
    project_dir: str | None = None
    primary: PrimaryMetric | None = None  # init --primary-metric
    profile: str = "production"  # init --profile: poc, pilot or production
    # The pinned overlays as LIFECYCLE.md shows them (write.lifecycle.overlays_view);
    # none at init.
    overlays: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Planned:
    path: str  # relative to the target, POSIX
    data: bytes = field(repr=False)
    action: str  # create | identical | conflict | overwrite | keep
    # The bytes the plan saw (None: no file): init never writes over a file
    # changed since (MLC201), as every writer of mlcycle.
    before: bytes | None = field(default=None, repr=False)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].strip("-")


def check_relative(path: str) -> None:
    """A rendered path must stay inside the target, whatever a name or template says."""
    parts = PurePosixPath(path).parts
    if (not path or path.startswith("/") or "\\" in path or "\0" in path
            or any(p in ("", ".", "..") or not _SAFE_PART.match(p) for p in parts)):
        raise MlcycleError.at(MLC032, f"refusing to render '{path}': it would leave the "
                              "project directory or is not a plain relative path", path)


def _render(env: Any, name: str, **context: Any) -> str:
    """Render one template; a broken or hostile one (a team's own, usually) is a
    located user error, exit 2, at the template's file."""
    import jinja2

    from mlcycle.init import templating

    try:
        return templating.render(env, name, context)
    except jinja2.TemplateSyntaxError as exc:
        where = templating.shown_path(Path(exc.filename)) if exc.filename else exc.name or name
        raise MlcycleError.at(MLC030, f"template error: {exc.message}", where,
                              exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise MlcycleError.at(MLC030, f"template error: template not found: {exc.name}",
                              templating.template_file(env, name)) from None
    except jinja2.TemplateError as exc:
        raise MlcycleError.at(MLC030, f"template error: {exc.message}",
                              templating.template_file(env, name)) from None
    except UnicodeDecodeError as exc:
        raise MlcycleError.at(MLC002, f"template is not valid UTF-8 (byte 0x"
                              f"{exc.object[exc.start]:02x} at offset {exc.start})",
                              _unread_template(env, name)) from None
    except Exception as exc:
        if not getattr(env, "sandboxed", False):
            raise  # one of our own templates failed: a bug, reported as such
        # A team's template may fail any way Python can (a huge range, a bad
        # operation): that is its author's mistake, not ours.
        raise MlcycleError.at(MLC030, f"template error: {type(exc).__name__}: {exc}",
                              templating.template_file(env, name)) from None


def _unread_template(env: Any, name: str) -> str:
    """The file of a template that cannot be decoded (so cannot be loaded)."""
    from mlcycle.init import templating

    for directory in getattr(env.loader, "searchpath", []):
        if (Path(directory) / name).is_file():
            return templating.shown_path(Path(directory) / name)
    return name


def render_files(opts: InitOptions, self_check: bool = True,
                 phases_to_render: set[str] | None = None,
                 needed: Callable[[str], bool] | None = None) -> dict[str, str]:
    """Relative path -> content of every file of the skeleton. ``upgrade`` reads
    back what it writes itself (``self_check=False``) and renders only the status
    files of the phases whose definitions change (``phases_to_render``), and only
    the files it uses (``needed``): a file it does not use is left out when
    mlcycle's own template, unsandboxed, would make it; a team's own template (or
    any in the sandbox) still renders, so that one that fails says so as before."""
    from mlcycle.init import templating

    playbook = opts.playbook
    sandboxed = not playbook.builtin
    env = templating.environment(playbook.template_dirs(), sandboxed)
    own_project = playbook.directory / "templates" / "project"
    # A skeleton template the team's playbook does not override is ours: it
    # renders outside the sandbox, whose per-call checks cost ~30% of rendering
    # LIFECYCLE.md for a 10,000-item playbook. Any template of the team's own
    # (an override, or a document template) still renders in the sandbox.
    ours = templating.environment([data_dir("templates")], False) if sandboxed else env

    def env_of(name: str) -> Any:
        return env if (own_project / name).exists() else ours

    def skipped(path: str, chosen: Any) -> bool:
        return needed is not None and not needed(path) and not getattr(chosen, "sandboxed",
                                                                         False)

    def project(name: str, path: str, **context: Any) -> None:
        if not skipped(path, env_of(name)):
            files[path] = _render(env_of(name), f"project/{name}", **context)

    base = _base(opts)
    phases = [p.model_dump() for p in playbook.phases]
    files: dict[str, str] = {}
    project("mlcycle.yaml.j2", "mlcycle.yaml",
        **base, phases=phases, playbook_path=opts.playbook_path,
        init_date=opts.init_date.isoformat())
    for number, phase in enumerate(phases, 1):
        if phases_to_render is not None and phase["id"] not in phases_to_render:
            continue
        project("phase.yaml.j2", f"lifecycle/{number:02d}-{phase['id']}.yaml",
                **base, phases=phases, phase=phase, number=number)
    for phase in phases:
        for doc in phase["docs"]:
            if not skipped(doc["path"], env):
                files[doc["path"]] = _render_doc(env, base, phases, phase, doc)
    phase_ids = [p["id"] for p in phases]
    project("LIFECYCLE.md.j2", "LIFECYCLE.md",
        **base, phases=phases, phase_node=lambda p: f"p{phase_ids.index(p['id']) + 1}",
        raci_letters=templating.raci_letters, overlays=list(opts.overlays))
    project("github-workflow.yml.j2", ".github/workflows/mlcycle.yml",
        **base, mlcycle_version=__version__,
        install_spec=install_spec(),
        project_dir=opts.project_dir, actions=ACTIONS,
        # Unused by ours; kept for a team's own workflow template that reads it.
        project_arg=shlex.quote(opts.project_dir) if opts.project_dir else None)
    project("pre-commit-config.yaml.j2", ".pre-commit-config.yaml",
        **base, install_spec=install_spec(), project_dir=opts.project_dir)
    project("README.md.j2", "README.md", **base)
    schemas = [f".mlcycle/{name}" for name in SCHEMA_FILES
               # A playbook's is for teams' playbooks; an overlay's is written by `overlay add`.
               if name not in ("playbook.schema.json", "overlay.schema.json")]
    if needed is None or any(needed(path) for path in schemas):
        texts = schema_texts()
        for path in schemas:
            files[path] = texts[path.removeprefix(".mlcycle/")]
    for path, text in files.items():
        files[path] = _normalise(text)
    if self_check:
        _self_check(env, files, opts)
    return dict(sorted(files.items()))


def _base(opts: InitOptions) -> dict[str, Any]:
    """What every template is given: the project, its playbook, roles and team."""
    playbook = opts.playbook
    return {
        "project": {"name": opts.name, "slug": opts.slug},
        "playbook": {"name": playbook.name, "title": playbook.title,
                     "version": playbook.version},
        "roles": [{"id": r.id, "name": r.name} for r in playbook.roles],
        "team": {role.id: list(opts.team.get(role.id, [])) for role in playbook.roles},
        "primary": None if opts.primary is None else {
            "name": opts.primary.name, "direction": opts.primary.direction,
            "floor": shown(opts.primary.floor), "spec": opts.primary.spec()},
        "profile": opts.profile,
    }


def _render_doc(env: Any, base: dict[str, Any], phases: list[dict[str, Any]],
                phase: dict[str, Any], doc: dict[str, Any]) -> str:
    items = [i for p in phases for i in p["items"] if i["doc"] == doc["path"]]
    role_names = {r["id"]: r["name"] for r in base["roles"]}
    return _render(env, f"docs/{doc['template']}", **{**base, "roles": role_names},
                   phase=phase, doc=doc, items=items)


def doc_renderer(opts: InitOptions) -> Callable[[str], str | None]:
    """A function: path -> the stub ``init`` renders there (normalised as written),
    or None when no document of the playbook lives there. ``check`` reads its
    prompt lines (``judge/evidence.py``): one rendering, so one source of what a
    stub asks. The environment is built once, and only when a stub is asked for."""
    from mlcycle.init import templating

    playbook = opts.playbook
    phases = [p.model_dump() for p in playbook.phases]
    where = {doc["path"]: (phase, doc) for phase in phases for doc in phase["docs"]}
    env: list[Any] = []

    def render(path: str) -> str | None:
        if path not in where:
            return None
        if not env:
            env.append(templating.environment(playbook.template_dirs(), not playbook.builtin))
        phase, doc = where[path]
        return _normalise(_render_doc(env[0], _base(opts), phases, phase, doc))

    return render


def _normalise(text: str) -> str:
    """LF only, no trailing spaces, exactly one final newline: git-friendly bytes."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).rstrip("\n") + "\n"


def _self_check(env: Any, files: dict[str, str], opts: InitOptions) -> None:
    """Every YAML file we render must read back, through our own strict reader,
    as exactly the definitions it came from. A team's own template that fails
    this is its author's mistake (MLC030 at that template); ours failing it, or
    a team's data breaking ours, is a bug of mlcycle."""
    from mlcycle.init import templating

    for path, template, why in _read_back(files, opts):
        source = templating.template_source(env, template)
        own = opts.playbook.directory.resolve()
        if source is None or opts.playbook.builtin or own not in source.resolve().parents:
            raise RuntimeError(f"{path} did not read back as rendered: {why}")
        raise MlcycleError.at(MLC030, f"renders {path}, which does not read back as the "
                              f"playbook defines it: {why}", templating.shown_path(source))


def _read_back(files: dict[str, str], opts: InitOptions) -> Iterator[tuple[str, str, str]]:
    """(rendered path, its template, what is wrong) for each file that does not
    read back; at most one reason per file."""
    import json

    def shown(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    text = files["mlcycle.yaml"]
    try:
        project = validate(ProjectFile, parse_mapping(text, "mlcycle.yaml"), text,
                           "mlcycle.yaml")
    except MlcycleError as exc:
        problem = exc.problems[0]
        yield "mlcycle.yaml", "project/mlcycle.yaml.j2", f"{problem.location}: {problem.message}"
    else:
        for key, expected in (("name", opts.name), ("slug", opts.slug)):
            if getattr(project, key) != expected:
                yield ("mlcycle.yaml", "project/mlcycle.yaml.j2",
                       f"{key} is {shown(getattr(project, key))}, not {shown(expected)}")
                break
    for number, phase in enumerate(opts.playbook.phases, 1):
        path = f"lifecycle/{number:02d}-{phase.id}.yaml"
        try:
            parsed = validate(PhaseFile, parse_mapping(files[path], path), files[path], path)
        except MlcycleError as exc:
            problem = exc.problems[0]
            yield path, "project/phase.yaml.j2", f"{problem.location}: {problem.message}"
            continue
        rendered_ids = [item.id for item in parsed.items]
        if rendered_ids != [item.id for item in phase.items]:
            yield (path, "project/phase.yaml.j2", f"its items are {shown(rendered_ids)}, not "
                   f"{shown([item.id for item in phase.items])}")
            continue
        for rendered, defined in zip(parsed.items, phase.items, strict=True):
            got = rendered.model_dump(include=set(type(defined).model_fields))
            want = defined.model_dump(exclude=set(definitions.STATE_FIELDS))
            wrong = [key for key in want if got.get(key) != want[key]]
            if wrong:
                yield (path, "project/phase.yaml.j2", f"item '{defined.id}': {wrong[0]} is "
                       f"{shown(got.get(wrong[0]))}, the playbook says {shown(want[wrong[0]])}")
                break


def plan(target: Path, files: dict[str, str], force: bool) -> list[Planned]:
    planned = []
    root = target.resolve() if target.exists() else None
    for path, text in files.items():
        check_relative(path)
        data = text.encode("utf-8")
        where = target / path
        if root is not None:
            _check_inside(root, target, path)
        if where.is_symlink() or (where.exists() and not where.is_file()):
            raise MlcycleError.at(MLC032, "exists and is not a regular file (a symlink or a "
                                  "directory); mlcycle will not write through it", path)
        before = where.read_bytes() if where.exists() else None
        if before is None:
            action = "create"
        elif path in ONLY_IF_ABSENT:
            action = "identical" if before == data else "keep"
        elif before == data:
            action = "identical"
        else:
            action = "overwrite" if force else "conflict"
        planned.append(Planned(path, data, action, before))
    return planned


def _check_inside(root: Path, target: Path, path: str) -> None:
    """No existing directory on the way may be a symlink leading outside the target."""
    current = target
    for part in PurePosixPath(path).parts[:-1]:
        current = current / part
        if current.is_symlink() or (current.exists() and not current.is_dir()):
            resolved = current.resolve()
            if current.is_symlink() and (resolved == root or root in resolved.parents):
                continue
            raise MlcycleError.at(MLC032, f"'{current.relative_to(target).as_posix()}' is a "
                                  "symlink or a file; mlcycle will not write through it", path)


def apply(target: Path, planned: list[Planned]) -> None:
    """Write every ``create``/``overwrite`` file, all or nothing, through the one
    writer (``disk.transaction``): the directories it creates (the target too)
    are removed again on a failure or Ctrl-C, every file is staged in one
    directory (``.mlcycle-init-*``, what a killed init leaves behind) and there
    is no journal: until ``mlcycle.yaml`` (the last file) lands there is no
    project, and running init again completes the skeleton. Ctrl-C is honoured
    until the last file is in place; after that init has completed.
    A file changed since the plan read it refuses the whole write (MLC201).
    Raises ``transaction.CannotWrite`` when the machine refuses a write."""
    from mlcycle.disk import transaction

    root = target.absolute()
    changes = [transaction.FileChange(root / item.path, item.path, item.before, item.data)
               for item in planned if item.action in ("create", "overwrite")]
    transaction.write(changes, make_dirs=True, staging=".mlcycle-init-")
