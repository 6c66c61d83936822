"""``current_phase`` agrees with the history that got the project there.

The history is the record of every move between phases: it starts with
``init`` at the playbook's first phase; an ``advance`` moves exactly one phase
forward; a ``reopen`` moves back to an earlier phase and says why; dates never
go backwards; and ``current_phase`` is where the last entry went. An
``upgrade`` (the project moved to another playbook version by ``mlcycle
upgrade``) leaves the phase where the previous entry left it (its ``to``
repeats that phase) and names the playbooks (``from_playbook``,
``to_playbook``); the entries before the last upgrade were judged against an
older playbook: where that playbook is a released built-in version
(``phases/_released/``), its phase order judges them; otherwise only their
chain (each ``from`` is the previous ``to``) and dates are checked. Upgrades
chain too: each one starts from the playbook the previous one landed on, so a
made-up upgrade cannot excuse a made-up move back before it (``check --base``
also holds an upgrade a change adds to the pins of the base and the head).
Setting
``current_phase`` back by hand (so that ``check`` stops looking at a phase's
gates) or skipping a phase is a located input error.
"""

from __future__ import annotations

from typing import Any

from mlcycle.codes import MLC044
from mlcycle.errors import Problem
from mlcycle.load import releases
from mlcycle.load.model import ProjectFile

CODE = MLC044
HOW = "move phases with `mlcycle advance` / `mlcycle reopen` (or an advance / reopen entry)"


def history_problems(project: ProjectFile, source: Any, phase_ids: list[str]) -> list[Problem]:
    """Every inconsistency between ``history`` and ``current_phase``; ``source`` is the
    ``load.source.Source`` of mlcycle.yaml. Phases outside ``phase_ids`` are reported
    elsewhere (MLC027) and not judged again here."""
    history = project.history
    if not history:
        return [source.problem(("current_phase",), CODE, "history is empty: the project's "
                               "first history entry must be `event: init` at phase "
                               f"'{phase_ids[0]}'")]
    problems: list[Problem] = []
    position = {phase: index for index, phase in enumerate(phase_ids)}
    last_upgrade = max((i for i, e in enumerate(history) if e.event == "upgrade"), default=-1)
    older_orders = _older_orders(project, last_upgrade)
    landed: str | None = None  # where the previous upgrade left the playbook
    previous = None
    for index, entry in enumerate(history):
        if previous is not None and entry.date < previous.date:
            problems.append(source.problem(
                ("history", index, "date"), CODE, f"history[{index}].date: "
                f"{entry.date.isoformat()} is before the previous entry's "
                f"{previous.date.isoformat()}; dates never go backwards"))
        if index == 0:
            problems.extend(_first_entry_problems(source, entry, phase_ids, position,
                                                  last_upgrade))
        elif entry.event == "upgrade":
            assert previous is not None
            problems.extend(_upgrade_problems(source, index, entry, previous.to))
            if landed is not None and entry.from_playbook not in (None, landed):
                problems.append(source.problem(
                    ("history", index, "from_playbook"), CODE, f"history[{index}]"
                    f".from_playbook: {entry.from_playbook}, but the previous upgrade landed "
                    f"on {landed}; an upgrade starts from the playbook the project was on"))
            landed = entry.to_playbook
        elif previous is not None:
            # An entry before the last upgrade is judged against an older playbook's phases.
            positions = older_orders.get(index, {}) if index < last_upgrade else position
            problems.extend(_later_entry_problems(source, index, entry, previous.to, positions))
        problems.extend(_host_entry_problems(source, index, entry, previous))
        problems.extend(_stray_key_problems(source, index, entry))
        previous = entry
    assert previous is not None
    pinned = f"{project.playbook.name}@{project.playbook.version}"
    if last_upgrade >= 0 and history[last_upgrade].to_playbook not in (None, pinned):
        problems.append(source.problem(
            ("history", last_upgrade, "to_playbook"), CODE, f"history[{last_upgrade}]"
            f".to_playbook: {history[last_upgrade].to_playbook}, but mlcycle.yaml pins "
            f"{pinned}; the last upgrade must land on the pinned playbook"))
    problems.extend(_metric_problems(project, source))
    problems.extend(_unexplained_loosenings(project, source))
    problems.extend(_profile_problems(project, source))
    problems.extend(_host_list_problems(project, source))
    if project.current_phase != previous.to and project.current_phase in position:
        problems.append(source.problem(
            ("current_phase",), CODE, f"current_phase: '{project.current_phase}', but the "
            f"last history entry (history[{len(history) - 1}]) moved the project to "
            f"'{previous.to}'; {HOW}"))
    return problems


