"""The shortcuts that make rendering a large project fast give the bytes the
long way gave: a description folds in a status file as textwrap folded it, and
a LIFECYCLE.md row marks each role with the letters its RACI gives it, as the
template's per-role tests did (``upgrade`` renders both for every item that
changes; no upgrade or init rewrites a line for them)."""

from __future__ import annotations

import random
import textwrap
from typing import Any

import yaml

from mlcycle.init.templating import lifecycle_row, raci_letters, yaml_text


def _textwrap_folded(text: str, indent: int, width: int = 80) -> str:
    lines = textwrap.wrap(text, width=max(20, width - indent), break_long_words=False,
                          break_on_hyphens=False)
    return ">-\n" + "\n".join(" " * indent + line for line in lines)


def _texts() -> list[str]:
    rng = random.Random(23)
    alphabet = ["a", "b", "-", "/", ".", ",", "é", "😀", "x", "(", ")"]
    texts = [
        "word",
        "a " * 36 + "b",  # lines that end exactly at the width
        "x" * 74 + " y",  # a word that fills a line by itself
        "short " + "z" * 120 + " after",  # a word longer than the width, alone on its line
        "well-known hyphen-ated words never break at their hyphens, however long the line",
    ]
    for _ in range(3000):
        words = ["".join(rng.choice(alphabet) for _ in range(rng.choice([1, 2, 3, 5, 8, 13, 40,
                                                                          73, 74, 75, 90])))
                 for _ in range(rng.randint(1, 40))]
        texts.append(" ".join(words))
    return texts


def test_descriptions_fold_as_textwrap_folds_them() -> None:
    for text in _texts():
        for indent in (4, 6, 8, 70):
            folded = yaml_text(text, indent)
            assert folded == _textwrap_folded(text, indent), (text, indent)
            assert yaml.safe_load("k: " + folded) == {"k": text}


def _letters(raci: dict[str, Any], role: str) -> str:
    """The reference: four membership tests, R A C I in that order, as the
    template wrote each cell before ``lifecycle_row``."""
    return ", ".join([letter for letter, hit in (
        ("R", role in raci["responsible"]), ("A", role == raci["accountable"]),
        ("C", role in raci["consulted"]), ("I", role in raci["informed"])) if hit])


def test_a_lifecycle_row_marks_each_role_as_raci_letters_does() -> None:
    """LIFECYCLE.md's rows (one ``lifecycle_row`` call per item) and ``raci_letters``
    (the function teams' own templates call) mark each role with the letters of
    the four membership tests, a role listed twice included."""
    rng = random.Random(7)
    ids = ["pm", "mlm", "ds", "mle", "devops", "qa"]
    roles = [{"id": r} for r in ids[:5]]
    for _ in range(3000):
        twice = rng.sample(ids, rng.randint(0, 1))
        raci = {"responsible": rng.sample(ids, rng.randint(1, 3)) + twice,
                "accountable": rng.choice(ids), "consulted": rng.sample(ids, rng.randint(0, 3)),
                "informed": rng.sample(ids, rng.randint(0, 2))}
        item = {"title": "A *title*", "doc": None, "id": "x", "gate": True, "raci": raci}
        cells = "".join(f" {_letters(raci, role['id'])} |" for role in roles)
        assert lifecycle_row(item, roles) == f"| A \\*title\\* `x` | G |{cells}"
        assert [raci_letters(item, r) for r in ids] == [_letters(raci, r) for r in ids]
