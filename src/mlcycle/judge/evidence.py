"""Is a path evidence of an item? The evidence rule asks this of every path a
done item cites: it must exist, hold something (a file with content, or a
directory with one), not be a stub and not be one of mlcycle's own files.

"Holds something": not zero bytes or whitespace only; a Jupyter notebook
(``.ipynb``) with at least one cell whose source is not blank; a Markdown file
(``.md``, ``.markdown``) with a line that is not blank, not an ATX heading
(``# ...``) and not inside an HTML comment. A file larger than the scan limit
holds something.

A document ``init`` rendered from a stub also has its prompts answered: the
prompt lines of a stub are the lines of the stub, as ``init`` renders it for
this project (``init/pristine.stubs``), that carry ``TODO`` (the note under the
marker, each question, each ``| TODO | TODO |`` table row). A line of the
document identical to one of them but for white space (the line ending, spaces
added at its end or between words: no answer at all) is unanswered; anything
the team wrote, ``TODO`` in it or not, is not. Only the document at
the path the playbook gives it is compared with its stub.

It looks at the files themselves (stat, and the first MiB of a file), because
that is what "evidence" means; each path once per evaluation, however many
items cite it.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Callable
from pathlib import Path

from mlcycle.codes import MLC103, MLC104, MLC109
from mlcycle.judge.own_files import OwnFiles
from mlcycle.load.project import Project

STUB_MARKER = b"<!-- mlcycle:stub -->"
STUB_SCAN_BYTES = 1024 * 1024  # a stub is a few KiB; evidence may be a 5 GiB model file
PROMPT = "TODO"  # a stub's line that carries it is a prompt to answer
_COMMENT = re.compile(rb"<!--.*?(-->|\Z)", re.S)
_HEADING = re.compile(rb"^ {0,3}#{1,6}(\s|$)")
_MARKDOWN = (".md", ".markdown")


def _init_rendered(project: Project) -> dict[str, bytes]:
    from mlcycle.init.pristine import rendered

    return rendered(project)


def _words(line: str) -> str:
    return " ".join(line.split())


def prompt_lines(stub: str) -> frozenset[str]:
    """The prompt lines of a rendered stub, white space folded (see the module's
    docstring)."""
    return frozenset(_words(text) for text in stub.split("\n") if PROMPT in text)


def unanswered(data: bytes, prompts: frozenset[str]) -> tuple[int, int]:
    """(how many lines of ``data`` are prompt lines, the 1-based line of the first)."""
    count = first = 0
    for number, raw in enumerate(data.decode("utf-8", "replace").split("\n"), 1):
        if PROMPT in raw and _words(raw) in prompts:
            count += 1
            first = first or number
    return count, first


def emptiness(path: Path, data: bytes) -> str:
    """Why a file's first bytes hold nothing a reader could use ("" when they do)."""
    if not data.strip():
        return "holds only whitespace; write the work into it" if data else \
            "is an empty file; write the work into it"
    suffix = path.suffix.lower()
    if suffix == ".ipynb":
        return _empty_notebook(data)
    if suffix in _MARKDOWN:
        text = _COMMENT.sub(b"", data)
        if all(not line.strip() or _HEADING.match(line) for line in text.split(b"\n")):
            return ("is a Markdown file with nothing but headings, blank lines and comments; "
                    "write what the item found under the headings")
    return ""


def _empty_notebook(data: bytes) -> str:
    import json

    try:
        notebook = json.loads(data)
    except ValueError:
        return ""  # not JSON: a notebook only its tools can judge
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return ""
    if not cells:
        return "is a Jupyter notebook without cells; commit the notebook with its work"
    for cell in cells:
        source = cell.get("source", "") if isinstance(cell, dict) else "x"
        text = "".join(source) if isinstance(source, list) else source
        if not isinstance(text, str) or text.strip():
            return ""
    return "is a Jupyter notebook whose cells are all empty; commit the notebook with its work"


class Evidence:
    """Checks one path of evidence; records why it is not evidence."""

    def __init__(self, root: Path, own: OwnFiles,
                 stub_of: Callable[[str], str | None] = lambda rel: None) -> None:
        self.root = root
        self.own = own
        self.stub_of = stub_of  # the stub init renders at a path, or None
        # Many items cite the same document: look at each path once.
        self.known: dict[str, tuple[str, str] | None] = {}
        self.prompts: dict[str, tuple[int, int]] = {}

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
            data = self._head(path)
            if STUB_MARKER in data:
                return MLC104, "is still a stub (it carries <!-- mlcycle:stub -->)"
            empty = emptiness(path, data) if info.st_size <= STUB_SCAN_BYTES else ""
            return (MLC103, empty) if empty else None
        if stat.S_ISDIR(info.st_mode):
            if path.resolve() == self.root:
                return MLC103, "is the project directory itself, not a piece of evidence"
            return self._check_directory(path)
        return MLC103, "is neither a regular file nor a directory"

    def unanswered(self, rel: str) -> tuple[int, int]:
        """(count, first line) of the stub's prompt lines the document at ``rel``
        still holds; (0, 0) when it holds none or no stub is rendered there. Asked
        only of a path ``check`` accepted. OSError propagates."""
        if rel not in self.prompts:
            self.prompts[rel] = (0, 0)
            if not stat.S_ISREG((self.root / rel).stat().st_mode):
                return self.prompts[rel]  # a directory: no stub was rendered as one
            data = self._head(self.root / rel)
            # Every prompt line holds TODO: a document without one is answered, and
            # its stub is not rendered (a filled project's check stays fast).
            stub = self.stub_of(posixpath.normpath(rel)) if PROMPT.encode() in data else None
            if stub is not None:
                self.prompts[rel] = unanswered(data, prompt_lines(stub))
        return self.prompts[rel]

    @staticmethod
    def _head(path: Path) -> bytes:
        with open(path, "rb") as handle:
            return handle.read(STUB_SCAN_BYTES)

    @classmethod
    def _holds_something(cls, path: Path, size: int) -> tuple[bool, bool]:
        """(is a stub, holds something) for a file inside a cited directory."""
        data = cls._head(path)
        if STUB_MARKER in data:
            return True, False
        return False, size > STUB_SCAN_BYTES or not emptiness(path, data)

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
                            continue
                        is_stub, holds = self._holds_something(path, entry.stat().st_size)
                        if holds:
                            return None
                        stubs = stubs or is_stub
        if own:
            return MLC109, ("is a directory that holds nothing but stubs and mlcycle's own "
                              "files; they prove nothing about the item")
        if stubs:
            return MLC104, "is a directory that holds only stubs (<!-- mlcycle:stub -->)"
        return MLC103, ("is a directory without any file that holds something (empty, "
                        "whitespace, headings only, a notebook without cells)")


def for_project(project: Project) -> Evidence:
    """The checker of one project's evidence (mlcycle's own files known lazily)."""
    stub_of: list[Callable[[str], str | None]] = []

    def stub(rel: str) -> str | None:
        if not stub_of:  # init is imported only when a cited path is judged
            from mlcycle.init.pristine import stubs

            stub_of.append(stubs(project))
        return stub_of[0](rel)

    return Evidence(project.root, OwnFiles(project.root, project.file.playbook.path,
                                           lambda: _init_rendered(project)), stub)
