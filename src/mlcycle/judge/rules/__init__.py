"""The finding rules of `mlcycle check`, one module each (after yamllint's
``rules/``): a module declares the codes it reports (``CODES``, defined in
``mlcycle.codes``) and a ``check`` that records its findings.

``ITEM_RULES`` judge one item at a time, in this order; each returns why the
item is open ("" when it has nothing against it), and the first reason given
is the one the item keeps (an expired waiver before an unapproved one, the
evidence and waiver rules before the metric checks). ``PROJECT_RULES`` run
once every item is judged, in this order.

To add a rule: a module here with ``CODES`` and ``check``, its codes in
``mlcycle.codes``, a row below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from mlcycle.judge.rules import (
    automated,
    dependencies,
    due,
    evidence,
    evidence_required,
    former,
    metric,
    min_score,
    not_applicable,
    open_gate,
    owner,
    parity,
    recurring,
    stale_evidence,
    waiver_approver,
    waiver_expiry,
    waiver_missing,
)

if TYPE_CHECKING:  # types only: a Protocol class costs start-up time
    from mlcycle.judge.rules.common import Context, Subject

    class ItemRule(Protocol):
        @property
        def CODES(self) -> tuple[str, ...]: ...  # noqa: N802 (a module constant)

        def check(self, ctx: Context, subject: Subject) -> str: ...

    class ProjectRule(Protocol):
        @property
        def CODES(self) -> tuple[str, ...]: ...  # noqa: N802 (a module constant)

        def check(self, ctx: Context) -> None: ...


ITEM_RULES: tuple[ItemRule, ...] = (
    evidence,           # MLC103, MLC104, MLC109, MLC152 (and MLC001: unreadable, exit 2)
    evidence_required,  # MLC102
    stale_evidence,     # MLC137 (check --strict-evidence), MLC165
    automated,          # MLC136
    waiver_missing,     # MLC106
    waiver_expiry,      # MLC105, MLC151
    waiver_approver,    # MLC110
    not_applicable,     # MLC113, MLC114
    former,             # MLC111, MLC112
    open_gate,          # MLC101
    recurring,          # MLC140, MLC141, MLC160
    due,                # MLC150
    metric,             # MLC121-MLC126, MLC153
    parity,             # MLC120, MLC122-MLC127, MLC153
    owner,              # MLC108
)

PROJECT_RULES: tuple[ProjectRule, ...] = (
    dependencies,  # MLC107
    min_score,     # MLC128
)
