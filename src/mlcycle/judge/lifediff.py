"""What a change does to the lifecycle, by item id, never by text lines.

Compares two ``gitbase.Snapshot``s (the merge base and the working tree).
Definition changes come first: a gate switched off or an evidence requirement
dropped is what a reviewer must not miss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from mlcycle.load.definitions import FIELDS, STATE_FIELDS
from mlcycle.load.gitbase import Snapshot
from mlcycle.load.model import (
    PROFILES,
    Between,
    HistoryEntry,
    Item,
    MetricCheck,
    MetricRef,
    ParityCheck,
    PrimaryFloor,
    PrimaryKey,
    ProjectFile,
)

if TYPE_CHECKING:
    from mlcycle.judge.metricdiff import Delta

EXPIRY_WARNING_DAYS = 14
CLOSED = ("done", "waived", "na")


@dataclass(frozen=True)
class Change:
    kind: str  # definition, playbook, phase, item, state, waiver, team
    subject: str  # "problem/feasibility", "phase data", "playbook", "team pm"
    text: str  # one line a reviewer reads
    severe: bool = False  # weakens a gate: shown prominently
    # A project-level change (mlcycle.yaml, not one item): where it is in the
    # working tree's mlcycle.yaml, and the gates it weakens (whose accountable
    # roles must approve it). ``check --base`` warns there (MLC154).
    key: tuple[str | int, ...] = ()
    gates: tuple[Item, ...] = ()


@dataclass
class Diff:
    base: str  # "1a2b3c4 (merge base of origin/main and HEAD)"
    today: date
    definitions: list[Change] = field(default_factory=list)
    playbook: list[Change] = field(default_factory=list)
    moves: list[Change] = field(default_factory=list)
    structure: list[Change] = field(default_factory=list)  # items and phases added/removed
    items: list[Change] = field(default_factory=list)  # closed, reopened, status/owner/due
    waivers: list[Change] = field(default_factory=list)
    team: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # files that could not be read
    metrics: list[Delta] = field(default_factory=list)  # the numbers the checks read
    # The base's team: who held a role this change also removes (an overlay's).
    team_before: dict[str, list[str]] = field(default_factory=dict)

    def sections(self) -> list[tuple[str, list[Change]]]:
        return [("Definition changes", self.definitions), ("Playbook", self.playbook),
                ("Phase moves", self.moves), ("Items and phases added or removed",
                                              self.structure),
                ("Item changes", self.items), ("Waivers", self.waivers), ("Team", self.team)]

    @property
    def empty(self) -> bool:
        return not any(changes for _, changes in self.sections())

    def count(self) -> int:
        return sum(len(changes) for _, changes in self.sections())


def _short(value: Any) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _ref(ref: MetricRef) -> str:
    if isinstance(ref.key, PrimaryKey):
        key = "{primary: true}" if ref.key.primary is True else \
            f"{{primary: {ref.key.primary}, interval: {ref.key.interval}}}"
    else:
        key = ref.key if isinstance(ref.key, str) else \
            "[" + ", ".join(str(k) for k in ref.key) + "]"
    return f"{ref.file} {key}"


def _metric_words(check: MetricCheck) -> str:
    """A metric check as a reviewer reads it, never a Python repr."""
    if isinstance(check.value, Between):
        v = check.value
        low, high = ("(" if v.strict_min else "["), (")" if v.strict_max else "]")
        bound = f"in {low}{_number(v.min)}, {_number(v.max)}{high}"
    elif isinstance(check.value, PrimaryFloor):
        bound = f"{check.op} the primary metric's floor"
    elif isinstance(check.value, MetricRef):
        bound = f"{check.op} {_ref(check.value)}"
    else:
        bound = f"{check.op} {_number(check.value)}"
    return f"{_ref(check)} {bound}"


def _parity_words(check: ParityCheck) -> str:
    t = check.tolerance
    within = " or ".join(part for part in (
        f"abs {_number(t.abs)}" if t.abs is not None else "",
        f"rel {_number(t.rel)}" if t.rel is not None else "") if part)
    return (f"experiment {_ref(check.experiment)} vs production {_ref(check.production)}, "
            f"within {within}")


def _lets_more_pass(op: str, old: float, new: float) -> bool:
    """A threshold moved in the direction that lets more values pass."""
    if op in (">", ">="):
        return new < old
    if op in ("<", "<="):
        return new > old
    return new != old  # == and !=: any move is another condition, not a stricter one


def _looser(old: Any, new: Any) -> bool:
    """A changed check that may pass where the old one failed (direction-aware):
    a floor lowered, a ceiling raised, a band or a tolerance widened, another
    number read, an operator changed. Only a strict tightening is not."""
    if isinstance(old, ParityCheck):
        if (old.experiment, old.production) != (new.experiment, new.production):
            return True
        a, b = old.tolerance, new.tolerance
        return any(after is not None and (before is None or after > before)
                   for before, after in ((a.abs, b.abs), (a.rel, b.rel)))
    if (old.file, old.key, old.op) != (new.file, new.key, new.op):
        return True
    if isinstance(old.value, Between) and isinstance(new.value, Between):
        v, w = old.value, new.value
        return (w.min < v.min or w.max > v.max or (v.strict_min and not w.strict_min)
                or (v.strict_max and not w.strict_max))
    return bool(_lets_more_pass(old.op, old.value, new.value))


def _check_changes(subject: str, kind: str, old: list[Any], new: list[Any]) -> list[Change]:
    """Metric or parity checks by id: one that goes or changes may weaken a gate."""
    words = _metric_words if kind == "metric" else _parity_words
    before, after = {c.id: c for c in old}, {c.id: c for c in new}
    out = []
    for check_id, check in before.items():
        if check_id not in after:
            out.append(Change("definition", subject, f"{kind} check {check_id} REMOVED (was: "
                              f"{words(check)})", severe=True))
        elif after[check_id] != check:
            looser = _looser(check, after[check_id])
            how = ("LOOSENED" if looser else "tightened") if kind == "metric" else \
                ("WIDENED" if looser else "narrowed")
            out.append(Change("definition", subject, f"{kind} check {check_id} {how}: "
                              f"{words(check)} -> {words(after[check_id])}", severe=looser))
    for check_id, check in after.items():
        if check_id not in before:
            out.append(Change("definition", subject, f"{kind} check {check_id} added: "
                              f"{words(check)}"))
    return out


def _items(snapshot: Snapshot) -> dict[str, tuple[str, Item]]:
    """Item id -> (its phase, or its overlay's name, and the item)."""
    found = {item.id: (phase_id, item) for phase_id, phase in snapshot.phases.items()
             for item in phase.items}
    found.update({item.id: (name, item) for name, overlay in snapshot.overlays.items()
                  for item in overlay.items})
    return found


def _overlay_changes(d: Diff, old: Snapshot, new: Snapshot) -> set[str]:
    """Overlays pinned, unpinned or re-attached. Removing one drops every gate it
    had: flagged, with the reason its history entry gives (or that none does).
    Returns the names of the removed overlays (their items are not listed one by one)."""
    a, b = old.project, new.project
    if a is None or b is None:
        return set()
    before = {ref.name: ref for ref in a.overlays}
    after = {ref.name: ref for ref in b.overlays}
    order = {phase: index for index, phase in enumerate(new.phases)}
    index_of = {ref.name: index for index, ref in enumerate(b.overlays)}
    shared = 0
    while shared < min(len(a.history), len(b.history)) and \
            a.history[shared] == b.history[shared]:
        shared += 1
    removals = {(e.overlay or "").partition("@")[0]: e for e in b.history[shared:]
                if e.event == "overlay-remove"}
    for name, ref in after.items():
        if name not in before:
            where = ", ".join(f"{k} -> {v}" for k, v in ref.gate_at.items())
            d.playbook.append(Change("playbook", f"overlay {name}", f"overlay added: "
                                     f"{name} {ref.version} ({where})"))
            continue
        old_ref = before[name]
        if old_ref.version != ref.version or old_ref.path != ref.path:
            d.playbook.append(Change("playbook", f"overlay {name}", f"{name} "
                                     f"{old_ref.version} -> {ref.version}"))
        for key, target in ref.gate_at.items():
            was = old_ref.gate_at.get(key)
            if was is not None and was != target:
                later = order.get(target, -1) > order.get(was, -1)
                # The gates are those of overlay phase ``key``: ``check --base``
                # finds them in the loaded project (the snapshot has no definitions).
                d.definitions.append(Change(
                    "definition", f"overlay {name}", f"gate_at.{key}: {was} -> {target}"
                    + (" (its gates now close a LATER phase)" if later else ""), severe=later,
                    key=("overlays", index_of[name], "gate_at", key, "<key>") if later else ()))
    return _overlays_removed(d, old, [ref for name, ref in before.items() if name not in after],
                             removals)


def _overlays_removed(d: Diff, old: Snapshot, gone: list[Any],
                      removals: dict[str, HistoryEntry]) -> set[str]:
    """One flagged line per overlay unpinned, with its history entry's reason."""
    for ref in gone:
        items = old.overlays[ref.name].items if ref.name in old.overlays else []
        gates = sum(1 for item in items if item.gate)
        entry = removals.get(ref.name)
        why = f"by {entry.by}: {_short(entry.reason)}" if entry is not None else \
            "no overlay-remove entry in the history records it: removed by hand"
        d.playbook.append(Change("playbook", f"overlay {ref.name}", f"overlay REMOVED: "
                                 f"{ref.name} {ref.version} ({len(items)} items, {gates} "
                                 f"gates; {why})", severe=True, key=("overlays", "<key>"),
                                 gates=tuple(item for item in items if item.gate)))
    return {ref.name for ref in gone}


def _definition_changes(subject: str, old: Item, new: Item) -> list[Change]:
    out = []
    for name in FIELDS:
        if name == "id" or name in STATE_FIELDS:
            continue
        a, b = getattr(old, name), getattr(new, name)
        if name == "raci":
            for role_field in ("responsible", "accountable", "consulted", "informed"):
                ra, rb = getattr(a, role_field), getattr(b, role_field)
                if ra != rb:
                    out.append(Change("definition", subject, f"RACI {role_field}: "
                                      f"{_short(ra)} -> {_short(rb)}",
                                      severe=role_field == "accountable"))
            continue
        if a == b:
            continue
        if name == "gate":
            out.append(Change("definition", subject, "gate REMOVED: it no longer blocks "
                              "leaving its phase" if a else "gate added", severe=bool(a)))
        elif name == "evidence_required":
            out.append(Change("definition", subject, "evidence requirement REMOVED" if a
                              else "evidence now required", severe=bool(a)))
        elif name in ("title", "description"):
            out.append(Change("definition", subject, f"{name} reworded: {_short(a)!r} -> "
                              f"{_short(b)!r}"))
        elif name in ("metrics", "parity"):
            out.extend(_check_changes(subject, "metric" if name == "metrics" else "parity", a, b))
        elif name in ("recurs", "profiles"):
            out.append(_scope_change(subject, name, a, b))
        elif name == "depends_on":
            out.append(Change("definition", subject, f"depends_on: {_short(a)} -> "
                              f"{_short(b)}", severe=bool(set(a) - set(b))))
        else:
            out.append(Change("definition", subject, f"{name}: {_short(a)} -> {_short(b)}"))
    return out


def _scope_change(subject: str, name: str, a: Any, b: Any) -> Change:
    """``recurs`` or ``profiles`` changed: weaker when the work comes due less
    often (dropped, a longer period) or the item stops applying to a profile."""
    if name == "recurs":
        weaker = b is None or (a is not None and int(b[:-1]) > int(a[:-1]))
        return Change("definition", subject, f"recurs: {_short(a)} -> {_short(b)}"
                      + (" (LESS OFTEN)" if weaker else ""), severe=weaker)
    dropped = [p for p in PROFILES if p in (a or PROFILES) and p not in (b or PROFILES)]
    return Change("definition", subject, f"profiles: {_short(a or 'all')} -> "
                  f"{_short(b or 'all')}" + (f" (NO LONGER APPLIES to {', '.join(dropped)})"
                                             if dropped else ""), severe=bool(dropped))


def _state_changes(d: Diff, subject: str, old: Item, new: Item) -> None:
    _status_changes(d, subject, old, new)
    if old.owner != new.owner:
        d.items.append(Change("state", subject, f"owner: {_short(old.owner)} -> "
                              f"{_short(new.owner)}"))
    if old.due != new.due:
        d.items.append(Change("state", subject, f"due: {_short(old.due)} -> {_short(new.due)}"))
    if old.automated != new.automated:
        d.items.append(Change("state", subject, "automated" if new.automated
                              else "no longer automated (done by hand)"))
    if old.done_on != new.done_on:  # a recurring item done again (or its date edited)
        d.items.append(Change("state", subject, f"done_on: {_short(old.done_on)} -> "
                              f"{_short(new.done_on)}"))
    _waiver_changes(d, subject, old, new)
    _na_changes(d, subject, old, new)


def _na_changes(d: Diff, subject: str, old: Item, new: Item) -> None:
    """A not-applicable switches a gate off for this product for good: always flagged."""
    a, b = old.na, new.na
    if b is not None and a != b:
        d.waivers.append(Change("waiver", subject, f"NOT APPLICABLE: approved by "
                                f"{b.approved_by} on {b.date.isoformat()} ({_short(b.reason)})",
                                severe=True))
    elif a is not None and b is None:
        d.waivers.append(Change("waiver", subject, "not applicable removed"))


def _status_changes(d: Diff, subject: str, old: Item, new: Item) -> None:
    if old.status != new.status:
        if new.status in CLOSED and old.status not in CLOSED:
            evidence = f" (evidence: {_short(new.evidence)})" if new.status == "done" else ""
            verb = {"done": "closed", "waived": "closed by waiver",
                    "na": "closed as not applicable"}[new.status]
            d.items.append(Change("state", subject, f"{verb}: {old.status} -> {new.status}"
                                  f"{evidence}"))
        elif old.status in CLOSED and new.status not in CLOSED:
            d.items.append(Change("state", subject, f"reopened: {old.status} -> {new.status}"
                                  f" (evidence was: {_short(old.evidence)})"))
        else:
            d.items.append(Change("state", subject, f"status: {old.status} -> {new.status}"))
    elif new.status == "done" and old.evidence != new.evidence:
        d.items.append(Change("state", subject, f"evidence: {_short(old.evidence)} -> "
                              f"{_short(new.evidence)}"))


def _waiver_changes(d: Diff, subject: str, old: Item, new: Item) -> None:
    a, b = old.waiver, new.waiver
    if a is None and b is not None:
        # A waiver excuses a gate: as weakening as switching it off, until it expires.
        d.waivers.append(Change("waiver", subject, f"waiver ADDED: approved by {b.approved_by},"
                                f" until {b.expires.isoformat()} ({_short(b.reason)})",
                                severe=True))
    elif a is not None and b is None:
        d.waivers.append(Change("waiver", subject, "waiver removed"))
    elif a is not None and b is not None and a != b:
        parts = [f"{k}: {_short(getattr(a, k))} -> {_short(getattr(b, k))}"
                 for k in ("reason", "approved_by", "expires") if getattr(a, k) != getattr(b, k)]
        d.waivers.append(Change("waiver", subject, "waiver changed: " + "; ".join(parts)))


def _expiring(d: Diff, subject: str, item: Item) -> None:
    if item.status != "waived" or item.waiver is None:
        return
    left = (item.waiver.expires - d.today).days
    if left < 0:
        d.waivers.append(Change("waiver", subject, f"waiver EXPIRED on "
                                f"{item.waiver.expires.isoformat()}", severe=True))
    elif left <= EXPIRY_WARNING_DAYS:
        d.waivers.append(Change("waiver", subject, f"waiver expires "
                                f"{item.waiver.expires.isoformat()} (in {left} days)"))


def _pin(project: Any) -> str:
    return f"{project.playbook.name}@{project.playbook.version}"


def _version_key(version: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in version.split("-")[0].split("."))
    except ValueError:
        return None


def _playbook_changes(d: Diff, a: Any, b: Any, added: list[HistoryEntry]) -> None:
    """The pinned playbook moved: flagged when it goes to an older version, or when no
    upgrade entry this change adds records the move (a pin edited by hand)."""
    pa, pb = a.playbook, b.playbook
    upgrades = [e for e in added if e.event == "upgrade"]
    if (pa.name, pa.version, pa.path) != (pb.name, pb.version, pb.path):
        ka, kb = _version_key(pa.version), _version_key(pb.version)
        older = pa.name == pb.name and ka is not None and kb is not None and kb < ka
        recorded = bool(upgrades) and upgrades[0].from_playbook == _pin(a) and \
            upgrades[-1].to_playbook == _pin(b)
        path = f" (path {pa.path} -> {pb.path})" if pa.path != pb.path else ""
        text = f"{pa.name} {pa.version} -> {pb.name} {pb.version}{path}"
        if older:
            text = f"DOWNGRADED to an older version: {text}"
        if not recorded:
            text += " (no upgrade entry in the history records it: edited by hand)"
        d.playbook.append(Change("playbook", "playbook", text, severe=older or not recorded))
    for entry in upgrades:
        if (pa.name, pa.version) == (pb.name, pb.version):
            d.playbook.append(Change("playbook", "history", f"upgrade entry "
                                     f"{entry.from_playbook} -> {entry.to_playbook} on "
                                     f"{entry.date.isoformat()}, but the pinned playbook did not "
                                     f"change ({_pin(b)}): MADE UP", severe=True))


def _move(d: Diff, entry: HistoryEntry, where: str | None, order: dict[str, int]) -> bool:
    """One history entry this change adds (``where``: the phase the entry before it
    left the project at); True when it moves the project back, flagged whatever
    its event: the gates of the phases between stop being checked."""
    came, went = entry.from_ or where, entry.to
    back = came in order and went in order and order[went] < order[came]
    when = f" on {entry.date.isoformat()}"
    if entry.event == "reopen":
        d.moves.append(Change("phase", f"phase {went}", f"back: {came} -> {went}{when}: "
                              f"{_short(entry.reason)}", severe=back))
    elif entry.event == "advance":
        by = f" by {entry.by}" if entry.by else ""
        text = f"BACK, recorded as an advance: {came} -> {went}{when}{by}" if back else \
            f"forward: {came} -> {went}{when}{by}"
        d.moves.append(Change("phase", f"phase {went}", text, severe=back))
    elif entry.event == "profile":
        by = f" by {entry.by}" if entry.by else ""
        d.moves.append(Change("phase", "profile", f"profile entry{when}{by}: "
                              f"{entry.from_profile} -> {entry.to_profile}"
                              + (f": {_short(entry.reason)}" if entry.reason else ""),
                              severe=back))
    elif entry.event == "metric":
        by = f" by {entry.by}" if entry.by else ""
        d.moves.append(Change("phase", "metrics.primary", f"metric entry{when}{by}: "
                              f"{entry.from_metric or '(none)'} -> {entry.to_metric}"
                              + (f": {_short(entry.reason)}" if entry.reason else ""),
                              severe=back))
    elif entry.event.startswith("overlay-") and not back:
        pass  # said under "Playbook", with the overlay
    elif back:
        d.moves.append(Change("phase", f"phase {went}", f"BACK, recorded as an "
                              f"{entry.event}: {came} -> {went}{when}", severe=True))
    return back


def _history_changes(d: Diff, a: ProjectFile, b: ProjectFile, new: Snapshot) -> None:
    shared = 0
    while shared < min(len(a.history), len(b.history)) and \
            a.history[shared] == b.history[shared]:
        shared += 1
    added = b.history[shared:]
    _playbook_changes(d, a, b, added)
    if shared < len(a.history):
        d.moves.append(Change("phase", "history", "history REWRITTEN: entries of the base "
                              "were changed or removed", severe=True))
    order = {phase: index for index, phase in enumerate(new.phases)}
    back = False
    where = b.history[shared - 1].to if shared else None
    for entry in added:
        back = _move(d, entry, where, order) or back
        where = entry.to
    if a.current_phase != b.current_phase and not added:
        d.moves.append(Change("phase", "current_phase", f"current_phase: {a.current_phase} "
                              f"-> {b.current_phase} (no history entry)", severe=True))
    elif not back and order.get(b.current_phase, -1) < order.get(a.current_phase, -1) \
            and b.current_phase in order:
        d.moves.append(Change("phase", "current_phase", f"current_phase moved BACK: "
                              f"{a.current_phase} -> {b.current_phase}", severe=True))


def _primary_changes(d: Diff, a: ProjectFile, b: ProjectFile, new: Snapshot) -> None:
    """The project's primary metric: a floor moved the easy way, another metric or
    direction, or none any more weakens every gate that reads it."""
    from mlcycle.load.primary import loosens

    before = a.metrics.primary if a.metrics else None
    after = b.metrics.primary if b.metrics else None
    if before == after:
        return
    weaker = loosens(before, after)
    text = weaker.replace("loosened", "LOOSENED").replace("removed", "REMOVED").replace(
        "changed", "CHANGED") if weaker else \
        f"primary metric {'set to' if before is None else 'tightened:'} " \
        f"{before.spec() + ' -> ' if before else ''}{after.spec() if after else ''}"
    # Its gates: those whose checks read the primary metric.
    from mlcycle.load.primary import refers

    reading = tuple(item for _, item in _items(new).values() if item.gate and refers([item]))
    d.definitions.append(Change("definition", "metrics.primary", text, severe=bool(weaker),
                                key=("metrics", "<key>") if weaker else (),
                                gates=reading if weaker else ()))


def _profile_changes(d: Diff, a: ProjectFile, b: ProjectFile, new: Snapshot) -> None:
    """The project's profile: a change that switches gates off (items whose
    `profiles` leave the new profile out) is flagged, naming them."""
    if a.profile == b.profile:
        return
    gates = [(phase, item) for phase, item in _items(new).values() if item.gate]
    off = [(p, i) for p, i in gates if i.applies_to(a.profile) and not i.applies_to(b.profile)]
    on = [i.id for _, i in gates if i.applies_to(b.profile) and not i.applies_to(a.profile)]
    text = f"{a.profile} -> {b.profile}"
    if off:
        text += f"; gates SWITCHED OFF: {', '.join(i.id for _, i in off)}"
    if on:
        text += f"; gates switched on: {', '.join(on)}"
    d.definitions.append(Change("definition", "profile", text, severe=bool(off),
                                key=("profile", "<key>") if off else (),
                                gates=tuple(item for _, item in off)))
    # One line per gate too: `check --base` warns at each (MLC154), naming the
    # people accountable for it.
    for phase, item in off:
        d.definitions.append(Change(
            "definition", f"{phase}/{item.id}", f"gate SWITCHED OFF by profile {b.profile} "
            f"(it applies to {', '.join(item.profiles or [])})", severe=True))


def _newly_admitted(evidence: str, before: list[str] | None, after: list[str] | None) -> bool:
    from mlcycle.load.hosts import admits, host_of
    from mlcycle.load.project import is_url

    host = host_of(evidence) if is_url(evidence) else None
    return host is not None and admits(after, host) and not admits(before, host)


def _wider(before: list[str] | None, after: list[str] | None) -> list[str]:
    """The hosts ``after`` admits that ``before`` did not (every URL, for no list)."""
    from mlcycle.load.hosts import admits

    if after is None:
        return [] if before is None else ["*"]
    return [h for h in after if not admits(before, h)]


def _hosts_text(before: list[str] | None, after: list[str] | None) -> str:
    if after is None:
        return f"list REMOVED: any URL counts as evidence again (was: {_short(before)})"
    if before is None:
        return f"list set: only URLs on {_short(after)} count as evidence"
    wider = _wider(before, after)
    added = [h for h in after if h not in before and h not in wider]
    gone = [h for h in before if h not in after]
    return "; ".join(part for part in (
        f"hosts WIDENED: added {', '.join(wider)} (URL evidence on them now counts)"
        if wider else "", f"hosts added: {', '.join(added)} (already admitted)"
        if added else "", f"hosts removed: {', '.join(gone)}" if gone else "") if part)


def _host_changes(d: Diff, a: ProjectFile, b: ProjectFile, new: Snapshot) -> None:
    """The hosts URL evidence may be on (``evidence.urls``): a host the old list
    did not admit, or the list removed (every URL counts again), lets URL
    evidence close gates it could not: flagged, naming the gates that require
    evidence. Hosts removed, or a list set where there was none, only ask more."""
    before = a.evidence.urls if a.evidence else None
    after = b.evidence.urls if b.evidence else None
    if before == after:
        return
    text = _hosts_text(before, after)
    weaker = bool(_wider(before, after))
    # Its gates: those citing a URL only the new list admits (none yet: every
    # gate's future evidence, which check --base names then).
    gates = tuple(item for _, item in _items(new).values() if item.gate and any(
        _newly_admitted(url, before, after) for url in item.evidence)) if weaker else ()
    d.definitions.append(Change("definition", "evidence.urls", text, severe=weaker,
                                key=("evidence", "<key>") if weaker else (), gates=gates))


def _team_changes(d: Diff, a: ProjectFile, b: ProjectFile) -> None:
    for role in sorted(set(a.team) | set(b.team)):
        before, after = a.team.get(role, []), b.team.get(role, [])
        for person in after:
            if person not in before:
                d.team.append(Change("team", f"team {role}", f"added {person}"))
        for person in before:
            if person not in after:
                d.team.append(Change("team", f"team {role}", f"removed {person}"))


def _phase_changes(d: Diff, old: Snapshot, new: Snapshot) -> None:
    for phase_id in new.phases:
        if phase_id not in old.phases and old.project is not None:
            d.structure.append(Change("phase", f"phase {phase_id}", "phase added"))
    for phase_id in old.phases:
        if phase_id not in new.phases:
            d.structure.append(Change("phase", f"phase {phase_id}", "phase REMOVED",
                                      severe=True))
        elif old.phases[phase_id].title != new.phases[phase_id].title:
            d.definitions.append(Change("definition", f"phase {phase_id}", f"title reworded: "
                                        f"{_short(old.phases[phase_id].title)!r} -> "
                                        f"{_short(new.phases[phase_id].title)!r}"))


def _item_changes(d: Diff, old: Snapshot, new: Snapshot, gone: set[str]) -> None:
    old_items, new_items = _items(old), _items(new)
    for item_id, (phase_id, item) in new_items.items():
        subject = f"{phase_id}/{item_id}"
        if item_id not in old_items:
            if old.project is not None:
                d.structure.append(Change("item", subject, "item added"
                                          + (" (a gate)" if item.gate else "")))
            _expiring(d, subject, item)
            continue
        old_phase, old_item = old_items[item_id]
        if old_phase != phase_id:
            d.structure.append(Change("item", subject, f"moved from phase {old_phase}"))
        d.definitions.extend(_definition_changes(subject, old_item, item))
        _state_changes(d, subject, old_item, item)
        _expiring(d, subject, item)
    for item_id, (phase_id, item) in old_items.items():
        if item_id not in new_items and phase_id not in gone:
            d.structure.append(Change("item", f"{phase_id}/{item_id}", "item REMOVED"
                                      + (" (it was a gate)" if item.gate else ""),
                                      severe=item.gate))


def compare(old: Snapshot, new: Snapshot, base: str, today: date) -> Diff:
    d = Diff(base, today)
    d.notes = [f"{old.label}: {p}" for p in old.unreadable] + \
        [f"{new.label}: {p}" for p in new.unreadable]
    a, b = old.project, new.project
    if a is not None and b is not None:
        _history_changes(d, a, b, new)
        _primary_changes(d, a, b, new)
        _profile_changes(d, a, b, new)
        _host_changes(d, a, b, new)
        d.team_before = dict(a.team)
        _team_changes(d, a, b)
    elif b is not None:
        d.structure.append(Change("phase", "project", f"project added: {b.name}"))
    _phase_changes(d, old, new)
    _item_changes(d, old, new, _overlay_changes(d, old, new))
    # Prominent first: what weakens a gate leads its section.
    # Phase moves stay in the order they happened.
    for _, changes in d.sections():
        if changes is not d.moves:
            changes.sort(key=lambda c: not c.severe)
    return d
