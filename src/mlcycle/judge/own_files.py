"""The files that run the lifecycle, which are never evidence of an item (MLC109).

A status file, ``mlcycle.yaml`` or git's own data are not the team's work: citing
them would let anyone close a gate with a file that is always there. They are
recognised by where they resolve to (a symlink to a status file is one) and by
their inode (so is a hard link), never by the name the evidence gives.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

# Relative to the project. The workflow is the one init renders.
FILES = ("mlcycle.yaml", "LIFECYCLE.md", ".github/workflows/mlcycle.yml")
DIRECTORIES = ("lifecycle", ".mlcycle", ".git")
_MAX_INODES = 100_000  # a team playbook is a few dozen files; never walk a huge tree


class OwnFiles:
    def __init__(self, root: Path, playbook_path: str | None,
                 rendered: Callable[[], dict[str, bytes]] | None = None) -> None:
        self._playbook_path = playbook_path
        self._inodes: dict[tuple[int, int], str] | None = None
        self._root = root
        self._render = rendered
        self._rendered: dict[Path, bytes] | None = None
        self._last: tuple[Path, Path] | None = None  # whose() then pristine() of one path

    # Resolved when a path is first judged (a project citing only URLs never is),
    # each under the root resolved once: a portfolio judges a thousand projects.
    @cached_property
    def real_root(self) -> Path:
        return self._root.resolve()

    @cached_property
    def files(self) -> frozenset[Path]:
        return frozenset(_resolved_under(self.real_root, name) for name in FILES)

    @cached_property
    def directories(self) -> tuple[Path, ...]:
        directories = [_resolved_under(self.real_root, name) for name in DIRECTORIES]
        if self._playbook_path is not None:
            directories.append((self._root / self._playbook_path).resolve())
        return tuple(directories)

    def _resolve(self, path: Path) -> Path:
        if self._last is None or self._last[0] != path:
            self._last = (path, self._resolved(path))
        return self._last[1]

    def _resolved(self, path: Path) -> Path:
        """``path.resolve()``; a path below the root by plain names (cited
        evidence, a file of a cited directory) is resolved under the resolved root."""
        root = self._root
        if path.parts[:len(root.parts)] == root.parts and len(path.parts) > len(root.parts):
            rest = path.parts[len(root.parts):]
            if ".." not in rest:
                return _resolved_under(self.real_root, "/".join(rest))
        return path.resolve()

    def pristine(self, path: Path) -> bool:
        """Is ``path`` a file ``init`` writes once (README.md, the pre-commit
        config), still byte for byte as it would render it today?"""
        if self._render is None:
            return False
        resolved = self._resolve(path)
        if resolved.parent != self.real_root or resolved.name not in (
                "README.md", ".pre-commit-config.yaml"):
            return False
        if self._rendered is None:
            self._rendered = {(self._root / rel).resolve(): data
                              for rel, data in self._render().items()}
        want = self._rendered.get(resolved)
        try:
            return want is not None and resolved.read_bytes() == want
        except OSError:
            return False

    def holds(self, path: Path) -> bool:
        """Is ``path`` (or what it links to) one of the lifecycle's own files?"""
        return self.whose(path) is not None

    def whose(self, path: Path) -> str | None:
        """"mlcycle's" or "git's" when ``path`` is one of their files, else None."""
        resolved = self._resolve(path)
        if resolved in self.files:
            return "mlcycle's"
        parts = resolved.parts
        for directory in self.directories:
            # The directory itself or one of its parents: as ``resolved == directory
            # or directory in resolved.parents``, without a Path per parent.
            if parts[:len(directory.parts)] == directory.parts:
                return "git's" if directory.name == ".git" else "mlcycle's"
        try:
            info = os.stat(resolved)
        except OSError:
            return None
        if info.st_nlink < 2:
            return None  # no other name: not a hard link to anything
        return self.inodes().get((info.st_dev, info.st_ino))

    def inodes(self) -> dict[tuple[int, int], str]:
        """(device, inode) -> whose, of every own regular file, found once, only
        when a piece of evidence has several names."""
        if self._inodes is None:
            found: dict[tuple[int, int], str] = {}
            # The repository's .git is walked too ("never evidence, also through a
            # hard link"), found at or above the project as git finds it, its
            # object store first on the stack so that it is popped last.
            git = _git_directory(self.real_root)
            stack: list[tuple[Path, str]] = [(git / "objects", "git's")] if git else []
            stack += [(f, "mlcycle's") for f in self.files]
            stack += [(d, "mlcycle's") for d in self.directories if d.name != ".git"]
            if git is not None:
                stack += [(child, "git's") for child in _children(git)
                          if child.name != "objects"]
            while stack and len(found) < _MAX_INODES:
                path, whose = stack.pop()
                try:
                    if path.is_dir() and not path.is_symlink():
                        stack.extend((child, whose) for child in path.iterdir())
                    elif path.is_file():
                        info = path.stat()
                        found[(info.st_dev, info.st_ino)] = whose
                except OSError:
                    continue
            self._inodes = found
        return self._inodes


def _resolved_under(real_root: Path, name: str) -> Path:
    """``real_root / name`` resolved, as ``Path.resolve`` would: ``real_root`` is
    resolved already, so only ``name``'s own parts (plain names, no ``..``) can be
    links; when one is, the whole path is resolved."""
    current = os.fspath(real_root)
    for part in name.split("/"):  # as strings: a Path per part costs more than the lstat
        current = os.path.join(current, part)
        if os.path.islink(current):
            return (real_root / name).resolve()
    return real_root / name


def _git_directory(root: Path) -> Path | None:
    for candidate in (root, *root.parents):
        if (candidate / ".git").is_dir():
            return candidate / ".git"
    return None


def _children(directory: Path) -> list[Path]:
    try:
        return list(directory.iterdir())
    except OSError:
        return []
