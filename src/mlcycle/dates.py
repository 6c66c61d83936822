"""Dates, in one place: what a date looks like, which day it is, and the
reproducible-build clock.

- ``DATE_RE``: a calendar date as mlcycle reads and writes it, ``YYYY-MM-DD``;
- ``parse_date``: such a text as a ``date`` (``None`` when it is not one);
- ``today``: the day dates are judged on: ``--today``, else ``$MLCYCLE_TODAY``,
  else the local date (read once per command);
- ``source_date_epoch``: ``$SOURCE_DATE_EPOCH`` (https://reproducible-builds.org),
  refused the same way by every command that reads it (``init``, ``report``).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timezone

from mlcycle.codes import MLC031
from mlcycle.errors import MlcycleError
from mlcycle.escape import quote

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def parse_date(value: str) -> date | None:
    """``value`` as a calendar date, if it is one written ``YYYY-MM-DD``."""
    if not DATE_RE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:  # 2025-02-30
        return None


def parse_today(option: str | None, env: str | None) -> date:
    """The evaluation date: ``--today``, else ``MLCYCLE_TODAY``, else the local date."""
    for value, where in ((option, "--today"), (env, "MLCYCLE_TODAY")):
        if value is None or (where == "MLCYCLE_TODAY" and value == ""):
            continue
        found = parse_date(value)
        if found is None:
            raise MlcycleError.at(
                MLC031, f"{where}: {quote(value)} is not a calendar date YYYY-MM-DD",
                "<command line>" if where == "--today" else "<environment>")
        return found
    return date.today()


def today(option: str | None) -> date:
    """The day a command judges dates on (``--today``, ``$MLCYCLE_TODAY``, the clock)."""
    return parse_today(option, os.environ.get("MLCYCLE_TODAY"))


def source_date_epoch() -> datetime | None:
    """``$SOURCE_DATE_EPOCH`` as a UTC time, ``None`` when unset or empty; any other
    value than whole seconds since 1970 is refused (exit 2), never ignored."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise MlcycleError.at(MLC031, "SOURCE_DATE_EPOCH must be a whole number of seconds "
                              f"since 1970, not '{value}'", "<environment>") from None
