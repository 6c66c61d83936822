"""Every released version of every built-in playbook, kept as data.

A project pins its playbook by name and version. The status files carry a
readable copy of the item definitions, and ``check`` verifies that copy
against the *pinned* version, so a later mlcycle must still know the
definitions of every version an earlier one shipped. They live in
``phases/_released/<name>-<version>.json``: the definitions exactly as that
release read them (roles, phase order, phase titles, every item's definition
fields), written once when a version is released and never changed after
(a test fails when a built-in playbook's YAML differs from the record of its
own version: change the version, then record the new one).

Reading one small JSON file is also the fastest way for ``check`` to get a
built-in playbook: no YAML, no validation, for a file mlcycle itself shipped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mlcycle.resources import data_dir

RELEASED_DIR = "_released"
_NAME_RE = re.compile(r"^(?P<name>[a-z][a-z0-9-]*)-(?P<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)"
                      r"\.json$")


def released_dir() -> Path:
    return data_dir("phases") / RELEASED_DIR


def versions(name: str) -> list[str]:
    """The released versions of built-in playbook ``name``, oldest first."""
    found = []
    directory = released_dir()
    if directory.is_dir():
        for path in directory.iterdir():
            match = _NAME_RE.match(path.name)
            if match and match.group("name") == name:
                found.append(match.group("version"))
    return sorted(found, key=_version_key)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("-")[0].split("."))


def record_path(name: str, version: str) -> Path:
    return released_dir() / f"{name}-{version}.json"


def load_record(name: str, version: str) -> dict[str, Any] | None:
    """The recorded definitions of ``name`` ``version``, or None when never released."""
    path = record_path(name, version)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    record: dict[str, Any] = json.loads(text)
    return record


def record_text(record: dict[str, Any]) -> str:
    """Deterministic bytes for a record: sorted keys, LF, final newline."""
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# --- the version policy -------------------------------------------------------

BUMPS = ("patch", "minor", "major")


def required_bump(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """The smallest version step the policy asks between two records, or None
    when they define the same: major when an item or a phase is removed or
    renamed, a gate is added (a gated new item, or a gate switched on), or a
    metric or parity check is added or changed (each can fail ``check`` on a
    project that passed); minor when items or phases are added; patch for
    anything else (wording, RACI, evidence flags, order, a check removed)."""
    def items(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {i["id"]: i for p in record["phases"] for i in p["items"]}

    def checks(item: dict[str, Any]) -> dict[tuple[str, str], Any]:
        # Records of versions released before checks existed omit the fields.
        return {**{("metric", c["id"]): c for c in item.get("metrics") or []},
                **{("parity", c["id"]): c for c in item.get("parity") or []}}

    old_items, new_items = items(old), items(new)
    old_phases = [p["id"] for p in old["phases"]]
    new_phases = [p["id"] for p in new["phases"]]
    if set(old_items) - set(new_items) or set(old_phases) - set(new_phases):
        return "major"
    for item_id, item in new_items.items():
        was = old_items.get(item_id)
        if item.get("gate") and not (was or {}).get("gate"):
            return "major"
        had = checks(was or {})
        if any(had.get(key) != check for key, check in checks(item).items()):
            return "major"
    if set(new_items) - set(old_items) or set(new_phases) - set(old_phases):
        return "minor"
    same = {k: v for k, v in old.items() if k != "version"} == \
        {k: v for k, v in new.items() if k != "version"}
    return None if same else "patch"


def bump_of(old: str, new: str) -> str | None:
    """The step from version ``old`` to ``new``: major, minor, patch, or None
    when ``new`` is not above ``old``."""
    a, b = _version_key(old), _version_key(new)
    if b <= a:
        return None
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


def previous_version(name: str, version: str) -> str | None:
    """The newest released version before ``version``."""
    older = [v for v in versions(name) if _version_key(v) < _version_key(version)]
    return older[-1] if older else None
