"""What ``mlcycle init`` was asked, turned into checked options and a plan.

Kept apart from ``scaffold`` (which renders and writes) so that every user
input is validated in one place, before anything is rendered.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path

from mlcycle.errors import MlcycleError
from mlcycle.init import scaffold
from mlcycle.load import playbooks
from mlcycle.load.model import ProjectFile
from mlcycle.load.playbooks import Playbook
from mlcycle.load.validation import did_you_mean

ARGS = "<command line>"


@dataclass(frozen=True)
class Request:
    target: Path
    name: str | None
    slug: str | None
    playbook: str
    team: list[str]  # role=person
    source_date_epoch: str | None


def ask(request: Request, prompt: Callable[[str, str], str]) -> Request:
    """Fill what the user did not pass, on a terminal only."""
    name = prompt("Project name", _default_name(request.target)) if request.name is None \
        else request.name
    team = list(request.team)
    if not team:
        loaded = playbooks.load(request.playbook)
        for role in loaded.roles:
            people = prompt(f"People for {role.name} ({role.id}), comma-separated", "")
            team += [f"{role.id}={p.strip()}" for p in people.split(",") if p.strip()]
    return replace(request, name=name, team=team)


def _default_name(target: Path) -> str:
    return target.resolve().name or "project"


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200 or not name.isprintable():
        raise MlcycleError.at("MLC031", "--name: a project name is one printable line of 1 to "
                              "200 characters", ARGS)
    return name


def _check_slug(slug: str) -> str:
    import re

    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", slug) or len(slug) > 64:
        raise MlcycleError.at("MLC031", f"--slug: '{slug}' is not a slug (lowercase letters, "
                              "digits and single dashes, starting with a letter; at most 64)",
                              ARGS)
    return slug


def _parse_team(entries: list[str], playbook: Playbook) -> dict[str, list[str]]:
    team: dict[str, list[str]] = {}
    problems = []
    for entry in entries:
        role, sep, person = entry.partition("=")
        role, person = role.strip(), person.strip()
        if not sep or not role or not person or not person.isprintable():
            problems.append(MlcycleError.at("MLC031", f"--team '{entry}': expected role=person",
                                            ARGS))
        elif role not in playbook.role_ids:
            problems.append(MlcycleError.at(
                "MLC031", f"--team '{entry}': unknown role '{role}'"
                f"{did_you_mean(role, playbook.role_ids)}; roles of playbook "
                f"'{playbook.name}': {', '.join(playbook.role_ids)}", ARGS))
        elif person not in team.setdefault(role, []):
            team[role].append(person)
    if problems:
        raise MlcycleError([p for e in problems for p in e.problems])
    return team


def _init_date(request: Request) -> date:
    """SOURCE_DATE_EPOCH for reproducible output; else the date already recorded
    (so that init run again changes nothing); else today."""
    if request.source_date_epoch:
        try:
            return datetime.fromtimestamp(int(request.source_date_epoch), tz=timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise MlcycleError.at("MLC031", "SOURCE_DATE_EPOCH must be a whole number of seconds "
                                  f"since 1970, not '{request.source_date_epoch}'",
                                  "<environment>") from None
    existing = request.target / "mlcycle.yaml"
    if existing.is_file():
        from mlcycle.load.source import load_model

        try:
            project, _ = load_model(ProjectFile, existing, "mlcycle.yaml")
        except MlcycleError:
            pass  # an unreadable project file is a conflict, reported by the plan
        else:
            for entry in project.history:
                if entry.event == "init":
                    return entry.date
    return date.today()


def make_plan(request: Request, force: bool) -> list[scaffold.Planned]:
    target = request.target
    if target.exists() and not target.is_dir():
        raise MlcycleError.at("MLC001", "exists and is not a directory", str(target))
    playbook = playbooks.load(request.playbook)
    name = _check_name(_default_name(target) if request.name is None else request.name)
    slug = _check_slug(request.slug or scaffold.slugify(name) or "project")
    playbook_path = None
    if not playbook.builtin:
        playbook_path = Path(os.path.relpath(playbook.directory, target.resolve())).as_posix()
    options = scaffold.InitOptions(
        name=name, slug=slug, playbook=playbook, playbook_path=playbook_path,
        team=_parse_team(request.team, playbook), init_date=_init_date(request))
    files = scaffold.render_files(options)
    return scaffold.plan(target, files, force)


def apply_plan(target: Path, planned: list[scaffold.Planned]) -> None:
    try:
        scaffold.apply(target, planned)
    except OSError as exc:
        where = exc.filename or target
        if ".mlcycle-init-" in str(where):  # our staging area: name the directory instead
            where = target
        shown = Path(where).as_posix()
        if Path(where).is_dir():  # a directory has no line to point at (errors.Location)
            shown = shown.rstrip("/") + "/"
        raise MlcycleError.at("MLC001", f"cannot write: {exc.strerror or exc}; nothing was "
                              "changed", shown) from None
