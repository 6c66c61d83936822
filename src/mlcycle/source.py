"""A loaded YAML file remembered with its text, so that any later rule can
point at the line and column of what it complains about."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from yaml.nodes import Node

from mlcycle.errors import Location, Problem
from mlcycle.validation import validate
from mlcycle.yamlio import load_mapping, locate, node_tree

M = TypeVar("M", bound=BaseModel)

Loc = tuple[str | int, ...]


@dataclass
class Source:
    display: str  # the path users see: relative to the project (or the playbook's folder)
    text: str
    _root: Node | None = field(default=None, repr=False)

    def at(self, loc: Loc) -> Location:
        # Composing the node tree again costs as much as loading: only on demand.
        if self._root is None:
            self._root = node_tree(self.text)
        line, column = locate(self._root, loc)
        return Location(self.display, line, column)

    def problem(self, loc: Loc, code: str, message: str, severity: str = "error") -> Problem:
        return Problem(self.at(loc), code, message, severity)


def load_model(model: type[M], path: Path, display: str) -> tuple[M, Source]:
    """Read, parse and validate one file; raises MlcycleError with every located problem."""
    data, text = load_mapping(path, display)
    return validate(model, data, text, display), Source(display, text)


def release(sources: list[Any]) -> None:
    """Forget cached node trees (they are large)."""
    for source in sources:
        source._root = None
