"""Metric keys and numbers as people write them: shared by ``check`` (which
reads metrics files) and ``init`` (whose document stubs explain them).

A key is an RFC 6901 JSON Pointer or a list of segments; it is never split on
dots, because ``auc.macro`` and ``val/loss`` are legitimate metric names.
"""

from __future__ import annotations


def segments(key: str | list[str | int]) -> list[str | int]:
    """A key as its segments: a JSON Pointer is split on '/' and unescaped
    (``~1`` is '/', then ``~0`` is '~', RFC 6901); a list is taken as it is."""
    if isinstance(key, list):
        return list(key)
    if key == "":
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in key.split("/")[1:]]


def pointer(parts: list[str | int]) -> str:
    """Segments as a JSON Pointer, for messages (``""`` is the whole file)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def shown(value: float) -> str:
    """A raw value as read: its shortest exact text (0.912, 250, 1e-05); a whole
    float without its ``.0``, as people write thresholds."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)
