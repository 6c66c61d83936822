"""``mlcycle diff``: the lifecycle change as text, Markdown (a pull request
comment, ``$GITHUB_STEP_SUMMARY``) or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from mlcycle.escape import line as printable
from mlcycle.escape import markdown as md_escape
from mlcycle.escape import markdown_code as md_code
from mlcycle.judge.lifediff import Diff
from mlcycle.judge.metricdiff import Delta, Side
from mlcycle.load.metrickeys import shown


def _head(d: Diff) -> str:
    count = d.count()
    what = "no lifecycle change" if d.empty else \
        f"{count} lifecycle change{'' if count == 1 else 's'}"
    if d.metrics:
        what += f", {len(d.metrics)} metric value{'' if len(d.metrics) == 1 else 's'} changed"
    return f"mlcycle diff against {d.base}: {what}"


def _value(side: Side) -> str:
    return "—" if side.value is None else shown(side.value)


def _verdict(side: Side) -> str:
    return side.verdict or "no check"


def _change(delta: Delta) -> str:
    change, old = delta.change, delta.old.value
    if change is None:
        return ""
    if change == 0:
        return "unchanged"
    share = f", {change / abs(old) * 100:+.2g}%" if old else ""
    return f"{change:+.3g}{share}"


def _new_verdict(side: Side) -> str:
    return "**fail**" if side.verdict == "fail" else _verdict(side)


def _sources(delta: Delta) -> str:
    """Where pulled numbers came from, on the side(s) that have a note."""
    if delta.old.source == delta.new.source:
        return f"from {delta.new.source}" if delta.new.source else ""
    return "; ".join(f"{name}: from {side.source}" for name, side in
                     (("base", delta.old), ("now", delta.new)) if side.source)


def _metric_line(delta: Delta) -> str:
    change = _change(delta)
    source = _sources(delta)
    return (f"{delta.phase}/{delta.item}: {delta.label}: {delta.file} {delta.key}: "
            f"{_value(delta.old)} -> {_value(delta.new)}{f' ({change})' if change else ''}; "
            f"{delta.wants}: {_verdict(delta.old)} -> {_verdict(delta.new)}"
            + (f" ({source})" if source else ""))


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
    if d.metrics:
        lines += ["", "Metric values:"]
        lines += [f"   {printable(_metric_line(m))}" for m in d.metrics]
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
    if d.metrics:
        lines += ["", "#### Metric values", "",
                  "| Check | Value | Base | Now | Change | Condition | Verdict |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {md_code(printable(m.item))} {_md(m.label)} | "
                  f"{md_code(printable(m.file + ' ' + m.key))} | {_value(m.old)} | "
                  f"{_value(m.new)} | {_change(m)} | {_md(m.wants)} | "
                  f"{_verdict(m.old)} → {_new_verdict(m.new)}"
                  f"{_md(' (' + _sources(m) + ')') if _sources(m) else ''} |" for m in d.metrics]
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
        "metrics": [{"phase": m.phase, "item": m.item, "check": m.check, "side": m.side or None,
                     "file": m.file, "key": m.key, "condition": m.wants, "change": m.change,
                     "old": _side(m.old), "new": _side(m.new)} for m in d.metrics],
    }


def _side(side: Side) -> dict[str, object]:
    return {"value": side.value, "verdict": side.verdict or None, "source": side.source or None}


def as_json(d: Diff) -> str:
    return json.dumps({"version": 1, "today": d.today.isoformat(), **data(d)}, indent=2,
                      sort_keys=True, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[Diff], str]] = {
    "text": text, "markdown": markdown, "json": as_json,
}
