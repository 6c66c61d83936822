"""Where the built-in playbooks and templates are.

In the wheel they are package data (``mlcycle/_data/``, mapped at build time);
in a checkout or an editable install they are the top-level ``phases/`` and
``templates/`` folders. One lookup, used by everything.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_dir(name: str) -> Path:
    """``phases`` or ``templates``, wherever this installation keeps them."""
    # The package's folder, as importlib.resources.files("mlcycle") gives it for an
    # installed (not zipped) package, without importing importlib.resources (~1 %
    # of `check`); a zipped mlcycle could not be read from folders anyway.
    packaged = Path(__file__).parent / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"mlcycle's built-in {name}/ folder is missing from this installation")
