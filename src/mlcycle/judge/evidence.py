"""Is a path evidence of an item? The evidence rule asks this of every path a
done item cites: it must exist, hold something (a non-empty file, or a
directory with one), not be a stub and not be one of mlcycle's own files.

It looks at the files themselves (stat, and the first MiB of a file for the
stub marker), because that is what "evidence" means; each path once per
evaluation, however many items cite it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mlcycle.codes import MLC103, MLC104, MLC109
from mlcycle.judge.own_files import OwnFiles
from mlcycle.load.project import Project

STUB_MARKER = b"<!-- mlcycle:stub -->"
STUB_SCAN_BYTES = 1024 * 1024  # a stub is a few KiB; evidence may be a 5 GiB model file


def _init_rendered(project: Project) -> dict[str, bytes]:
    from mlcycle.init.pristine import rendered

    return rendered(project)


class Evidence:
    """Checks one path of evidence; records why it is not evidence."""

    def __init__(self, root: Path, own: OwnFiles) -> None:
        self.root = root
        self.own = own
        # Many items cite the same document: look at each path once.
        self.known: dict[str, tuple[str, str] | None] = {}

    def is_own(self, path: Path) -> bool:
        """Is this one of the files mlcycle renders or reads to run the lifecycle?"""
        return self.own.holds(path)

    def check(self, rel: str) -> tuple[str, str] | None:
        """None when rel is evidence, else (code, reason). OSError propagates."""
        if rel not in self.known:
            self.known[rel] = self._check(rel)
        return self.known[rel]

    def _check(self, rel: str) -> tuple[str, str] | None:
        path = self.root / rel
        try:
            info = path.stat()
        except FileNotFoundError:
            return MLC103, "does not exist"
        except NotADirectoryError:
            return MLC103, "does not exist"
        whose = self.own.whose(path)
        if whose:
            return MLC109, f"is one of {whose} own files; it proves nothing about the item"
        if self.own.pristine(path):
            return MLC109, ("is the file `mlcycle init` rendered, unchanged; it proves "
                              "nothing about the item")
        if stat.S_ISREG(info.st_mode):
            if info.st_size == 0:
                return MLC103, "is an empty file"
            return (MLC104, "is still a stub (it carries <!-- mlcycle:stub -->)") \
                if self._is_stub(path) else None
        if stat.S_ISDIR(info.st_mode):
            if path.resolve() == self.root:
                return MLC103, "is the project directory itself, not a piece of evidence"
            return self._check_directory(path)
        return MLC103, "is neither a regular file nor a directory"

    @staticmethod
    def _is_stub(path: Path) -> bool:
        with open(path, "rb") as handle:
            return STUB_MARKER in handle.read(STUB_SCAN_BYTES)

    def _check_directory(self, directory: Path) -> tuple[str, str] | None:
        # Symlinks inside are not followed: they could lead anywhere.
        stubs = own = False
        stack = [directory]
        while stack:
            with os.scandir(stack.pop()) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    path = Path(entry.path)
                    if entry.is_dir(follow_symlinks=False):
                        if self.is_own(path):
                            own = True
                        else:
                            stack.append(path)
                    elif entry.is_file(follow_symlinks=False) and entry.stat().st_size > 0:
                        if self.is_own(path):
                            own = True
                        elif not self._is_stub(path):
                            return None
                        else:
                            stubs = True
        if own:
            return MLC109, ("is a directory that holds nothing but stubs and mlcycle's own "
                              "files; they prove nothing about the item")
        if stubs:
            return MLC104, "is a directory that holds only stubs (<!-- mlcycle:stub -->)"
        return MLC103, "is a directory without any non-empty file"


def for_project(project: Project) -> Evidence:
    """The checker of one project's evidence (mlcycle's own files known lazily)."""
    return Evidence(project.root, OwnFiles(project.root, project.file.playbook.path,
                                           lambda: _init_rendered(project)))
