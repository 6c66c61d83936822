"""YAML scalars as text: each value written so that every YAML reader (1.1 or
1.2, ours included) reads it back as exactly the string it was.

Plain where that is safe and reads naturally (``Ana Lima``,
``docs/data/report.md``); otherwise double-quoted with YAML escapes. When a
value replaces another, the old one's quoting style is kept where it can hold
the new text.
"""

from __future__ import annotations

import yaml

from mlcycle.load.yamlio import number_like

_RESOLVER = yaml.resolver.Resolver()
_PLAIN_PUNCTUATION = frozenset(" _./@()+-'")
_PLAIN_FIRST_PUNCTUATION = frozenset("_./(")
_STR = "tag:yaml.org,2002:str"
# YAML's printable set (1.1 and 1.2): anything else must be escaped.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}


def _printable(char: str) -> bool:
    code = ord(char)
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF) and char not in "\u2028\u2029\ufeff"


def plain_ok(text: str) -> bool:
    """True when ``text`` may stand unquoted and still read back as this string."""
    if not text or text[-1] == " " or text[0] == " ":
        return False
    first = text[0]
    if not (first.isalnum() or first in _PLAIN_FIRST_PUNCTUATION):
        return False
    if not all((c.isalnum() and _printable(c)) or c in _PLAIN_PUNCTUATION for c in text):
        return False
    # YAML 1.1 reads yes/no/on/1.10/0755/2025-01-01 as other types: quote those.
    resolved = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    # ...and YAML 1.2 readers 0o17, 1_000 or .5e3 as numbers (which mlcycle refuses as text).
    return (bool(resolved == _STR) and text.lower() not in ("null", "true", "false", "~")
            and not number_like(text))


def double_quoted(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _printable(char):
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def single_quoted_ok(text: str) -> bool:
    return all(_printable(c) for c in text)


def scalar(value: object, style: str | None = None) -> str:
    """``value`` (text, a date as text, an int, a bool or None) as one YAML scalar.

    ``style`` is the quoting style of the value being replaced (``'``, ``"`` or
    None for plain); block styles are replaced by a one-line scalar.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if isinstance(value, Verbatim):
        return text
    if style == "'" and single_quoted_ok(text):
        return "'" + text.replace("'", "''") + "'"
    if style == '"':
        return double_quoted(text)
    return text if plain_ok(text) else double_quoted(text)


class Verbatim(str):
    """Text written exactly as it is, unquoted: a YYYY-MM-DD date, which mlcycle's
    files write plain (its strict reader keeps it text; pydantic parses it)."""

    __slots__ = ()
