"""Each item's status changes, read from the git history of ``lifecycle/`` at
run time (never stored): for every commit that touched a status file, the file
as it was then, read with the strict YAML reader, compared with the revision
before. Only ``git`` on the PATH is needed; no git, or not a repository: None.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlcycle.errors import MlcycleError
from mlcycle.load.project import LIFECYCLE_DIR
from mlcycle.load.yamlio import parse_mapping

_SEP = "\x1f"


@dataclass(frozen=True)
class StatusChange:
    commit: str
    author: str
    date: str  # the author date, ISO 8601
    path: str  # relative to the project
    item: str
    old: str
    new: str


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True,
                              timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _statuses(text: str, display: str) -> dict[str, str]:
    try:
        data = parse_mapping(text, display)
    except MlcycleError:
        return {}  # a revision that did not parse: nothing to compare
    items: Any = data.get("items")
    out: dict[str, str] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            status = item.get("status", "todo")
            out[item["id"]] = status if isinstance(status, str) else str(status)
    return out


def status_changes(root: Path) -> list[StatusChange] | None:
    """Oldest first; None when ``root`` is not inside a git work tree."""
    prefix = _git(root, "rev-parse", "--show-prefix")
    if prefix is None:
        return None
    base = prefix.decode().strip()
    log = _git(root, "log", "--reverse", "--no-renames", "--name-only",
               f"--format={_SEP}%H{_SEP}%an{_SEP}%aI", "--", f"{LIFECYCLE_DIR}/")
    if log is None:
        return []
    commits: list[tuple[str, str, str, list[str]]] = []
    for line in log.decode("utf-8", "replace").splitlines():
        if line.startswith(_SEP):
            _, sha, author, when = line.split(_SEP)
            commits.append((sha, author, when, []))
        elif line.strip() and commits and line.endswith(".yaml"):
            commits[-1][3].append(line.strip())
    requests = [(sha, name) for sha, _, _, names in commits for name in names]
    blobs = _read_blobs(root, requests)
    # Per item id, not per file: an item that moves to another phase file (an
    # upgrade) keeps its status, and one that first appears already past `todo`
    # (a file committed with work done) counts from `todo`, as init writes it.
    last: dict[str, str] = {}
    changes: list[StatusChange] = []
    for sha, author, when, names in commits:
        for name in names:
            display = name[len(base):] if name.startswith(base) else name
            text = blobs.get((sha, name))
            now = _statuses(text, display) if text is not None else {}
            for item, status in now.items():
                old = last.get(item, "todo")
                if old != status:
                    changes.append(StatusChange(sha, author, when, display, item, old, status))
                last[item] = status
    return changes


def _read_blobs(root: Path, requests: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Every ``commit:path`` through one ``git cat-file --batch``."""
    if not requests:
        return {}
    stdin = "".join(f"{sha}:{name}\n" for sha, name in requests).encode()
    out = _git(root, "cat-file", "--batch", stdin=stdin)
    blobs: dict[tuple[str, str], str] = {}
    if out is None:
        return blobs
    at = 0
    for request in requests:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # "missing": the file was deleted in that commit
        size = int(header[2])
        blobs[request] = out[at:at + size].decode("utf-8", "replace").removeprefix("\ufeff")
        at += size + 1
    return blobs
