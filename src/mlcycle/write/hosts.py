"""``mlcycle hosts add|remove HOST``: the hosts URL evidence may be on
(``evidence.urls`` in mlcycle.yaml). Each change is recorded in the history
(an ``event: evidence`` entry naming the host, who and when) in the same
all-or-nothing write; a removal that would leave a done gate citing a URL on a
host no longer listed is refused, as any edit that would add an error."""

from __future__ import annotations

from datetime import date

from mlcycle.codes import MLC049
from mlcycle.errors import Refused
from mlcycle.escape import line, quote
from mlcycle.load.hosts import why_not_host
from mlcycle.load.project import Project
from mlcycle.write.items import Outcome, check_text, judge, usage, who
from mlcycle.write.phases import check_date
from mlcycle.write.scalars import Verbatim
from mlcycle.write.session import Session


def change(project: Project, action: str, host: str, reason: str | None, by: str | None,
           today: date) -> Outcome:
    why = why_not_host(host)
    if why:
        raise usage(f"HOST: {quote(host)} {why}", MLC049)
    settings = project.file.evidence
    listed = list(settings.urls) if settings is not None else []
    command = f"mlcycle hosts {action}"
    if action == "add" and host in listed:
        raise Refused([f"{command}: {host} is listed already; nothing written"])
    if action == "remove" and host not in listed:
        shown = ", ".join(listed) if listed else "none"
        raise Refused([f"{command}: {host} is not listed (listed: {shown}); nothing written",
                       "see the list: mlcycle.yaml `evidence.urls`"])
    if reason is not None:
        check_text(reason, "--reason", multiline=True, limit=2000)
    check_date(project, today)
    person = who(project, by)
    session = Session(project)
    doc = session.project_doc()
    entry: dict[str, object] = {"date": Verbatim(today.isoformat()), "event": "evidence",
                                "to": project.file.current_phase,
                                f"{'added' if action == 'add' else 'removed'}_host": host}
    if reason is not None:
        entry["reason"] = reason
    entry["by"] = person
    doc.append(("history",), [entry])
    # The entry first: a new `evidence:` key goes at the end of the file, after it.
    if action == "remove":
        doc.remove(("evidence", "urls"), listed.index(host))
    elif settings is None:
        doc.set(("evidence",), {"urls": [host]})
    elif not doc.has(("evidence", "urls")):
        doc.set(("evidence", "urls"), [host])
    else:
        doc.append(("evidence", "urls"), [host], block=True)
    now = [h for h in listed if h != host] if action == "remove" else [*listed, host]
    sign = "+=" if action == "add" else "-="
    message = (f"hosts: {sign} {host} (by {line(person)}, {today.isoformat()}); "
               f"listed: {', '.join(now) if now else 'none (no URL is evidence)'}")
    return judge(Outcome(session, message, action=command), today)
