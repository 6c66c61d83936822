"""Validation at a cost bounded by the input, however many errors it holds.

pydantic validates in Rust and counts errors cheaply, but holding millions of
errors takes gigabytes, and turning them into Python objects takes seconds.
So a long top-level list (the items of a status file) is validated in chunks,
and of a failing validation only the first ``MAX_PROBLEMS_PER_FILE`` errors
or so become Python objects; the rest are only counted.
"""

from __future__ import annotations

import itertools
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mlcycle.errors import MAX_PROBLEMS_PER_FILE
from mlcycle.load.yamlio import present

M = TypeVar("M", bound=BaseModel)
Errors = tuple[int, list[Any]]  # how many errors in all, and the first of them (pydantic's)

CHUNK = 10_000  # a top-level list longer than this is validated in pieces
MAX_CHUNKS = 16  # ... of at least len/16 entries, so other keys are validated at most 16 times


def validate(model: type[M], data: dict[str, Any]) -> M | Errors:
    """The model, or (error count, at least the first ``MAX_PROBLEMS_PER_FILE``
    errors, or all of them when there are fewer)."""
    lists = [key for key, value in data.items() if isinstance(value, list)]
    key = max(lists, key=lambda k: len(data[k]), default=None)
    if key is not None and len(data[key]) > CHUNK:
        return _in_chunks(model, data, key)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        return exc.error_count(), _first_errors(model, data, exc)


def _in_chunks(model: type[M], data: dict[str, Any], key: str) -> M | Errors:
    entries: list[Any] = data[key]
    # Errors outside `key` come back with every chunk: count and list them once.
    rest = {k: v for k, v in data.items() if k != key}
    try:
        model.model_validate(rest)
        shared: list[Any] = []
    except ValidationError as exc:
        shared = [e for e in exc.errors(include_url=False) if tuple(e["loc"]) != (key,)]
    total, found = len(shared), list(shared)
    pieces: list[M] = []
    size = max(CHUNK, -(-len(entries) // MAX_CHUNKS))
    for start in range(0, len(entries), size):
        chunk = {**data, key: entries[start:start + size]}
        try:
            piece = model.model_validate(chunk)
        except ValidationError as exc:
            total += exc.error_count() - len(shared)
            if len(found) < MAX_PROBLEMS_PER_FILE:
                for err in _first_errors(model, chunk, exc):
                    loc = tuple(err["loc"])
                    if len(loc) > 1 and loc[0] == key and isinstance(loc[1], int):
                        found.append({**err, "loc": (key, loc[1] + start, *loc[2:])})
            continue
        if not total:
            pieces.append(piece)
    if total:
        return total, found
    name = next(n for n, f in model.model_fields.items() if (f.alias or n) == key)
    # Every piece validated the same other keys; only their `key` lists differ.
    return pieces[0].model_copy(update={name: [e for p in pieces for e in getattr(p, name)]})


def _first_errors(model: type[BaseModel], data: dict[str, Any],
                  exc: ValidationError) -> list[Any]:
    """At least ``MAX_PROBLEMS_PER_FILE`` of ``exc``'s errors (all if fewer),
    found by validating a copy that keeps only the first ``keep`` entries of
    every list and mapping, ``keep`` growing fourfold."""
    if exc.error_count() <= MAX_PROBLEMS_PER_FILE:
        return exc.errors(include_url=False)
    keep = 8
    while True:
        cut: list[bool] = []
        try:
            model.model_validate(_first(data, keep, cut))
            errors: list[Any] = []
        except ValidationError as smaller:
            # A key cut off the copy is missing there, not in the file.
            errors = [e for e in smaller.errors(include_url=False)
                      if e["type"] != "missing" or not present(data, e["loc"])]
        if len(errors) >= MAX_PROBLEMS_PER_FILE or not cut:
            return errors
        keep *= 4


def _first(value: Any, keep: int, cut: list[bool]) -> Any:
    """``value`` with at most ``keep`` entries in every list and mapping; appends
    to ``cut`` when anything was left out."""
    if isinstance(value, dict):
        if len(value) > keep:
            cut.append(True)
        return {k: _first(v, keep, cut) for k, v in itertools.islice(value.items(), keep)}
    if isinstance(value, list):
        if len(value) > keep:
            cut.append(True)
        return [_first(v, keep, cut) for v in value[:keep]]
    return value
