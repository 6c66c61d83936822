"""The pinned playbook is the one source of item definitions.

Status files carry a readable copy of their items' definitions (``gate``,
``raci``, ``description``...). That copy is only a copy: a gate that the
person it blocks can switch off in the same pull request is no gate. So every
definition field of every item is compared with the playbook the project pins
(a built-in one by name and version, or the team's playbook directory), and
every difference is a located input error.

Values are compared, not bytes: re-flowing a folded description, re-quoting a
string or reordering keys changes nothing; a word, a role or a flag does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any

from mlcycle.codes import MLC040, MLC041, MLC042
from mlcycle.errors import Problem
from mlcycle.load.model import ItemDefinition

# Every definition field, in the order messages report them. Derived from the
# model, so a definition field added later is verified too.
FIELDS: tuple[str, ...] = tuple(ItemDefinition.model_fields)
# Definition fields that became item state: a playbook may still carry them
# (and released records keep them), but a status file's value is the item's
# own and is not compared with the playbook. ``automated`` is set by
# `mlcycle done ITEM --automated` and judged by the automated rule (MLC136).
STATE_FIELDS: frozenset[str] = frozenset({"automated"})
RACI_FIELDS = ("responsible", "accountable", "consulted", "informed")
# Fields added after playbook versions were released: left out of a record while
# at their default, so every recorded version (phases/_released/) keeps its
# bytes, and a record without them means "none".
LATER_FIELDS: dict[str, Any] = {"automated": False, "metrics": [], "parity": [],
                                "replaces": None, "tags": [], "recurs": None,
                                "profiles": None}
# Either side may have moved: a status file edited by hand, or the playbook
# changed without a version of its own.
WHERE_TO_CHANGE = ("change definitions in the playbook, not in status files (if you changed "
                   "the playbook: give it a new version and run `mlcycle upgrade`)")


@dataclass
class Definitions:
    """The item definitions of one playbook version."""

    name: str
    version: str
    label: str  # how messages name it: "playbook product 1.0.0"
    roles: dict[str, str]  # id -> name, in playbook order
    phase_ids: list[str]
    phase_titles: dict[str, str]
    items: dict[str, list[dict[str, Any]]]  # phase id -> canonical item definitions
    _index: dict[str, tuple[str, int]] = field(default_factory=dict, repr=False)
    # phase id -> each definition's values as ``same`` compares them, made once
    # per playbook version (a portfolio shares it across its projects).
    _compared: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict, repr=False,
                                                        compare=False)

    def __post_init__(self) -> None:
        for phase_id, items in self.items.items():
            for position, item in enumerate(items):
                self._index.setdefault(item["id"], (phase_id, position))

    def find(self, item_id: str) -> tuple[str, int] | None:
        """(phase id, position) of an item, or None when the playbook has none such."""
        return self._index.get(item_id)

    def compared(self, phase_id: str) -> list[tuple[Any, ...]]:
        """The phase's definitions in the form ``same`` compares an item with."""
        found = self._compared.get(phase_id)
        if found is None:
            found = self._compared[phase_id] = [_wanted(there)
                                                for there in self.items.get(phase_id, [])]
        return found

    @classmethod
    def from_record(cls, record: dict[str, Any], label: str) -> Definitions:
        return cls(
            name=record["name"], version=record["version"], label=label,
            roles={r["id"]: r["name"] for r in record["roles"]},
            phase_ids=[p["id"] for p in record["phases"]],
            phase_titles={p["id"]: p["title"] for p in record["phases"]},
            items={p["id"]: p["items"] for p in record["phases"]},
        )


_DUMPED = set(FIELDS) - STATE_FIELDS  # never changed: made once, not per item


