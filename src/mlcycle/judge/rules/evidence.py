"""A done item's evidence must be evidence: a path must exist, hold something,
not be a stub and not be one of mlcycle's own files (``judge/evidence.py``
says what each means), and a document rendered from a stub must have its
prompts answered; a URL must be on a host the project lists (``evidence:
{urls: [...]}``), or, without that list, is accepted unverified (one note per
item: check works offline). A path that cannot be read is an input problem
(exit 2), not a finding.

For an item that is not a gate, unanswered prompts and a URL on an unlisted
host are warnings (MLC170, MLC171): the item is closed, but what it cites
says little. For a gate they are errors (MLC133, MLC134)."""

from __future__ import annotations

import posixpath

from mlcycle.codes import (
    MLC001,
    MLC103,
    MLC104,
    MLC109,
    MLC133,
    MLC134,
    MLC152,
    MLC170,
    MLC171,
)
from mlcycle.errors import Location
from mlcycle.escape import quote
from mlcycle.judge.rules.common import Context, Subject
from mlcycle.load.project import is_url

CODES = (MLC103, MLC104, MLC109, MLC133, MLC134, MLC152, MLC170, MLC171)
WHY = "done, but its evidence is not valid"


def check(ctx: Context, subject: Subject) -> str:
    item = subject.item
    if item.status != "done":
        return ""
    settings = ctx.project.file.evidence
    hosts = settings.urls if settings is not None else None
    broken = False
    unverified: list[tuple[int, str]] = []
    for index, cited in enumerate(item.evidence):
        if is_url(cited):
            if hosts is None:
                unverified.append((index, cited))
            else:
                broken = _url(ctx, subject, index, cited, hosts) or broken
            continue
        # project.load has refused every path that leaves the project.
        try:
            failed = ctx.evidence.check(cited)
            count, first = (0, 0) if failed else ctx.evidence.unanswered(cited)
        except OSError as exc:
            ctx.input_problem(subject, ("evidence", index), MLC001,
                              f"{subject.name}: evidence {quote(cited)} cannot be read: "
                              f"{exc.strerror or exc}")
            broken = True
            continue
        if failed:
            code, reason = failed
            ctx.report(subject, ("evidence", index), code,
                       f"{subject.name}: evidence {quote(cited)} {reason}")
            broken = True
        elif count:
            lines = (f"{count} unanswered prompt line{'' if count == 1 else 's'} of the stub "
                     f"remain{'s' if count == 1 else ''}")
            ctx.report_at(subject, Location(posixpath.normpath(cited), first, 1),
                          MLC133 if item.gate else MLC170,
                          f"{subject.name}: evidence {quote(cited)} is not answered yet: "
                          f"{lines} (the first here); answer them in the "
                          "team's words, or delete those that do not apply")
            broken = broken or item.gate
    if unverified:
        index, url = unverified[0]
        more = f" and {len(unverified) - 1} more" if len(unverified) > 1 else ""
        ctx.report(subject, ("evidence", index), MLC152,
                   f"{subject.name}: URL evidence {quote(url)}{more} was not verified "
                   "(check works offline)")
    return WHY if broken else ""


def _url(ctx: Context, subject: Subject, index: int, cited: str, hosts: list[str]) -> bool:
    """Report a URL on an unlisted host; True when that keeps the item open."""
    from mlcycle.load.hosts import host_of, on_listed_host

    if on_listed_host(cited, hosts):
        return False
    host = host_of(cited)
    listed = ", ".join(hosts) if hosts else "none"
    shown = (f"is on host {quote(host)}, which evidence.urls in mlcycle.yaml does not list"
             if host else "has no host that can be told safely (a backslash, a blank or a "
             "control character before its path), so it is on no listed host")
    ctx.report(subject, ("evidence", index), MLC134 if subject.item.gate else MLC171,
               f"{subject.name}: URL evidence {quote(cited)} {shown} (listed: {listed}); "
               "cite the work where the team keeps it, or run `mlcycle hosts add HOST`")
    return subject.item.gate
