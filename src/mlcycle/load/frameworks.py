"""Framework tags: an item's ``tags: [eu-ai-act:art-10, nist-ai-rmf:measure]``
name the public frameworks it serves, as ``<framework>:<ref>``.

Any framework name (a lowercase slug) is allowed, so a team's playbook may cite
its own (``iso-42001:6.1``). The frameworks mlcycle knows (``KNOWN``) have their
references checked too, so a typo (``nist-ai-rmf:mesure``) is a located error
instead of an item that silently falls out of ``mlcycle report --framework``.
Known references are grouped for that report: by article for the EU AI Act, by
function for the NIST AI RMF.

The syntax of a tag is ``load.model.TAG_PATTERN`` (in the editors' schema too);
this module is imported only once a tag is read, never by a start-up without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Article headings of Regulation (EU) 2024/1689 that items are likely to cite; any
# other article 1-113 is shown as "Article N".
_EU_ARTICLES = {
    4: "AI literacy",
    5: "Prohibited AI practices",
    6: "Classification rules for high-risk AI systems",
    9: "Risk management system",
    10: "Data and data governance",
    11: "Technical documentation",
    12: "Record-keeping",
    13: "Transparency and provision of information to deployers",
    14: "Human oversight",
    15: "Accuracy, robustness and cybersecurity",
    17: "Quality management system",
    20: "Corrective actions and duty of information",
    26: "Obligations of deployers of high-risk AI systems",
    27: "Fundamental rights impact assessment for high-risk AI systems",
    50: "Transparency obligations for providers and deployers of certain AI systems",
    72: "Post-market monitoring by providers and post-market monitoring plan for "
        "high-risk AI systems",
    73: "Reporting of serious incidents",
    86: "Right to explanation of individual decision-making",
}
_EU_LAST_ARTICLE = 113
_EU_ANNEXES = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii")
_EU_REF = re.compile(r"^(?:art-([1-9][0-9]{0,2})(?:\.[1-9][0-9]*)*|annex-([ivx]+))$")

_NIST_FUNCTIONS = ("govern", "map", "measure", "manage")

# The built-in overlay whose items carry tags of every framework known here:
# what a project with no tagged item adds to get some.
TAGGED_OVERLAY = "responsible-ai"
_NIST_REF = re.compile(r"^(govern|map|measure|manage)(?:-[1-9][0-9]*(?:\.[1-9][0-9]*)?)?$")


@dataclass(frozen=True)
class Group:
    """Where a reference is listed in the report: its heading and its place."""

    key: tuple[int, int]  # sort order
    heading: str
    ref: str  # the group's own reference: art-10 for art-10.5, measure for measure-2.11


@dataclass(frozen=True)
class Framework:
    name: str
    title: str
    short: str  # how running text names it
    refs: str  # what a reference looks like, for messages
    example: str  # a tag of this framework, for messages

    def group(self, ref: str) -> Group | None:
        """The group of a reference, or None when it is not one of this framework."""
        if self.name == "eu-ai-act":
            return _eu_group(ref)
        return _nist_group(ref)


def _eu_group(ref: str) -> Group | None:
    match = _EU_REF.match(ref)
    if match is None:
        return None
    if match.group(1) is not None:
        number = int(match.group(1))
        if number > _EU_LAST_ARTICLE:
            return None
        title = _EU_ARTICLES.get(number)
        return Group((0, number), f"Article {number}" + (f": {title}" if title else ""),
                     f"art-{number}")
    annex = match.group(2)
    if annex not in _EU_ANNEXES:
        return None
    return Group((1, _EU_ANNEXES.index(annex)), f"Annex {annex.upper()}", f"annex-{annex}")


def _nist_group(ref: str) -> Group | None:
    match = _NIST_REF.match(ref)
    if match is None:
        return None
    function = match.group(1)
    return Group((0, _NIST_FUNCTIONS.index(function)), function.capitalize(), function)


KNOWN: dict[str, Framework] = {
    "eu-ai-act": Framework(
        "eu-ai-act", "EU AI Act (Regulation (EU) 2024/1689)", "the EU AI Act",
        f"art-N (an article, 1 to {_EU_LAST_ARTICLE}, optionally art-N.P for a paragraph) "
        "or annex-I to annex-XIII in lowercase (annex-iv)", "eu-ai-act:art-10"),
    "nist-ai-rmf": Framework(
        "nist-ai-rmf", "NIST AI Risk Management Framework (AI RMF 1.0)", "the NIST AI RMF",
        "a function: govern, map, measure or manage, optionally with a category or "
        "subcategory (measure-2, measure-2.11)", "nist-ai-rmf:measure"),
}


def split(tag: str) -> tuple[str, str]:
    """(framework, reference) of a tag that matched ``load.model.TAG_PATTERN``."""
    framework, _, ref = tag.partition(":")
    return framework, ref


def problem(tag: str) -> str | None:
    """Why a tag of the right syntax is wrong (a reference its known framework
    does not have), or None."""
    framework, ref = split(tag)
    known = KNOWN.get(framework)
    if known is None or known.group(ref) is not None:
        return None
    hint = ""
    if framework == "nist-ai-rmf":
        # difflib, not load.validation's did_you_mean: that module reads the models,
        # which read this one (no import cycle, .ci/cycles.py).
        import difflib

        close = difflib.get_close_matches(ref.partition("-")[0], _NIST_FUNCTIONS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"'{ref}' is not a reference of {framework}{hint}: expected {known.refs}"
