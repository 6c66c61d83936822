"""The one home of output safety: every byte of user text that mlcycle prints or
writes into a report passes exactly one function here for its medium.

User text (keys, values, titles, owners, evidence paths, notes, team names,
command-line values, directory names) may carry characters that change what a
reader sees: a newline forges a line (a fake ``mlcycle check: passed``, or a
``::error`` workflow command that GitHub Actions reads from any output), an
ANSI escape erases or recolours the line, a bidi control reorders it. Those
characters are shown as visible escapes (``\\x1b``, ``\\u202e``) instead.

The design: messages are built with the raw text (quoted with ``quote``, never
``repr``, which would escape a second time), and each sink escapes the whole
string for its medium: ``Problem.__str__`` and the command-line printer use
``line``/``text``; each renderer uses ``github_text``/``github_data``/
``github_property``, ``xml``, ``markdown`` or ``json_safe``. Escaping is idempotent: the output of
``line`` holds no character ``line`` would change, so a sink that receives
already-escaped text changes nothing.

No imports beyond ``re``: ``check`` loads this on every run.
"""

from __future__ import annotations

import functools
import re

# C0 controls (newline and tab included: one message is one line), DEL, C1
# controls, the Arabic letter mark, left-to-right / right-to-left marks, line
# and paragraph separators, bidi embeddings/overrides (U+202A-202E) and
# isolates (U+2066-2069), lone surrogates (command-line bytes that are not
# UTF-8 arrive as U+DC80-DCFF and cannot be written as UTF-8), and the two
# noncharacters XML 1.0 cannot carry.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def line(text: object) -> str:
    """Terminal or plain-text medium, one line: every unsafe character (newlines
    too) becomes a visible escape."""
    return UNSAFE.sub(_visible, str(text))


def text(document: str) -> str:
    """Terminal or plain-text medium, a multi-line document whose line breaks
    are mlcycle's own: each line escaped, the ``\\n`` between them kept. Values
    must already have been escaped with ``line`` (a user's newline inside a
    value would otherwise start a line of its own)."""
    return "\n".join(line(part) for part in document.split("\n"))


