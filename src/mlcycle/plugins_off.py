"""Pydantic plugins stay off in mlcycle, and looking for them costs nothing.

Third-party pydantic plugins must not change how mlcycle validates, so
``PYDANTIC_DISABLE_PLUGINS`` defaults to ``__all__``. pydantic honours that in
``pydantic.plugin._loader.get_plugins``, but only after importing that module,
whose first line imports ``importlib.metadata`` (~20 ms of every command's
start-up, typer's parameter adapters included). With every plugin disabled the
function returns ``()`` without looking at anything, so this module puts one that
returns ``()`` in its place before pydantic first asks. A value naming some
plugins (``PYDANTIC_DISABLE_PLUGINS=name,...``) or an empty one means the user
wants the others: then pydantic's own loader runs, untouched.

``tests/cli/test_startup.py`` checks that pydantic's loader gives ``()`` too under
each value this module handles, so the two cannot drift.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterable

LOADER = "pydantic.plugin._loader"
# The values for which pydantic's get_plugins returns () before any discovery.
ALL_OFF = ("__all__", "1", "true")


def _no_plugins() -> Iterable[object]:
    return ()


def disable() -> None:
    """Default to no plugins; with all of them off, skip pydantic's discovery module."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] not in ALL_OFF or LOADER in sys.modules:
        return
    stand_in = types.ModuleType(LOADER, "mlcycle's stand-in: every pydantic plugin is disabled")
    stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[LOADER] = stand_in
