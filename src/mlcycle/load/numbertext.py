"""A number where text is wanted: ``version: 1.10`` or ``owner: 0755``.

The strict reader keeps such a plain scalar as its text (a ``PlainNumber``),
but every other YAML 1.2 tool run beside mlcycle (check-jsonschema, editors
with yaml-language-server, other YAML libraries) reads the same bytes as a
number. So a field that wants text refuses it, located, with the fix: quote
it. A field that wants a number (a metric threshold) takes it as one.

Not a pydantic validator on every text type: that would run a Python call for
each of the ~10 strings of every item (5x the validation time of a large
file). The reader counts the ``PlainNumber`` values it made; only a file that
holds one is walked, and only its ``PlainNumber`` values are looked at.
"""

from __future__ import annotations

import types
import typing
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from mlcycle.load.yamlio import PlainNumber

Loc = tuple[str | int, ...]


def plain_numbers(data: Any) -> list[tuple[Loc, PlainNumber]]:
    """(loc, value) of every ``PlainNumber`` value in ``data`` (keys are not values)."""
    found: list[tuple[Loc, PlainNumber]] = []
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*loc, k), v) for k, v in value.items() if isinstance(k, str))
        elif isinstance(value, list):
            stack.extend(((*loc, i), v) for i, v in enumerate(value))
        elif value.__class__ is PlainNumber:
            found.append((loc, value))
    found.sort(key=lambda entry: [str(part) for part in entry[0]])
    return found


def wants_text(model: type[BaseModel], loc: Loc) -> bool:
    """True when the field at ``loc`` takes text and no number (list indices ignored)."""
    return _wants_text(model, tuple(-1 if isinstance(p, int) else p for p in loc))


@lru_cache(maxsize=1024)
def _wants_text(model: type[BaseModel], loc: Loc) -> bool:
    options: list[Any] = [model]
    for part in loc:
        options = [o for option in options for o in _step(option, part)]
        if not options:
            return False  # an unknown key: pydantic reports it
    flat = [o for option in options for o in _flatten(option)]
    if any(_is_number(o) for o in flat):
        return False
    return any(_base(o) is str for o in flat)


def _flatten(annotation: Any) -> list[Any]:
    """The alternatives of a union (Annotated kept around each one)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner = typing.get_args(annotation)[0]
        if typing.get_origin(inner) is typing.Union or isinstance(inner, types.UnionType):
            return _flatten(inner)
        return [annotation]
    if origin is typing.Union or origin is types.UnionType:
        return [o for arg in typing.get_args(annotation) for o in _flatten(arg)]
    return [annotation]


def _base(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_number(annotation: Any) -> bool:
    from mlcycle.load import model

    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        if any(getattr(meta, "func", None) is model._number for meta in args[1:]):
            return True
        annotation = args[0]
    return False


def _step(annotation: Any, part: str | int) -> list[Any]:
    """The annotations one step down ``annotation`` at ``part``."""
    out: list[Any] = []
    for option in _flatten(annotation):
        base = _base(option)
        origin = typing.get_origin(base)
        if part == -1 and origin is list:
            out.append(typing.get_args(base)[0])
        elif isinstance(part, str) and origin is dict:
            out.append(typing.get_args(base)[1])
        elif isinstance(part, str) and isinstance(base, type) and issubclass(base, BaseModel):
            for name, field in base.model_fields.items():
                if (field.alias or name) == part:
                    ann = field.annotation
                    out.append(typing.Annotated[(ann, *field.metadata)] if field.metadata else ann)
    return out