def canonical(item: ItemDefinition) -> dict[str, Any]:
    """An item definition as plain data: every field, defaults included (except
    the ``LATER_FIELDS`` at their default, and the ``STATE_FIELDS``, which no
    built-in playbook ever set: the records keep their bytes)."""
    data = item.model_dump(include=_DUMPED)
    for name, default in LATER_FIELDS.items():
        if data.get(name, default) == default:
            data.pop(name, None)
    return data


def _recorded(there: dict[str, Any], name: str) -> Any:
    return there[name] if name in there else LATER_FIELDS.get(name)


def record(name: str, version: str, roles: Iterable[tuple[str, str]],
           phases: Iterable[tuple[str, str, Iterable[ItemDefinition]]]) -> dict[str, Any]:
    """The JSON-able record of a playbook version (see ``releases``)."""
    return {
        "name": name,
        "version": version,
        "roles": [{"id": rid, "name": rname} for rid, rname in roles],
        "phases": [{"id": pid, "title": title, "items": [canonical(i) for i in items]}
                   for pid, title, items in phases],
    }


def shown(value: object) -> str:
    """A definition value as a YAML reader would write it, for messages."""
    if value is None:
        return "absent"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return repr(_clip(str(value)))


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _text_difference(here: str, there: str) -> str:
    """Where two texts part: a short window of each from the first differing word."""
    start = 0
    for i, (a, b) in enumerate(zip(here, there, strict=False)):
        if a != b:
            start = i
            break
    else:
        start = min(len(here), len(there))
    start = max(0, here.rfind(" ", 0, start) + 1)
    return (f"differs from {{label}} at {_clip(here[start:], 40)!r} (playbook: "
            f"{_clip(there[start:], 40)!r})")


