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
