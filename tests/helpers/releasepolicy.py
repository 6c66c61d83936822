"""The version policy of the built-in playbooks, which tests/read/test_releases.py
enforces: what step (patch, minor, major) a change of definitions asks for, and
what step a version number makes. Test code only, so it lives beside the test
(it was in ``mlcycle.load.releases``, which ships)."""

from __future__ import annotations

import json
from typing import Any

from mlcycle.load.releases import _version_key, versions


def record_text(record: dict[str, Any]) -> str:
    """Deterministic bytes for a record: sorted keys, LF, final newline."""
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


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
