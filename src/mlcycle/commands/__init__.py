"""One module per command; each registers itself on the app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    from mlcycle.commands import (
        check,
        diff,
        init,
        log,
        move,
        playbooks,
        portfolio,
        raci,
        render,
        report,
        schema,
        score,
        status,
        team,
        upgrade,
        validate,
    )
    from mlcycle.commands import set as set_command

    for module in (init, status, check, diff, validate, set_command, team, move, raci,
                   render, report, log, playbooks, schema, portfolio, score, upgrade):
        module.register(app)
