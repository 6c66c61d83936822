"""What a document stub says about its items' metric checks: one row per check
(what it reads, when it passes) and, per metrics file, the skeleton an
evaluation job has to write, as a runnable Python example.

Built from the playbook's own definitions, so a stub can never describe a
check the playbook does not make (a fork that changes a key or a threshold gets
stubs that say so). Used by the template ``docs/_metrics.md.j2``.
"""

from __future__ import annotations

import pprint
import re
from typing import Any

from mlcycle.escape import markdown, markdown_code
from mlcycle.load.metrickeys import pointer, segments, shown

_FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml"}


_WORDS = {">": "above", ">=": "at least", "<": "below", "<=": "at most", "==": "exactly",
          "!=": "anything but",
          "at-or-beyond": "at or beyond (in the primary metric's direction)",
          "beyond": "strictly beyond (in the primary metric's direction)"}
# What a `{primary: ...}` key is called in a stub whose project declares no primary
# metric yet: the placeholder the sketch shows.
PLACEHOLDER = "<primary metric>"


def _parts(key: Any, primary: dict[str, Any] | None) -> list[str | int]:
    """A key's segments; a ``{primary: ...}`` key as this project names it."""
    if not isinstance(key, dict):
        return segments(key)
    if key["primary"] is True:
        return [primary["name"] if primary else PLACEHOLDER]
    bound = "ci_low" if primary and primary["direction"] == "higher" else \
        "ci_high" if primary else "ci_low"
    return [*segments(key["interval"] or ""), bound]


def _passes_when(check: dict[str, Any], primary: dict[str, Any] | None) -> str:
    """In words, not operators: a stub is read raw as often as rendered, and
    ``<``, ``>`` and ``|`` would need Markdown escapes."""
    value = check["value"]
    op = check["op"]
    if primary and op in ("at-or-beyond", "beyond"):
        higher = primary["direction"] == "higher"
        op = (">=" if higher else "<=") if op == "at-or-beyond" else (">" if higher else "<")
    if isinstance(value, dict) and value.get("primary") == "floor":
        floor = f"the primary metric's floor ({primary['floor']})" if primary else \
            "the primary metric's floor (declare it: `mlcycle metric set 'NAME>=FLOOR'`)"
        return f"{_WORDS[op]} {floor}"
    if isinstance(value, dict) and "file" in value:
        return f"{_WORDS[op]} the number at {_where(value, primary, plain=True)}"
    if op == "between":
        ends = ("exclusive" if value["strict_min"] else "inclusive",
                "exclusive" if value["strict_max"] else "inclusive")
        how = ends[0] if ends[0] == ends[1] else f"min {ends[0]}, max {ends[1]}"
        return f"between {shown(value['min'])} and {shown(value['max'])} ({how})"
    if check["key"] and isinstance(check["key"], dict) and check["key"]["primary"] != True:  # noqa: E712
        return (f"{_WORDS[op]} {shown(value)}: the whole confidence interval of the effect "
                "lies beyond zero, on the better side")
    return f"{_WORDS[op]} {shown(value)}"


def _tolerance(tolerance: dict[str, Any]) -> str:
    parts = [] if tolerance["abs"] is None else [shown(tolerance["abs"])]
    if tolerance["rel"] is not None:
        parts.append(f"{tolerance['rel'] * 100:.6g}% of production")
    allowed = parts[0] if len(parts) == 1 else f"the larger of {' and '.join(parts)}"
    return f"experiment and production differ by at most {allowed}, either way"


def _where(ref: dict[str, Any], primary: dict[str, Any] | None, plain: bool = False) -> str:
    """A Markdown cell: the file and the key as a JSON Pointer."""
    key = pointer(_parts(ref["key"], primary)) or "(whole file)"
    if plain:
        return f"{ref['file']} {key}"
    return f"{markdown_code(ref['file'])} {markdown_code(key)}"


def _place(tree: Any, parts: list[str | int]) -> Any:
    """``tree`` with a ``None`` leaf at ``parts`` (a mapping per key, a list per
    index), keeping whatever an earlier key of the same file put there."""
    if not parts:
        return tree
    head, rest = parts[0], parts[1:]
    if isinstance(head, int):
        seq: list[Any] = tree if isinstance(tree, list) else []
        seq.extend([None] * (head + 1 - len(seq)))
        seq[head] = _place(seq[head], rest) if rest else seq[head]
        return seq
    mapping: dict[str, Any] = tree if isinstance(tree, dict) else {}
    mapping[head] = _place(mapping.get(head), rest) if rest else mapping.get(head)
    return mapping


def guide(items: list[dict[str, Any]], primary: dict[str, Any] | None = None
          ) -> dict[str, Any]:
    """``rows``: one per check of ``items`` (item, check, reads, passes when);
    ``files``: each metrics file once, in order of first mention, with its
    format and (JSON and YAML) a Python literal of what the job writes."""
    rows: list[dict[str, str]] = []
    trees: dict[str, Any] = {}

    def mention(ref: dict[str, Any]) -> None:
        trees[ref["file"]] = _place(trees.get(ref["file"]), _parts(ref["key"], primary))

    for item in items:
        for check in item.get("metrics", []):
            rows.append({"item": markdown_code(item["id"]), "check": markdown(check["id"]),
                         "kind": "metric", "reads": _where(check, primary),
                         "passes": markdown(_passes_when(check, primary))})
            mention(check)
            if isinstance(check["value"], dict) and "file" in check["value"]:
                mention(check["value"])
        for check in item.get("parity", []):
            rows.append({"item": markdown_code(item["id"]), "check": markdown(check["id"]),
                         "kind": "parity",
                         "reads": f"{_where(check['experiment'], primary)} vs "
                                  f"{_where(check['production'], primary)}",
                         "passes": markdown(_tolerance(check["tolerance"]))})
            mention(check["experiment"])
            mention(check["production"])
    files = []
    for path, tree in trees.items():
        kind = next((k for ext, k in _FORMATS.items() if path.lower().endswith(ext)), "json")
        files.append({"path": markdown_code(path), "path_literal": repr(path), "format": kind,
                      "literal": pprint.pformat(tree, width=72, sort_dicts=False)})
    # A fence longer than any run of backticks in the code, so no key closes it.
    code = "".join(f["literal"] + f["path_literal"] for f in files)
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return {"rows": rows, "files": files, "fence": "`" * max(3, longest + 1),
            "parity": any(row["kind"] == "parity" for row in rows),
            "primary": primary,
            # For the stub's sentence: the spec in a code span, the direction a word.
            "primary_spec": markdown_code(primary["spec"]) if primary else "",
            "primary_direction": primary["direction"] if primary else "",
            # The A/B paragraph belongs only to a stub whose checks read an interval.
            "interval": any(isinstance(c.get("key"), dict) and c["key"]["primary"] == "ci_bound"
                            for item in items for c in item.get("metrics", [])),
            "refers": any(isinstance(c.get("key"), dict) or c.get("op") in ("at-or-beyond",
                                                                             "beyond")
                          for item in items for c in item.get("metrics", []))
            or any(isinstance(c["experiment"]["key"], dict) for item in items
                   for c in item.get("parity", []))}
