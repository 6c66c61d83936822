"""Bounded cost, as properties over generated inputs (counts, never timings):
dependency cycles are reported once per knot with a real cycle, and a file with
any number of problems prints a bounded number of lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcycle.errors import MAX_PROBLEMS_PER_FILE
from mlcycle.load.model import ItemDefinition
from mlcycle.load.rules import Placed, item_problems
from mlcycle.load.source import Source
from mlcycle.load.yamlio import parse_document

graphs = st.integers(1, 11).flatmap(lambda n: st.lists(
    st.lists(st.integers(0, n - 1), max_size=4), min_size=n, max_size=n))


def placed_items(deps: list[list[int]]) -> list[Placed]:
    text = "items:\n" + "".join(
        f"  - id: i{k}\n    depends_on: [{', '.join(f'i{d}' for d in ds)}]\n"
        for k, ds in enumerate(deps))
    _, marks = parse_document(text, "f.yaml")
    source = Source("f.yaml", text, marks)
    raci = {"responsible": ["r"], "accountable": "r"}
    return [Placed(ItemDefinition.model_validate(
        {"id": f"i{k}", "title": "t", "description": "d", "raci": raci,
         "depends_on": [f"i{d}" for d in ds]}), source, ("items", k))
        for k, ds in enumerate(deps)]


def reach(deps: list[list[int]]) -> list[set[int]]:
    """Who each item reaches through one or more dependencies (plain closure)."""
    reached = [set(ds) for ds in deps]
    changed = True
    while changed:
        changed = False
        for k in range(len(deps)):
            more = set().union(*(reached[d] for d in reached[k])) - reached[k]
            if more:
                reached[k] |= more
                changed = True
    return reached


@settings(max_examples=300, deadline=None)
@given(graphs)
def test_each_knot_of_cycles_is_reported_once_with_a_real_cycle(deps: list[list[int]]) -> None:
    reached = reach(deps)
    knots = {frozenset(j for j in range(len(deps)) if j in reached[k] and k in reached[j])
             for k in range(len(deps)) if k in reached[k]}
    problems = [p for p in item_problems(placed_items(deps), ["r"]) if p.code == "MLC024"]
    assert len(problems) == len(knots)
    heads = []
    for problem in problems:
        path = problem.message.removeprefix("dependency cycle: ").split(" (")[0].split(" -> ")
        nodes = [int(name[1:]) for name in path]
        assert nodes[0] == nodes[-1]
        assert all(b in deps[a] for a, b in zip(nodes, nodes[1:], strict=False))
        knot = next(k for k in knots if nodes[0] in k)
        assert nodes[0] == min(knot)  # named at its first item in file order
        assert set(nodes) <= knot
        heads.append(nodes[0])
        assert problem.location.line == 3 + 2 * nodes[0]  # at that item's depends_on
    assert heads == sorted(heads)
    repeated = [p for p in item_problems(placed_items(deps), ["r"]) if p.code == "MLC020"]
    assert len(repeated) == sum(len(ds) - len(set(ds)) for ds in deps)


BROKEN = {"empty": "{}", "unknown key": "{colour: red}", "wrong type": "{id: 1}",
          "not a mapping": "5"}


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 3000), st.sampled_from(sorted(BROKEN)), st.integers(0, 3000))
def test_any_number_of_problems_prints_at_most_101_lines_per_file(
        count: int, shape: str, more: int) -> None:
    import shutil
    import tempfile

    from helpers.cli import run

    root = Path(tempfile.mkdtemp()) / "p"
    try:
        assert run("init", root, "--no-input").code == 0
        (root / "lifecycle/01-problem.yaml").write_text(
            "phase: problem\nitems: [" + ", ".join([BROKEN[shape]] * count) + "]\n")
        (root / "lifecycle/02-data.yaml").write_text(
            "phase: data\nitems:\n" + "  - {}\n" * more)
        result = run("validate", cwd=root)
        assert result.code == 2
        lines = result.err.splitlines()
        per_file: dict[str, int] = {}
        for line in lines[:-1]:
            per_file[line.split(":")[0]] = per_file.get(line.split(":")[0], 0) + 1
        assert all(n <= 101 for n in per_file.values()), per_file
        shown = sum(1 for line in lines if ": error[" in line)
        hidden = sum(int(line.split("... and ")[1].split()[0]) for line in lines
                     if "note[MLC009]" in line)
        assert lines[-1].startswith(f"{shown + hidden} error")
    finally:
        shutil.rmtree(root.parent)


ENTRIES = st.sampled_from([
    {}, {"id": "a"}, {"colour": 1},
    {"id": "a", "title": "T", "description": "D", "raci": {"responsible": ["r"],
                                                          "accountable": "r"}},
])


@settings(max_examples=200, deadline=None)
@given(st.lists(ENTRIES, max_size=40), st.sampled_from(["problem", "Bad Id", 5]),
       st.integers(1, 7))
def test_chunked_validation_counts_and_builds_what_one_validation_does(
        items: list[dict[str, object]], phase: object, chunk: int) -> None:
    from pydantic import ValidationError

    from mlcycle.load import bounded
    from mlcycle.load.model import PhaseFile

    data = {"phase": phase, "items": items}
    every: list[tuple[object, ...]] = []
    try:
        whole: PhaseFile | int = PhaseFile.model_validate(data)
    except ValidationError as exc:
        whole = exc.error_count()
        every = sorted((tuple(e["loc"]), e["type"]) for e in exc.errors())
    saved = bounded.CHUNK
    bounded.CHUNK = chunk  # force the chunked path on small inputs
    try:
        outcome = bounded.validate(PhaseFile, data)
    finally:
        bounded.CHUNK = saved
    if isinstance(whole, int):
        assert isinstance(outcome, tuple)
        total, errors = outcome
        assert total == whole
        listed = sorted((tuple(e["loc"]), e["type"]) for e in errors)
        if whole <= MAX_PROBLEMS_PER_FILE:
            assert listed == every
        else:  # the first ones, each where it really is
            assert len(listed) >= MAX_PROBLEMS_PER_FILE
            assert set(listed) <= set(every)
    else:
        assert outcome == whole


def test_absent_lists_are_one_shared_list_that_refuses_changes() -> None:
    # ~600,000 of them in a 100,000-item project: one object, not one each. A
    # change to it would reach every item at once, so it raises instead.
    import copy
    import pickle

    from mlcycle.load.model import Item

    first, second = (Item.model_validate({
        "id": name, "title": "T", "description": "D",
        "raci": {"responsible": ["ds"], "accountable": "mlm"}}) for name in ("a", "b"))
    assert first.evidence is second.raci.consulted
    for change in (lambda x: x.append("p"), lambda x: x.extend(["p"]),
                   lambda x: x.insert(0, "p"), lambda x: x.__setitem__(slice(0, 0), ["p"]),
                   lambda x: x.__iadd__(["p"]), lambda x: x.sort(), lambda x: x.clear()):
        with pytest.raises(TypeError, match="shared by every model"):
            change(first.evidence)
    assert first.evidence == [] and second.evidence == []
    assert copy.deepcopy(first).evidence is first.evidence
    assert pickle.loads(pickle.dumps(first)).evidence is first.evidence
    assert first.model_dump()["evidence"] == [] and \
        type(first.model_dump()["evidence"]) is list
    assert first.model_copy(update={"evidence": ["docs/x.md"]}).evidence == ["docs/x.md"]