@functools.cache
def _unsafe_in_html() -> re.Pattern[str]:
    # Compiled when first needed: a large class, and `check` never writes HTML.
    return re.compile(UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x08\x0b-\x1f"))


def html_text(value: object) -> str:
    """HTML medium, before Jinja's autoescape (which handles ``& < > " '``):
    controls, bidi overrides and the like become visible escapes, as in every
    other medium; a value's own line breaks and tabs stay (HTML folds them)."""
    return _unsafe_in_html().sub(_visible, str(value))


def quote(value: object) -> str:
    """A value quoted inside a message: ``'value'``. Not ``repr``: the sink
    escapes the whole message once, so repr's escaping would show doubled
    backslashes (``'\\\\x1b'``)."""
    return f"'{value}'"


# --- GitHub Actions log (``@actions/core`` command.ts, the runner) ------------

# What the runner reads as a command in a line of a step's stdout or stderr:
# ``::name ...::`` at the start of the line (after spaces), and the legacy
# ``##[name ...]`` anywhere in it (``##[add-mask]secret`` hides text from the
# log, ``##[error]`` forges an error line). In user text each loses its second
# character to a visible escape, in the style of ``line``: ``:\x3a``, ``#\x23[``.
_GITHUB_COMMAND = re.compile(r"::|##\[")
_GITHUB_SHOWN = {"::": ":\\x3a", "##[": "#\\x23["}


def github_text(value: object) -> str:
    """One line of a GitHub Actions log (the plain lines of ``--format github``,
    the problems printed beside them): ``line``, then no ``::`` or ``##[`` left
    for the runner to read as a workflow command. Idempotent like ``line``."""
    return _GITHUB_COMMAND.sub(lambda m: _GITHUB_SHOWN[m.group()], line(value))


def github_data(value: object) -> str:
    """The message of a ``::error ...::message`` command: one visible line with
    no legacy ``##[`` command in it, then the toolkit's own encoding of ``%``,
    CR and LF. (A ``::`` in it is text: the line is already a command.)"""
    shown = line(value).replace("##[", _GITHUB_SHOWN["##["])
    return shown.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(value: object) -> str:
    """A property value (``file=``, ``title=``): also ``:`` and ``,``."""
    return github_data(value).replace(":", "%3A").replace(",", "%2C")


# --- XML (JUnit) ---------------------------------------------------------------


def xml(value: object) -> str:
    """One line of text for an XML attribute or element built with ElementTree
    (which escapes ``&``, ``<``, ``>`` and quotes): made visible like ``line``,
    so nothing is left that XML 1.0 cannot carry. A multi-line element body
    joins lines escaped one by one."""
    return line(value)


# --- Markdown (CommonMark and GitHub Flavored Markdown) -------------------------

# Every character with an inline meaning wherever it stands: escape, table
# cell (``|``), raw HTML and autolinks (``<`` ``>``), entity references (``&``:
# ``&lt;`` must show as written), code spans, emphasis, strikethrough (``~``),
# links and images (``[`` ``]``), and ``#`` (an ATX heading's closing run eats a
# trailing ``#``; GitHub links ``#123``; and it breaks the runner's ``##[``
# when a report goes to a CI log).
_MD_INLINE = re.compile(r"[\\|<>&`*_~\[\]#]")
# What starts a block when it opens a line (a paragraph, a list item, a
# heading's text): a list marker, a block quote, a setext underline, an
# ordered-list number ("2024. " would start a list at 2024); and ``:``, as a
# line of a report printed in a CI log that starts ``::`` is a workflow command.
_MD_BLOCK_START = re.compile(r"\A(?:[-+=:]|(\d{1,9})[.)](?=\s|\Z))")


def markdown(value: object) -> str:
    """The one escaping rule for user text in Markdown (the generated stubs,
    LIFECYCLE.md, README.md, every ``--format markdown``): one visible line,
    whitespace runs collapsed, then a backslash before every character
    CommonMark or GFM gives a meaning to inline, and before a block marker at
    the start, so the text is the same one paragraph, list item, heading or
    table cell, and shows exactly as written. Safe anywhere a line of Markdown
    text may stand (not inside a code span or a link target)."""
    out = _MD_INLINE.sub(lambda m: "\\" + m.group(), " ".join(line(value).split()))
    start = _MD_BLOCK_START.match(out)
    if start is not None:
        at = start.end() - 1  # the marker, or the "." / ")" after the number
        out = out[:at] + "\\" + out[at:]
    return out


def markdown_code(value: object) -> str:
    """Text as a Markdown code span when it can be one verbatim (one printable
    line, no backtick, no pipe that would split a table cell, nothing a CI log
    reads as a workflow command); else ``markdown``."""
    text = str(value)
    if text and line(text) == text and "`" not in text and "|" not in text \
            and not _GITHUB_COMMAND.search(text):
        return f"`{text}`"
    return markdown(text)


# --- JSON ------------------------------------------------------------------------


def json_safe(document: str) -> str:
    """A JSON document from ``json.dumps(..., ensure_ascii=False)`` with every
    unsafe character that json leaves raw (DEL, C1, bidi controls, U+2028/2029,
    lone surrogates) written as a ``\\uXXXX`` escape. Outside strings JSON is
    ASCII, so only string contents change, and they parse back to the same text."""
    return _unsafe_in_json().sub(lambda m: f"\\u{ord(m.group()):04x}", document)


# json.dumps escapes every C0 control inside strings, so a raw newline in its
# output is the indentation's own.
@functools.cache
def _unsafe_in_json() -> re.Pattern[str]:
    # Compiled when first needed, as the HTML one.
    return re.compile(UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f"))
