"""Where the built-in playbooks and templates are.

In the wheel they are package data (``mlcycle/_data/``, mapped at build time);
in a checkout or an editable install they are the top-level ``phases/`` and
``templates/`` folders. One lookup, used by everything.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def data_dir(name: str) -> Path:
    """``phases`` or ``templates``, wherever this installation keeps them."""
    packaged = Path(str(files("mlcycle"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"mlcycle's built-in {name}/ folder is missing from this installation")
