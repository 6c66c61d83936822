"""Round trip of the editing commands (issue 14): for a valid project and any
sequence of 1-6 valid edits (set status, owner, notes, due, evidence; start,
block, done, waive; team add and remove) with text drawn from all of Unicode
(quotes, colons, '#', leading blanks, line breaks where a value may hold them),
re-reading the project through the library gives exactly the state the edits
describe, and a diff of each file touches only the lines of the keys edited.

An edit the command refuses (exit 1: the finding it would cause, such as a
dependency still open, or exit 2 for a team member who approved a waiver)
changes nothing, and the model does not change either.
"""

from __future__ import annotations

import difflib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import FUZZ_EDITS
from helpers.cli import Result
from helpers.fuzzbase import SCRATCH, TODAY, Base, build, command
from helpers.fuzzmutate import entries_of
from helpers.project import snapshot
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_projects import seeded

from mlcycle.load.model import LINE_MAX, TEXT_MAX
from mlcycle.load.project import Project, load

# Text as users type it: anything printable and YAML's troublemakers.
_ODD = ["no", "~", "null", "1.10", "0755", "12:30", "2025-01-01", "- x", "a: b", "#x",
        "x #y", "'q'", '"q"', "[a]", "{a: 1}", "*alias", "&anchor", "!tag", "%x", "@x",
        " lead", "trail ", "a\tb", "ünï", "😀", "key: value # comment", "|", ">-"]
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def text(multiline: bool, limit: int) -> st.SearchStrategy[str]:
    chars = _CHARS if multiline else st.characters(
        blacklist_categories=("Cs",), blacklist_characters="\x00\r\n")
    free = st.text(chars, min_size=1, max_size=limit)
    odd = st.sampled_from(_ODD + (["two\nlines", "\n lead", "end\n", "a\r\nb"]
                                  if multiline else []))
    long = st.integers(limit - 10, limit).map(lambda n: "n" * n)  # notes near their limit
    return st.one_of(free, odd, st.builds(lambda a, b: a + b, odd, free), long).filter(
        lambda s: bool(s.strip()) and len(s) <= limit)


# A person: one printable line without blanks around it (what `team add` takes).
PERSON = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Zs", "Co", "Cn",
                                                     "Cf")),
                 min_size=1, max_size=20).map(lambda s: "P" + s)
URL = st.one_of(
    st.text(st.sampled_from("abcXYZ019-._~:/?#[]@!$&'()*+,;=%é"), max_size=20),
    st.integers(170, 190).map(lambda n: "u" * n),  # around the 200 characters allowed
).map(lambda s: "https://example.com/" + s)
DATES = st.dates().map(lambda d: d.isoformat()).filter(lambda d: len(d) == 10)


@dataclass
class State:
    """What the edits should leave: every item's state, and the team."""

    items: dict[str, dict[str, Any]]
    team: dict[str, list[str]]
    accountable: dict[str, str] = field(default_factory=dict)


def state_of(project: Project) -> State:
    items = {}
    accountable = {}
    for phase in project.phases:
        for item in phase.file.items:
            items[item.id] = {
                "status": item.status, "owner": item.owner, "evidence": list(item.evidence),
                "due": item.due.isoformat() if item.due else None, "notes": item.notes,
                "waiver": None if item.waiver is None else {
                    "reason": item.waiver.reason, "approved_by": item.waiver.approved_by,
                    "expires": item.waiver.expires.isoformat()}}
            accountable[item.id] = item.raci.accountable
    return State(items, {r: list(p) for r, p in project.file.team.items()}, accountable)


@dataclass
class Edit:
    args: tuple[str, ...]
    item: str | None  # None: a team edit
    keys: tuple[str, ...]  # the item's keys (or the team's role) the edit touches
    apply: Any  # State -> None, when the command succeeds
    usage_ok: bool = False  # a request that can be wrong (exit 2) after earlier edits
    must_fail: bool = False  # notes or evidence outgrow what a status file holds: exit 2


def _note(old: str | None, note: str) -> str:
    return f"{old}\n{note}" if old else note