def _older_orders(project: ProjectFile, last_upgrade: int) -> dict[int, dict[str, int]]:
    """The phase order each entry before the last upgrade was made on: the
    playbook the next upgrade came from, when it is a released built-in one."""
    history = project.history
    older_orders: dict[int, dict[str, int]] = {}
    order: dict[str, int] = {}
    for index in range(last_upgrade - 1, -1, -1):
        if history[index + 1].event == "upgrade":
            order = _released_order(history[index + 1].from_playbook) \
                if project.playbook.path is None else {}
        older_orders[index] = order
    return older_orders


def _first_entry_problems(source: Any, entry: Any, phase_ids: list[str],
                          position: dict[str, int], last_upgrade: int) -> list[Problem]:
    """The first entry is ``init``, from nowhere, at the first phase (unless an
    upgrade has since changed the phases)."""
    found = []
    if entry.event != "init":
        found.append(source.problem(("history", 0, "event"), CODE, "history[0].event: the "
                                    f"first entry must be 'init', not '{entry.event}'"))
    elif entry.from_ is not None:
        found.append(source.problem(("history", 0, "from"), CODE, "history[0].from: an init "
                                    "entry comes from nowhere; remove 'from'"))
    if entry.to != phase_ids[0] and entry.to in position and last_upgrade < 0:
        found.append(source.problem(("history", 0, "to"), CODE, "history[0].to: a project "
                                    f"starts at the first phase '{phase_ids[0]}', not "
                                    f"'{entry.to}'"))
    return found


def _later_entry_problems(source: Any, index: int, entry: Any, at: str,
                          positions: dict[str, int]) -> list[Problem]:
    """An entry after the first, other than an upgrade: by its event."""
    if entry.event == "init":
        return [source.problem(("history", index, "event"), CODE, f"history[{index}].event: "
                               "'init' may only be the first entry")]
    if entry.event in ("metric", "overlay-add", "overlay-remove", "overlay-upgrade"):
        return _in_place_problems(source, index, entry, at)
    if entry.event == "profile":
        return _profile_entry_problems(source, index, entry, at)
    if entry.event == "evidence":
        return []  # judged by _host_entry_problems
    return _move_problems(source, index, entry, at, list(positions), positions)


def _in_place_problems(source: Any, index: int, entry: Any, at: str) -> list[Problem]:
    """A metric or overlay entry changes the project where it stands, and names
    what it changed."""
    name = f"history[{index}]"
    kind = entry.event.replace("-", " ")
    found = []

    def problem(loc: tuple[str | int, ...], message: str) -> None:
        found.append(source.problem(loc, CODE, message))

    if entry.from_ is not None:
        problem(("history", index, "from"), f"{name}.from: a {kind} entry does not move the "
                "project; remove 'from'")
    if entry.to != at:
        problem(("history", index, "to"), f"{name}.to: a {kind} entry leaves the project at "
                f"'{at}' (where the previous entry left it), not '{entry.to}'")
    if entry.event == "metric":
        if entry.to_metric is None:
            problem(("history", index, "event"), f"{name}: a metric entry needs "
                    "'to_metric: NAME>=FLOOR' (or NAME<=FLOOR)")
        return found
    if entry.overlay is None:
        problem(("history", index, "event"), f"{name}: an {kind} entry needs "
                "'overlay: NAME@VERSION'")
    if entry.event == "overlay-remove" and (not entry.reason or not entry.by):
        problem(("history", index, "event"), f"{name}: an overlay remove entry needs 'reason' "
                "and 'by' (`mlcycle overlay remove NAME --reason TEXT --by PERSON`)")
    return found


