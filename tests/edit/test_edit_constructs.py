"""Valid YAML that people write by hand, edited through the CLI: tags and
anchors on a state value or a team list, block scalars that keep their final
line breaks (``|+``). Each was an internal error (exit 3); each is now edited,
byte for byte as expected. An explicit key (``? owner``) on the way to the
value is refused, located, with what to write instead, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cli import run
from helpers.editproject import FRAME, PROJECT, tiny_project
from helpers.project import snapshot

FRAME_FILE = "lifecycle/01-frame.yaml"
OWNER = "    owner:   # nobody yet\n"
NOTES = "    notes: >-\n      Folded notes\n      over two lines.\n"
DS = "  ds:\n  - Bo Li          # block, dash at the key's column\n"

# (file, what the hand-written file says instead of the usual text, command,
#  what the command prints, what the file says after it[, another change it makes])
EDITED = {
    "null-tag": (
        FRAME_FILE, (OWNER, "    owner: !!null  # nobody yet\n"),
        ["set", "problem", "--owner", "Ana Lima"], "problem: owner: Ana Lima\n",
        "    owner: Ana Lima  # nobody yet\n"),
    "null-tag-becoming-a-waiver": (
        FRAME_FILE, (OWNER, OWNER + "    waiver: !!null   # none\n"),
        # --today: a waiver must expire in the future, whatever day the suite runs.
        ["waive", "problem", "--reason", "framed", "--by", "Ana Lima", "--until",
         "2027-01-01", "--today", "2026-12-01"],
        "problem: todo -> waived (approved by Ana Lima, until 2027-01-01)\n",
        OWNER + "    waiver:   # none\n        reason: framed\n        approved_by: Ana Lima\n"
                "        expires: 2027-01-01\n",
        ("status: 'todo'        #", "status: 'waived'        #")),
    "anchor-on-null": (
        FRAME_FILE, (OWNER, "    owner: &a  # nobody yet\n"),
        ["set", "problem", "--owner", "Ana Lima"], "problem: owner: Ana Lima\n",
        "    owner: Ana Lima  # nobody yet\n"),
    "anchor-and-tag-on-a-value": (
        FRAME_FILE, (OWNER, "    owner: &who !!str Bo Li  # for now\n"),
        ["set", "problem", "--owner", "Ana Lima"], "problem: owner: Ana Lima\n",
        "    owner: Ana Lima  # for now\n"),
    "keep-block-then-a-new-key": (
        FRAME_FILE, (NOTES, "    notes: |+\n      Kept notes\n\n"),
        ["set", "framing", "--due", "2026-02-01"], "framing: due: 2026-02-01\n",
        "    notes: |+\n      Kept notes\n\n    due: 2026-02-01\n"),
    "keep-block-at-the-end-of-the-file": (
        FRAME_FILE, (NOTES + "# trailing comment\n", "    notes: |+\n      Kept notes\n\n\n"),
        ["set", "framing", "--owner", "Bo Li"], "framing: owner: Bo Li\n",
        "    notes: |+\n      Kept notes\n\n\n    owner: Bo Li\n"),
    "keep-block-note-added": (
        FRAME_FILE, (NOTES, "    notes: |+\n      Kept notes\n\n"),
        ["set", "framing", "--note", "more"], "framing: note added\n",
        '    notes: "Kept notes\\n\\n\\nmore"\n\n'),
    "tagged-flow-list-emptied": (
        "mlcycle.yaml", (DS, "  ds: !!seq [Bo Li]\n"),
        ["team", "remove", "ds", "Bo Li"], "team: ds -= Bo Li\nLIFECYCLE.md: updated\n",
        "  ds: !!seq []\n"),
    "anchored-flow-list-first-removed": (
        "mlcycle.yaml", (DS, "  ds: &d [Bo Li, Cy Ma]\n"),
        ["team", "remove", "ds", "Bo Li"], "team: ds -= Bo Li\nLIFECYCLE.md: updated\n",
        "  ds: &d [Cy Ma]\n"),
    "tagged-block-list-appended": (
        "mlcycle.yaml", (DS, "  ds: !!seq\n    - Bo Li\n"),
        ["team", "add", "ds", "Cy Ma"], "team: ds += Cy Ma\nLIFECYCLE.md: updated\n",
        "  ds: !!seq\n    - Bo Li\n    - Cy Ma\n"),
}


def hand_written(root: Path, rel: str, change: tuple[str, str]) -> str:
    text = {FRAME_FILE: FRAME, "mlcycle.yaml": PROJECT}[rel]
    assert text.count(change[0]) == 1
    text = text.replace(*change)
    (root / rel).write_text(text)
    assert run("validate", root).code == 0  # valid: the reader takes it
    return text


@pytest.mark.parametrize("case", EDITED)
def test_hand_written_constructs_are_edited_byte_for_byte(tmp_path: Path, case: str) -> None:
    rel, change, argv, said, after, *also = EDITED[case]
    root = tiny_project(tmp_path)
    text = hand_written(root, rel, change)
    result = run(*argv, cwd=root)
    assert (result.code, result.out, result.err) == (0, said, "")
    expected = text.replace(change[1], after)
    for old, new in also:
        assert expected.count(old) == 1
        expected = expected.replace(old, new)
    assert (root / rel).read_text() == expected
    assert run("validate", root).code == 0


REFUSED = {
    "explicit-key-of-the-value": (
        (OWNER, "    ? owner\n    :   # nobody yet\n"),
        ["set", "problem", "--owner", "Ana Lima"], 13, 5, "owner"),
    "explicit-key-where-a-key-is-added": (
        ("  - id: framing\n", "  - ? id\n    : framing\n"),
        ["set", "framing", "--due", "2026-02-01"], 16, 5, "id"),
    "explicit-key-alone-on-its-line": (
        (OWNER, "    ?\n      owner\n    :   # nobody yet\n"),
        ["set", "problem", "--owner", "Ana Lima"], 13, 5, "owner"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_an_explicit_key_is_refused_located_and_nothing_is_written(
        tmp_path: Path, case: str) -> None:
    change, argv, line, column, key = REFUSED[case]
    root = tiny_project(tmp_path)
    hand_written(root, FRAME_FILE, change)
    before = snapshot(root)
    result = run(*argv, cwd=root)
    assert (result.code, result.out, result.err) == (
        2, "", f"{FRAME_FILE}:{line}:{column}: error[MLC034]: '{key}' is written as an explicit "
        f"key ('? {key}'); mlcycle does not edit those: write it as '{key}: value' on one "
        "line, then retry\n1 error in 1 file\n")
    assert snapshot(root) == before
