"""``mlcycle hosts add|remove HOST...``: the hosts URL evidence may be on
(``evidence.urls`` in mlcycle.yaml). Each host changed is recorded in the
history (an ``event: evidence`` entry naming it, who and when) in the same
all-or-nothing write; a change that would leave a done gate citing a URL on a
host not listed is refused, as any edit that would add an error. Several hosts
go in one change: a team adopting the list adds every host its done items cite
at once (one at a time, each would leave the others' URLs unlisted)."""

from __future__ import annotations

from datetime import date

from mlcycle.codes import MLC048
from mlcycle.errors import Refused
from mlcycle.escape import line, quote
from mlcycle.load.hosts import host_of, on_listed_host, why_not_host
from mlcycle.load.project import Project, is_url
from mlcycle.write.items import Outcome, check_text, judge, usage, who
from mlcycle.write.phases import check_date
from mlcycle.write.scalars import Verbatim
from mlcycle.write.session import Session
from mlcycle.write.yamledit import YamlText


def change(project: Project, action: str, hosts: list[str], reason: str | None,
           by: str | None, today: date) -> Outcome:
    hosts = list(dict.fromkeys(hosts))
    listed = _listed(project, action, hosts)
    if reason is not None:
        check_text(reason, "--reason", multiline=True, limit=2000)
    check_date(project, today)
    person = who(project, by)
    session = Session(project)
    doc = session.project_doc()
    key = "added_host" if action == "add" else "removed_host"
    entries: list[object] = []
    for host in hosts:
        entry: dict[str, object] = {"date": Verbatim(today.isoformat()), "event": "evidence",
                                    "to": project.file.current_phase, key: host}
        if reason is not None:
            entry["reason"] = reason
        entry["by"] = person
        entries.append(entry)
    doc.append(("history",), entries)
    # The entries first: a new `evidence:` key goes at the end of the file, after them.
    now = _edit_list(doc, action, hosts, listed, project.file.evidence is not None)
    sign = "+=" if action == "add" else "-="
    command = f"mlcycle hosts {action}"
    message = (f"hosts: {sign} {', '.join(hosts)} (by {line(person)}, {today.isoformat()}); "
               f"listed: {', '.join(now) if now else 'none (no URL is evidence)'}")
    outcome = judge(Outcome(session, message, action=command), today)
    unlisted = _unlisted(project, now)
    if outcome.refused and unlisted and action == "add":
        adding = [*hosts, *unlisted]
        outcome.advice.append("or list every host the done gates cite in one change: "
                              f"mlcycle hosts add {' '.join(adding)}")
    return outcome


def _listed(project: Project, action: str, hosts: list[str]) -> list[str]:
    """The hosts listed now; refuses hosts that are not host names, adding one
    listed already and removing one not listed."""
    for host in hosts:
        why = why_not_host(host)
        if why:
            raise usage(f"HOST: {quote(host)} {why}", MLC048)
    settings = project.file.evidence
    listed = list(settings.urls or []) if settings is not None else []
    command = f"mlcycle hosts {action}"
    if action == "add" and any(host in listed for host in hosts):
        already = [host for host in hosts if host in listed]
        raise Refused([f"{command}: {', '.join(already)} {_is(already)} listed already; "
                       "nothing written"])
    if action == "remove" and any(host not in listed for host in hosts):
        missing = [host for host in hosts if host not in listed]
        shown = ", ".join(listed) if listed else "none"
        raise Refused([f"{command}: {', '.join(missing)} {_is(missing)} not listed (listed: "
                       f"{shown}); nothing written",
                       "see the list: mlcycle.yaml `evidence.urls`"])
    return listed


def _edit_list(doc: YamlText, action: str, hosts: list[str], listed: list[str],
               has_settings: bool) -> list[str]:
    """Edit `evidence.urls` in ``doc``; the hosts listed after the change."""
    if action == "remove":
        for host in sorted(hosts, key=listed.index, reverse=True):
            doc.remove(("evidence", "urls"), listed.index(host))
        return [h for h in listed if h not in hosts]
    if not has_settings:
        doc.set(("evidence",), {"urls": hosts})
    elif not doc.has(("evidence", "urls")):
        doc.set(("evidence", "urls"), hosts)
    else:
        doc.append(("evidence", "urls"), hosts, block=True)
    return [*listed, *hosts]


def _is(hosts: list[str]) -> str:
    return "is" if len(hosts) == 1 else "are"


def _unlisted(project: Project, listed: list[str]) -> list[str]:
    """The hosts of done gates' URLs that ``listed`` would not admit, in order."""
    found = []
    for phase in project.phases:
        for item in phase.file.items:
            if item.status != "done" or not item.gate:
                continue
            for cited in item.evidence:
                host = host_of(cited) if is_url(cited) else None
                if host is not None and not on_listed_host(cited, listed) \
                        and not why_not_host(host):
                    found.append(host)
    return list(dict.fromkeys(found))
