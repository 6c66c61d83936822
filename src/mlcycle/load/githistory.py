"""Each item's status changes, read from the git history of ``lifecycle/`` at
run time (never stored): for every commit that touched a status file, the file
as it was then, read with the strict YAML reader, compared with the revision
before. Only ``git`` on the PATH is needed; no git, or not a repository: None.

What is read is bounded like every other input: at most ``MAX_COMMITS`` commits
(the newest), no blob over the reader's cap, at most ``MAX_TOTAL_BYTES`` in all;
what was left out is said in ``History.note``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlcycle.errors import MlcycleError
from mlcycle.load import gitcmd
from mlcycle.load.project import LIFECYCLE_DIR
from mlcycle.load.yamlio import MAX_BYTES, parse_mapping

MAX_COMMITS = 5000
MAX_TOTAL_BYTES = 4 * MAX_BYTES
_HASH = re.compile(rb"^[0-9a-f]{40}([0-9a-f]{24})?$")


@dataclass(frozen=True)
class StatusChange:
    commit: str
    author: str
    date: str  # the author date, ISO 8601
    path: str  # relative to the project
    item: str
    old: str
    new: str


@dataclass
class History:
    changes: list[StatusChange] = field(default_factory=list)  # oldest first
    note: str | None = None  # what was left out, when something was


@dataclass
class _Commit:
    sha: str
    author: str
    date: str
    names: list[bytes] = field(default_factory=list)  # repository-relative, as git gave them


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


def _commits(root: Path) -> tuple[list[_Commit], bool] | None:
    """The newest ``MAX_COMMITS`` commits that touched lifecycle/, oldest first,
    and whether older ones were left out (then one more commit comes first, the
    baseline the oldest change is measured from). NUL-separated (``-z``): no byte of an
    author's name or a path can be taken for a separator."""
    log = gitcmd.output(root, "log", "--no-renames", "--name-only", "-z",
                        f"--max-count={MAX_COMMITS + 1}", "--format=%H%x00%an%x00%aI",
                        "--", f"{LIFECYCLE_DIR}/")
    if log is None:
        return None
    commits: list[_Commit] = []
    tokens = iter(log.split(b"\0"))
    for token in tokens:
        token = token.lstrip(b"\n")
        if _HASH.match(token):  # a commit: hash, author, date (a path always holds a '/')
            author, when = next(tokens, b""), next(tokens, b"")
            commits.append(_Commit(token.decode(), gitcmd.text(author), gitcmd.text(when)))
        elif token and commits and token.endswith(b".yaml"):
            commits[-1].names.append(token)
    return list(reversed(commits)), len(commits) > MAX_COMMITS


def status_changes(root: Path) -> History | None:
    """None when ``root`` is not inside a git work tree."""
    where = gitcmd.where(root)
    if where is None:
        return None
    base = os.fsencode(where[1])
    found = _commits(root)
    if found is None:
        return History()
    commits, cut = found
    requests = [(c.sha, name) for c in commits for name in c.names]
    blobs, skipped = _read_blobs(root, requests)
    notes = []
    if cut:
        notes.append(f"only the newest {MAX_COMMITS} commits that changed lifecycle/ were read")
    if skipped:
        notes.append(f"{skipped} revision(s) of status files over the size limits were "
                     "skipped")
    # Per item id, not per file: an item that moves to another phase file (an
    # upgrade) keeps its status, and one that first appears already past `todo`
    # (a file committed with work done) counts from `todo`, as init writes it.
    last: dict[str, str] = {}
    history = History(note="; ".join(notes) or None)
    for index, commit in enumerate(commits):
        baseline = cut and index == 0  # its statuses are where the shown history starts
        for name in commit.names:
            display = gitcmd.path(name[len(base):] if name.startswith(base) else name)
            text = blobs.get((commit.sha, name))
            now = _statuses(text, display) if text is not None else {}
            for item, status in now.items():
                old = last.get(item, "todo")
                if old != status and not baseline:
                    history.changes.append(StatusChange(
                        commit.sha, commit.author, commit.date, display, item, old, status))
                last[item] = status
    return history


def _read_blobs(root: Path, requests: list[tuple[str, bytes]]
                ) -> tuple[dict[tuple[str, bytes], str], int]:
    """Every ``commit:path`` within the caps: sizes first, then only the blobs
    that fit, newest first, so the budget goes to the recent history. Returns
    the texts and how many revisions were skipped."""
    names = [sha.encode() + b":" + name for sha, name in requests]
    wanted: list[int] = []
    skipped, budget = 0, MAX_TOTAL_BYTES
    for index, size in reversed(list(enumerate(gitcmd.blob_sizes(root, names)))):
        if size is None:
            continue  # the file was deleted in that commit
        if size > MAX_BYTES or size > budget:
            skipped += 1
            continue
        budget -= size
        wanted.append(index)
    texts = gitcmd.blobs(root, [names[i] for i in sorted(wanted)])
    return {requests[i]: texts[names[i]] for i in wanted if names[i] in texts}, skipped