def _stray_key_problems(source: Any, index: int, entry: Any) -> list[Problem]:
    """Keys that belong to another kind of entry: a metric, a profile, an overlay
    or playbooks named where the event does not change them."""
    name = f"history[{index}]"
    event = entry.event
    owners = (
        (("from_metric",) if event == "init" else () if event == "metric"
         else ("from_metric", "to_metric"),
         "only a metric entry (or the init entry's to_metric) names the primary metric"),
        (() if event == "profile" else ("from_profile",) if event == "init"
         else ("from_profile", "to_profile"),
         "only a profile entry (or the init entry's to_profile) names the profile"),
        (() if event.startswith("overlay-") else ("overlay",),
         "only an overlay entry (overlay-add, -remove, -upgrade) names an overlay"),
        (() if event == "upgrade" else ("from_playbook", "to_playbook"),
         "only an upgrade entry names playbooks"),
        (() if event == "reopen" else ("reset",), "only a reopen entry names reset items"),
    )
    return [source.problem(("history", index, key), CODE, f"{name}.{key}: {why}; remove it")
            for keys, why in owners for key in keys if getattr(entry, key) is not None]


def _metric_problems(project: ProjectFile, source: Any) -> list[Problem]:
    """MLC046: the primary metric is the one the last entry naming one set
    (``metric set`` or ``init --primary-metric``); a floor edited by hand is not."""
    from mlcycle.codes import MLC046

    recorded = next((e.to_metric for e in reversed(project.history)
                     if e.event in ("init", "metric") and e.to_metric is not None), None)
    primary = project.metrics.primary if project.metrics else None
    from mlcycle.load.primary import parse_spec

    declared = primary.spec() if primary else None
    parsed = parse_spec(recorded) if recorded else None
    if (parsed and primary and parsed == primary) or (recorded is None and primary is None):
        return []
    loc: tuple[str | int, ...] = ("metrics", "primary") if primary else ("history",)
    said = f"declares {declared}" if declared else "declares no primary metric"
    was = f"the history last set {recorded}" if recorded else "no history entry set one"
    return [source.problem(loc, MLC046, f"metrics.primary: mlcycle.yaml {said}, but {was}; "
                           "change it with `mlcycle metric set NAME>=FLOOR` (it records the "
                           "change in the history)")]


def _profile_entry_problems(source: Any, index: int, entry: Any, at: str) -> list[Problem]:
    """A profile entry changes which items apply, never the phase, and says why and who."""
    name = f"history[{index}]"
    found = []
    if entry.from_ is not None:
        found.append(source.problem(("history", index, "from"), CODE, f"{name}.from: a profile "
                                    "entry does not move the project; remove 'from'"))
    if entry.to != at:
        found.append(source.problem(("history", index, "to"), CODE, f"{name}.to: a profile "
                                    f"entry leaves the project at '{at}' (where the previous "
                                    f"entry left it), not '{entry.to}'"))
    for key in ("to_profile", "reason", "by"):
        if getattr(entry, key) is None:
            found.append(source.problem(("history", index, "event"), CODE,
                                        f"{name}: a profile entry needs '{key}' (`mlcycle "
                                        "profile set PROFILE --reason TEXT --by PERSON` writes "
                                        "one)"))
    return found


