"""A pulled metrics file: its deterministic bytes, how it differs from the
committed one, and writing it into the project.

The file is JSON (sorted keys, 2-space indent, LF, a final newline): the run's
latest value of each metric under its own name (``val/loss`` is read as
``/val~1loss``), plus ``_source``, the provenance block. Pulling again with
nothing changed keeps the earlier ``pulled`` date, so no byte changes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mlcycle.codes import MLC001, MLC083, MLC084
from mlcycle.errors import MlcycleError

SOURCE = "_source"
WHERE = "<command line>"


@dataclass(frozen=True)
class Target:
    """Where the file goes: its absolute path, its project-relative name and the
    bytes it holds now (None: absent)."""

    path: Path
    display: str
    before: bytes | None


def target(root: Path, rel: str) -> Target:
    """``--to``, checked: a .json path inside the project (the evidence rules),
    not a directory; MLC084 otherwise."""
    from mlcycle.load.project import evidence_escapes

    why = evidence_escapes(root, rel) if rel else "is empty"
    if why:
        raise MlcycleError.at(MLC084, f"--to {rel!r} {why}; name a file inside the project, "
                              "such as reports/eval.json", WHERE)
    if not rel.endswith(".json"):
        raise MlcycleError.at(MLC084, f"--to {rel!r}: a pulled metrics file is JSON; name it "
                              "*.json (checks read a file by its extension)", WHERE)
    path = root / rel
    if path.exists() and not path.is_file():
        raise MlcycleError.at(MLC084, f"--to {rel!r} exists and is not a regular file; name "
                              "a file", WHERE)
    try:
        before = path.read_bytes() if path.exists() else None
    except OSError as exc:
        raise MlcycleError.at(MLC001, f"cannot read: {exc.strerror or exc}", rel) from None
    return Target(path, rel, before)


def previous(found: Target) -> dict[str, Any] | None:
    """The committed file's content when mlcycle pulled it (None when absent);
    MLC084 for a file that holds something else, which a pull would overwrite."""
    if found.before is None:
        return None
    try:
        data = json.loads(found.before.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get(SOURCE), dict) \
            or "tracker" not in data[SOURCE]:
        raise MlcycleError.at(MLC084, f"{found.display} exists and was not written by "
                              "`mlcycle metrics pull` (no _source block), so pulling would "
                              "overwrite numbers from elsewhere; move it away (git mv) or "
                              "choose another --to", WHERE)
    return data


def document(metrics: dict[str, float], source: dict[str, str], today: date,
             before: dict[str, Any] | None) -> bytes:
    """The file's bytes; the earlier ``pulled`` date is kept when nothing else changed."""
    if SOURCE in metrics:
        raise MlcycleError.at(MLC083, f"the run logs a metric named {SOURCE!r}, the name of "
                              "the provenance block; rename that metric in the job", WHERE)
    data: dict[str, Any] = dict(metrics)
    data[SOURCE] = {**source, "pulled": today.isoformat()}
    if before is not None and _same(before, data):
        data[SOURCE]["pulled"] = before[SOURCE].get("pulled", today.isoformat())
    # NaN and infinity stay as the tracker has them (JSON's NaN/Infinity): check
    # then refuses them (MLC126) rather than this command hiding them.
    return (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def _without_date(data: dict[str, Any]) -> dict[str, Any]:
    source = {k: v for k, v in data[SOURCE].items() if k != "pulled"}
    return {**{k: v for k, v in data.items() if k != SOURCE}, SOURCE: source}


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    # json.dumps compares NaN as text; == would say NaN differs from itself.
    return json.dumps(_without_date(a), sort_keys=True) == \
        json.dumps(_without_date(b), sort_keys=True)


def differences(before: dict[str, Any] | None, after: bytes, display: str) -> list[str]:
    """One line per metric or provenance field that differs (old -> new); empty when
    the committed file already holds what the tracker says."""
    if before is None:
        return [f"{display} does not exist yet"]
    new = json.loads(after.decode("utf-8"))
    lines = []
    for name in sorted((set(before) | set(new)) - {SOURCE}):
        old_value, new_value = before.get(name), new.get(name)
        if json.dumps(old_value) != json.dumps(new_value):
            lines.append(f"{name}: {_shown(old_value)} -> {_shown(new_value)}")
    old_source, new_source = before[SOURCE], new[SOURCE]
    for key in sorted((set(old_source) | set(new_source)) - {"pulled"}):
        if old_source.get(key) != new_source.get(key):
            lines.append(f"{SOURCE}.{key}: {_shown(old_source.get(key))} -> "
                         f"{_shown(new_source.get(key))}")
    return lines


def _shown(value: Any) -> str:
    if value is None:
        return "(absent)"
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return str(value) if isinstance(value, float) else json.dumps(value, ensure_ascii=False)


def write(found: Target, data: bytes) -> bool:
    """Write ``data`` to the target atomically under the project's lock (refused,
    nothing written, when the file changed since it was read); False when the
    file already holds these bytes."""
    from mlcycle.disk.transaction import FileChange, commit

    if data == found.before:
        return False
    found.path.parent.mkdir(parents=True, exist_ok=True)
    commit([FileChange(found.path, found.display, found.before, data)])
    return True
