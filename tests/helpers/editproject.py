"""A small project for the editing tests: rendered by the real ``mlcycle init``
from the tiny team playbook (tests/fixtures/playbooks/tiny), then its state
rewritten by hand in the hardest style we could think of: comments everywhere,
odd quoting, flow and block lists, a folded block scalar, blank lines. Item
definitions keep the playbook's values (only their spelling differs)."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers.cli import run
from helpers.project import FIXTURES

FRAME_FILE = "lifecycle/01-frame.yaml"
FRAME = """\
# Frame phase, edited by hand: keep this comment
phase: frame
title: 'Frame the problem'
items:
  # the one gate of this phase
  - id: problem
    title: "Problem statement"
    description: The problem, written down.
    raci: {responsible: [pm], accountable: pm, consulted: [ds]}   # flow on purpose
    gate: true
    evidence_required: true
    status: 'todo'        # single-quoted on purpose
    owner:   # nobody yet


  - id: framing
    title: ML framing
    description: "The target and the unit of prediction."
    raci:
        responsible:
        - ds
        accountable: pm
        informed: [pm]
    depends_on: [problem]
    status: todo
    evidence: [ "https://wiki.example.com/framing" ]  # flow, with blanks
    notes: >-
      Folded notes
      over two lines.
# trailing comment
"""

PROJECT = """\
# Project file, by hand
format: 1
name: "Tiny project"
slug: tiny-project
playbook: {name: tiny, version: 1.0.0, path: ../tiny}
current_phase: frame
team:
  pm: [Ana Lima]   # flow
  ds:
  - Bo Li          # block, dash at the key's column
history:
- {date: 2025-12-01, event: init, to: frame, by: Ana Lima}
"""


def tiny_project(tmp_path: Path, crlf: bool = False, bom: bool = False) -> Path:
    shutil.copytree(FIXTURES / "playbooks" / "tiny", tmp_path / "tiny")
    root = tmp_path / "proj"
    done = run("init", root, "--no-input", "--playbook", tmp_path / "tiny",
               "--team", "pm=Ana Lima", "--team", "ds=Bo Li")
    assert done.code == 0, done
    for rel, text in (("lifecycle/01-frame.yaml", FRAME), ("mlcycle.yaml", PROJECT)):
        (root / rel).write_bytes(encode(text, crlf, bom))
    (root / "docs").mkdir()
    (root / "docs" / "problem.md").write_text("# Problem\n\nFraud costs us money.\n")
    return root


def large_frame(tmp_path: Path) -> tuple[Path, bytes, bytes]:
    """The tiny project with a 4 MiB frame status file (comments, which are no
    state: reading and writing it take a while), for faults in the middle of a
    write; and that file's bytes before and after `start problem`."""
    root = tiny_project(tmp_path)
    padding = "".join(f"# padding line {n:07d} keeps this file large\n" for n in range(100_000))
    old = (FRAME + padding).encode()
    (root / FRAME_FILE).write_bytes(old)
    reference = tmp_path / "reference"
    shutil.copytree(root, reference)
    assert run("start", "problem", "-C", reference, "--today", "2026-01-10").code == 0
    new = (reference / FRAME_FILE).read_bytes()
    shutil.rmtree(reference)
    return root, old, new


def encode(text: str, crlf: bool = False, bom: bool = False) -> bytes:
    data = text.replace("\n", "\r\n") if crlf else text
    return (b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8")
