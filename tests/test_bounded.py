"""Bounded cost, as properties over generated inputs (counts, never timings):
dependency cycles are reported once per knot with a real cycle, and a file with
any number of problems prints a bounded number of lines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

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
