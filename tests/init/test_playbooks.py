"""The built-in playbooks, loaded through `mlcycle playbooks show NAME --format json`
(the code path users hit), and a team's own playbook directory with an error."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers.cli import run
from helpers.project import snapshot

PHASES = Path(__file__).resolve().parents[2] / "phases"
BUILTINS = sorted(p.parent.name for p in PHASES.glob("*/playbook.yaml"))
EXPECTED_BUILTINS = ["crisp-dm", "five-phase", "ml-test-score", "product", "responsible-ai", "tdsp",
                     "ten-step"]
# Listed by `mlcycle playbooks` as lifecycles; responsible-ai is an overlay only.
EXPECTED_LIFECYCLES = [name for name in EXPECTED_BUILTINS if name != "responsible-ai"]
EXPECTED_OVERLAYS = ["ml-test-score", "responsible-ai"]

# Section 1 of the lifecycle reference: (phase in five-phase, phase in product,
# item id, responsible roles, accountable role). Facts to keep exactly.
REFERENCE = [
    ("define", "problem", "problem-statement", {"pm"}, "pm"),
    ("define", "problem", "problem-to-model", {"ds"}, "mlm"),
    ("data", "data", "data-sources", {"ds"}, "mlm"),
    ("data", "data", "data-understanding-from-engineering", {"mle"}, "mlm"),
    ("data", "data", "data-verification", {"mle"}, "mlm"),
    ("data", "data", "cleaning-scripts", {"ds", "mle"}, "mlm"),
    ("data", "data", "manual-verification", {"ds"}, "mlm"),
    ("data", "data", "eda", {"ds"}, "mlm"),
    ("modeling", "modeling", "modeling-approaches", {"ds"}, "mlm"),
    ("modeling", "modeling", "model-iteration", {"ds"}, "mlm"),
    ("modeling", "modeling", "model-result-verification", {"mlm"}, "pm"),
    ("productionization", "productionization", "ux-and-frontend", {"pe"}, "pm"),
    ("productionization", "productionization", "architecture", {"mle"}, "mlm"),
    ("productionization", "productionization", "engineering-contract", {"pe", "mlm"}, "pm"),
    ("productionization", "productionization", "devops-tasks", {"devops"}, "mlm"),
    ("productionization", "productionization", "code-transfer", {"ds", "mle"}, "mlm"),
    ("productionization", "productionization", "test-cases-identified", {"ds"}, "mlm"),
    ("productionization", "productionization", "production-code", {"mle"}, "mlm"),
    ("productionization", "productionization", "code-update", {"ds"}, "mle"),
    ("quality", "quality", "code-review", {"mlm"}, "mlm"),
    ("quality", "quality", "feature-verification", {"ds", "mle"}, "mlm"),
    ("quality", "quality", "model-accuracy", {"ds"}, "mlm"),
    ("quality", "quality", "internal-poc", {"mlm"}, "pm"),
    ("quality", "quality", "feature-qa", {"qa", "mlm"}, "pm"),
]


def show_json(name: str) -> dict[str, Any]:
    result = run("playbooks", "show", name, "--format", "json")
    assert (result.code, result.err) == (0, ""), result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def items_of(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(phase["id"], item) for phase in data["phases"] for item in phase["items"]]


def test_the_builtins_are_there() -> None:
    assert BUILTINS == EXPECTED_BUILTINS


@pytest.mark.parametrize("name", EXPECTED_BUILTINS)
def test_builtin_loads_with_nothing_dangling(name: str) -> None:
    data = show_json(name)
    assert data["name"] == name
    assert re.fullmatch(r"\d+\.\d+\.\d+", data["version"])
    roles = {r["id"] for r in data["roles"]}
    ids = [item["id"] for _, item in items_of(data)]
    assert len(ids) == len(set(ids))
    docs = {doc["path"] for phase in data["phases"] for doc in phase["docs"]}
    for _, item in items_of(data):
        raci = item["raci"]
        assert raci["responsible"], item["id"]
        assert isinstance(raci["accountable"], str)
        used = {*raci["responsible"], raci["accountable"], *raci["consulted"], *raci["informed"]}
        assert used <= roles, item["id"]
        assert set(item["depends_on"]) <= set(ids), item["id"]
        assert item["doc"] is None or item["doc"] in docs, item["id"]
    # Each playbook has at least one gate: leaving a phase must mean something.
    assert any(item["gate"] for _, item in items_of(data))


@pytest.mark.parametrize("name", EXPECTED_BUILTINS)
def test_every_show_format_works(name: str) -> None:
    for fmt in ("table", "markdown"):
        result = run("playbooks", "show", name, "--format", fmt)
        assert (result.code, result.err) == (0, "")
        assert name in result.out


def _sentences(text: str) -> int:
    # A sentence ends with . ! or ? followed by a space or the end; common
    # abbreviations do not end one.
    text = re.sub(r"\b(e\.g|i\.e|etc|vs|cf|approx|incl)\.", "ABBR", text.strip())
    return len(re.findall(r"[.!?](?=\s|$)", text))


@pytest.mark.parametrize("name", EXPECTED_BUILTINS)
def test_every_description_has_one_to_three_sentences(name: str) -> None:
    data = show_json(name)
    bad = [(item["id"], _sentences(item["description"])) for _, item in items_of(data)
           if not 1 <= _sentences(item["description"]) <= 3]
    assert bad == []


def test_five_phase_is_exactly_the_reference() -> None:
    data = show_json("five-phase")
    assert [p["id"] for p in data["phases"]] == [
        "define", "data", "modeling", "productionization", "quality"]
    got = [
        (phase, item["id"], set(item["raci"]["responsible"]), item["raci"]["accountable"])
        for phase, item in items_of(data)
    ]
    assert got == [(five, item, r, a) for five, _, item, r, a in REFERENCE]
    assert {r["id"] for r in data["roles"]} == {"pm", "mlm", "ds", "mle", "pe", "devops", "qa"}


def test_product_contains_every_reference_task_with_the_same_r_and_a() -> None:
    data = show_json("product")
    assert [p["id"] for p in data["phases"]][:5] == [
        "problem", "data", "modeling", "productionization", "quality"]
    assert len(data["phases"]) == 7
    found = {item["id"]: (phase, item) for phase, item in items_of(data)}
    for _, product_phase, item_id, responsible, accountable in REFERENCE:
        assert item_id in found, item_id
        phase, item = found[item_id]
        assert (phase, set(item["raci"]["responsible"]), item["raci"]["accountable"]) == (
            product_phase, responsible, accountable), item_id
    assert len(found) > len(REFERENCE)  # the product playbook adds items


def test_ml_test_score_has_28_tests_in_four_sections_of_seven() -> None:
    data = show_json("ml-test-score")
    assert len(data["phases"]) == 4
    for phase in data["phases"]:
        assert len(phase["items"]) == 7, phase["id"]
        sections = {item["section"] for item in phase["items"]}
        assert len(sections) == 1 and None not in sections, (phase["id"], sections)
    assert len(items_of(data)) == 28
    assert len({item["section"] for _, item in items_of(data)}) == 4


def test_playbooks_lists_every_builtin() -> None:
    result = run("playbooks")
    assert (result.code, result.err) == (0, "")
    assert sorted(BUILTINS) == EXPECTED_BUILTINS
    # Two tables: the lifecycles, then (after a blank line) the overlays.
    lifecycles, overlays = result.out.split("\n\n")
    lines = lifecycles.splitlines()
    assert lines[0].split()[:5] == ["name", "version", "phases", "items", "gates"]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert sorted(rows) == EXPECTED_LIFECYCLES
    extra = overlays.splitlines()
    assert extra[0] == "overlays (mlcycle overlay add NAME):"
    assert extra[1].split()[:5] == ["name", "version", "phases", "items", "gates"]
    overlay_rows = {line.split()[0]: line.split() for line in extra[3:]}
    assert sorted(overlay_rows) == EXPECTED_OVERLAYS
    for name in EXPECTED_BUILTINS:
        data = show_json(name)
        items = items_of(data)
        gates = sum(item["gate"] for _, item in items)
        for table in (rows, overlay_rows):
            if name in table:
                assert table[name][1:5] == [data["version"], str(len(data["phases"])),
                                            str(len(items)), str(gates)]


def test_own_playbook_with_an_error_points_at_file_line_col(tmp_path: Path) -> None:
    mine = tmp_path / "my-playbook"
    shutil.copytree(PHASES / "product", mine)
    path = mine / "data.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # Break the accountable role of the first item that has one on its own line.
    index = next(i for i, line in enumerate(lines) if line.strip() == "accountable: mlm")
    column = lines[index].index("mlm") + 1
    lines[index] = lines[index].replace("mlm", "mlmx")
    path.write_text("".join(lines), encoding="utf-8")
    item_id = next(
        line.split("id:", 1)[1].strip() for line in reversed(lines[:index])
        if line.strip().startswith("- id:")
    )
    roles = ", ".join(sorted(r["id"] for r in show_json("product")["roles"]))
    before = snapshot(mine)
    result = run("playbooks", "show", "./my-playbook", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        f"my-playbook/data.yaml:{index + 1}:{column}: error[MLC022]: item '{item_id}': unknown "
        f"role 'mlmx' in raci.accountable (did you mean 'mlm'?); roles: {roles}",
        "1 error in 1 file",
    ]
    assert snapshot(mine) == before


def test_own_playbook_that_is_fine_loads(tmp_path: Path) -> None:
    shutil.copytree(PHASES / "five-phase", tmp_path / "ours")
    result = run("playbooks", "show", "./ours", "--format", "json", cwd=tmp_path)
    assert (result.code, result.err) == (0, "")
    assert json.loads(result.out) == show_json("five-phase")


def test_unknown_playbook_name() -> None:
    result = run("playbooks", "show", "fivephase")
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "<command line>: error[MLC030]: unknown playbook 'fivephase' (did you mean "
        f"'five-phase'?); built-in: {', '.join(EXPECTED_BUILTINS)} (or give a directory path)",
    ]
