"""A description folds in a status file exactly as it always has: the folding
of ``yaml_text`` (its own greedy fill, for speed) gives the lines textwrap gave,
so no upgrade or init rewrites a description's lines."""

from __future__ import annotations

import random
import textwrap

import yaml

from mlcycle.init.templating import yaml_text


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
