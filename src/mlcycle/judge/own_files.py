"""The files that run the lifecycle, which are never evidence of an item (MLC109).

A status file, ``mlcycle.yaml`` or git's own data are not the team's work: citing
them would let anyone close a gate with a file that is always there. They are
recognised by where they resolve to (a symlink to a status file is one) and by
their inode (so is a hard link), never by the name the evidence gives.
"""

from __future__ import annotations

import os
from pathlib import Path

# Relative to the project. The workflow is the one init renders.
FILES = ("mlcycle.yaml", "LIFECYCLE.md", ".github/workflows/mlcycle.yml")
DIRECTORIES = ("lifecycle", ".mlcycle", ".git")
_MAX_INODES = 100_000  # a team playbook is a few dozen files; never walk a huge tree


class OwnFiles:
    def __init__(self, root: Path, playbook_path: str | None) -> None:
        self.files = frozenset((root / name).resolve() for name in FILES)
        directories = [(root / name).resolve() for name in DIRECTORIES]
        if playbook_path is not None:
            directories.append((root / playbook_path).resolve())
        self.directories = tuple(directories)
        self._inodes: set[tuple[int, int]] | None = None
        self._root = root

    def holds(self, path: Path) -> bool:
        """Is ``path`` (or what it links to) one of the lifecycle's own files?"""
        return self.whose(path) is not None

    def whose(self, path: Path) -> str | None:
        """"mlcycle's" or "git's" when ``path`` is one of their files, else None."""
        resolved = path.resolve()
        if resolved in self.files:
            return "mlcycle's"
        for directory in self.directories:
            if resolved == directory or directory in resolved.parents:
                return "git's" if directory.name == ".git" else "mlcycle's"
        try:
            info = os.stat(resolved)
        except OSError:
            return None
        if info.st_nlink < 2:
            return None  # no other name: not a hard link to anything
        return "mlcycle's" if (info.st_dev, info.st_ino) in self.inodes() else None

    def inodes(self) -> set[tuple[int, int]]:
        """(device, inode) of every own regular file, found once, only when a
        piece of evidence has several names."""
        if self._inodes is None:
            found: set[tuple[int, int]] = set()
            stack = [*self.files, *(d for d in self.directories if d.name != ".git")]
            while stack and len(found) < _MAX_INODES:
                path = stack.pop()
                try:
                    if path.is_dir() and not path.is_symlink():
                        stack.extend(path.iterdir())
                    elif path.is_file():
                        info = path.stat()
                        found.add((info.st_dev, info.st_ino))
                except OSError:
                    continue
            self._inodes = found
        return self._inodes
