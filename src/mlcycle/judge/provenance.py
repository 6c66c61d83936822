"""Where a metrics file's numbers came from, for the findings that cite it.

A file written by ``mlcycle metrics pull`` carries a top-level ``_source``
mapping (tracker, run, model version, date pulled). It is never a metric:
``split`` takes it out of the data that checks resolve keys in, and ``note``
says it in a few words: ``mlflow run 1a2b3c4, pulled 2026-12-06``.
"""

from __future__ import annotations

from typing import Any

SOURCE = "_source"


def split(data: Any) -> tuple[Any, str | None]:
    """The data without its ``_source`` block, and that block as a note (None
    when the file has none)."""
    if not isinstance(data, dict) or SOURCE not in data:
        return data, None
    rest = {k: v for k, v in data.items() if k != SOURCE}
    return rest, note(data[SOURCE])


def note(source: Any) -> str | None:
    if not isinstance(source, dict):
        return None
    tracker = _text(source.get("tracker")) or "tracker"
    run = _text(source.get("run_id"))
    parts = [f"{tracker} run {run[:7]}" if run else tracker]
    model, version = _text(source.get("model")), _text(source.get("model_version"))
    if model:
        parts[0] += f" of model {model}" + (f" v{version}" if version else "")
    pulled = _text(source.get("pulled"))
    if pulled:
        parts.append(f"pulled {pulled}")
    return ", ".join(parts)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
