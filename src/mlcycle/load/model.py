"""The pydantic models of every file mlcycle reads: playbooks, the project file,
phase status files. ``extra="forbid"`` everywhere: a typo must not pass silently.
``strict=True``: the YAML reader already gives strings, ints, booleans and
None, and nothing is coerced behind the user's back (``gate: "yes"`` is an
error, not True).
"""

from __future__ import annotations

import os

# Third-party pydantic plugins must not change how mlcycle validates, and
# discovering them (entry points) costs ~25 ms of every command's start-up.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import re  # noqa: E402
from datetime import date  # noqa: E402
from typing import Annotated, Any, Literal  # noqa: E402

from pydantic import (  # noqa: E402
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)
from pydantic_core import PydanticCustomError  # noqa: E402

Status = Literal["todo", "doing", "blocked", "done", "waived"]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=64)]
RoleId = Slug
PhaseId = Slug
ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\r\n]*$")]
SemVer = Annotated[
    str, StringConstraints(pattern=r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")
]
DocPath = Annotated[
    str,
    StringConstraints(pattern=r"^docs/[a-z][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9._-]*\.md$"),
]
TemplateName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.j2$", max_length=120)
]

# What each pattern above means, for error messages (the regex itself helps nobody).
PATTERN_MEANINGS = {
    r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$":
        "lowercase letters and digits in dash-separated words, starting with a letter",
    r"^[a-z0-9][a-z0-9._-]*$": "lowercase letters, digits, '.', '_' and '-'",
    r"^[^\r\n]*$": "one line of text",
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$":
        "a version MAJOR.MINOR.PATCH, such as 1.0.0",
    r"^docs/[a-z][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9._-]*\.md$":
        "a path docs/<phase>/<name>.md without '..'",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*\.j2$": "a template file name ending in .j2",
}

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _calendar_date(value: Any) -> Any:
    """YYYY-MM-DD only. The YAML reader hands dates over as strings, so an
    impossible date (2025-02-30) becomes a located error here."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise PydanticCustomError(
            # pydantic fills {name} placeholders only (no !r): pass the repr.
            "invalid_date", "expected a calendar date YYYY-MM-DD, got {value}",
            {"value": repr(value)},
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "invalid_date", "{value} is not a real calendar date", {"value": repr(value)}
        ) from None


def _iso(value: date) -> str:
    # A Python function, not date.isoformat: pydantic before 2.7 inspects the
    # serializer's signature, which a builtin method does not have.
    return value.isoformat()


CalendarDate = Annotated[
    date, BeforeValidator(_calendar_date), PlainSerializer(_iso, return_type=str)
]


# A fresh empty container per model, made by a factory: pydantic deep-copies a
# plain ``= []`` default for every instance (0.5 s per 100k items). The schema
# still shows the default, for editors.
_EMPTY_LIST: Any = Field(default_factory=list, json_schema_extra={"default": []})
_EMPTY_DICT: Any = Field(default_factory=dict, json_schema_extra={"default": {}})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- playbooks ---------------------------------------------------------------


class Role(Strict):
    id: RoleId
    name: Line


class Raci(Strict):
    responsible: list[RoleId] = Field(description="who does the work (at least one role)")
    accountable: RoleId = Field(description="who answers for it: exactly one role")
    consulted: list[RoleId] = _EMPTY_LIST
    informed: list[RoleId] = _EMPTY_LIST


class Doc(Strict):
    path: DocPath
    title: Line
    template: TemplateName


class ItemDefinition(Strict):
    id: ItemId
    title: Line
    description: Text
    raci: Raci
    gate: bool = False
    evidence_required: bool = False
    doc: DocPath | None = None
    depends_on: list[ItemId] = _EMPTY_LIST
    section: Line | None = None
    # An item renamed by a new playbook version names the id it had before, so
    # that `mlcycle upgrade` moves its state. Absent (None) in every record of a
    # version released before the field existed (``definitions.canonical``).
    replaces: ItemId | None = None


class PhaseDefinition(Strict):
    id: PhaseId
    title: Line
    purpose: Text
    docs: list[Doc] = _EMPTY_LIST
    items: list[ItemDefinition]


class PlaybookFile(Strict):
    """``playbook.yaml`` of a playbook directory."""

    name: Slug
    version: SemVer
    title: Line
    description: Text
    roles: list[Role] = Field(min_length=1)
    phases: list[PhaseId] = Field(min_length=1)


# --- a project ---------------------------------------------------------------


class Waiver(Strict):
    reason: Text
    approved_by: Line
    expires: CalendarDate


class Item(ItemDefinition):
    """An item in a phase status file: its definition plus its state."""

    status: Status = "todo"
    owner: Line | None = None
    evidence: list[Line] = _EMPTY_LIST
    due: CalendarDate | None = None
    notes: Text | None = None
    waiver: Waiver | None = None


class PhaseFile(Strict):
    """``lifecycle/NN-<phase>.yaml``."""

    phase: PhaseId
    title: Line | None = None
    items: list[Item]


class PlaybookRef(Strict):
    name: Slug
    version: SemVer
    path: Line | None = Field(
        default=None, description="a playbook directory, relative to the project"
    )


class HistoryEntry(Strict):
    model_config = ConfigDict(populate_by_name=True)

    date: CalendarDate
    event: Literal["init", "advance", "reopen", "upgrade"]
    from_: PhaseId | None = Field(default=None, alias="from")
    # Where the project stands after the entry. An upgrade leaves the phase where
    # the previous entry left it (``to`` repeats it) and names the playbooks.
    to: PhaseId
    reason: Text | None = None
    by: Line | None = None
    from_playbook: Line | None = Field(default=None, description="upgrade: NAME@VERSION before")
    to_playbook: Line | None = Field(default=None, description="upgrade: NAME@VERSION after")


class ProjectFile(Strict):
    """``mlcycle.yaml``."""

    format: Literal[1]
    name: Line
    slug: Slug
    playbook: PlaybookRef
    current_phase: PhaseId
    team: dict[RoleId, list[str]] = _EMPTY_DICT
    history: list[HistoryEntry] = _EMPTY_LIST