@st.composite
def edit(draw: st.DrawFn, state: State) -> Edit:
    today = ("--today", TODAY)
    people = sorted({p for ps in state.team.values() for p in ps})
    item = draw(st.sampled_from(sorted(state.items)))
    kind = draw(st.sampled_from(["set", "start", "block", "done", "waive", "team add",
                                 "team remove"]))
    if kind == "set":
        args: list[str] = ["set", item]
        keys: list[str] = []
        status = draw(st.none() | st.sampled_from(["todo", "doing", "blocked"]))
        owner = draw(st.none() | st.sampled_from(people)) if people else None
        note = draw(st.none() | text(True, 2000))
        due = draw(st.none() | DATES)
        evidence = draw(st.lists(URL, max_size=2))
        if status is None and owner is None and note is None and due is None and not evidence:
            status = "doing"
        if status is not None:
            args.append(status)
            keys.append("status")
        if owner is not None:
            args += ["--owner", owner]
            keys.append("owner")
        if note is not None:
            args += ["--note", note]
            keys.append("notes")
        if due is not None:
            args += ["--due", due]
            keys.append("due")
        for e in evidence:
            args += ["--evidence", e]
            keys.append("evidence")

        def apply(s: State) -> None:
            it = s.items[item]
            if status is not None:
                it["status"] = status
            if owner is not None:
                it["owner"] = owner
            if note is not None:
                it["notes"] = _note(it["notes"], note)
            if due is not None:
                it["due"] = due
            it["evidence"] += [e for e in dict.fromkeys(evidence) if e not in it["evidence"]]

        notes = state.items[item]["notes"]
        over = note is not None and len(_note(notes, note)) > TEXT_MAX or \
            any(len(e) > LINE_MAX for e in evidence)
        return Edit((*args, *today), item, tuple(keys), apply, usage_ok=over, must_fail=over)
    if kind in ("start", "block"):
        reason = draw(text(True, 2000)) if kind == "block" else None
        extra = ("--reason", reason) if reason is not None else ()

        def apply(s: State) -> None:
            it = s.items[item]
            it["status"] = "doing" if kind == "start" else "blocked"
            if reason is not None:
                it["notes"] = _note(it["notes"], reason)

        keys = ["status"] + (["notes"] if reason is not None else [])
        notes = state.items[item]["notes"]
        over = reason is not None and len(_note(notes, reason)) > TEXT_MAX
        return Edit((kind, item, *extra, *today), item, tuple(keys), apply, usage_ok=over,
                    must_fail=over)
    if kind == "done":
        url = draw(URL)

        def apply(s: State) -> None:
            it = s.items[item]
            it["status"] = "done"
            if url not in it["evidence"]:
                it["evidence"].append(url)

        over = len(url) > LINE_MAX
        return Edit(("done", item, "--evidence", url, *today), item, ("status", "evidence"),
                    apply, usage_ok=over, must_fail=over)
    if kind == "waive":
        holders = state.team.get(state.accountable[item], [])
        by = draw(st.sampled_from(holders)) if holders else "Nobody"  # exit 2
        reason = draw(text(True, 2000))
        until = draw(st.dates(min_value=date(2025, 12, 6)).map(
            lambda d: d.isoformat()).filter(lambda d: len(d) == 10))

        def apply(s: State) -> None:
            s.items[item]["status"] = "waived"
            s.items[item]["waiver"] = {"reason": reason, "approved_by": by, "expires": until}

        return Edit(("waive", item, "--reason", reason, "--by", by, "--until", until, *today),
                    item, ("status", "waiver"), apply, usage_ok=not holders)
    role = draw(st.sampled_from(sorted(state.team)))
    if kind == "team add":
        person = draw(PERSON | st.sampled_from(people))

        def apply(s: State) -> None:
            if person not in s.team[role]:
                s.team[role].append(person)

        return Edit(("team", "add", role, person), None, (role,), apply)
    person = draw(st.sampled_from(state.team[role])) if state.team[role] else "Nobody"

    def apply(s: State) -> None:
        s.team[role].remove(person)

    # Exit 2 for a person who approved a waiver, or a role nobody holds.
    return Edit(("team", "remove", role, person), None, (role,), apply, usage_ok=True)


