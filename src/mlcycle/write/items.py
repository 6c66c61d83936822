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
import shlex
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from mlcycle.codes import MLC022, MLC027, MLC029, MLC031, MLC165, MLC310
from mlcycle.dates import parse_date
from mlcycle.errors import Location, MlcycleError, Problem, Refused
from mlcycle.escape import line, quote
from mlcycle.judge import evaluate
from mlcycle.judge.evaluate import Finding
from mlcycle.load.model import LINE_MAX, TEXT_MAX, Item
from mlcycle.load.project import PhaseState, Project, evidence_escapes, is_url, phase_file_name
from mlcycle.load.validation import did_you_mean
from mlcycle.write.scalars import Verbatim
from mlcycle.write.session import Session

ARGS = "<command line>"
STATUSES = ("todo", "doing", "blocked", "done", "waived", "na")
CLOSED = ("done", "waived", "na")


@dataclass
class Outcome:
    session: Session
    message: str
    refused: list[Finding] = field(default_factory=list)  # new error findings: exit 1
    result: evaluate.Result | None = None
    action: str = "the change"  # the command, for a refusal: "mlcycle set"
    advice: list[str] = field(default_factory=list)  # after the findings, when refused
    warnings: list[Problem] = field(default_factory=list)  # printed; the edit goes ahead
    # Lines printed after the message (assign --from-raci: the items left to a person).
    notes: list[str] = field(default_factory=list)


def usage(message: str, code: str = MLC031) -> MlcycleError:
    return MlcycleError.at(code, message, ARGS)


def find_item(project: Project, item_id: str) -> tuple[PhaseState, int, Item]:
    for phase, index, item in project.entries():  # overlays' items too
        if item.id == item_id:
            return phase, index, item
    ids = [i.id for _, _, i in project.entries()]
    raise usage(f"no item '{line(item_id)}' in this project"
                f"{line(did_you_mean(item_id, ids))}; `mlcycle status` lists them",
                MLC027)


def check_text(value: str, option: str, multiline: bool = False, limit: int = 200) -> str:
    if not value.strip() or len(value) > limit or (
            not multiline and ("\n" in value or "\r" in value)):
        kind = "text" if multiline else "one line of text"
        raise usage(f"{option}: expected {kind} of 1 to {limit} characters")
    return value


def check_date(value: str, option: str) -> date:
    found = parse_date(value)
    if found is None:
        raise usage(f"{option}: {quote(value)} is not a calendar date YYYY-MM-DD")
    return found


def check_person(project: Project, person: str, option: str) -> str:
    people = sorted(project.people())
    former = project.former()
    if person in former:
        raise usage(f"{option}: {quote(person)} left the team on "
                    f"{former[person].isoformat()}; name someone on it"
                    f"{line(did_you_mean(person, people))} (team: {line(', '.join(people))}), "
                    "or bring them back with `mlcycle team add ROLE PERSON`")
    if person not in people:
        raise usage(f"{option}: {quote(person)} is not on the team in mlcycle.yaml"
                    f"{line(did_you_mean(person, people))}; add them first with "
                    "`mlcycle team add ROLE PERSON`")
    return person


