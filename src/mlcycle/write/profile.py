"""``mlcycle profile set PROFILE --reason TEXT --by PERSON``: change which items
apply to the project (poc, pilot, production). The change and its reason go
into the history (an ``event: profile`` entry) and ``mlcycle.yaml``'s
``profile`` changes with it, in one all-or-nothing write; ``diff`` flags a
change that switches gates off.

Switching a gate off by profile is a not-applicable for it, so it takes the
same approval: among the people named by ``--by`` (repeatable), one holds the
accountable role of each gate the change switches off. Switching gates on
needs no one's approval beyond being on the team: it only asks more.
"""

from __future__ import annotations

from datetime import date

from mlcycle.errors import Refused
from mlcycle.escape import line, quote
from mlcycle.load.model import PROFILES, Item
from mlcycle.load.project import Project
from mlcycle.load.validation import did_you_mean
from mlcycle.write.items import Outcome, check_text, usage, who
from mlcycle.write.phases import check_date
from mlcycle.write.scalars import Verbatim
from mlcycle.write.session import Session


def switched(project: Project, before: str, after: str) -> tuple[list[Item], list[Item]]:
    """The gates a change of profile switches off, and those it switches on."""
    gates = [i for _, _, i in project.entries() if i.gate]  # overlays' gates too
    off = [i for i in gates if i.applies_to(before) and not i.applies_to(after)]
    on = [i for i in gates if i.applies_to(after) and not i.applies_to(before)]
    return off, on


def _approvers(project: Project, by: list[str], off: list[Item]) -> list[str]:
    """The people named (each on the team); together they hold the accountable
    role of every gate switched off."""
    people = list(dict.fromkeys(who(project, b) for b in by)) if by else [who(project, None)]
    team = project.file.team
    missing: dict[str, list[str]] = {}
    for item in off:
        role = item.raci.accountable
        if not any(person in team.get(role, []) for person in people):
            missing.setdefault(role, []).append(item.id)
    if missing:
        needs = "; ".join(f"'{role}' ({', '.join(ids)}; held by "
                          f"{line(', '.join(team.get(role, [])) or 'nobody yet')})"
                          for role, ids in missing.items())
        raise usage(f"--by {line(', '.join(people))} cannot switch these gates off: their "
                    f"accountable role is {needs}; name a person holding each role with --by "
                    "PERSON (repeatable), as for `mlcycle na`")
    return people


def set_profile(project: Project, name: str, reason: str | None, by: list[str],
                today: date) -> Outcome:
    if name not in PROFILES:
        raise usage(f"{quote(name)} is not a profile{did_you_mean(name, PROFILES)}; profiles: "
                    f"{', '.join(PROFILES)}")
    before = project.file.profile
    if name == before:
        raise Refused([f"mlcycle profile set: the profile is already {name}; nothing written"])
    if reason is None:
        raise usage("--reason TEXT: say why the profile changes (it is recorded in the "
                    "history)")
    check_text(reason, "--reason", multiline=True, limit=2000)
    check_date(project, today)
    off, on = switched(project, before, name)
    people = _approvers(project, by, off)
    session = Session(project)
    doc = session.project_doc()
    doc.append(("history",), [{
        "date": Verbatim(today.isoformat()), "event": "profile", "to": project.file.current_phase,
        "from_profile": before, "to_profile": name, "reason": reason,
        "by": ", ".join(people)}])
    # The entry first: a project without `profile:` gets the key at the end of the file.
    doc.set(("profile",), name)
    session.edited()
    notes = []
    if off:
        notes.append(f"{len(off)} gate{'' if len(off) == 1 else 's'} no longer "
                     f"appl{'ies' if len(off) == 1 else 'y'}: {', '.join(i.id for i in off)} "
                     "(flagged by `mlcycle diff`)")
    if on:
        notes.append(f"{len(on)} gate{'' if len(on) == 1 else 's'} appl"
                     f"{'ies' if len(on) == 1 else 'y'} again: {', '.join(i.id for i in on)}")
    return Outcome(session, f"profile: {before} -> {name} (by {line(', '.join(people))}, "
                   f"{today.isoformat()})", notes=notes)
