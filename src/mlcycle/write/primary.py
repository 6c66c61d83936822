"""``mlcycle metric set NAME>=FLOOR``: declare or change the project's primary
metric. The change and its reason go into the history (an ``event: metric``
entry), and ``mlcycle.yaml``'s ``metrics.primary`` changes with it, in one
all-or-nothing write; ``diff`` flags a floor moved the easy way."""

from __future__ import annotations

from datetime import date

from mlcycle.errors import Refused
from mlcycle.escape import line
from mlcycle.load.primary import SPEC_HELP, loosens, parse_spec
from mlcycle.load.project import Project
from mlcycle.write.items import Outcome, check_text, usage, who
from mlcycle.write.phases import check_date
from mlcycle.write.scalars import Verbatim
from mlcycle.write.session import Session


def set_primary(project: Project, spec: str, reason: str | None, by: str | None,
                today: date) -> Outcome:
    wanted = parse_spec(spec)
    if wanted is None:
        raise usage(f"{line(spec)!r} is not a primary metric; write {SPEC_HELP}")
    metrics = project.file.metrics
    before = metrics.primary if metrics else None
    if before == wanted:
        raise Refused([f"mlcycle metric set: the primary metric is already {wanted.spec()}; "
                       "nothing written"])
    weaker = loosens(before, wanted)
    if weaker and (reason is None or not reason.strip()):
        raise usage(f"{weaker}: a loosening needs --reason TEXT (it is recorded in the "
                    "history, and `mlcycle diff` flags it for review)")
    if reason is not None:
        check_text(reason, "--reason", multiline=True, limit=2000)
    check_date(project, today)
    person = who(project, by)
    session = Session(project)
    doc = session.project_doc()
    entry: dict[str, object] = {"date": Verbatim(today.isoformat()), "event": "metric",
                                "to": project.file.current_phase}
    if before is not None:
        entry["from_metric"] = before.spec()
    entry["to_metric"] = wanted.spec()
    if reason is not None:
        entry["reason"] = reason
    entry["by"] = person
    doc.append(("history",), [entry])
    # The entry first: a new `metrics:` key goes at the end of the file, after it.
    # A float's own text (10.0, not 10): the editor reads it back as the same number.
    floor = Verbatim(repr(wanted.floor))
    if before is None:
        doc.set(("metrics",), {"primary": {"name": wanted.name, "direction": wanted.direction,
                                           "floor": floor}})
    else:
        for key, value in (("name", wanted.name), ("direction", wanted.direction),
                           ("floor", floor)):
            if getattr(before, key) != getattr(wanted, key):
                doc.set(("metrics", "primary", key), value)
    session.edited()
    was = f"{before.spec()} -> " if before else ""
    note = f" ({weaker}: flagged by `mlcycle diff`)" if weaker else ""
    return Outcome(session, f"primary metric: {was}{wanted.spec()} (by {line(person)}, "
                   f"{today.isoformat()}){note}")
