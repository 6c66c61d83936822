"""A gate you can trust: each one-line edit that used to make `mlcycle check` pass
in the very pull request it should block is now a located error, on a real
project rendered by `mlcycle init` from the built-in `product` playbook.

Every case asserts the exit code, the exact stderr with its location, and that
no byte changed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_project, replace_in, snapshot

UPGRADE = " (if you changed the playbook: give it a new version and run `mlcycle upgrade`)"

PROBLEM = "lifecycle/01-problem.yaml"
WHERE = "change definitions in the playbook, not in status files" + UPGRADE
TODAY = "2026-01-15"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01: fixed history dates
    return init_project(tmp_path / "p", "--team", "pm=Ana", "--team", "mlm=Mo", "--team",
                        "ds=Dee")


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    replace_in(root / rel, old, new, count)


def line_of(root: Path, rel: str, text: str, nth: int = 0) -> int:
    """1-based line of the nth line that starts with ``text`` (after indentation)."""
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if line.strip().startswith(text)]
    return hits[nth]


def refused(root: Path, *command: str) -> tuple[int, list[str], str]:
    """Run a read-only command; prove it changed nothing."""
    before = snapshot(root)
    result = run(*command, root, "--today", TODAY) if command[0] in ("check", "status") \
        else run(*command, root)
    assert snapshot(root) == before
    assert "Traceback" not in result.err
    return result.code, result.err.splitlines(), result.out


# --- definitions are the playbook's ----------------------------------------------


def test_a_fresh_project_passes(project: Path) -> None:
    code, err, out = refused(project, "check")
    assert (code, err) == (0, [])
    assert out.splitlines()[-1].startswith("mlcycle check: passed")


@pytest.mark.parametrize(("key", "old", "new", "column", "message"), [
    ("gate", "    gate: true", "    gate: false", 11,
     "items[0].gate: false here, but true in playbook product 3.1.0"),
    ("evidence_required", "    evidence_required: true", "    evidence_required: false", 24,
     "items[0].evidence_required: false here, but true in playbook product 3.1.0"),
    ("accountable", "      accountable: pm", "      accountable: mlm", 20,
     "items[0].raci.accountable: 'mlm' here, but 'pm' in playbook product 3.1.0"),
    ("title", "    title: Problem statement", "    title: Problem statements", 12,
     "items[0].title: 'Problem statements' here, but 'Problem statement' in playbook product "
     "3.1.0"),
])
def test_a_flipped_definition_is_a_located_error(project: Path, key: str, old: str, new: str,
                                                 column: int, message: str) -> None:
    edit(project, PROBLEM, old, new)
    line = line_of(project, PROBLEM, new.strip())
    for command in ("check", "validate", "status"):
        code, err, _ = refused(project, command)
        expected = f"{PROBLEM}:{line}:{column}: error[MLC040]: {message}; {WHERE}"
        assert code == 2, command
        assert err[0] == expected, command
        assert len(err) == (1 if command == "check" else 2), err


def test_a_reflowed_description_is_the_same_definition(project: Path) -> None:
    edit(project, PROBLEM,
         "      The product feature is written down from what clients actually need: who\n"
         "      the customer is, what problem they have and what the smallest useful first\n",
         "      The product feature is written down\n"
         "      from what clients actually need: who the customer is, what problem they\n"
         "      have and what the smallest useful first\n")
    edit(project, PROBLEM, "    title: Problem statement", '    title: "Problem statement"')
    code, err, _ = refused(project, "validate")
    assert (code, err) == (0, [])


def test_a_reworded_description_is_an_error(project: Path) -> None:
    edit(project, PROBLEM, "what the smallest useful first", "what the largest useful first")
    line = line_of(project, PROBLEM, "description: >-")
    code, err, _ = refused(project, "validate")
    assert code == 2
    assert err == [
        f"{PROBLEM}:{line}:18: error[MLC040]: items[0].description: differs from playbook "
        "product 3.1.0 at 'largest useful first version looks li...' (playbook: 'smallest "
        f"useful first version looks l...'); {WHERE}",
        "1 error in 1 file",
    ]


def _item_block(root: Path, item_id: str) -> str:
    text = (root / PROBLEM).read_text(encoding="utf-8")
    match = re.search(rf"  - id: {re.escape(item_id)}\n(?:(?!  - id: ).*\n)*", text)
    assert match is not None
    return match.group(0)


def test_a_deleted_gate_is_missing(project: Path) -> None:
    edit(project, PROBLEM, _item_block(project, "success-metrics"), "")
    line = line_of(project, PROBLEM, "- id: feasibility-and-cost")
    code, err, _ = refused(project, "check")
    assert code == 2
    assert err[0] == (
        f"{PROBLEM}:{line}:5: error[MLC041]: item 'success-metrics' of playbook product 3.1.0 "
        "is missing here; it belongs after 'problem-to-model' (restore it with its definition; "
        "status files never drop items)")
    # Items that depend on it say so too.
    assert all("depends on unknown item 'success-metrics'" in e for e in err[1:]), err


def test_a_file_cut_off_before_its_last_item(project: Path) -> None:
    path = project / PROBLEM
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.rindex("  - id: ")], encoding="utf-8")
    code, err, _ = refused(project, "check")
    assert code == 2
    assert err == [
        f"{PROBLEM}:10:3: error[MLC041]: item 'feasibility-and-cost' of playbook product 3.1.0 "
        "is missing here; it belongs after 'success-metrics' (restore it with its definition; "
        "status files never drop items)",
    ]


def test_an_empty_item_list_is_every_item_missing(project: Path) -> None:
    path = project / PROBLEM
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("items:\n")] + "items: []\n", encoding="utf-8")
    line = line_of(project, PROBLEM, "items: []")
    code, err, _ = refused(project, "check")
    assert code == 2
    ids = ["feasibility-and-cost", "prediction-consumption", "problem-statement",
           "problem-to-model", "success-metrics", "team-and-allies", "why-ml"]
    assert err[:7] == [
        f"{PROBLEM}:{line}:8: error[MLC041]: item '{i}' of playbook product 3.1.0 is missing "
        "here; it belongs in this file (restore it with its definition; status files never drop "
        "items)" for i in ids]
    # Later phases' items that depended on them say so too.
    assert err[7:] and all("error[MLC023]" in e for e in err[7:]), err


def test_an_added_item_is_an_error_at_that_item(project: Path) -> None:
    path = project / PROBLEM
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n  - id: skip-the-review\n    title: Nothing to see\n"
                     "    description: Added in the pull request it should block.\n"
                     "    raci:\n      responsible: [pm]\n      accountable: pm\n"
                     "    status: done\n")
    line = line_of(project, PROBLEM, "- id: skip-the-review")
    code, err, _ = refused(project, "check")
    assert code == 2
    assert err == [
        f"{PROBLEM}:{line}:9: error[MLC042]: items[7]: item 'skip-the-review' is not an item of "
        "phase 'problem' in playbook product 3.1.0; add items in the playbook, not in status "
        "files",
    ]


def test_an_item_moved_to_another_phase_says_where_it_belongs(project: Path) -> None:
    block = _item_block(project, "feasibility-and-cost")
    edit(project, PROBLEM, block, "")
    with (project / "lifecycle/02-data.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n" + block)
    code, err, _ = refused(project, "validate")
    assert code == 2
    assert any("error[MLC042]: items[" in e and "item 'feasibility-and-cost' is not an item of "
               "phase 'data' in playbook product 3.1.0; it belongs to phase 'problem'" in e
               for e in err), err
    assert any("error[MLC041]: item 'feasibility-and-cost' of playbook product 3.1.0 is "
               "missing here" in e for e in err), err


# --- the current phase agrees with the history -----------------------------------

ADVANCE = ("  - date: 2026-01-02\n    event: advance\n    from: problem\n    to: data\n"
           "    by: Ana\n")


def _history(root: Path, entries: str, current: str) -> None:
    edit(root, "mlcycle.yaml", "current_phase: problem", f"current_phase: {current}")
    with (root / "mlcycle.yaml").open("a", encoding="utf-8") as handle:
        handle.write(entries)


def _close_problem_gates(root: Path) -> None:
    """Waive every gate of 'problem' (approved by its accountable person), so that
    leaving the phase is legitimate and only the history is under test."""
    text = (root / PROBLEM).read_text(encoding="utf-8")
    blocks = re.findall(r"  - id: .*\n(?:(?!  - id: ).*\n)*", text)
    people = {"pm": "Ana", "mlm": "Mo", "ds": "Dee"}
    for block in blocks:
        if "    gate: true\n" in block:
            role = re.search(r"accountable: (\S+)", block)
            assert role is not None
            waived = block.replace("    status: todo\n", "    status: waived\n    waiver:\n"
                                   "      reason: Covered elsewhere.\n      approved_by: "
                                   f"{people[role.group(1)]}\n      expires: 2026-12-31\n")
            text = text.replace(block, waived)
    (root / PROBLEM).write_text(text, encoding="utf-8")


def test_a_legitimate_advance_passes(project: Path) -> None:
    _close_problem_gates(project)
    _history(project, ADVANCE, "data")
    code, err, out = refused(project, "check")
    assert (code, err) == (0, []), err
    assert "gates closed (phases before the current phase 'data': problem)" in out


def test_current_phase_set_back_without_history(project: Path) -> None:
    _close_problem_gates(project)
    _history(project, ADVANCE, "data")
    edit(project, "mlcycle.yaml", "current_phase: data", "current_phase: problem")
    line = line_of(project, "mlcycle.yaml", "current_phase:")
    code, err, _ = refused(project, "check")
    assert code == 2
    assert err == [
        f"mlcycle.yaml:{line}:16: error[MLC044]: current_phase: 'problem', but the last history "
        "entry (history[1]) moved the project to 'data'; move phases with `mlcycle advance` / "
        "`mlcycle reopen` (or an advance / reopen entry)",
    ]


def test_current_phase_set_forward_without_history(project: Path) -> None:
    edit(project, "mlcycle.yaml", "current_phase: problem", "current_phase: data")
    line = line_of(project, "mlcycle.yaml", "current_phase:")
    code, err, _ = refused(project, "validate")
    assert code == 2
    assert err == [
        f"mlcycle.yaml:{line}:16: error[MLC044]: current_phase: 'data', but the last history "
        "entry (history[0]) moved the project to 'problem'; move phases with `mlcycle advance` / "
        "`mlcycle reopen` (or an advance / reopen entry)",
        "1 error in 1 file",
    ]


def test_an_advance_that_skips_a_phase(project: Path) -> None:
    _history(project, ADVANCE.replace("to: data", "to: modeling"), "modeling")
    line = line_of(project, "mlcycle.yaml", "to: modeling")
    code, err, _ = refused(project, "check")
    assert code == 2
    assert err == [
        f"mlcycle.yaml:{line}:9: error[MLC044]: history[1].to: an advance moves exactly one "
        "phase forward from 'problem'; the next phase is 'data', not 'modeling'",
    ]


def test_a_reopen_without_reason(project: Path) -> None:
    _close_problem_gates(project)
    reopen = "  - date: 2026-01-03\n    event: reopen\n    from: data\n    to: problem\n"
    _history(project, ADVANCE + reopen, "problem")
    line = line_of(project, "mlcycle.yaml", "- date: 2026-01-03")
    code, err, _ = refused(project, "check")
    assert code == 2
    assert err == [
        f"mlcycle.yaml:{line}:5: error[MLC044]: history[2]: a reopen needs a non-empty 'reason' "
        "(why the work goes back)",
    ]


def test_a_reopen_with_reason_passes_and_dates_may_not_go_back(project: Path) -> None:
    _close_problem_gates(project)
    reopen = ("  - date: 2026-01-01\n    event: reopen\n    from: data\n    to: problem\n"
              "    reason: Label leakage found in feature X.\n")
    _history(project, ADVANCE + reopen, "problem")
    line = line_of(project, "mlcycle.yaml", "- date: 2026-01-01", nth=1)
    code, err, _ = refused(project, "validate")
    assert code == 2
    assert err == [
        f"mlcycle.yaml:{line}:11: error[MLC044]: history[2].date: 2026-01-01 is before the "
        "previous entry's 2026-01-02; dates never go backwards",
        "1 error in 1 file",
    ]
    edit(project, "mlcycle.yaml", "  - date: 2026-01-01\n    event: reopen",
         "  - date: 2026-01-05\n    event: reopen")
    assert refused(project, "validate")[:2] == (0, [])


def test_history_rewritten_to_start_later(project: Path) -> None:
    edit(project, "mlcycle.yaml", "    to: problem", "    to: modeling")
    edit(project, "mlcycle.yaml", "current_phase: problem", "current_phase: modeling")
    line = line_of(project, "mlcycle.yaml", "to: modeling")
    code, err, _ = refused(project, "check")
    assert code == 2
    assert err == [
        f"mlcycle.yaml:{line}:9: error[MLC044]: history[0].to: a project starts at the first "
        "phase 'problem', not 'modeling'",
    ]


# --- evidence and approvers on the built-in playbook ------------------------------


def _set_state(root: Path, item_id: str, state: str) -> None:
    block = _item_block(root, item_id)
    edit(root, PROBLEM, block, block.replace("    status: todo\n    owner:\n", state))


def test_the_status_file_itself_does_not_close_a_gate(project: Path) -> None:
    _set_state(project, "problem-statement",
               "    status: done\n    owner: Ana\n    evidence: [lifecycle/01-problem.yaml]\n")
    _close_problem_gates(project)
    _history(project, ADVANCE, "data")
    line = line_of(project, PROBLEM, "evidence: [lifecycle/01-problem.yaml]")
    before = snapshot(project)
    result = run("check", project, "--today", TODAY)
    assert snapshot(project) == before
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        f"{PROBLEM}:{line}:16: error[MLC109]: item 'problem-statement': evidence "
        "'lifecycle/01-problem.yaml' is one of mlcycle's own files; it proves nothing about the "
        "item")


def test_a_waiver_approved_by_anyone_does_not_close_a_gate(project: Path) -> None:
    _close_problem_gates(project)
    edit(project, PROBLEM, "      approved_by: Ana\n", "      approved_by: Dee\n")
    _history(project, ADVANCE, "data")
    line = line_of(project, PROBLEM, "approved_by: Dee")
    result = run("check", project, "--today", TODAY)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        f"{PROBLEM}:{line}:20: error[MLC110]: item 'problem-statement': waiver approved by 'Dee', "
        "who does not hold the item's accountable role 'pm' (Product manager); it may be approved "
        "by Ana")


def test_a_duplicated_item_is_an_error(project: Path) -> None:
    block = _item_block(project, "problem-statement")
    edit(project, PROBLEM, block, block + "\n" + block.replace("    status: todo\n",
                                                              "    status: done\n"))
    line = line_of(project, PROBLEM, "- id: problem-statement", nth=1)
    code, err, _ = refused(project, "validate")
    assert code == 2
    assert err == [
        f"{PROBLEM}:{line}:9: error[MLC020]: item id 'problem-statement' is used twice; first at "
        f"{PROBLEM}:10",
        "1 error in 1 file",
    ]


def test_a_made_up_upgrade_does_not_excuse_a_reopen_without_reason(project: Path) -> None:
    # An upgrade entry relaxes the phase rules for the entries before it (they named
    # an older playbook's phases); it must not hide a reopen that says nothing, nor
    # be an "upgrade" from the pinned playbook to itself.
    _close_problem_gates(project)
    fake = ("  - date: 2026-01-03\n    event: reopen\n    from: data\n    to: problem\n"
            "  - date: 2026-01-04\n    event: upgrade\n    to: problem\n"
            "    from_playbook: product@3.1.0\n    to_playbook: product@3.1.0\n")
    _history(project, ADVANCE + fake, "problem")
    reopen = line_of(project, "mlcycle.yaml", "- date: 2026-01-03")
    upgrade = line_of(project, "mlcycle.yaml", "to_playbook: product@3.1.0")
    code, err, _ = refused(project, "check")
    assert code == 2
    assert err == [
        f"mlcycle.yaml:{reopen}:5: error[MLC044]: history[2]: a reopen needs a non-empty "
        "'reason' (why the work goes back)",
        f"mlcycle.yaml:{upgrade}:18: error[MLC044]: history[3].to_playbook: an upgrade moves "
        "to another playbook version, not from product@3.1.0 to itself",
    ]


def test_the_last_upgrade_lands_on_the_pinned_playbook(project: Path) -> None:
    fake = ("  - date: 2026-01-04\n    event: upgrade\n    to: problem\n"
            "    from_playbook: product@0.9.0\n    to_playbook: product@4.0.0\n")
    _history(project, fake, "problem")
    line = line_of(project, "mlcycle.yaml", "to_playbook: product@4.0.0")
    code, err, _ = refused(project, "validate")
    assert code == 2
    assert err == [
        f"mlcycle.yaml:{line}:18: error[MLC044]: history[1].to_playbook: product@4.0.0, but "
        "mlcycle.yaml pins product@3.1.0; the last upgrade must land on the pinned playbook",
        "1 error in 1 file",
    ]
