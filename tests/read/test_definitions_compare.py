"""The fast comparison of an item with its playbook definition (``definitions.same``,
issue 23) says "equal" exactly when ``item_differences`` finds nothing: it only
decides whether the messages need to be built, so it must never hide one."""

from __future__ import annotations

from typing import Any

import pytest

from mlcycle.load import definitions, playbooks
from mlcycle.load.model import ItemDefinition, MetricCheck, Raci

BUILTIN = [item for name in playbooks.builtin_names()
           for phase in playbooks.load(name).phases for item in phase.items]
CHECK: MetricCheck = next(i.metrics[0] for i in BUILTIN if i.metrics)


def _changes(item: ItemDefinition) -> list[dict[str, Any]]:
    """One change of each definition field, as a status file edited by hand has it."""
    raci = item.raci
    return [
        {"title": item.title + " (edited)"},
        {"description": item.description + " More."},
        {"raci": Raci(responsible=[*raci.responsible, "someone"], accountable=raci.accountable,
                      consulted=raci.consulted, informed=raci.informed)},
        {"raci": Raci(responsible=raci.responsible, accountable=raci.accountable + "x",
                      consulted=raci.consulted, informed=raci.informed)},
        {"raci": Raci(responsible=raci.responsible, accountable=raci.accountable,
                      consulted=raci.consulted, informed=[*raci.informed, "x"])},
        {"gate": not item.gate},
        {"evidence_required": not item.evidence_required},
        {"doc": None if item.doc else "docs/x.md"},
        {"depends_on": [*item.depends_on, "elsewhere"]},
        {"section": "other" if item.section != "other" else None},
        {"metrics": [] if item.metrics else [CHECK]},
        {"parity": []} if item.parity else {"metrics": [*item.metrics, CHECK]},
        {"replaces": None if item.replaces else "old-id"},
        {"tags": [] if item.tags else ["eu-ai-act:art-10"]},
        {"recurs": None if item.recurs else "90d"},
        {"profiles": None if item.profiles else ["poc"]},
    ]


def test_builtin_playbooks_have_items_with_every_kind_of_field() -> None:
    # The cases below mean something only if the built-in items use these fields.
    assert any(i.metrics for i in BUILTIN) and any(i.parity for i in BUILTIN)
    assert any(i.tags for i in BUILTIN) and any(i.recurs for i in BUILTIN)
    assert any(i.profiles for i in BUILTIN)


@pytest.mark.parametrize("item", BUILTIN, ids=lambda i: i.id)
def test_same_agrees_with_item_differences(item: ItemDefinition) -> None:
    there = definitions.canonical(item)
    wanted = definitions._wanted(there)
    assert definitions.item_differences(item, there) == []
    assert definitions.same(item, wanted)
    for change in _changes(item):
        here = item.model_copy(update=change)
        found = definitions.item_differences(here, there)
        assert found, change
        assert not definitions.same(here, wanted), change
    # The deprecated ``automated`` is item state: never compared, by either.
    flipped = item.model_copy(update={"automated": not item.automated})
    assert definitions.item_differences(flipped, there) == []
    assert definitions.same(flipped, wanted)