def _checks_difference(mine: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> str:
    """Which metric or parity checks differ, by id, for a message ending in the label."""
    here = {c["id"]: c for c in mine}
    there = {c["id"]: c for c in wanted}
    extra = [i for i in here if i not in there]
    missing = [i for i in there if i not in here]
    changed = [i for i in here if i in there and here[i] != there[i]]
    parts = ([f"{', '.join(map(repr, extra))} here but not"] if extra else []) + \
        ([f"{', '.join(map(repr, missing))} missing here but in"] if missing else []) + \
        ([f"{', '.join(map(repr, changed))} differ{'s' if len(changed) == 1 else ''} from"]
         if changed else [])
    return "; ".join(parts) if parts else "their order differs from"


# The fast comparison of ``same``: the fields compared by value alone, in one
# tuple (raci by its parts; metrics and parity as dumped checks).
_CHECK_FIELDS = ("metrics", "parity")
_PLAIN = tuple(name for name in FIELDS if name not in ("id", "raci", *_CHECK_FIELDS)
               and name not in STATE_FIELDS)
_plain_of = attrgetter(*_PLAIN)
_raci_of = attrgetter(*RACI_FIELDS)
# What ``_recorded`` reads for a field a record leaves out.
_ABSENT = {name: LATER_FIELDS.get(name) for name in FIELDS}
_plain_recorded = itemgetter(*_PLAIN)
_raci_recorded = itemgetter(*RACI_FIELDS)
_checks_recorded = itemgetter(*_CHECK_FIELDS)


def _wanted(there: dict[str, Any]) -> tuple[Any, ...]:
    recorded = {**_ABSENT, **there}  # ``_recorded`` of every field at once
    return (_plain_recorded(recorded), _raci_recorded(there["raci"]),
            _checks_recorded(recorded))


def same(here: ItemDefinition, wanted: tuple[Any, ...]) -> bool:
    """Does ``here`` equal its definition (``Definitions.compared``) in every field
    ``item_differences`` compares? The same comparisons, without building a message:
    most items of most projects are equal to their playbook's."""
    plain, raci, checks = wanted
    if _plain_of(here) != plain or _raci_of(here.raci) != raci:
        return False
    for name, want in zip(_CHECK_FIELDS, checks, strict=True):
        mine = getattr(here, name)
        if (mine or want != []) and [check.model_dump() for check in mine] != want:
            return False
    return True


def item_differences(here: ItemDefinition, there: dict[str, Any]
                     ) -> list[tuple[tuple[str, ...], str]]:
    """(location inside the item, message) for each definition field that differs;
    the message carries ``{label}`` for the playbook's name."""
    found: list[tuple[tuple[str, ...], str]] = []
    for name in FIELDS:
        if name == "id" or name in STATE_FIELDS:
            continue  # items are matched by id; state is the item's own
        if name == "raci":
            raci = here.raci
            wanted = there["raci"]
            for sub in RACI_FIELDS:
                mine = getattr(raci, sub)
                if mine != wanted[sub]:
                    found.append((("raci", sub), f"raci.{sub}: {shown(mine)} here, but "
                                  f"{shown(wanted[sub])} in {{label}}"))
            continue
        mine = getattr(here, name)
        wanted = _recorded(there, name)
        if name in ("metrics", "parity"):
            mine = [check.model_dump() for check in mine]
            if mine != wanted:
                found.append(((name,), f"{name}: {_checks_difference(mine, wanted)} "
                              "{label}"))
            continue
        if mine == wanted:
            continue
        if name == "description" and isinstance(mine, str) and isinstance(wanted, str):
            found.append(((name,), f"{name}: {_text_difference(mine, wanted)}"))
        else:
            found.append(((name,), f"{name}: {shown(mine)} here, but {shown(wanted)} in "
                          "{label}"))
    return found


def phase_problems(defs: Definitions, phase_id: str, title: str | None,
                   items: Sequence[ItemDefinition], source: Any) -> list[Problem]:
    """Every difference between one status file (``source``: its ``load.source.Source``)
    and the phase ``phase_id`` of the pinned playbook."""
    label = f"playbook {defs.label}"
    problems: list[Problem] = []

    def problem(loc: tuple[str | int, ...], code: str, message: str) -> None:
        problems.append(source.problem(loc, code, message.replace("{label}", label)))

    wanted_title = defs.phase_titles.get(phase_id)
    if title is not None and wanted_title is not None and title != wanted_title:
        problem(("title",), MLC040, f"title: {shown(title)} here, but {shown(wanted_title)} "
                f"in {{label}}; {WHERE_TO_CHANGE}")
    expected = defs.items.get(phase_id, [])
    compared = defs.compared(phase_id)
    present: set[str] = set()
    for index, item in enumerate(items):
        if item.id in present:
            continue  # a second copy: the id rule says so (MLC020)
        present.add(item.id)
        home = defs.find(item.id)
        if home is None or home[0] != phase_id:
            where = "" if home is None else (
                f"; it belongs to phase '{home[0]}'")
            problem(("items", index, "id"), MLC042,
                    f"items[{index}]: item '{item.id}' is not an item of phase '{phase_id}' in "
                    f"{{label}}{where}; add items in the playbook, not in status files")
            continue
        if same(item, compared[home[1]]):
            continue
        for sub, message in item_differences(item, expected[home[1]]):
            problem(("items", index, *sub), MLC040,
                    f"items[{index}].{message}; {WHERE_TO_CHANGE}")
    ids = [i.id for i in items]
    for position, definition in enumerate(expected):
        if definition["id"] in present:
            continue
        before = next((expected[p]["id"] for p in range(position - 1, -1, -1)
                       if expected[p]["id"] in present), None)
        after = next((expected[p]["id"] for p in range(position + 1, len(expected))
                      if expected[p]["id"] in present), None)
        if before is not None:
            where = f"after '{before}'"
        elif after is not None:
            where = f"before '{after}'"
        else:
            where = "in this file"
        at: tuple[str | int, ...] = ("items", ids.index(after)) if after is not None else ("items",)
        problem(at, MLC041, f"item '{definition['id']}' of {{label}} is missing here; it belongs "
                f"{where} (restore it with its definition; status files never drop items)")
    return problems
