"""What ``mlcycle report --framework NAME`` shows: the project's items tagged for
one framework (``tags: [eu-ai-act:art-10]``), grouped by the framework's
reference (an article, a function), each with its state, owner and evidence.

Built over every item the project judges (``Result.items``), whatever brought
the item into the project, so items of other rubrics attached to the lifecycle
are indexed the same way. Pure data; ``render.framework`` writes it out.

An index, not a verdict: it says where the evidence is, never that the project
complies with the framework.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlcycle.judge.result import ItemState, Result
from mlcycle.load import frameworks
from mlcycle.load.frameworks import Framework


@dataclass(frozen=True)
class Entry:
    phase: str
    item: str
    title: str
    status: str
    closed: bool
    state: str  # the status in words, with why a done item is still open
    owner: str | None
    evidence: tuple[str, ...]
    refs: tuple[str, ...]  # the item's references finer than the group (art-10.5, measure-2.11)


@dataclass(frozen=True)
class Section:
    heading: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Index:
    framework: Framework
    project: str
    playbook: str  # "NAME VERSION", then "(overlays: NAME VERSION, ...)" when any
    today: str
    sections: tuple[Section, ...]
    items: int  # distinct items tagged for the framework
    closed: int
    # The built-in overlay that brings tagged items, when the project has none
    # and does not pin it (what `report` tells the user to add).
    suggest: str | None = None


def _state(s: ItemState) -> str:
    item = s.item
    if item.status == "waived" and item.waiver is not None:
        return f"waived until {item.waiver.expires.isoformat()}" + (
            "" if s.closed else f" (open: {s.why_open})")
    if item.status == "na":
        return "not applicable"
    if item.status == "done" and not s.closed:
        return f"done, but open: {s.why_open}"
    return item.status


def index(result: Result, framework: Framework) -> Index:
    project, options = result.project, result.options
    assert project is not None and options is not None
    groups: dict[tuple[int, int], tuple[str, list[Entry]]] = {}
    tagged: dict[str, bool] = {}
    for s in result.items:
        refs: dict[frameworks.Group, list[str]] = {}
        for tag in s.item.tags:
            name, ref = frameworks.split(tag)
            group = framework.group(ref) if name == framework.name else None
            if group is not None:  # a reference checked on load always has one
                refs.setdefault(group, []).append(ref)
        if not refs:
            continue
        tagged[s.item.id] = s.closed
        for group, found in refs.items():
            finer = tuple(r for r in found if r != group.ref)
            entry = Entry(s.phase, s.item.id, s.item.title, s.item.status, s.closed, _state(s),
                          s.item.owner, tuple(s.item.evidence), finer)
            groups.setdefault(group.key, (group.heading, []))[1].append(entry)
    sections = tuple(Section(heading, tuple(entries))
                     for _, (heading, entries) in sorted(groups.items()))
    pinned = {project.file.playbook.name, *(ref.name for ref in project.file.overlays)}
    suggest = frameworks.TAGGED_OVERLAY \
        if not tagged and frameworks.TAGGED_OVERLAY not in pinned else None
    # The overlays too: their items are often the ones indexed.
    overlays = ", ".join(f"{ref.name} {ref.version}" for ref in project.file.overlays)
    return Index(framework, project.file.name,
                 f"{project.file.playbook.name} {project.file.playbook.version}"
                 + (f" (overlays: {overlays})" if overlays else ""),
                 options.today.isoformat(), sections, len(tagged), sum(tagged.values()),
                 suggest)

