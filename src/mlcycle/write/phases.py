"""Move the project between phases: ``advance`` (the current phase's gates must
be closed, judged by the check engine) and ``reopen`` (back to an earlier
phase, with a reason, optionally returning items to ``doing``). Each appends a
history entry in the style of the existing ones and sets ``current_phase``, in
one all-or-nothing change. A reset item records the day and a digest of each
evidence path (``reopened``), so that closing it again on the same bytes is
seen (judge/rules/stale_evidence.py; load/digest.py says why not git)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from mlcycle.codes import MLC001, MLC027, MLC165
from mlcycle.errors import MlcycleError, Refused
from mlcycle.escape import line, quote
from mlcycle.judge import evaluate
from mlcycle.load.digest import digest
from mlcycle.load.model import Item
from mlcycle.load.project import PhaseState, Project, is_url
from mlcycle.load.validation import did_you_mean
from mlcycle.write import advice, cascade
from mlcycle.write.items import Outcome, added_note, check_text, find_item, judge, usage, who
from mlcycle.write.scalars import Verbatim
from mlcycle.write.session import Session


def check_date(project: Project, today: date) -> None:
    history = project.file.history
    if history and today < history[-1].date:
        raise usage(f"today ({today.isoformat()}) is before the last history entry "
                    f"({history[-1].date.isoformat()}); history dates never go back "
                    "(set --today)")


def _move(session: Session, entry: dict[str, object], to: str) -> None:
    doc = session.project_doc()
    doc.set(("current_phase",), to)
    doc.append(("history",), [entry])


def advance(project: Project, by: str | None, today: date,
            explain: Callable[[evaluate.Result], str]) -> Outcome:
    """The move to the next phase. Refused (exit 1, nothing written) past the last
    phase, or while a gate is open: then with the phase's evaluation as
    ``explain`` renders it (the command passes check's text renderer)."""
    ids = [p.id for p in project.phases]
    current = project.file.current_phase
    index = ids.index(current)
    if index == len(ids) - 1:
        raise Refused([f"mlcycle advance: '{current}' is the last phase of playbook "
                       f"'{project.playbook.name}': there is no phase to advance to"])
    result = evaluate.evaluate(project, evaluate.Options(today, "phase", current))
    if result.problems:
        raise MlcycleError(result.problems)
    still_open = [g.item.id for g in result.gates if not g.closed]
    if still_open:
        raise Refused([f"advance refused: {len(still_open)} gate"
                       f"{'s' * (len(still_open) != 1)} of phase '{current}' open "
                       f"({', '.join(still_open)}); nothing written",
                       f"close each (mlcycle done {still_open[0]} --evidence FILE) or waive it "
                       f"(mlcycle waive {still_open[0]} --reason TEXT --by PERSON --until "
                       "YYYY-MM-DD); `mlcycle next` lists what can be worked on now"],
                      explain(result))
    check_date(project, today)
    person = who(project, by)
    nxt = ids[index + 1]
    session = Session(project)
    _move(session, {"date": Verbatim(today.isoformat()), "event": "advance", "from": current,
                    "to": nxt, "by": person}, nxt)
    session.edited()  # reads back through the loader's models and rules, or a bug
    # Gates closed again on evidence unchanged since a reopen: said here, as CI's
    # `check --strict-evidence` will fail on them.
    stale = [f.problem for f in result.findings if f.code == MLC165]
    return Outcome(session, f"advanced: {current} -> {nxt} (by {line(person)}, "
                   f"{today.isoformat()})", warnings=stale)


def reopen(project: Project, phase: str, reason: str, resets: list[str], by: str | None,
           today: date, cascading: bool = False) -> Outcome:
    """Back to ``phase``, recorded with ``reason``; ``resets`` return to doing. The
    done items resting on them (in every phase) are listed and refused, or with
    ``cascading`` reset in the same change, each with a note naming the reopen."""
    ids = [p.id for p in project.phases]
    current = project.file.current_phase
    if phase not in ids:
        raise usage(f"no phase '{line(phase)}' in playbook '{project.playbook.name}'"
                    f"{did_you_mean(phase, ids)}; phases: {', '.join(ids)}", MLC027)
    if ids.index(phase) >= ids.index(current):
        where = "the current phase" if phase == current else \
            f"after the current phase '{current}'"
        raise usage(f"cannot reopen '{phase}': it is {where}; reopen goes back to an earlier "
                    "phase (use `mlcycle advance` to go forward)")
    check_text(reason, "--reason", multiline=True, limit=2000)
    found = [find_item(project, item_id) for item_id in dict.fromkeys(resets)]
    check_date(project, today)
    person = who(project, by)
    resting = cascade.dependents(project, [item.id for _, _, item in found])
    if resting and not cascading:
        again = (f"mlcycle reopen {phase} --reason {advice.sh(reason)} "
                 + " ".join(f"--reset {item.id}" for _, _, item in found)
                 + (f" --by {advice.sh(by)}" if by is not None else "") + " --cascade")
        listed = ", ".join(f"{item.id} ({state.id})" for state, _, item in resting)
        raise Refused([f"mlcycle reopen refused: {len(resting)} done item"
                       f"{'s' * (len(resting) != 1)} rest{'s' * (len(resting) == 1)} on what "
                       f"--reset returns to doing, and would be done on open work: {listed}; "
                       "nothing written",
                       f"reset them together: {again}"])
    session = Session(project)
    note = f"Reopened {today.isoformat()} (back to {phase}): {reason}"
    for state, index, item in found:
        _reset(session, state, index, item, note, f"--reset {item.id}", today)
    roots = ", ".join(item.id for _, _, item in found)
    for state, index, item in resting:
        _reset(session, state, index, item,
               f"Reopened {today.isoformat()} (back to {phase}; --cascade: rests on {roots}): "
               f"{reason}", "--cascade", today)
    entry: dict[str, object] = {"date": Verbatim(today.isoformat()), "event": "reopen",
                                "from": current, "to": phase, "reason": reason, "by": person}
    if found or resting:  # what `check` holds each reset item's `reopened:` record to
        entry["reset"] = [item.id for _, _, item in [*found, *resting]]
    _move(session, entry, phase)
    message = f"reopened: {current} -> {phase} ({line(' '.join(reason.split()))})"
    if found:
        message += f"; back to doing: {', '.join(item.id for _, _, item in found)}"
    if resting:
        message += f"; with them (--cascade): {', '.join(item.id for _, _, item in resting)}"
    return judge(Outcome(session, message, action="mlcycle reopen"), today)


def _reset(session: Session, state: PhaseState, index: int, item: Item, note: str,
           option: str, today: date) -> None:
    doc = session.item_doc(state)
    if item.status != "doing":
        doc.set(("items", index, "status"), "doing")
    doc.set(("items", index, "notes"), added_note(state, item, note, option))
    _record(doc, ("items", index), item, _digests(session.project, item, option), today)


def _digests(project: Project, item: Item, option: str) -> list[dict[str, object]]:
    """The digest of each evidence path (not URL) of a reset item, as it is now:
    closing the item again with the same bytes is stale evidence (MLC165). A
    path that does not exist has nothing to compare and is left out."""
    found: list[dict[str, object]] = []
    for cited in dict.fromkeys(item.evidence):
        if is_url(cited):
            continue
        try:
            value = digest(project.root, cited)
        except OSError as exc:
            raise usage(f"{option}: evidence {quote(cited)} of '{item.id}' cannot be read "
                        f"({exc.strerror or exc}), so its digest cannot be recorded", MLC001
                        ) from None
        if value is not None:
            found.append({"path": cited, "sha256": value})
    return found


def _record(doc: Any, at: tuple[str | int, ...], item: Item,
            digests: list[dict[str, object]], today: date) -> None:
    """``reopened: {date, evidence: [{path, sha256}]}`` on the item, replacing the
    record of an earlier reopen entry by entry (the editor changes values in
    place; it does not replace a collection)."""
    when = Verbatim(today.isoformat())
    old = item.reopened
    if old is None or not isinstance(doc.expected["items"][at[1]].get("reopened"), dict):
        doc.set((*at, "reopened"), {"date": when, "evidence": digests} if digests
                else {"date": when})
        return
    doc.set((*at, "reopened", "date"), when)
    there = (*at, "reopened", "evidence")
    kept = len(old.evidence) if doc.has(there) else 0
    for position, entry in enumerate(digests[:kept]):
        for key in ("path", "sha256"):
            doc.set((*there, position, key), entry[key])
    if len(digests) > kept:
        if kept:
            doc.append(there, digests[kept:])
        else:
            doc.set(there, digests)
    for position in range(kept - 1, len(digests) - 1, -1):
        doc.remove(there, position)
