"""The hosts URL evidence may be on: ``evidence: {urls: [HOST, ...]}`` in
mlcycle.yaml, changed with ``mlcycle hosts add|remove`` (recorded in the
history, like a team change).

A URL is on a listed host when the host ``urllib.parse`` reads from it (after any
``user@``, before any port or path) is the listed host or a subdomain of it
(``github.com`` admits ``gist.github.com``; not ``evilgithub.com`` nor
``github.com.evil.com``). A single label (``wiki``, ``com``) admits only itself;
a shared suffix such as ``github.io`` or ``co.uk`` still admits every site under
it, which only a public-suffix list could tell. A URL whose authority holds a
backslash, whitespace or control character is on no listed host: browsers and
urllib disagree on where its host is.
"""

from __future__ import annotations

import re
from typing import Any

from mlcycle.codes import MLC048
from mlcycle.errors import Problem

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_UNSAFE = re.compile(r"[\\\s\x00-\x1f\x7f]")
HOST_MAX = 253
HOW = "change the list with `mlcycle hosts add|remove HOST`"


def why_not_host(text: str) -> str:
    """Why ``text`` is not a bare lower-case host name ("" when it is one)."""
    if "://" in text:
        return "is a URL; list its host only (github.com)"
    for char, what in (("/", "a path"), ("@", "a user name"), (":", "a port"),
                       ("*", "a wildcard (a listed host admits its subdomains already)")):
        if char in text:
            return f"holds {what}; list the host name only"
    if text != text.lower():
        return "has upper case; write host names in lower case"
    labels = text.split(".")
    if len(text) > HOST_MAX or not all(_LABEL.match(label) for label in labels):
        return ("is not a host name (dot-separated labels of letters, digits and inner "
                "hyphens)")
    return ""


def host_of(url: str) -> str | None:
    """The host a URL leads to, lower case, or None when it cannot be told safely."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - a port that is not a number raises ValueError
    except ValueError:
        return None
    if not host or _UNSAFE.search(parts.netloc):
        return None
    return host.rstrip(".")


def admits(hosts: list[str] | None, host: str) -> bool:
    """Whether ``hosts`` admits ``host``: listed, or a subdomain of a listed host
    of two labels or more (no list, None: every host). A single label admits only
    itself (an intranet name such as ``wiki``): listed, ``com`` would otherwise
    admit every .com site."""
    return hosts is None or any(host == h or ("." in h and host.endswith(f".{h}"))
                                for h in hosts)


def on_listed_host(url: str, hosts: list[str]) -> bool:
    host = host_of(url)
    return host is not None and admits(hosts, host)


def host_problems(project: Any, source: Any) -> list[Problem]:
    """MLC048 for each listed entry that is not a host name, or a host listed twice."""
    settings = project.evidence
    if settings is None or settings.urls is None:
        return []
    problems = []
    seen: set[str] = set()
    for index, host in enumerate(settings.urls):
        why = why_not_host(host)
        if not why and host in seen:
            why = "is listed twice; keep one"
        seen.add(host)
        if why:
            problems.append(source.problem(("evidence", "urls", index), MLC048,
                                           f"evidence.urls[{index}]: {host!r} {why}; {HOW}"))
    return problems
