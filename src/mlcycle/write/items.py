"""Change an item's state (``set``, ``start``, ``done``, ``block``, ``waive``) and
the team (``team add/remove``): check the request against the project, make the
span edits, and judge the edited project with the check engine.

Each function returns an ``Outcome``: the session holding the edits, the line
saying what changed and the error findings the edit would introduce (the
command refuses, exit 1, when there are any). Input mistakes raise
MlcycleError (exit 2) before anything is edited.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from mlcycle.errors import MlcycleError
from mlcycle.judge import evaluate
from mlcycle.judge.evaluate import Finding, printable
from mlcycle.load.model import Item
from mlcycle.load.project import PhaseState, Project, evidence_escapes, is_url
from mlcycle.load.validation import did_you_mean
from mlcycle.write.scalars import Verbatim
from mlcycle.write.session import Session

ARGS = "<command line>"
STATUSES = ("todo", "doing", "blocked", "done", "waived")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


@dataclass
class Outcome:
    session: Session
    message: str
    refused: list[Finding] = field(default_factory=list)  # new error findings: exit 1
    result: evaluate.Result | None = None


def usage(message: str, code: str = "MLC031") -> MlcycleError:
    return MlcycleError.at(code, message, ARGS)


def find_item(project: Project, item_id: str) -> tuple[PhaseState, int, Item]:
    for phase in project.phases:
        for index, item in enumerate(phase.file.items):
            if item.id == item_id:
                return phase, index, item
    ids = [i.id for p in project.phases for i in p.file.items]
    raise usage(f"no item '{printable(item_id)}' in this project"
                f"{printable(did_you_mean(item_id, ids))}; `mlcycle status` lists them",
                "MLC027")


def check_text(value: str, option: str, multiline: bool = False, limit: int = 200) -> str:
    if not value.strip() or len(value) > limit or (
            not multiline and ("\n" in value or "\r" in value)):
        kind = "text" if multiline else "one line of text"
        raise usage(f"{option}: expected {kind} of 1 to {limit} characters")
    return value


def check_date(value: str, option: str) -> date:
    try:
        if not _DATE_RE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise usage(f"{option}: {printable(value)!r} is not a calendar date YYYY-MM-DD") from None


def check_person(project: Project, person: str, option: str) -> str:
    people = sorted(project.people())
    if person not in people:
        raise usage(f"{option}: {printable(person)!r} is not on the team in mlcycle.yaml"
                    f"{printable(did_you_mean(person, people))}; add them first with "
                    "`mlcycle team add ROLE PERSON`")
    return person


def evidence_path(project: Project, value: str, cwd: Path) -> str:
    """An evidence argument as stored: a URL as given, a path relative to the
    project root in / form (given relative to the working directory)."""
    if is_url(value):
        return value
    given = Path(value)
    absolute = given if given.is_absolute() else cwd / given
    normal = Path(os.path.normpath(absolute))
    try:
        rel = normal.relative_to(project.root)
    except ValueError:
        rel = None
    if rel is None or str(rel) in ("", "."):
        raise usage(f"--evidence {printable(value)!r}: the path is outside the project "
                    f"({printable(project.root)}); evidence must be a file in the project or "
                    "an http(s) URL", "MLC029")
    posix = PurePosixPath(*rel.parts).as_posix()
    why = evidence_escapes(project.root, posix)
    if why:
        raise usage(f"--evidence {printable(value)!r} {why}", "MLC029")
    return posix


def _add_note(old: str | None, note: str) -> str:
    return f"{old}\n{note}" if old else note


def _new_errors(before: evaluate.Result, after: evaluate.Result,
                item_id: str | None) -> list[Finding]:
    def key(f: Finding) -> tuple[str, str, str]:
        return (f.code, f.item, f.message)

    old = {key(f) for f in before.findings}
    return [f for f in after.findings if f.severity == "error" and key(f) not in old
            and (item_id is None or f.item == item_id)]


def judge(outcome: Outcome, today: date, item_id: str | None) -> Outcome:
    """Evaluate the project before and after the edit as ``check`` does (gates of the
    phases already left, consistency of every item); keep the new error findings."""
    options = evaluate.Options(today)
    before = evaluate.evaluate(outcome.session.project, options)
    edited = outcome.session.edited()
    after = evaluate.evaluate(edited, options)
    if after.problems:
        raise MlcycleError(after.problems)
    outcome.result = after
    outcome.refused = _new_errors(before, after, item_id)
    return outcome


@dataclass
class ItemChange:
    item: str
    status: str | None = None
    owner: str | None = None
    evidence: list[str] = field(default_factory=list)
    note: str | None = None
    due: str | None = None


def set_item(project: Project, change: ItemChange, today: date, cwd: Path) -> Outcome:
    phase, index, item = find_item(project, change.item)
    if change.status is not None and change.status not in STATUSES:
        raise usage(f"status {printable(change.status)!r} is not one of {', '.join(STATUSES)}"
                    f"{did_you_mean(change.status, STATUSES)}")
    if change.status == "waived":
        raise usage("an item is waived with `mlcycle waive ITEM --reason TEXT --by PERSON "
                    "--until YYYY-MM-DD`, which records who approved it and until when")
    if change.owner is not None:
        check_person(project, check_text(change.owner, "--owner"), "--owner")
    if change.note is not None:
        check_text(change.note, "--note", multiline=True, limit=2000)
    if change.due is not None:
        check_date(change.due, "--due")
    evidence = [evidence_path(project, e, cwd) for e in change.evidence]
    session = Session(project)
    doc = session.phase_doc(phase.id)
    at = ("items", index)
    details: list[str] = []
    head = ""
    if change.status is not None and change.status != item.status:
        doc.set((*at, "status"), change.status)
        head = f"{item.status} -> {change.status}"
    if change.owner is not None and change.owner != item.owner:
        doc.set((*at, "owner"), change.owner)
        details.append(f"owner: {printable(change.owner)}")
    new_evidence = [e for e in dict.fromkeys(evidence) if e not in item.evidence]
    if new_evidence:
        doc.append((*at, "evidence"), new_evidence)
        details.append(f"evidence: {printable(', '.join(new_evidence))}")
    if change.due is not None and (item.due is None or item.due.isoformat() != change.due):
        doc.set((*at, "due"), Verbatim(change.due))
        details.append(f"due: {change.due}")
    if change.note is not None:
        doc.set((*at, "notes"), _add_note(item.notes, change.note))
        details.append("note added")
    message = _message(item.id, head, details)
    return judge(Outcome(session, message), today, item.id)


def _message(item_id: str, head: str, details: list[str]) -> str:
    if not head and not details:
        return f"{item_id}: nothing to change"
    text = f"{item_id}: {head}" if head else f"{item_id}: {'; '.join(details)}"
    if head and details:
        text += f" ({'; '.join(details)})"
    return text


def waive(project: Project, item_id: str, reason: str, by: str, until: str,
          today: date) -> Outcome:
    phase, index, item = find_item(project, item_id)
    check_text(reason, "--reason", multiline=True, limit=2000)
    expires = check_date(until, "--until")
    if expires <= today:
        raise usage(f"--until {until}: a waiver must expire in the future (after "
                    f"{today.isoformat()})")
    role = item.raci.accountable
    holders = project.file.team.get(role, [])
    if by not in holders:
        who = ", ".join(holders) if holders else "nobody yet"
        raise usage(f"--by {printable(by)!r} cannot approve a waiver of '{item.id}': its "
                    f"accountable role is '{role}' ({printable(who)})"
                    f"{printable(did_you_mean(by, holders))}")
    session = Session(project)
    doc = session.phase_doc(phase.id)
    at = ("items", index)
    if item.status != "waived":
        doc.set((*at, "status"), "waived")
    waiver = {"reason": reason, "approved_by": by, "expires": Verbatim(until)}
    if doc.has((*at, "waiver")) and isinstance(doc.expected["items"][index]["waiver"], dict):
        for key, value in waiver.items():
            doc.set((*at, "waiver", key), value)
    else:
        doc.set((*at, "waiver"), waiver)
    message = f"{item.id}: {item.status} -> waived (approved by {printable(by)}, until {until})"
    return judge(Outcome(session, message), today, item.id)


def team_change(project: Project, action: str, role: str, person: str,
                today: date) -> Outcome:
    roles = project.playbook.role_ids
    if role not in roles:
        raise usage(f"unknown role '{printable(role)}'{did_you_mean(role, roles)}; roles: "
                    f"{', '.join(roles)}", "MLC022")
    check_text(person, "PERSON")
    if person != person.strip() or not person.isprintable():
        raise usage("PERSON: a name is printable text without leading or trailing blanks")
    session = Session(project)
    doc = session.project_doc()
    people = project.file.team.get(role, [])
    if action == "add":
        if person in people:
            return Outcome(session, f"team: {printable(person)} is already {role}")
        if "team" not in doc.expected or doc.expected["team"] is None:
            doc.set(("team",), {role: [person]})
        else:
            doc.append(("team", role), [person])
        message = f"team: {role} += {printable(person)}"
    else:
        if person not in people:
            raise usage(f"{printable(person)!r} is not {role}"
                        f"{printable(did_you_mean(person, people))}; {role}: "
                        f"{printable(', '.join(people)) or 'nobody'}", "MLC031")
        approved = [i.id for p in project.phases for i in p.file.items
                    if i.waiver is not None and i.waiver.approved_by == person
                    and i.raci.accountable == role]
        if approved:
            raise usage(f"{printable(person)!r} approved the waiver of "
                        f"{', '.join(approved)} as {role}; a waiver's approver must hold the "
                        "item's accountable role: renew the waiver with another approver "
                        "first (`mlcycle waive`)")
        doc.remove(("team", role), people.index(person))
        message = f"team: {role} -= {printable(person)}"
    return judge(Outcome(session, message), today, None)
