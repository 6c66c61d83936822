"""The pydantic models of every file mlcycle reads: playbooks, the project file,
phase status files. ``extra="forbid"`` everywhere: a typo must not pass silently.
``strict=True``: the YAML reader already gives strings, ints, booleans and
None, and nothing is coerced behind the user's back (``gate: "yes"`` is an
error, not True).

No ``from __future__ import annotations`` here: pydantic would then compile every
field's annotation from its text when the classes are built (every start-up).
"""

from mlcycle import plugins_off

# Third-party pydantic plugins must not change how mlcycle validates, and
# discovering them (entry points) costs ~20 ms of every command's start-up.
plugins_off.disable()

from datetime import date  # noqa: E402
from typing import Annotated, Any, Literal  # noqa: E402

from pydantic import (  # noqa: E402
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError  # noqa: E402

from mlcycle import interrupts  # noqa: E402
from mlcycle.dates import DATE_RE  # noqa: E402
from mlcycle.escape import quote  # noqa: E402
from mlcycle.load.yamlio import PlainNumber, plain_number  # noqa: E402

# pydantic-core builds each model's validator in Rust as the class is created;
# a Ctrl-C landing there makes some releases panic (a Rust message on stderr)
# instead of raising. So the classes are built shielded: Ctrl-C is recorded,
# and honoured just after (the checkpoint at the end of this module).
_BUILDING = interrupts.shielded()
_BUILDING.__enter__()

# `na` (not applicable): closed for good, approved by the accountable role, no expiry.
Status = Literal["todo", "doing", "blocked", "done", "waived", "na"]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=64)]
RoleId = Slug
PhaseId = Slug
ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
TEXT_MAX = 10_000  # notes, reasons: the editing commands keep appended notes within it
Text = Annotated[str, StringConstraints(min_length=1, max_length=TEXT_MAX)]
LINE_MAX = 200  # owners, evidence entries, titles: what a command may write there
Line = Annotated[str, StringConstraints(min_length=1, max_length=LINE_MAX, pattern=r"^[^\r\n]*$")]
# A GitHub user name (no "@"): letters, digits and single inner hyphens, 1-39 characters.
GithubHandle = Annotated[str, StringConstraints(
    pattern=r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$", max_length=39)]
SemVer = Annotated[
    str, StringConstraints(pattern=r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")
]
DocPath = Annotated[
    str,
    StringConstraints(pattern=r"^docs/[a-z][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9._-]*\.md$"),
]
# `recurs: 90d`: a period in whole days, 1d to 9999d. Days only, on purpose: a
# week or a month is a number of days the reader would otherwise have to guess.
PERIOD_RE = r"^[1-9][0-9]{0,3}d$"


def _period(value: Any) -> Any:
    """One message for every wrong period (``90`` and ``3m`` alike): a bare number
    is not told to be quoted, which would not make it a period either."""
    import re

    if isinstance(value, str) and re.match(PERIOD_RE, value):
        return value
    raise PydanticCustomError(
        "invalid_period", "expected a period in whole days such as 90d (1d to 9999d; no other "
        "unit), got {value}", {"value": _quoted(value) if value is not None else "nothing"})


# The constraints first (they make the JSON Schema), the validator last (it runs first).
Period = Annotated[str, StringConstraints(pattern=PERIOD_RE, max_length=5),
                   BeforeValidator(_period)]
# Which projects an item applies to (`init --profile`, `mlcycle profile set`).
PROFILES = ("poc", "pilot", "production")
ProfileName = Literal["poc", "pilot", "production"]
TemplateName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.j2$", max_length=120)
]

# What each pattern above means, for error messages (the regex itself helps nobody).
PATTERN_MEANINGS = {
    r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$":
        "a GitHub user name: letters and digits, single hyphens between them, without '@'",
    r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$":
        "lowercase letters and digits in dash-separated words, starting with a letter",
    r"^[a-z0-9][a-z0-9._-]*$": "lowercase letters, digits, '.', '_' and '-'",
    r"^[^\r\n]*$": "one line of text",
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$":
        "a version MAJOR.MINOR.PATCH, such as 1.0.0",
    r"^docs/[a-z][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9._-]*\.md$":
        "a path docs/<phase>/<name>.md without '..'",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*\.j2$": "a template file name ending in .j2",
    # Never shown by pydantic (the period's own validator speaks first); for the schema.
    r"^[1-9][0-9]{0,3}d$": "a period in whole days such as 90d (1d to 9999d; no other unit)",
    r"^[^\r\n]*\.(json|yaml|yml|toml)$":
        "a path inside the project ending in .json, .yaml, .yml or .toml",
    r"^(/([^~]|~[01])*)*$":
        "a JSON Pointer such as /eval/auc ('' for the whole file; ~1 for '/', ~0 for '~')",
}

# A framework tag ``<framework>:<ref>`` (see ``load.frameworks``, imported only
# when a tag is read: the known frameworks' tables cost every start-up otherwise).
TAG_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*:[a-z0-9][a-z0-9.-]*$"
PATTERN_MEANINGS[TAG_PATTERN] = (
    "a framework tag <framework>:<ref> in lowercase, such as eu-ai-act:art-10 or "
    "nist-ai-rmf:measure")

def _quoted(value: Any) -> str:
    # Text as written (the printer escapes it once); repr would escape it twice.
    return quote(value) if isinstance(value, str) else repr(value)


def _calendar_date(value: Any) -> Any:
    """YYYY-MM-DD only. The YAML reader hands dates over as strings, so an
    impossible date (2025-02-30) becomes a located error here."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise PydanticCustomError(
            # pydantic fills {name} placeholders only (no !r): pass the quoted text.
            "invalid_date", "expected a calendar date YYYY-MM-DD, got {value}",
            {"value": _quoted(value)},
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "invalid_date", "{value} is not a real calendar date", {"value": _quoted(value)}
        ) from None


def _iso(value: date) -> str:
    # A Python function, not date.isoformat: pydantic before 2.7 inspects the
    # serializer's signature, which a builtin method does not have.
    return value.isoformat()


CalendarDate = Annotated[
    date, BeforeValidator(_calendar_date), PlainSerializer(_iso, return_type=str)
]


def _number(value: Any) -> Any:
    """A finite number written as a number: an integer, or a plain YAML 1.2 float
    (``PlainNumber``). A quoted ``"0.8"`` or a boolean is not a number."""
    if isinstance(value, bool):
        raise PydanticCustomError("not_a_number", "expected a number such as 0.8, got {value}",
                                  {"value": "true" if value else "false"})
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, PlainNumber):
        number = plain_number(value)
    else:
        shown = repr(value) if isinstance(value, str) else \
            "nothing" if value is None else type(value).__name__
        raise PydanticCustomError(
            "not_a_number", "expected a number such as 0.8, got {value}"
            + (" (a quoted string is text; write the number without quotes)"
               if isinstance(value, str) else ""), {"value": shown})
    if number != number or number in (float("inf"), float("-inf")):
        raise PydanticCustomError("not_finite", "expected a finite number, got {value}",
                                  {"value": str(value)})
    return number


Number = Annotated[float, BeforeValidator(_number)]
MetricFile = Annotated[str, StringConstraints(pattern=r"^[^\r\n]*\.(json|yaml|yml|toml)$",
                                              max_length=200)]
PointerText = Annotated[str, StringConstraints(pattern=r"^(/([^~]|~[01])*)*$", max_length=500)]
Segment = Annotated[str, StringConstraints(max_length=200)] | Annotated[int, Field(ge=0)]


def _shape(kind: str) -> Any:
    """Pick the one branch of a union by the input's shape, so an error names what
    that branch wants rather than listing every branch pydantic tried."""
    def pick(value: Any) -> str:
        if isinstance(value, PrimaryKey | PrimaryFloor) or \
                (isinstance(value, dict) and "primary" in value):
            return "primary"
        if kind == "key":
            return "segments" if isinstance(value, list) else "pointer"
        if isinstance(value, MetricRef) or (isinstance(value, dict) and "file" in value):
            return "ref"
        return "range" if isinstance(value, dict | BaseModel) else "number"
    return Discriminator(pick)


# A fresh empty container per model, made by a factory: pydantic deep-copies a
# plain ``= []`` default for every instance (0.5 s per 100k items). The schema
# still shows the default, for editors.
# Python functions, not the builtins list and dict: pydantic inspects a factory's
# signature, and a builtin's is parsed from its text (the tokenizer and its
# regular expressions: ~20 M instructions of every start-up).


class _NoEntries(list):  # type: ignore[type-arg]
    """The one empty list every absent list field of every model shares: a
    100,000-item project has ~600,000 of them (34 MiB as separate lists). The
    models are frozen, and so is this: a change raises instead of reaching
    every item at once; build a new list instead (``[*item.evidence, path]``)."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a model's absent list is shared by every model; build a new list")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __copy__(self) -> "_NoEntries":
        return self

    def __deepcopy__(self, memo: Any) -> "_NoEntries":
        return self

    def __reduce__(self) -> Any:
        return _new_list, ()


_NO_ENTRIES = _NoEntries()


def _new_list() -> list[Any]:
    return _NO_ENTRIES


def _new_dict() -> dict[Any, Any]:
    return {}


_EMPTY_LIST: Any = Field(default_factory=_new_list, json_schema_extra={"default": []})
_EMPTY_DICT: Any = Field(default_factory=_new_dict, json_schema_extra={"default": {}})


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


# --- metric checks (see judge/metrics.py) --------------------------------------


class PrimaryKey(Strict):
    """``key: {primary: true}``: the project's primary metric, the top-level key
    named after it (``/precision_at_50``); ``{primary: ci_bound, interval: /effect}``:
    the bound of the interval at ``interval`` on the metric's worse side
    (``/effect/ci_low`` when higher is better, ``/effect/ci_high`` when lower is),
    so that one check says "the interval lies beyond zero" for either direction."""

    primary: Literal[True, "ci_bound"] = Field(
        description="true: the key named after the project's primary metric; ci_bound: the "
                    "worse-side bound (ci_low or ci_high) of the interval at `interval`")
    interval: PointerText | None = Field(
        default=None, description="ci_bound: the JSON Pointer of the object holding ci_low "
                                  "and ci_high")

    @model_validator(mode="after")
    def _interval(self) -> "PrimaryKey":
        if (self.primary == "ci_bound") != (self.interval is not None):
            raise PydanticCustomError(
                "bad_primary_key", "{why}",
                {"why": "primary: ci_bound needs interval: /pointer (the object holding "
                        "ci_low and ci_high)" if self.primary == "ci_bound" else
                        "interval goes with primary: ci_bound only"})
        return self


class PrimaryFloor(Strict):
    """``value: {primary: floor}``: the floor the project declares for its primary
    metric in mlcycle.yaml."""

    primary: Literal["floor"]


class MetricRef(Strict):
    file: MetricFile = Field(description="a JSON, YAML or TOML file in the project")
    key: Annotated[Annotated[PointerText, Tag("pointer")]
                   | Annotated[list[Segment], Tag("segments")]
                   | Annotated[PrimaryKey, Tag("primary")], _shape("key")] = Field(
        description="an RFC 6901 JSON Pointer, or a list of keys and list indices (never "
                    "split on dots), or {primary: true} for the project's primary metric")


class Between(Strict):
    min: Number
    max: Number
    strict_min: bool = False
    strict_max: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> "Between":
        if self.min > self.max:
            raise PydanticCustomError("bad_range", "min {lo} is greater than max {hi}",
                                      {"lo": f"{self.min:g}", "hi": f"{self.max:g}"})
        return self


# Ops that read the primary metric's direction: "at-or-beyond" is >= when higher
# is better and <= when lower is; "beyond" is > or <.
DIRECTED_OPS = ("at-or-beyond", "beyond")


class MetricCheck(MetricRef):
    id: ItemId
    op: Literal[">", ">=", "<", "<=", "==", "!=", "between", "at-or-beyond", "beyond"]
    value: Annotated[Annotated[Number, Tag("number")] | Annotated[Between, Tag("range")]
                     | Annotated[PrimaryFloor, Tag("primary")]
                     | Annotated[MetricRef, Tag("ref")],
                     _shape("value")] = Field(
        description="a number; for `between`: {min, max}; {primary: floor}: the project's "
                    "floor; {file, key}: another file's number (a baseline)")

    @model_validator(mode="after")
    def _fits_op(self) -> "MetricCheck":
        if (self.op == "between") != isinstance(self.value, Between):
            raise PydanticCustomError(
                "bad_value", "op {op} needs {wanted}",
                {"op": repr(self.op), "wanted": "value: {min: ..., max: ...}"
                 if self.op == "between" else "a number as value"})
        return self

    def refers_to_primary(self) -> bool:
        return isinstance(self.key, PrimaryKey) or isinstance(self.value, PrimaryFloor) or \
            self.op in DIRECTED_OPS or (isinstance(self.value, MetricRef)
                                        and isinstance(self.value.key, PrimaryKey))


class Tolerance(Strict):
    abs: Number | None = Field(default=None, ge=0)
    rel: Number | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one(self) -> "Tolerance":
        if self.abs is None and self.rel is None:
            raise PydanticCustomError("no_tolerance",
                                      "give abs, rel or both (|e - p| <= max(abs, rel * |p|))")
        return self


class ParityCheck(Strict):
    id: ItemId
    experiment: MetricRef
    production: MetricRef
    tolerance: Tolerance

    def refers_to_primary(self) -> bool:
        return isinstance(self.experiment.key, PrimaryKey) or \
            isinstance(self.production.key, PrimaryKey)


def _known_reference(tag: str) -> str:
    """A tag of a framework mlcycle knows names one of its references."""
    from mlcycle.load import frameworks

    why = frameworks.problem(tag)
    if why is not None:
        raise PydanticCustomError("bad_tag", "{why}", {"why": why})
    return tag


def _unique_tags(tags: list[str]) -> list[str]:
    seen: set[str] = set()
    for tag in tags:
        if tag in seen:
            raise PydanticCustomError("duplicate_tag", "tag {tag} is listed twice",
                                      {"tag": quote(tag)})
        seen.add(tag)
    return tags


FrameworkTag = Annotated[str, StringConstraints(pattern=TAG_PATTERN, max_length=80),
                         AfterValidator(_known_reference)]


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
    # Deprecated: automation is item state (`Item.automated`, `done --automated`).
    # Still accepted in a playbook so that team playbooks written for earlier
    # releases load; ignored everywhere (load/definitions.STATE_FIELDS).
    automated: bool = Field(default=False, description="deprecated and ignored: an item is "
                            "marked automated in its state (`mlcycle done ITEM --automated`)")
    metrics: list[MetricCheck] = _EMPTY_LIST
    parity: list[ParityCheck] = _EMPTY_LIST
    # An item renamed by a new playbook version names the id it had before, so
    # that `mlcycle upgrade` moves its state. Absent (None) in every record of a
    # version released before the field existed (``definitions.canonical``).
    replaces: ItemId | None = None
    # The public frameworks the item serves (``eu-ai-act:art-10``), for
    # ``mlcycle report --framework``; see ``load.frameworks``.
    tags: Annotated[list[FrameworkTag], AfterValidator(_unique_tags)] = Field(
        default_factory=_new_list, json_schema_extra={"default": []},
        description="frameworks the item serves, as <framework>:<ref> "
                    "(eu-ai-act:art-10, nist-ai-rmf:measure)")
    # A recurring item (operations work: a review, a retraining) is open again
    # once its last completion (`done_on`) is older than this period.
    recurs: Period | None = Field(
        default=None, description="a period in days such as 90d: the item is due again "
                                  "that long after its last completion (done_on)")
    # The project profiles the item applies to; absent: every profile.
    profiles: list[ProfileName] | None = Field(
        default=None, min_length=1,
        description="the project profiles (poc, pilot, production) this item applies to; "
                    "absent: all")

    def period_days(self) -> int | None:
        """``recurs`` in days, or None for a one-off item."""
        return int(self.recurs[:-1]) if self.recurs else None

    def applies_to(self, profile: str) -> bool:
        return self.profiles is None or profile in self.profiles


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


class NotApplicable(Strict):
    """Why an item does not apply to this product, who approved it and when."""

    reason: Text
    approved_by: Line
    date: CalendarDate = Field(description="the day it was approved")


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
PATTERN_MEANINGS[r"^[0-9a-f]{64}$"] = "a SHA-256 digest: 64 lowercase hexadecimal digits"


class EvidenceDigest(Strict):
    path: Line
    sha256: Sha256 = Field(description="the file's digest (for a directory: of its files' "
                                        "paths and digests)")


class Reopened(Strict):
    """What ``mlcycle reopen --reset`` recorded of an item: the day, and a digest of
    each evidence path it cited then, so that closing it again with the same files
    is seen (MLC165; MLC137 under ``check --strict-evidence``)."""

    date: CalendarDate
    evidence: list[EvidenceDigest] = _EMPTY_LIST


class Item(ItemDefinition):
    """An item in a phase status file: its definition plus its state."""

    # State, not definition (ItemDefinition keeps the field so that playbooks
    # written for earlier releases still load; see load/definitions.STATE_FIELDS).
    automated: bool = Field(default=False, description=(
        "done and run by automation (`mlcycle done ITEM --automated`): one of its evidence "
        "paths is a CI workflow, a test file or a scheduled job; the ML Test Score gives it 1"))
    status: Status = "todo"
    owner: Line | None = None
    evidence: list[Line] = _EMPTY_LIST
    due: CalendarDate | None = None
    notes: Text | None = None
    waiver: Waiver | None = None
    # Renewing a waiver keeps the ones before it (oldest first): nothing lost.
    waivers_before: list[Waiver] = _EMPTY_LIST
    na: NotApplicable | None = None
    reopened: Reopened | None = None
    # A recurring item's last completion, written by `mlcycle done`.
    done_on: CalendarDate | None = Field(
        default=None, description="the day a recurring item was last done (`mlcycle done`)")


class PhaseFile(Strict):
    """``lifecycle/NN-<phase>.yaml``."""

    phase: PhaseId
    title: Line | None = None
    items: list[Item]


class OverlayFile(Strict):
    """``lifecycle/overlays/<name>.yaml``: every item of one overlay, in its
    playbook's order (each item's overlay phase comes from the pinned definitions)."""

    overlay: Slug
    items: list[Item]

    # A phase status file's title and phase, for code that reads either kind.
    @property
    def title(self) -> str | None:
        return None

    @property
    def phase(self) -> str:
        return self.overlay


class OverlayRef(Strict):
    """An overlay the project pins: a playbook whose phases attach to the lifecycle's."""

    name: Slug
    version: SemVer
    path: Line | None = Field(
        default=None, description="a team's overlay directory, relative to the project")
    gate_at: dict[PhaseId, PhaseId] = Field(
        description="overlay phase -> the lifecycle phase whose gates it joins")


class PlaybookRef(Strict):
    name: Slug
    version: SemVer
    path: Line | None = Field(
        default=None, description="a playbook directory, relative to the project"
    )


class HistoryEntry(Strict):
    model_config = ConfigDict(populate_by_name=True)

    date: CalendarDate
    event: Literal["init", "advance", "reopen", "upgrade", "metric", "profile", "overlay-add",
                   "overlay-remove", "overlay-upgrade", "evidence"]
    from_: PhaseId | None = Field(default=None, alias="from")
    # Where the project stands after the entry. An upgrade leaves the phase where
    # the previous entry left it (``to`` repeats it) and names the playbooks.
    to: PhaseId
    reason: Text | None = None
    by: Line | None = None
    from_playbook: Line | None = Field(default=None, description="upgrade: NAME@VERSION before")
    to_playbook: Line | None = Field(default=None, description="upgrade: NAME@VERSION after")
    from_metric: Line | None = Field(default=None,
                                     description="metric: the primary metric before (NAME>=FLOOR)")
    to_metric: Line | None = Field(default=None,
                                   description="metric: the primary metric after (NAME>=FLOOR)")
    from_profile: ProfileName | None = Field(default=None,
                                             description="profile: the profile before")
    to_profile: ProfileName | None = Field(
        default=None, description="profile (and init): the project's profile after")
    overlay: Line | None = Field(default=None, description="overlay-add, -remove, -upgrade: "
                                 "the overlay (NAME@VERSION)")
    reset: list[ItemId] | None = Field(
        default=None, description="reopen: the items it returned to doing (--reset, --cascade); "
                                  "each carries the `reopened:` record of that day")
    gate_at: dict[PhaseId, PhaseId] | None = Field(
        default=None, description="overlay-add, -upgrade: where each overlay phase attached "
                                  "(overlay phase -> lifecycle phase)")
    added_host: Line | None = Field(default=None,
                                    description="evidence: the host added to evidence.urls")
    removed_host: Line | None = Field(default=None,
                                      description="evidence: the host removed from evidence.urls")


MetricName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                                              max_length=100)]
PATTERN_MEANINGS[r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"] = \
    "letters, digits, '_', '.' and '-', starting with a letter or digit"


class PrimaryMetric(Strict):
    """The one number the team declared success by: its name (the key it has in
    metrics files), which way is better, and the floor it must reach."""

    name: MetricName
    direction: Literal["higher", "lower"] = Field(description="higher: higher is better")
    floor: Number = Field(description="the value the metric must reach (at least, for "
                                      "higher; at most, for lower)")

    def spec(self) -> str:
        from mlcycle.load.metrickeys import shown

        return f"{self.name}{'>=' if self.direction == 'higher' else '<='}{shown(self.floor)}"


class ProjectMetrics(Strict):
    primary: PrimaryMetric


class EvidenceSettings(Strict):
    """``evidence:`` in mlcycle.yaml: what counts as evidence in this project."""

    urls: list[Line] | None = Field(
        default=None,
        description="the hosts URL evidence may be on (bare lower-case host names: github.com); "
                    "a URL on a listed host or a subdomain of one counts, any other is an "
                    "error for a gate; [] means no URL is evidence. Without the key every URL is "
                    "accepted with a note. "
                    "Changed with `mlcycle hosts add|remove HOST`")


class FormerMember(Strict):
    """Someone who left the team: still the owner of what they closed."""

    name: Line
    left: CalendarDate


class ProjectFile(Strict):
    """``mlcycle.yaml``."""

    format: Literal[1]
    name: Line
    slug: Slug
    playbook: PlaybookRef
    current_phase: PhaseId
    # Which items apply (`init --profile`, `mlcycle profile set`); absent in a
    # project made before profiles existed: production, every item.
    profile: ProfileName = Field(
        default="production", description="poc, pilot or production: the items whose "
        "`profiles` leave this one out do not apply (`mlcycle profile set`)")
    team: dict[RoleId, list[str]] = _EMPTY_DICT
    metrics: ProjectMetrics | None = Field(
        default=None, description="the project's primary metric (`mlcycle metric set`)")
    # Person -> GitHub user name, for `mlcycle codeowners`. A map of its own, so
    # the team's lists stay plain names (one per line) and a handle is set once
    # for a person holding several roles.
    github: dict[Line, GithubHandle] = Field(
        default_factory=_new_dict, json_schema_extra={"default": {}},
        description="person -> GitHub user name (without @), for `mlcycle codeowners`")
    overlays: list[OverlayRef] = Field(
        default_factory=_new_list, json_schema_extra={"default": []},
        description="extra rubrics (`mlcycle overlay add`), each phase attached to a phase")
    evidence: EvidenceSettings | None = Field(
        default=None, description="what counts as evidence: `urls`, the hosts URL evidence "
                                  "may be on (`mlcycle hosts`)")
    history: list[HistoryEntry] = _EMPTY_LIST
    former: list[FormerMember] = _EMPTY_LIST


_BUILDING.__exit__(None, None, None)
interrupts.checkpoint()