def allowed_lines(text: str, edit: Edit, phase_file: bool) -> tuple[set[int], set[int]]:
    """The old lines the edit may replace (the edited keys' own lines) and the
    range where it may insert lines (the item's, or the team's, block)."""
    def line(index: int) -> int:
        return text.count("\n", 0, index)

    found = entries_of(text)
    if phase_file:
        (index,) = [e.path[1] for e in found if len(e.path) == 3 and e.path[0] == "items"
                    and e.path[2] == "id" and text[e.value_start:e.value_end] == edit.item]
        prefix: tuple[Any, ...] = ("items", index)
        touched = set(edit.keys)
    else:
        prefix = ("team",)
        touched = set(edit.keys)
    mine = [e for e in found if e.path[:len(prefix)] == prefix]
    lines: set[int] = set()
    for e in mine:
        if len(e.path) > len(prefix) and e.path[len(prefix)] in touched:
            lines.update(range(line(e.line_start), line(e.entry_end - 1) + 1))
    team = [e for e in found if e.path == prefix]
    start = min(line(e.line_start) for e in (team or mine))
    end = max(line(e.entry_end - 1) for e in (team or mine)) + 2
    if not phase_file and not team:
        start, end = 0, text.count("\n") + 1
    if not phase_file:
        # A team change may also move someone to, or back from, `former`
        # (issue 20): that block's lines, or a new block at the end of the file.
        former = [e for e in found if e.path[:1] == ("former",)]
        for e in former:
            lines.update(range(line(e.line_start), line(e.entry_end - 1) + 1))
        at_end = text.count("\n")  # a new `former:` block goes after the last line
        inserts = {*range(start, end), at_end, at_end + 1}
        for e in former:
            inserts.update(range(line(e.line_start), line(e.entry_end - 1) + 2))
        return lines, inserts
    return lines, set(range(start, end))


def assert_local(before: dict[str, bytes], after: dict[str, bytes], edit: Edit,
                 project: Project) -> None:
    changed = [rel for rel in after if before.get(rel) != after[rel]]
    if edit.item is None:
        # A team change re-renders LIFECYCLE.md (its RACI tables name people).
        assert set(changed) <= {"mlcycle.yaml", "LIFECYCLE.md"}, (edit.args, changed)
        changed = [rel for rel in changed if rel != "LIFECYCLE.md"]
    else:
        phase = next(p for p in project.phases if edit.item in {i.id for i in p.file.items})
        want = f"lifecycle/{phase.number:02d}-{phase.id}.yaml"
        assert set(changed) <= {want}, (edit.args, changed)
    for rel in changed:
        old = before[rel].decode("utf-8")
        new = after[rel].decode("utf-8")
        lines, inserts = allowed_lines(old, edit, rel != "mlcycle.yaml")
        matcher = difflib.SequenceMatcher(None, old.splitlines(True), new.splitlines(True),
                                          autojunk=False)
        for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
            if tag in ("replace", "delete"):
                assert set(range(i1, i2)) <= lines, (edit.args, rel, tag, i1, i2, sorted(lines))
            elif tag == "insert":
                assert i1 in inserts or i1 - 1 in lines, (edit.args, rel, i1, inserts)


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in [root / "mlcycle.yaml", *sorted((root / "lifecycle").iterdir())]}


@pytest.fixture(scope="module")
def bases() -> Iterator[dict[str, Base]]:
    where = Path(tempfile.mkdtemp(dir=SCRATCH, prefix="mlcycle-roundtrip-"))
    try:
        yield build(where)
    finally:
        shutil.rmtree(where, ignore_errors=True)


@FUZZ_EDITS
@seeded
@given(data=st.data())
def test_edits_round_trip(bases: dict[str, Base], data: st.DataObject) -> None:
    base = bases[data.draw(st.sampled_from(sorted(bases)))]
    steps = data.draw(st.integers(1, 6))
    with tempfile.TemporaryDirectory(dir=SCRATCH, prefix="mlcycle-roundtrip-") as where:
        root = Path(where) / base.name
        shutil.copytree(base.root, root, symlinks=True)
        project = load(root)
        expected = state_of(project)
        for _ in range(steps):
            change = data.draw(edit(expected))
            before, everything = files_of(root), snapshot(root)
            result: Result = command(change.args, root)
            assert result.code in (0, 1, 2), (change.args, result)
            assert "Traceback" not in result.err, result
            if change.must_fail:
                assert result.code == 2, (change.args, result)
            if result.code != 0:
                # Only what the command judges may refuse a valid request.
                assert result.code == 1 or change.usage_ok, (change.args, result)
                assert snapshot(root) == everything, change.args
                continue
            change.apply(expected)
            after = files_of(root)
            assert_local(before, after, change, project)
            project = load(root)
            got = state_of(project)
            assert (got.items, got.team) == (expected.items, expected.team), change.args
