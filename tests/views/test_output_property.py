"""The output-safety property (issue 9, items 6-8): whatever hostile text a user
puts in keys, values, titles, owners, evidence, notes, team names, command-line
options or directory names, no raw control, bidi or separator character reaches
any output of the real CLI, in any format, and no output gains or loses a line.

Every case runs the same scenario twice: once with generated hostile strings,
once with plain ones. Line counts must be equal (the hostile run can forge no
line); JSON must parse and carry the text exactly as written; JUnit must be
well-formed XML whose text is the escaped text.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.safety import raw_unsafe, set_state, yaml_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcycle import escape

TODAY = "2025-01-01"
# The characters the escaping must catch, and ones that mean something to a
# terminal, GitHub, XML, Markdown or rich. No '/': a name is one path component.
HOSTILE = ("\n\r\t\x00\x07\x08\x1b\x7f\x85\x9b\x9c\u061c\u200e\u200f\u2028\u2029"
           "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufffe\uffff")
ORDINARY = "aZ09 :,%'\"[]|*_<>&\\`#-=.!;é漢"


def hostile(exclude: str = "") -> st.SearchStrategy[str]:
    """Text with at least one character the escaping must catch."""
    alphabet = st.sampled_from([c for c in HOSTILE + ORDINARY if c not in exclude])
    unsafe = st.sampled_from([c for c in HOSTILE if c not in exclude])
    part = st.text(alphabet, max_size=12)
    return st.builds(lambda a, u, b: a + u + b, part, unsafe, part)


@dataclass
class Texts:
    title: str
    owner: str
    team: str
    notes: str
    evidence: str
    approver: str
    key: str
    option: str
    directory: str


PLAIN = Texts(title="Plain title", owner="Olga", team="Tom", notes="Needs data",
              evidence="missing.md", approver="Amy", key="unknown", option="nobody",
              directory="project")

TEXTS = st.builds(
    Texts,
    title=hostile("\r\n").map(lambda s: "T" + s),  # a title is one line (else exit 2)
    # Names are one line (a newline is a located error, covered by the key below).
    owner=hostile("\r\n").map(lambda s: "O" + s),  # prefixes keep the roles distinct
    team=hostile("\r\n").map(lambda s: "T" + s),
    notes=hostile().map(lambda s: "N" + s),
    evidence=hostile("\x00\\\r\n").map(lambda s: "E" + s),  # a path on one line
    approver=hostile("\r\n").map(lambda s: "A" + s),
    key=hostile().map(lambda s: "K" + s),
    option=hostile().map(lambda s: "P" + s),
    directory=hostile("\x00").map(lambda s: "D" + s),
)

PLACEHOLDER = "Placeholder title"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A team playbook (five-phase, one gate title replaceable) and a project
    made from it by ``mlcycle init``, side by side."""
    root = tmp_path_factory.mktemp("base")
    playbook = root / "pb"
    shutil.copytree(Path(__file__).parents[2] / "phases" / "five-phase", playbook)
    define = playbook / "define.yaml"
    text = define.read_text(encoding="utf-8")
    plain = "  - id: problem-statement\n    title: Problem statement\n"
    assert text.count(plain) == 1
    define.write_text(text.replace(plain, plain.replace("Problem statement", PLACEHOLDER)),
                      encoding="utf-8")
    old = Path.cwd()
    os.chdir(root)
    try:
        made = run("init", "project", "--no-input", "--playbook", "./pb", "--team", "pm=Ana")
    finally:
        os.chdir(old)
    assert made.code == 0, made
    yield root