def git_user_name(root: Path) -> str | None:
    try:
        done = subprocess.run(["git", "config", "user.name"], cwd=root, capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    name = done.stdout.strip()
    if done.returncode == 0 and name and name.isprintable() and len(name) <= 200:
        return name
    return None


def who(project: Project, by: str | None, option: str = "--by") -> str:
    """The person doing this: ``--by`` (a person on the team), else git's
    user.name when it names one; else the command asks for ``--by``. History
    and approvals name people who answer for them, never free text."""
    if by is not None:
        return check_person(project, check_text(by, option), option)
    name = git_user_name(project.root)
    if name is not None and name in project.people():
        return name
    git = (f"git's user.name {quote(name)} is not on the team" if name is not None
           else "git has no user.name")
    people = ", ".join(sorted(project.people())) or "nobody yet"
    raise usage(f"{option}: {git}; say who with {option} PERSON (team: {line(people)})")


def evidence_path(project: Project, value: str, cwd: Path) -> str:
    """An evidence argument as stored: a URL as given, a path relative to the
    project root in / form (given relative to the working directory). It must fit
    the status file's evidence entry: one line of at most LINE_MAX characters."""
    if "\n" in value or "\r" in value:
        raise usage(f"--evidence {quote(value)}: a path or URL is one line of text")
    if is_url(value):
        return _fits(value, value)
    if "://" in value:  # a URL gone wrong (a blank in it, another scheme), not a path
        raise usage(f"--evidence {quote(value)} is neither an http(s) URL nor a path inside "
                    "the project", MLC029)
    given = Path(value)
    absolute = given if given.is_absolute() else cwd / given
    normal = Path(os.path.normpath(absolute))
    try:
        rel = normal.relative_to(project.root)
    except ValueError:
        rel = None
    if rel is None or str(rel) in ("", "."):
        raise usage(f"--evidence {quote(value)}: the path is outside the project "
                    f"({line(project.root)}); evidence must be a file in the project or "
                    "an http(s) URL", MLC029)
    posix = PurePosixPath(*rel.parts).as_posix()
    why = evidence_escapes(project.root, posix)
    if why:
        raise usage(f"--evidence {quote(value)} {why}", MLC029)
    return _fits(value, posix)


def _fits(value: str, stored: str) -> str:
    if len(stored) > LINE_MAX:
        raise usage(f"--evidence {quote(value)}: {len(stored)} characters as stored, more "
                    f"than {LINE_MAX}")
    return stored


def added_note(phase: PhaseState, item: Item, note: str, option: str) -> str:
    """The item's notes with ``note`` added on a line of its own, refused (exit 2,
    before anything is edited) when they would outgrow what a status file may hold."""
    notes = f"{item.notes}\n{note}" if item.notes else note
    if len(notes) > TEXT_MAX:
        raise usage(f"{option}: the notes of '{item.id}' would grow to {len(notes)} "
                    f"characters, more than {TEXT_MAX}; shorten them in "
                    f"{phase_file_name(phase.number, phase.id)} first")
    return notes


def _key(f: Finding) -> tuple[str, str, str]:
    return (f.code, f.item, f.message)  # not the location: the edit moves lines


def judge(outcome: Outcome, today: date, can_add_findings: bool = True) -> Outcome:
    """Evaluate the edited project as ``check`` does (gates of the phases already
    left, consistency of every item) and keep the error findings it did not have
    before, anywhere in the project: a change to one item can leave another done
    on open work. The project as it was is evaluated only when there is
    something to compare: most edits leave no error."""
    from mlcycle.write import advice

    edited = outcome.session.edited()
    if not can_add_findings:  # adding a person to the team cannot make anything wrong
        return outcome
    options = evaluate.Options(today)
    after = evaluate.evaluate(edited, options)
    if after.problems:
        raise MlcycleError(after.problems)
    outcome.result = after
    errors = [f for f in after.findings if f.severity == "error"]
    if errors:
        old = {_key(f) for f in evaluate.evaluate(outcome.session.project, options).findings}
        outcome.refused = [f for f in errors if _key(f) not in old]
    if outcome.refused:
        outcome.advice = advice.refusal(outcome.action, outcome.session.project, after,
                                        outcome.refused)
    return outcome


@dataclass
class ItemChange:
    item: str
    status: str | None = None
    owner: str | None = None
    evidence: list[str] = field(default_factory=list)
    note: str | None = None
    due: str | None = None
    note_option: str = "--note"  # block's note is its --reason
    # `done --automated`: sets `automated: true` (the automated rule, MLC136, refuses
    # it without automation among the evidence). Without it, the flag is left as it is.
    automated: bool = False


def split_status(project: Project, words: list[str]) -> tuple[list[str], str | None]:
    """``set ITEM... [STATUS]``: the last of several words is the status when it
    names no item of the project (a mistyped status is then reported as one)."""
    if len(words) < 2:
        return words, None
    ids = {i.id for _, _, i in project.entries()}
    if words[-1] in ids:
        return words, None
    return words[:-1], words[-1]


def set_item(project: Project, change: ItemChange, today: date, cwd: Path) -> Outcome:
    return set_items(project, [change], today, cwd)


def set_items(project: Project, changes: list[ItemChange], today: date, cwd: Path,
              action: str = "mlcycle set") -> Outcome:
    """Several items changed in one session: every id and value is checked
    before any edit, and the files are written together or not at all."""
    session = Session(project)
    messages: list[str] = []
    warnings: list[Problem] = []
    seen: set[str] = set()
    for change in changes:
        if change.item in seen:
            continue  # `start a a` names one item
        seen.add(change.item)
        message, warning = _apply(project, session, change, cwd, today)
        messages.append(message)
        if warning is not None:
            warnings.append(warning)
    outcome = Outcome(session, "\n".join(messages), action=action, warnings=warnings)
    judge(outcome, today)
    if outcome.result is not None and not outcome.refused:
        # Done again on evidence unchanged since a reopen: said now, not first in CI.
        closed = {c.item for c in changes
                  if c.status == "done" and find_item(project, c.item)[2].status != "done"}
        outcome.warnings.extend(f.problem for f in outcome.result.findings
                                if f.code == MLC165 and f.item in closed)
    return outcome


def owner_warning(project: Project, item: Item, owner: str) -> Problem | None:
    """A warning when ``owner`` holds none of the item's responsible or accountable
    roles, naming the roles (and their people) that would fit."""
    roles = list(dict.fromkeys([*item.raci.responsible, item.raci.accountable]))
    team = project.file.team
    if any(owner in team.get(role, []) for role in roles):
        return None
    fits = "; ".join(f"{role}: {', '.join(team.get(role, [])) or 'nobody yet'}"
                     for role in roles)
    return Problem(Location(ARGS), MLC310,
                   f"--owner {quote(owner)} holds none of the roles responsible or accountable "
                   f"for '{item.id}' ({fits}); set another owner, or give them the role "
                   "with `mlcycle team add ROLE PERSON`", "warning")


def _apply(project: Project, session: Session, change: ItemChange,
           cwd: Path, today: date) -> tuple[str, Problem | None]:
    phase, index, item = find_item(project, change.item)
    if change.status is not None and change.status not in STATUSES:
        raise usage(f"status {quote(change.status)} is not one of {', '.join(STATUSES)}"
                    f"{did_you_mean(change.status, STATUSES)}")
    if change.status == "waived":
        raise usage("an item is waived with `mlcycle waive ITEM --reason TEXT --by PERSON "
                    "--until YYYY-MM-DD`, which records who approved it and until when")
    if change.status == "na":
        raise usage("an item is marked not applicable with `mlcycle na ITEM --reason TEXT "
                    "--by PERSON`, which records why and who approved it")
    warning = None
    if change.owner is not None:
        check_person(project, check_text(change.owner, "--owner"), "--owner")
        warning = owner_warning(project, item, change.owner)
    if change.note is not None:
        check_text(change.note, change.note_option, multiline=True, limit=2000)
    if change.due is not None:
        check_date(change.due, "--due")
    evidence = [evidence_path(project, e, cwd) for e in change.evidence]
    doc = session.item_doc(phase)
    at = ("items", index)
    details: list[str] = []
    head = ""
    if change.status is not None and change.status != item.status:
        doc.set((*at, "status"), change.status)
        head = f"{item.status} -> {change.status}"
    if change.owner is not None and change.owner != item.owner:
        doc.set((*at, "owner"), change.owner)
        details.append(f"owner: {line(change.owner)}")
    new_evidence = [e for e in dict.fromkeys(evidence) if e not in item.evidence]
    if new_evidence:
        doc.append((*at, "evidence"), new_evidence)
        details.append(f"evidence: {line(', '.join(new_evidence))}")
    if change.automated and not item.automated:
        doc.set((*at, "automated"), True)
        details.append("automated")
    if change.due is not None and (item.due is None or item.due.isoformat() != change.due):
        doc.set((*at, "due"), Verbatim(change.due))
        details.append(f"due: {change.due}")
    if change.note is not None:
        doc.set((*at, "notes"), added_note(phase, item, change.note, change.note_option))
        details.append("note added")
    if change.status == "done" and item.recurs is not None and item.done_on != today:
        # A recurring item's completion is dated: it is due again `recurs` after it.
        # `done` on an item already done records that it was done again today.
        doc.set((*at, "done_on"), Verbatim(today.isoformat()))
        details.append(f"done_on: {today.isoformat()}")
    return _message(item.id, head, details), warning


def _message(item_id: str, head: str, details: list[str]) -> str:
    if not head and not details:
        return f"{item_id}: nothing to change"
    text = f"{item_id}: {head}" if head else f"{item_id}: {'; '.join(details)}"
    if head and details:
        text += f" ({'; '.join(details)})"
    return text


def _approver(project: Project, item: Item, by: str | None, what: str) -> str:
    """``--by`` (or git's user.name) as the approver of ``what`` for ``item``: a
    person holding its accountable role."""
    person = who(project, by)
    role = item.raci.accountable
    holders = project.file.team.get(role, [])
    if person not in holders:
        held = ", ".join(holders) if holders else "nobody yet"
        raise usage(f"--by {quote(person)} cannot approve {what} of '{item.id}': its "
                    f"accountable role is '{role}' ({line(held)}); name one of them with "
                    "--by PERSON")
    return person


def waive(project: Project, item_id: str, reason: str, by: str | None, until: str,
          today: date) -> Outcome:
    phase, index, item = find_item(project, item_id)
    check_text(reason, "--reason", multiline=True, limit=2000)
    expires = check_date(until, "--until")
    if expires <= today:
        raise usage(f"--until {until}: a waiver must expire in the future (after "
                    f"{today.isoformat()})")
    by = _approver(project, item, by, "a waiver")
    session = Session(project)
    doc = session.item_doc(phase)
    at = ("items", index)
    if item.status != "waived":
        doc.set((*at, "status"), "waived")
    waiver = {"reason": reason, "approved_by": by, "expires": Verbatim(until)}
    old = item.waiver
    if old is not None:
        # A renewal keeps the waiver it replaces (nothing lost): oldest first.
        kept = {"reason": old.reason, "approved_by": old.approved_by,
                "expires": Verbatim(old.expires.isoformat())}
        if doc.has((*at, "waivers_before")):
            doc.append((*at, "waivers_before"), [kept])
        else:
            doc.set((*at, "waivers_before"), [kept])
    if doc.has((*at, "waiver")) and isinstance(doc.expected["items"][index]["waiver"], dict):
        for key, value in waiver.items():
            doc.set((*at, "waiver", key), value)
    else:
        doc.set((*at, "waiver"), waiver)
    renewed = f", renewing the waiver until {old.expires.isoformat()}" if old else ""
    message = (f"{item.id}: {item.status} -> waived (approved by {line(by)}, until {until}"
               f"{renewed})")
    return judge(Outcome(session, message, action="mlcycle waive"), today)


def not_applicable(project: Project, item_id: str, reason: str, by: str | None,
                   today: date) -> Outcome:
    """``mlcycle na``: the item does not apply to this product. Closed for good
    (no expiry), approved by the accountable role, the reason and day recorded."""
    phase, index, item = find_item(project, item_id)
    check_text(reason, "--reason", multiline=True, limit=2000)
    by = _approver(project, item, by, "not applicable")
    session = Session(project)
    doc = session.item_doc(phase)
    at = ("items", index)
    if item.status != "na":
        doc.set((*at, "status"), "na")
    record = {"reason": reason, "approved_by": by, "date": Verbatim(today.isoformat())}
    if doc.has((*at, "na")) and isinstance(doc.expected["items"][index]["na"], dict):
        for key, value in record.items():
            doc.set((*at, "na", key), value)
    else:
        doc.set((*at, "na"), record)
    message = f"{item.id}: {item.status} -> na (not applicable; approved by {line(by)})"
    return judge(Outcome(session, message, action="mlcycle na"), today)


def team_change(project: Project, action: str, role: str, person: str,
                today: date, reassign_to: str | None = None,
                github: str | None = None) -> Outcome:
    roles = project.playbook.role_ids
    if role not in roles:
        raise usage(f"unknown role '{line(role)}'{did_you_mean(role, roles)}; roles: "
                    f"{', '.join(roles)}", MLC022)
    check_text(person, "PERSON")
    if person != person.strip() or not person.isprintable():
        raise usage("PERSON: a name is printable text without leading or trailing blanks")
    session = Session(project)
    doc = session.project_doc()
    people = project.file.team.get(role, [])
    if action == "add":
        if reassign_to is not None:
            raise usage("--reassign-to goes with `mlcycle team remove`")
        handle = _handle(github) if github is not None else None
        said: list[str] = []
        if person not in people:
            if "team" not in doc.expected or doc.expected["team"] is None:
                doc.set(("team",), {role: [person]})
            else:
                doc.append(("team", role), [person], block=True)
            back = [i for i, f in enumerate(project.file.former) if f.name == person]
            for index in reversed(back):  # back on the team: no longer former
                doc.remove(("former",), index)
            said.append(f"team: {role} += {line(person)}" + (" (back on the team)" if back
                                                              else ""))
        if handle is not None and project.file.github.get(person) != handle:
            if isinstance(doc.expected.get("github"), dict):
                doc.set(("github", person), handle)
            else:
                doc.set(("github",), {person: handle})
            said.append(f"github: {line(person)} = @{handle}")
        if not said:
            return Outcome(session, f"team: {line(person)} is already {role}")
        return with_lifecycle(judge(Outcome(session, "\n".join(said), action="mlcycle team add"),
                                     today, can_add_findings=False))
    if person not in people:
        raise usage(f"{quote(person)} is not {role}"
                    f"{line(did_you_mean(person, people))}; {role}: "
                    f"{line(', '.join(people)) or 'nobody'}", MLC031)
    return _team_remove(project, session, role, person, today, reassign_to)


def _team_remove(project: Project, session: Session, role: str, person: str, today: date,
                 reassign_to: str | None) -> Outcome:
    """Remove ``person`` from ``role``. Someone who leaves the team altogether
    while owning closed items moves to ``former`` (still their owner); their open
    items go to ``--reassign-to`` in the same change, or the removal is refused."""
    doc = session.project_doc()
    people = project.file.team.get(role, [])
    _refuse_removing_an_approver(project, role, person)
    leaves = not any(person in held for r, held in project.file.team.items() if r != role)
    owned = [(p, index, i) for p, index, i in project.entries()
             if i.owner == person] if leaves else []
    still_open = [(p, index, i) for p, index, i in owned if i.status not in CLOSED]
    _check_reassign(project, role, person, reassign_to, [i.id for _, _, i in still_open])
    doc.remove(("team", role), people.index(person))
    details = []
    for p, index, _item in still_open:
        session.item_doc(p).set(("items", index, "owner"), reassign_to)
    if still_open:
        details.append(f"{len(still_open)} open item{'s' * (len(still_open) != 1)} to "
                       f"{line(reassign_to or '')}")
    if len(owned) > len(still_open) and person not in project.former():
        _add_former(doc, person, today)
        closed = len(owned) - len(still_open)
        details.append(f"former member, still the owner of {closed} closed item"
                       f"{'s' * (closed != 1)}")
    message = f"team: {role} -= {line(person)}" + (f" ({'; '.join(details)})" if details else "")
    return with_lifecycle(judge(Outcome(session, message, action="mlcycle team remove"), today))


def _refuse_removing_an_approver(project: Project, role: str, person: str) -> None:
    """A current waiver's approver must keep the item's accountable role."""
    approved = [i.id for _, _, i in project.entries()
                if i.status == "waived" and i.waiver is not None
                and i.waiver.approved_by == person and i.raci.accountable == role]
    if approved:
        raise Refused([f"mlcycle team remove refused: {quote(person)} approved the waiver of "
                       f"{', '.join(approved)} as {role}, and a waiver needs an approver who "
                       "holds the item's accountable role; nothing written",
                       f"renew it first: mlcycle waive {approved[0]} --reason TEXT --by PERSON "
                       "--until YYYY-MM-DD"])


def _check_reassign(project: Project, role: str, person: str, reassign_to: str | None,
                    still_open: list[str]) -> None:
    """``--reassign-to`` names someone who stays; without it, a leaver's open work refuses."""
    if reassign_to is not None:
        if reassign_to == person:
            raise usage("--reassign-to: name someone who stays on the team")
        check_person(project, check_text(reassign_to, "--reassign-to"), "--reassign-to")
    elif still_open:
        raise Refused([f"mlcycle team remove refused: {quote(person)} owns "
                       f"{len(still_open)} open item{'s' * (len(still_open) != 1)} "
                       f"({', '.join(still_open)}), and nobody would work on them; nothing "
                       "written",
                       f"give them to someone in the same change: mlcycle team remove {role} "
                       f"{shlex.quote(line(person))} --reassign-to PERSON"])


def _add_former(doc: Any, person: str, today: date) -> None:
    entry = {"name": person, "left": Verbatim(today.isoformat())}
    if doc.has(("former",)) and doc.expected.get("former"):
        doc.append(("former",), [entry])
    else:
        doc.set(("former",), [entry])


def with_lifecycle(outcome: Outcome) -> Outcome:
    """LIFECYCLE.md names the people of each role and the pinned overlays' items:
    a team or overlay change re-renders it in the same write (when the project
    has one)."""
    from mlcycle.write import lifecycle

    session = outcome.session
    if not session.changes() or not (session.project.root / lifecycle.LIFECYCLE).exists():
        return outcome
    change = lifecycle.change(session.edited())
    if change.before != change.after:
        session.extra.append(change)
        outcome.message += f"\n{lifecycle.LIFECYCLE}: updated"
    return outcome


def _handle(value: str) -> str:
    """A GitHub user name as stored: without its "@"."""
    import re

    handle = value.removeprefix("@")
    if not re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", handle) or len(handle) > 39:
        raise usage(f"--github {quote(value)} is not a GitHub user name (letters, digits and "
                    "single hyphens inside, at most 39 characters)")
    return handle
