"""Validate parsed YAML against a model, mapping every pydantic error back to
the line and column of the offending node, with a "did you mean" hint for
unknown keys and bad choices."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel

from mlcycle.codes import MLC010, MLC011, MLC012, MLC013
from mlcycle.errors import MAX_PROBLEMS_PER_FILE, Location, MlcycleError, Problem, more_problems
from mlcycle.escape import quote
from mlcycle.load import bounded
from mlcycle.load.yamlio import Marks, locate_many

M = TypeVar("M", bound=BaseModel)


def format_loc(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def did_you_mean(word: object, choices: typing.Iterable[str]) -> str:
    """A hint naming the one choice the user most likely meant, or ""."""
    if not isinstance(word, str):
        return ""
    match = _closest(word, list(choices))
    return f" (did you mean '{match}'?)" if match is not None else ""


def _closest(word: str, choices: list[str]) -> str | None:
    # Case never matters to a reader ('DONE' is 'done'); a word of three or
    # more letters that starts exactly one choice names it ('prob' for
    # 'problem', 'data' for 'data-sources'); else difflib's similarity, on
    # case-folded text, catches typos ('doen', 'bloked').
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(choice.casefold(), choice)
    key = word.casefold()
    if key in folded:
        return folded[key]
    if len(key) >= 3:
        starting = [c for f, c in folded.items() if f.startswith(key)]
        if len(starting) == 1:
            return starting[0]
    match = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


def _unwrap(annotation: Any) -> Any:
    """The model class inside list[X], X | None, dict[K, X], Annotated[X, ...]."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (list, dict) or origin is typing.Union or origin is types.UnionType:
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[-1]
        else:
            return annotation


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = next(
            (f for n, f in current.model_fields.items() if (f.alias or n) == part), None
        )
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _short(value: object) -> str:
    # Text is quoted as written (the printer escapes the whole message once);
    # repr would escape it a second time and double every backslash.
    text = quote(value) if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# Tags of the shape-picked unions in load/model.py (a metric's ``key`` and
# ``value``): pydantic puts the tag in the error's loc, which names no YAML key.
_UNION_TAGS = {"key": ("pointer", "segments"), "value": ("number", "range")}


def _untagged(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for part in loc:
        if out and part in _UNION_TAGS.get(str(out[-1]), ()):
            continue
        out.append(part)
    return tuple(out)


def _describe(model: type[BaseModel], err: Any) -> tuple[str, str, tuple[str | int, ...]]:
    """(code, message, loc to point at) for one pydantic error."""
    loc: tuple[str | int, ...] = _untagged(tuple(err["loc"]))
    kind = err["type"]
    where = format_loc(loc)
    if kind == "extra_forbidden":
        key = loc[-1]
        allowed = _keys(_model_at(model, loc[:-1]))
        hint = did_you_mean(key, allowed)
        return (
            MLC010,
            f"{where}: unknown key '{key}'{hint}; allowed: {', '.join(allowed)}",
            (*loc, "<key>"),
        )
    if kind == "missing":
        return MLC011, f"{where}: required key '{loc[-1]}' is missing", loc[:-1]
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        choices = [c for c in choices if c]
        hint = did_you_mean(err["input"], choices)
        if err["input"] in choices:  # '1' for 1: the text of a non-text choice
            hint = " (write it without quotes)"
        return (
            MLC012,
            f"{where}: {_short(err['input'])} is not one of {', '.join(choices)}{hint}",
            loc,
        )
    if kind == "invalid_date":
        return MLC013, f"{where}: {err['msg']}", loc
    if kind == "string_pattern_mismatch":
        from mlcycle.load.model import PATTERN_MEANINGS

        pattern = err.get("ctx", {}).get("pattern", "")
        wanted = PATTERN_MEANINGS.get(pattern, f"text matching {pattern}")
        message = f"{where}: {_short(err['input'])} is not allowed here: expected {wanted}"
        return MLC012, message, loc
    if kind in ("string_type", "bool_type", "int_type", "list_type", "dict_type", "model_type"):
        wanted = {
            "string_type": "a string",
            "bool_type": "true or false",
            "int_type": "an integer",
            "list_type": "a list",
            "dict_type": "a mapping",
            "model_type": "a mapping",
        }[kind]
        hint = ""
        if kind == "string_type" and isinstance(err["input"], (bool, int)):
            hint = " (quote it if you mean the text)"
        return MLC012, f"{where}: expected {wanted}, got {_short(err['input'])}{hint}", loc
    return MLC012, f"{where}: {err['msg']}", loc


def validate(model: type[M], data: dict[str, Any], text: str, display: str,
             marks: Marks | None = None) -> M:
    """``model.model_validate(data)`` with located, user-facing errors.

    Bounded however many errors there are (see ``load.bounded``): only about
    ``MAX_PROBLEMS_PER_FILE`` are described and located, the rest counted on
    one line. A number where text is wanted is refused too (``numbertext``);
    with the reader's ``marks`` only a file that holds one is searched.
    """
    outcome = bounded.validate(model, data)
    numbers = _numbers_as_text(model, data) if marks is None or marks.numbers else []
    if not isinstance(outcome, tuple) and not numbers:
        return outcome
    total, errors = outcome if isinstance(outcome, tuple) else (0, [])
    described = [_describe(model, err) for err in errors]
    taken = {loc for _, _, loc in described}
    extra = [entry for entry in numbers if entry[2] not in taken]
    total += len(extra)
    described += extra[:max(0, MAX_PROBLEMS_PER_FILE - len(described))]
    # One pass over the file's events for all of them, no node tree: it stops
    # after the last one, and the errors listed are the first ones.
    where = locate_many(text, [loc for _, _, loc in described])
    problems = [Problem(Location(display, *where[loc]), code, message)
                for code, message, loc in described]
    if total > len(problems):
        problems.append(more_problems(display, total - len(problems)))
    raise MlcycleError(problems)


def _numbers_as_text(model: type[BaseModel], data: dict[str, Any]
                     ) -> list[tuple[str, str, tuple[str | int, ...]]]:
    from mlcycle.load import numbertext

    return [(MLC012, f"{format_loc(loc)}: expected text, got {value}, which YAML 1.2 "
                       f"readers (check-jsonschema, editors) read as a number; quote it: "
                       f"\"{value}\"", loc)
            for loc, value in numbertext.plain_numbers(data) if numbertext.wants_text(model, loc)]
