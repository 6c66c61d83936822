"""What ``mlcycle init`` was asked, turned into checked options and a plan.

Kept apart from ``scaffold`` (which renders and writes) so that every user
input is validated in one place, before anything is rendered.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from mlcycle import dates
from mlcycle.codes import MLC001, MLC031, MLC037
from mlcycle.errors import MlcycleError, Problem
from mlcycle.init import scaffold, stubs
from mlcycle.load import playbooks
from mlcycle.load.model import PrimaryMetric
from mlcycle.load.playbooks import Playbook
from mlcycle.load.primary import refers
from mlcycle.load.validation import did_you_mean

ARGS = "<command line>"


@dataclass(frozen=True)
class Request:
    target: Path
    name: str | None
    slug: str | None
    playbook: str
    team: list[str]  # role=person
    primary_metric: str | None = None  # NAME>=FLOOR or NAME<=FLOOR
    profile: str = "production"  # poc, pilot or production


def ask(request: Request, prompt: Callable[[str, str], str]) -> Request:
    """Fill what the user did not pass, on a terminal only."""
    name = prompt("Project name", _default_name(request.target)) if request.name is None \
        else request.name
    team = list(request.team)
    loaded = playbooks.load(request.playbook)
    if not team:
        for role in loaded.roles:
            people = prompt(f"People for {role.name} ({role.id}), comma-separated", "")
            team += [f"{role.id}={p.strip()}" for p in people.split(",") if p.strip()]
    primary = request.primary_metric
    # Asked only where the playbook's checks read it (product), never for the others.
    if primary is None and refers(item for _, item in loaded.items()):
        primary = prompt("Primary metric (NAME>=FLOOR, or NAME<=FLOOR when lower is better; "
                         "empty for none)", "") or None
    return replace(request, name=name, team=team, primary_metric=primary)


def _default_name(target: Path) -> str:
    return target.resolve().name or "project"


_NAME_RULE = "a project name is one printable line of 1 to 200 characters"
_SLUG_RULE = "lowercase letters, digits and single dashes, starting with a letter; at most 64"


def _check_name(given: str | None, target: Path) -> str:
    """The project name: --name, else the directory's name. An error blames
    whichever of the two the name came from."""
    name = (_default_name(target) if given is None else given).strip()
    if not name or len(name) > 200 or not name.isprintable():
        if given is not None:
            raise MlcycleError.at(MLC031, f"--name: {_NAME_RULE}", ARGS)
        raise MlcycleError.at(MLC031, f"the directory name {_shown(name)} is not a valid "
                              f"project name ({_NAME_RULE}); give one with --name", ARGS)
    return name


def _check_slug(given: str | None, name: str) -> str:
    """The slug: --slug, else derived from the name. An error blames --slug only
    when the user gave one."""
    import re

    slug = given or scaffold.slugify(name) or "project"
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", slug) or len(slug) > 64:
        if given:
            raise MlcycleError.at(MLC031, f"--slug: {_shown(slug)} is not a slug ({_SLUG_RULE})",
                                  ARGS)
        raise MlcycleError.at(MLC031, f"the slug derived from the project name, {_shown(slug)},"
                              f" is not a slug ({_SLUG_RULE}); give one with --slug", ARGS)
    return slug


def _check_primary(given: str | None) -> PrimaryMetric | None:
    from mlcycle.load.primary import SPEC_HELP, parse_spec

    if given is None:
        return None
    primary = parse_spec(given)
    if primary is None:
        raise MlcycleError.at(MLC031, f"--primary-metric: {_shown(given)} is not a primary "
                              f"metric; write {SPEC_HELP}", ARGS)
    return primary


def _check_profile(given: str) -> str:
    from mlcycle.load.model import PROFILES
    from mlcycle.load.validation import did_you_mean

    if given not in PROFILES:
        raise MlcycleError.at(MLC031, f"--profile: {_shown(given)} is not a profile"
                              f"{did_you_mean(given, PROFILES)}; profiles: "
                              f"{', '.join(PROFILES)}", ARGS)
    return given


def _shown(text: str) -> str:
    """User text quoted on one line: control characters as escapes, never raw."""
    return "'" + text.encode("unicode_escape").decode("ascii").replace("'", "\\'") + "'" \
        if not text.isprintable() else f"'{text}'"


def _parse_team(entries: list[str], playbook: Playbook) -> dict[str, list[str]]:
    team: dict[str, list[str]] = {}
    problems = []
    for entry in entries:
        role, sep, person = entry.partition("=")
        role, person = role.strip(), person.strip()
        if not sep or not role or not person or not person.isprintable():
            problems.append(MlcycleError.at(MLC031, f"--team '{entry}': expected role=person",
                                            ARGS))
        elif role not in playbook.role_ids:
            problems.append(MlcycleError.at(
                MLC031, f"--team '{entry}': unknown role '{role}'"
                f"{did_you_mean(role, playbook.role_ids)}; roles of playbook "
                f"'{playbook.name}': {', '.join(playbook.role_ids)}", ARGS))
        elif person not in team.setdefault(role, []):
            team[role].append(person)
    if problems:
        raise MlcycleError([p for e in problems for p in e.problems])
    return team


def _init_date() -> date:
    """SOURCE_DATE_EPOCH for reproducible output; else today (init never runs over
    a project, so there is no recorded date to keep)."""
    epoch = dates.source_date_epoch()
    return date.today() if epoch is None else epoch.date()


WORKFLOW = ".github/workflows/mlcycle.yml"
PRE_COMMIT = ".pre-commit-config.yaml"


@dataclass(frozen=True)
class Plan:
    files: list[scaffold.Planned]
    warnings: list[Problem]  # shown on stderr; they never change the exit code
    # The project sits below the root of its git repository, where GitHub never
    # looks for workflows: the workflow to add at the root (path there, text).
    root_workflow: tuple[str, str] | None = None
    # Likewise pre-commit reads only the root's .pre-commit-config.yaml: the
    # config to add there, whose hook checks the project by its directory.
    root_precommit: str | None = None


def refuse_existing(target: Path) -> None:
    """``init`` never runs over a project: --force there would replace its team,
    its history, every status file and every filled document with stubs. What
    the user likely wants instead is named in the one line of the refusal."""
    import shlex

    found = target / "mlcycle.yaml"
    if not os.path.lexists(found):
        return
    shown = target.as_posix().rstrip("/") or "/"
    here = shown in (".", "")
    arg = "" if here else " " + shlex.quote(shown)
    raise MlcycleError.at(
        MLC037, f"{'this directory' if here else shown} is already an mlcycle project; init "
        "writes nothing here, with or without --force (it would replace the team, the history "
        f"and every status file): to regenerate LIFECYCLE.md run `mlcycle render"
        f"{' -C' + arg if arg else ''}`, for a new playbook version `mlcycle upgrade{arg}`, for "
        "a new project `mlcycle init` in another directory", found.as_posix())


def make_plan(request: Request, force: bool) -> Plan:
    target = request.target
    if target.exists() and not target.is_dir():
        raise MlcycleError.at(MLC001, "exists and is not a directory", str(target))
    from mlcycle.load.overlays import refuse_as_lifecycle

    refuse_as_lifecycle(request.playbook)
    playbook = playbooks.load(request.playbook)
    repo = git_root(target)
    project_dir = target.resolve().relative_to(repo).as_posix() if repo else None
    if project_dir is not None:  # first: --name cannot help with a directory it refuses
        _check_project_dir(project_dir)
    name = _check_name(request.name, target)
    slug = _check_slug(request.slug, name)
    playbook_path = None
    if not playbook.builtin:
        playbook_path = Path(os.path.relpath(playbook.directory, target.resolve())).as_posix()
        if not playbooks.looks_like_path(playbook_path):
            # A playbook inside the project: a bare "playbook" would read back as
            # the name of a built-in one.
            playbook_path = f"./{playbook_path}"
    options = scaffold.InitOptions(
        name=name, slug=slug, playbook=playbook, playbook_path=playbook_path,
        team=_parse_team(request.team, playbook), init_date=_init_date(),
        project_dir=project_dir, primary=_check_primary(request.primary_metric),
        profile=_check_profile(request.profile))
    files = scaffold.render_files(options)
    root_workflow = None
    if project_dir is not None:
        # Written inside the project it would never run; nothing is written
        # outside the project, so the user is shown what to add at the root.
        root_workflow = (f".github/workflows/mlcycle-{slug}.yml", files.pop(WORKFLOW))
    root_precommit = files.pop(PRE_COMMIT) if project_dir is not None else None
    return Plan(scaffold.plan(target, files, force), stubs.unmarked_templates(playbook),
                root_workflow, root_precommit)


def _check_project_dir(project_dir: str) -> None:
    """The project's directory goes into the CI workflow (its ``paths:`` filter
    and ``working-directory:``): refuse what no workflow can hold as plain text."""
    if not project_dir.isprintable():  # also a name that is not UTF-8 (surrogates)
        why = "a control or invisible character, which a workflow cannot hold safely"
    elif "${{" in project_dir:
        why = "'${{', which GitHub would evaluate as an expression in the CI workflow"
    elif "\\" in project_dir:
        why = "a backslash, which GitHub's path filters read as an escape"
    else:
        return
    raise MlcycleError.at(MLC031, f"the project directory {_shown(project_dir)} (from the "
                          f"root of its git repository) contains {why}; rename it (git mv), "
                          "then run `mlcycle init` again", ARGS)


def git_root(target: Path) -> Path | None:
    """The root of the git work tree holding ``target``, when that is not ``target``
    itself (None at the root or outside any repository). Found as git does, by the
    nearest ``.git`` (a directory, or a file in a worktree or submodule) upwards."""
    here = target.resolve()
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return None if directory == here else directory
    return None


def apply_plan(target: Path, planned: Plan) -> None:
    from mlcycle.disk.transaction import CannotWrite, StaleError

    try:
        scaffold.apply(target, planned.files)
    except StaleError as exc:  # located as init locates every file: with the target
        raise StaleError([replace(p, location=replace(
            p.location, path=(target / p.location.path).as_posix())) for p in exc.problems]
            ) from None
    except CannotWrite as exc:
        # Shown with the target as given: the file, or the directory (no line).
        shown = (target / exc.display).as_posix() if exc.display else target.as_posix()
        if not exc.display or exc.display.endswith("/"):
            shown = shown.rstrip("/") + "/"
        raise MlcycleError.at(MLC001, f"cannot write: {exc.error.strerror or exc.error}; "
                              "nothing was changed", shown) from None
