"""A project as it was at the merge base of a ref and HEAD, read from git.

Each file is read with ``git show BASE:path`` and parsed with the same strict
reader as the working tree (``yamlio.parse_document`` + ``validation.validate``),
file by file: a definition edited in the working tree must still be shown by
``diff``, so neither side goes through the full project loader here.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from mlcycle.codes import MLC001, MLC062, MLC063, MLC064
from mlcycle.errors import Location, MlcycleError, Problem
from mlcycle.load import gitcmd
from mlcycle.load.model import OverlayFile, PhaseFile, ProjectFile
from mlcycle.load.overlays import OVERLAY_DIR
from mlcycle.load.validation import validate
from mlcycle.load.yamlio import MAX_BYTES, parse_document, read_text

PROJECT_FILE = "mlcycle.yaml"
LIFECYCLE_DIR = "lifecycle"
_PHASE_FILE_RE = re.compile(r"^\d{2}-[a-z][a-z0-9-]*\.yaml$")
_OVERLAY_RE = re.compile(r"^[a-z][a-z0-9-]*\.yaml$")
FIX_SHALLOW = ("fetch the history: `git fetch --unshallow`, or in GitHub Actions "
               "actions/checkout with `fetch-depth: 0`")


@dataclass
class Snapshot:
    """The lifecycle files of one revision, each parsed on its own."""

    label: str  # "base 1a2b3c4" or "working tree"
    project: ProjectFile | None = None
    phases: dict[str, PhaseFile] = field(default_factory=dict)  # phase id -> file, in file order
    overlays: dict[str, OverlayFile] = field(default_factory=dict)  # overlay name -> its file
    unreadable: list[Problem] = field(default_factory=list)  # files that did not parse


_git = gitcmd.run


def _out(done: subprocess.CompletedProcess[bytes]) -> str:
    return gitcmd.text(done.stdout).strip()


@dataclass(frozen=True)
class Base:
    commit: str  # the merge base
    ref: str
    prefix: str  # the project directory relative to the repository root ("" or "a/b/")
    top: Path  # the repository root


def merge_base(root: Path, ref: str) -> Base:
    """The merge base of ``ref`` and HEAD, as ``git diff --merge-base`` uses it."""
    _git(root, "--version")  # MLC062 when git cannot be run at all
    found = gitcmd.where(root)
    if found is None:
        raise MlcycleError.at(MLC062, f"--base {ref}: {root.as_posix()} is not inside a git "
                              "repository; diff and check --base compare with a git revision",
                              "<command line>")
    top, prefix = found
    if ref.startswith("-") or _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                                   f"{ref}^{{commit}}").returncode != 0:
        raise MlcycleError.at(MLC063, f"--base {ref!r} {_why_unknown(root, ref)}",
                              "<command line>")
    done = _git(root, "merge-base", "--end-of-options", ref, "HEAD")
    if done.returncode != 0:
        if _out(_git(root, "rev-parse", "--is-shallow-repository")) == "true":
            raise MlcycleError.at(MLC064, f"--base {ref}: no merge base with HEAD in this "
                                  f"shallow clone; {FIX_SHALLOW}", "<command line>")
        raise MlcycleError.at(MLC064, f"--base {ref}: it shares no history with HEAD "
                              "(no merge base)", "<command line>")
    return Base(_out(done), ref, prefix, top)


def _why_unknown(root: Path, ref: str) -> str:
    """Why ``ref`` names no commit here, and what to do. The shallow-clone hint
    only where it can help: a commit id (it may lie past the clone's depth) or a
    branch its remote has; anything else is an unknown name (a typo)."""
    if not ref.startswith("-"):
        kind = _git(root, "cat-file", "-t", "--end-of-options", ref)
        if kind.returncode == 0:
            return f"names a {_out(kind)}, not a commit"
    shallow = _out(_git(root, "rev-parse", "--is-shallow-repository")) == "true"
    if not shallow:
        return ("is not a known git revision (fetch it first, e.g. `git fetch origin main`, "
                "and name it origin/main)")
    if re.fullmatch(r"[0-9a-fA-F]{7,64}", ref):
        return f"is not in this shallow clone; {FIX_SHALLOW}"
    remotes = _out(_git(root, "remote")).split()
    remote, _, branch = ref.partition("/")
    if remote in remotes and branch and _remote_has(root, remote, branch):
        return (f"was not fetched into this shallow clone: `git fetch {remote} {branch}`, "
                "or in GitHub Actions actions/checkout with `fetch-depth: 0`")
    from mlcycle.load.validation import did_you_mean

    names = [name for name in _out(_git(root, "for-each-ref", "--format=%(refname:short)")
                                   ).split() if not name.endswith("/HEAD")]
    return f"is not a known git revision (unknown ref){did_you_mean(ref, names)}"


def _remote_has(root: Path, remote: str, branch: str) -> bool:
    """Whether ``remote`` has ``branch`` (asked only on the error path; a remote
    that cannot be reached, or asks for credentials, counts as no)."""
    try:
        done = subprocess.run(["git", "ls-remote", "--exit-code", "--heads", "--end-of-options",
                               remote, branch], cwd=root, capture_output=True, timeout=20,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0"}, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _show(base: Base, rels: list[str]) -> dict[str, str | Problem]:
    """The files at the base: text, or a located problem for one over the
    reader's size cap (never read in full). Absent files are left out."""
    names = [os.fsencode(f"{base.commit}:{base.prefix}{rel}") for rel in rels]
    found: dict[str, str | Problem] = {}
    fits: list[bytes] = []
    for rel, name, size in zip(rels, names, gitcmd.blob_sizes(base.top, names), strict=True):
        if size is not None and size > MAX_BYTES:
            found[rel] = Problem(Location(rel, 1, 1), MLC001,
                                 f"file is {size} bytes; the limit is {MAX_BYTES}")
        elif size is not None:
            fits.append(name)
    texts = gitcmd.blobs(base.top, fits)
    for rel, name in zip(rels, names, strict=True):
        if name in texts:
            found[rel] = texts[name]
    return found


def show(base: Base, rels: list[str]) -> dict[str, str | Problem]:
    """Project-relative files at the base (``diff --base`` reads metrics files
    with it): text, or a problem for a file over the size cap; absent files are
    left out."""
    return _show(base, rels)


def _files_at(base: Base) -> list[str]:
    done = _git(base.top, "ls-tree", "--name-only", f"{base.commit}:{base.prefix}{LIFECYCLE_DIR}")
    if done.returncode != 0:
        return []
    found = sorted(f"{LIFECYCLE_DIR}/{name}" for name in map(gitcmd.path, done.stdout.split(b"\n"))
                   if _PHASE_FILE_RE.match(name))
    done = _git(base.top, "ls-tree", "--name-only", f"{base.commit}:{base.prefix}{OVERLAY_DIR}")
    if done.returncode == 0:
        found += sorted(f"{OVERLAY_DIR}/{name}" for name in
                        map(gitcmd.path, done.stdout.split(b"\n")) if _OVERLAY_RE.match(name))
    return found


def _parse(snapshot: Snapshot, text: str, rel: str,
           model: type[ProjectFile] | type[PhaseFile] | type[OverlayFile]
           ) -> ProjectFile | PhaseFile | OverlayFile | None:
    try:
        data, marks = parse_document(text, rel)
        return validate(model, data, text, rel, marks)
    except MlcycleError as exc:
        snapshot.unreadable.extend(exc.problems[:1])
        return None


def _fill(snapshot: Snapshot, texts: list[tuple[str, str]]) -> Snapshot:
    for rel, text in texts:
        if rel == PROJECT_FILE:
            parsed = _parse(snapshot, text, rel, ProjectFile)
            snapshot.project = parsed if isinstance(parsed, ProjectFile) else None
        elif rel.startswith(OVERLAY_DIR + "/"):
            overlay = _parse(snapshot, text, rel, OverlayFile)
            if isinstance(overlay, OverlayFile):
                snapshot.overlays.setdefault(overlay.overlay, overlay)
        else:
            phase = _parse(snapshot, text, rel, PhaseFile)
            if isinstance(phase, PhaseFile):
                snapshot.phases.setdefault(phase.phase, phase)
    return snapshot


def at_base(base: Base) -> Snapshot:
    snapshot = Snapshot(f"base {base.commit[:7]}")
    texts = []
    for rel, found in _show(base, [PROJECT_FILE, *_files_at(base)]).items():
        if isinstance(found, Problem):
            snapshot.unreadable.append(found)
        else:
            texts.append((rel, found))
    return _fill(snapshot, texts)


def working_tree(root: Path) -> Snapshot:
    texts = []
    paths = [root / PROJECT_FILE]
    lifecycle = root / LIFECYCLE_DIR
    if lifecycle.is_dir():
        paths += sorted(p for p in lifecycle.iterdir() if _PHASE_FILE_RE.match(p.name))
    if (root / OVERLAY_DIR).is_dir():
        paths += sorted(p for p in (root / OVERLAY_DIR).iterdir() if _OVERLAY_RE.match(p.name))
    snapshot = Snapshot("working tree")
    for path in paths:
        rel = path.relative_to(root).as_posix()
        try:
            texts.append((rel, read_text(path, rel)))
        except MlcycleError as exc:
            if path.name != PROJECT_FILE or path.exists():
                snapshot.unreadable.extend(exc.problems[:1])
    return _fill(snapshot, texts)


def archive(base: Base, paths: list[str], dest: Path) -> list[str]:
    """Write the files under ``paths`` (repository-relative) at the base into
    ``dest``, streamed from ``git archive``: a file over the reader's size cap
    (a data set committed beside the project) is skipped, never held in memory;
    returns the skipped paths."""
    import tarfile

    skipped: list[str] = []
    try:
        proc = subprocess.Popen(
            ["git", "archive", "--format=tar", base.commit, "--", *paths], cwd=base.top,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError as exc:
        raise MlcycleError.at(MLC062, f"cannot run git: {exc}", "<command line>") from None
    assert proc.stdout is not None
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                if member.size > MAX_BYTES:
                    skipped.append(member.name)
                    continue
                try:
                    if hasattr(tarfile, "data_filter"):  # refuses links and paths out of dest
                        tar.extract(member, dest, filter="data")
                    else:  # pragma: no cover - Python before 3.10.12 / 3.11.4
                        tar.extract(member, dest)  # noqa: S202 - our own repository's blobs
                except tarfile.TarError:
                    skipped.append(member.name)  # a link out of the tree: not extracted
    except tarfile.ReadError:
        pass  # a path absent at the base: git printed nothing to judge there
    finally:
        proc.stdout.close()
        proc.wait()
    return skipped
