"""The git readers on hostile repositories (issue 19): any author name git
accepts, and a project path of any bytes a file name may hold (not UTF-8
included), never crash `log`, `report`, `diff --base` or `check --base`.

Fewer examples than the project fuzzing: each one builds a git repository.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from conftest import FUZZ, FUZZ_SEED
from helpers.cli import run
from helpers.fuzzbase import SCRATCH, bad_lines
from helpers.git import git
from helpers.project import init_date
from hypothesis import given, seed, settings
from hypothesis import strategies as st

EXAMPLES = settings(FUZZ, max_examples=max(10, FUZZ.max_examples // 20))
# Any byte but NUL, '/' and newline (git's own limit for an author name is
# newline and angle brackets; a file name's is NUL and '/').
_NAME_BYTES = st.binary(min_size=1, max_size=12).filter(
    lambda b: b"\0" not in b and b"/" not in b and b not in (b".", b".."))
# git keeps a name whole but refuses one of only "crud" (blanks, dots,
# controls): a letter first keeps every example a name git accepts.
_AUTHORS = st.text(max_size=20).filter(
    lambda t: "\0" not in t and "\n" not in t and "<" not in t and ">" not in t
    ).map(lambda t: "A" + t.rstrip())


def _clean(args: tuple[str, ...], code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (args, code, err)
    assert "Traceback" not in out + err and "internal error" not in err, (args, err)
    if code == 2:
        assert bad_lines(err) == [], (args, err)


@EXAMPLES
@(seed(int(FUZZ_SEED)) if FUZZ_SEED else (lambda f: f))
@given(directory=_NAME_BYTES, author=_AUTHORS)
def test_hostile_author_and_path(directory: bytes, author: str) -> None:
    where = Path(tempfile.mkdtemp(dir=SCRATCH, prefix="mlcycle-fuzz-git-"))
    try:
        # The hostile name above the repository: below its root, init refuses a
        # directory no workflow can hold (tests/clients/test_workflow.py).
        repo = Path(os.fsdecode(os.path.join(os.fsencode(where), directory, b"repo")))
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main")
        root = repo
        with init_date():
            made = run("init", root, "--no-input", "--team", "pm=Ana")
        assert made.code == 0, made
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "init")
        assert run("set", "problem-statement", "doing", "-C", root).code == 0
        git(repo, "commit", "-qam", "start", author=author)
        for args in (("log", "-C", str(root)), ("log", "-C", str(root), "--format", "json"),
                     ("report", str(root), "--output", str(where / "r.html")),
                     ("diff", str(root), "--base", "HEAD~1"),
                     ("check", str(root), "--base", "HEAD~1")):
            result = run(*args)
            _clean(args, result.code, result.out, result.err)
            assert result.code in (0, 1), (args, result)
    finally:
        shutil.rmtree(where, ignore_errors=True)