def _host_entry_problems(source: Any, index: int, entry: Any, previous: Any) -> list[Problem]:
    """An evidence entry (``mlcycle hosts``) names one host and moves nothing; no
    other entry names a host."""
    name = f"history[{index}]"
    if entry.event != "evidence":
        return [source.problem(("history", index, key), CODE, f"{name}.{key}: only an evidence "
                               "entry names a host; remove it")
                for key in ("added_host", "removed_host") if getattr(entry, key) is not None]
    found = []
    if entry.from_ is not None:
        found.append(source.problem(("history", index, "from"), CODE, f"{name}.from: an evidence "
                                    "entry does not move the project; remove 'from'"))
    if previous is not None and entry.to != previous.to:
        found.append(source.problem(("history", index, "to"), CODE, f"{name}.to: an evidence "
                                    f"entry leaves the project at '{previous.to}' (where the "
                                    f"previous entry left it), not '{entry.to}'"))
    if (entry.added_host is None) == (entry.removed_host is None):
        found.append(source.problem(("history", index, "event"), CODE, f"{name}: an evidence "
                                    "entry names one host: 'added_host: HOST' or "
                                    "'removed_host: HOST'"))
    return found


def recorded_hosts(project: ProjectFile) -> list[str] | None:
    """The host list the history's evidence entries built (``mlcycle hosts``), in
    their order; None when no entry ever named a host (every URL is accepted)."""
    hosts: list[str] | None = None
    for entry in project.history:
        if entry.event != "evidence":
            continue
        hosts = [] if hosts is None else hosts
        if entry.added_host is not None and entry.added_host not in hosts:
            hosts.append(entry.added_host)
        if entry.removed_host in hosts:
            hosts.remove(entry.removed_host)
    return hosts


def _host_list_problems(project: ProjectFile, source: Any) -> list[Problem]:
    """MLC047: the host list is the one the history's evidence entries built; a
    host added by hand would admit URL evidence nobody recorded deciding on."""
    from mlcycle.codes import MLC047

    recorded = recorded_hosts(project)
    listed = project.evidence.urls if project.evidence is not None else None
    if (listed is None and recorded is None) or (
            listed is not None and recorded is not None and set(listed) == set(recorded)):
        return []
    said = f"lists {', '.join(listed) or 'no host'}" if listed is not None else \
        "has no host list"
    if recorded is None:
        was = "no history entry added a host"
    else:
        was = f"the history's evidence entries leave {', '.join(recorded) or 'no host'}"
    loc: tuple[str | int, ...] = ("evidence", "urls") if listed is not None else ("history",)
    return [source.problem(loc, MLC047, f"evidence.urls: mlcycle.yaml {said}, but {was}; "
                           "change it with `mlcycle hosts add|remove HOST --by PERSON` (it "
                           "records each host in the history)")]


def recorded_profile(project: ProjectFile) -> str:
    """The profile the history last set (``init --profile`` or ``profile set``);
    production when none did (a project made before profiles existed)."""
    return next((e.to_profile for e in reversed(project.history)
                 if e.event in ("init", "profile") and e.to_profile is not None), "production")


def _profile_problems(project: ProjectFile, source: Any) -> list[Problem]:
    """MLC049: the profile is the one the history last set; a profile edited by
    hand would switch gates off without a record of who decided it."""
    from mlcycle.codes import MLC049

    recorded = recorded_profile(project)
    if project.profile == recorded:
        return []
    loc: tuple[str | int, ...] = ("profile",) if "profile" in project.model_fields_set \
        else ("history",)
    return [source.problem(loc, MLC049, f"profile: mlcycle.yaml says {project.profile}, but "
                           f"the history last set {recorded}; change it with `mlcycle profile "
                           "set PROFILE --reason TEXT --by PERSON` (it records the change in "
                           "the history)")]


def _unexplained_loosenings(project: ProjectFile, source: Any) -> list[Problem]:
    """MLC044: a metric entry that loosens the primary metric carries its reason,
    as `mlcycle metric set` demands (a hand-written entry may not skip it)."""
    from mlcycle.load.primary import loosens, parse_spec

    found: list[Problem] = []
    recorded: str | None = None
    for index, entry in enumerate(project.history):
        if entry.event == "metric" and entry.to_metric is not None and not entry.reason:
            why = loosens(parse_spec(recorded) if recorded else None,
                          parse_spec(entry.to_metric))
            if why:
                found.append(source.problem(
                    ("history", index, "to_metric"), CODE,
                    f"history[{index}].to_metric: {why} with no reason; a loosening is "
                    "recorded with one (`mlcycle metric set NAME>=FLOOR --reason TEXT`)"))
        if entry.event in ("init", "metric") and entry.to_metric is not None:
            recorded = entry.to_metric
    return found


