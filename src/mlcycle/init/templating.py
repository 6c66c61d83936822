"""The Jinja environment for rendering skeletons (imported only by ``init``).

StrictUndefined: a typo in a template is an error, not an empty string.
Templates from a team's playbook directory render in a sandbox.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from mlcycle.render.text import md_escape

_FOLDABLE = re.compile(r"^\S+(?: \S+)*$")


# Plain words PyYAML writes unquoted and every reader reads back as the same
# string: a letter first, no character YAML gives a meaning, not a YAML 1.1
# boolean or null. Skips a full PyYAML dump per title and id (upgrade renders
# every item of a 10,000-item project).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ()._/-]*[A-Za-z0-9)]\Z")
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def yaml_str(value: object) -> str:
    """A YAML scalar that every YAML reader (1.1 or 1.2) reads back as this exact string."""
    text = str(value)
    if _PLAIN.match(text) and "  " not in text and text.lower() not in _RESERVED:
        return text
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10**9, default_flow_style=True)
    dumped = dumped.removesuffix("\n").removesuffix("\n...")
    if "\n" in dumped:  # a string PyYAML would spread over lines: keep it on one
        return json.dumps(text, ensure_ascii=False)
    return dumped


def yaml_text(value: object, indent: int, width: int = 80) -> str:
    """Long text as a folded block (``>-``) wrapped to ``width``, or a quoted
    string when folding could not give back the exact text."""
    text = str(value)
    if not _FOLDABLE.match(text) or not text.isprintable():
        return json.dumps(text, ensure_ascii=False)
    lines = textwrap.wrap(text, width=max(20, width - indent), break_long_words=False,
                          break_on_hyphens=False)
    pad = " " * indent
    return ">-\n" + "\n".join(pad + line for line in lines)


def mermaid_label(value: object) -> str:
    """Text inside a Mermaid ``id["..."]`` label."""
    text = " ".join(str(value).split())
    for char, entity in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, entity)
    return text


# Largest string or list a team's template may build with `*` or `**`.
MAX_PRODUCT = 1_000_000


class _BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox (no access to Python internals, ranges capped) that also
    refuses `"x" * 10**9` and `10 ** 10**9`, which would exhaust memory or time."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 1000:
            raise SecurityError(f"exponent {right} is too large for a template")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) \
                        and len(seq) * count > MAX_PRODUCT:
                    raise SecurityError("a template may not build a sequence over "
                                        f"{MAX_PRODUCT} items with '*'")
        return super().call_binop(context, operator, left, right)


def environment(template_dirs: list[Path], sandboxed: bool) -> jinja2.Environment:
    cls = _BoundedSandbox if sandboxed else jinja2.Environment
    env = cls(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown and YAML, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(yaml_str=yaml_str, yaml_text=yaml_text, md=md_escape,
                       mermaid=mermaid_label)
    return env