def _title(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(f"title: {PLACEHOLDER}\n") == 1, path
    path.write_text(text.replace(f"title: {PLACEHOLDER}\n", f"title: {yaml_text(title)}\n"),
                    encoding="utf-8")


def _prepare(base: Path, where: Path, t: Texts) -> Path:
    shutil.copytree(base / "pb", where / "pb")
    project = where / t.directory
    shutil.copytree(base / "project", project)
    # The definition changes in the playbook and in its copy alike: they stay equal.
    _title(where / "pb" / "define.yaml", t.title)
    _title(project / "lifecycle/01-define.yaml", t.title)
    meta = project / "mlcycle.yaml"
    text = meta.read_text(encoding="utf-8")
    assert "    - Ana\n" in text
    meta.write_text(text.replace("    - Ana\n", f"    - Ana\n    - {yaml_text(t.team)}\n"),
                    encoding="utf-8")
    url = "https://x.example/" + "".join(c for c in t.evidence if not c.isspace())
    set_state(project, "problem-statement", [
        "status: done", f"owner: {yaml_text(t.owner)}", "evidence:",
        f"  - {yaml_text('docs/' + t.evidence)}", f"  - {yaml_text(url)}"],
        rel="lifecycle/01-define.yaml")
    set_state(project, "problem-to-model", [
        "status: blocked", f"owner: {yaml_text(t.team)}", f"notes: {yaml_text(t.notes)}"],
        rel="lifecycle/01-define.yaml")
    set_state(project, "data-verification", [
        "status: waived", "owner: Ana", "waiver:", f"  reason: {yaml_text(t.notes)}",
        f"  approved_by: {yaml_text(t.approver)}", "  expires: 2000-01-01"],
        rel="lifecycle/02-data.yaml")
    return project


def _scenario(base: Path, t: Texts) -> dict[str, tuple[int, str, str]]:
    """Every command and format, on a project holding ``t``; name -> (code, out, err)."""
    out: dict[str, tuple[int, str, str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        where = Path(scratch)
        project = _prepare(base, where, t)
        name = t.directory

        def go(label: str, *args: str) -> None:
            result = run(*args, cwd=where)
            out[label] = (result.code, result.out, result.err)

        for fmt in ("text", "json", "junit", "github", "markdown"):
            go(f"check {fmt}", "check", name, "--all", "--today", TODAY, "--format", fmt)
        for fmt in ("table", "json", "markdown"):
            go(f"status {fmt}", "status", name, "--today", TODAY, "--format", fmt)
        go("validate", "validate", name)
        for fmt in ("table", "markdown", "json"):
            go(f"playbooks show {fmt}", "playbooks", "show", "./pb", "--format", fmt)
        go("status --owner", "status", name, "--owner", t.option)
        go("check --phase", "check", name, "--phase", t.option)
        go("check --today", "check", name, "--today", t.option)
        go("check --format", "check", name, "--format", t.option)
        os.environ["GITHUB_ACTIONS"] = "true"
        os.environ["GITHUB_WORKSPACE"] = str(where)
        try:
            go("check in actions", "check", name, "--all", "--today", TODAY)
        finally:
            del os.environ["GITHUB_ACTIONS"], os.environ["GITHUB_WORKSPACE"]
        # Invalid input: an unknown key in mlcycle.yaml.
        with open(project / "mlcycle.yaml", "a", encoding="utf-8") as handle:
            handle.write(f"{yaml_text(t.key)}: 1\n")
        go("invalid validate", "validate", name)
        for fmt in ("text", "json", "junit", "github", "markdown"):
            go(f"invalid check {fmt}", "check", name, "--format", fmt)
        # No project at all, in a directory with a hostile name.
        (where / "empty").mkdir()
        (where / "empty" / t.directory).mkdir()
        go("no project", "validate", f"empty/{t.directory}")
        go("init dry run", "init", f"empty/{t.directory}", "--no-input", "--dry-run",
           "--name", "Plain")
    return out


_PLAIN_RUNS: dict[str, tuple[int, str, str]] = {}


def _lines(text: str) -> int:
    return len(text.splitlines())


def _assert_safe(label: str, code: int, out: str, err: str, t: Texts) -> None:
    assert "Traceback" not in err and code != 3, (label, err)
    for stream, text in (("stdout", out), ("stderr", err)):
        assert raw_unsafe(text) == [], (label, stream, text)
    if "json" in label and out:
        data = json.loads(out)
        if label == "playbooks show json":
            assert data["phases"][0]["items"][0]["title"] == t.title
        if label == "check json":  # the text as written, escaped by JSON only
            gate = next(g for g in data["gates"] if g["item"] == "problem-statement")
            assert (gate["title"], gate["owner"]) == (t.title, t.owner)
        if label == "status json":
            blocked = data["blocked"][0]
            assert (blocked["owner"], blocked["title"]) == (t.team, "Problem to model")
    if "junit" in label:
        tree = ET.fromstring(out)
        for element in tree.iter():
            for value in [element.text or "", *element.attrib.values()]:
                assert raw_unsafe(value) == [], (label, value)
        if label == "check junit":
            names = [c.get("name") for c in tree.iter("testcase")]
            assert f"problem-statement: {escape.line(t.title)}" in names


# Each case runs ~25 commands (~1.5 s); 15 deterministic cases keep the suite quick.
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=TEXTS)
def test_no_hostile_text_reaches_any_output_raw(base: Path, texts: Texts) -> None:
    if not _PLAIN_RUNS:
        _PLAIN_RUNS.update(_scenario(base, PLAIN))
    runs = _scenario(base, texts)
    assert runs.keys() == _PLAIN_RUNS.keys()
    for label, (code, out, err) in runs.items():
        _assert_safe(label, code, out, err, texts)
        plain_code, plain_out, plain_err = _PLAIN_RUNS[label]
        assert code == plain_code, (label, err)
        if label != "status table":  # a long cell wraps in the table; elsewhere no line moves
            assert (_lines(out), _lines(err)) == (_lines(plain_out), _lines(plain_err)), (
                label, out, err)