def _released_order(pin: str | None) -> dict[str, int]:
    """Phase id -> position in the released built-in playbook ``NAME@VERSION``, or
    {} when it is no released built-in version."""
    name, _, version = (pin or "").partition("@")
    if not name or not version or "/" in name or "/" in version or name.startswith("."):
        return {}
    try:
        record = releases.load_record(name, version)
    except (OSError, ValueError):
        return {}
    phases = record.get("phases") if isinstance(record, dict) else None
    if not isinstance(phases, list):
        return {}
    ids = [p.get("id") if isinstance(p, dict) else p for p in phases]
    return {phase: index for index, phase in enumerate(ids) if isinstance(phase, str)}


def _upgrade_problems(source: Any, index: int, entry: Any, came_from: str) -> list[Problem]:
    """An upgrade changes the playbook, never the phase."""
    problems: list[Problem] = []
    name = f"history[{index}]"

    def problem(key: str, message: str) -> None:
        problems.append(source.problem(("history", index, key), CODE, message))

    if entry.from_ is not None:
        problem("from", f"{name}.from: an upgrade does not move the project; remove 'from' "
                f"(the playbooks go in from_playbook / to_playbook)")
    if entry.to != came_from:
        problem("to", f"{name}.to: an upgrade leaves the project at '{came_from}' (where the "
                f"previous entry left it), not '{entry.to}'")
    for key in ("from_playbook", "to_playbook"):
        if getattr(entry, key) is None:
            problem("event", f"{name}: an upgrade entry needs '{key}: NAME@VERSION'")
    # An upgrade that changes nothing would only excuse the entries before it
    # from the phase rules (they are judged against an older playbook).
    if entry.from_playbook is not None and entry.from_playbook == entry.to_playbook:
        problem("to_playbook", f"{name}.to_playbook: an upgrade moves to another playbook "
                f"version, not from {entry.from_playbook} to itself")
    return problems


def _move_problems(source: Any, index: int, entry: Any, came_from: str,
                   phase_ids: list[str], position: dict[str, int]) -> list[Problem]:
    """An advance or a reopen, against where the previous entry left the project."""
    problems: list[Problem] = []
    name = f"history[{index}]"

    def problem(key: str, message: str) -> None:
        problems.append(source.problem(("history", index, key), CODE, message))

    if entry.from_ is None:
        problem("from", f"{name}: an {entry.event} entry needs 'from: {came_from}' (where the "
                "previous entry left the project)")
    elif entry.from_ != came_from:
        problem("from", f"{name}.from: '{entry.from_}', but the previous entry left the project "
                f"at '{came_from}'")
    # Whatever the phases (an entry before an upgrade named an older playbook's),
    # going back is recorded with its reason.
    if entry.event == "reopen" and (entry.reason is None or not entry.reason.strip()):
        problem("reason", f"{name}: a reopen needs a non-empty 'reason' (why the work goes "
                "back)")
    if entry.to not in position or came_from not in position:
        return problems  # an unknown phase: MLC027 says so
    step = position[entry.to] - position[came_from]
    if entry.event == "advance":
        if step != 1:
            following = phase_ids[position[came_from] + 1] \
                if position[came_from] + 1 < len(phase_ids) else None
            wanted = f"the next phase is '{following}'" if following else \
                f"'{came_from}' is the last phase"
            problem("to", f"{name}.to: an advance moves exactly one phase forward from "
                    f"'{came_from}'; {wanted}, not '{entry.to}'")
    elif entry.event == "reopen":
        if step >= 0:
            problem("to", f"{name}.to: a reopen moves back to a phase before '{came_from}', "
                    f"not to '{entry.to}'")
    return problems
