"""``mlcycle diff``: the lifecycle change as text, Markdown (a pull request
comment, ``$GITHUB_STEP_SUMMARY``) or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from mlcycle.escape import line as printable
from mlcycle.escape import markdown as md_escape
from mlcycle.escape import markdown_code as md_code
from mlcycle.judge.lifediff import Diff


def _head(d: Diff) -> str:
    count = d.count()
    what = "no lifecycle change" if d.empty else \
        f"{count} lifecycle change{'' if count == 1 else 's'}"
    return f"mlcycle diff against {d.base}: {what}"


def text(d: Diff) -> str:
    lines = [_head(d)]
    for title, changes in d.sections():
        if not changes:
            continue
        lines.append("")
        lines.append(f"{title.upper() if title == 'Definition changes' else title}:")
        for c in changes:
            mark = "!! " if c.severe else "   "
            lines.append(f"{mark}{printable(c.subject)}: {printable(c.text)}")
    for note in d.notes:
        lines.append(f"note: {printable(note)}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    # "->" escaped for Markdown reads badly in a pull request comment.
    return md_escape(printable(text)).replace("-\\>", "\u2192")


def markdown(d: Diff) -> str:
    lines = [f"### {md_escape(printable(_head(d)))}"]
    for title, changes in d.sections():
        if not changes:
            continue
        lines.append("")
        if title == "Definition changes":
            lines.append("> [!WARNING]")
            lines.append("> **Definition changes** (gates, evidence, RACI, wording): review "
                         "these first")
            lines += [f"> - {'**' if c.severe else ''}{md_code(printable(c.subject))}: "
                      f"{_md(c.text)}{'**' if c.severe else ''}"
                      for c in changes]
            continue
        lines.append(f"#### {title}")
        lines.append("")
        lines += [f"- {'**' if c.severe else ''}{md_code(printable(c.subject))}: "
                  f"{_md(c.text)}{'**' if c.severe else ''}" for c in changes]
    for note in d.notes:
        lines.append(f"\n_note: {md_escape(printable(note))}_")
    return "\n".join(lines) + "\n"


def data(d: Diff) -> dict[str, object]:
    keys = ["definitions", "playbook", "moves", "structure", "items", "waivers", "team"]
    return {
        "base": d.base,
        "changes": d.count(),
        **{key: [{"subject": c.subject, "change": c.text, "kind": c.kind, "severe": c.severe}
                 for c in changes]
           for key, (_, changes) in zip(keys, d.sections(), strict=True)},
        "notes": d.notes,
    }


def as_json(d: Diff) -> str:
    return json.dumps({"version": 1, "today": d.today.isoformat(), **data(d)}, indent=2,
                      sort_keys=True, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[Diff], str]] = {
    "text": text, "markdown": markdown, "json": as_json,
}
