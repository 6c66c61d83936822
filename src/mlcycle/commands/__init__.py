"""One module per command; each registers itself on the app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    from mlcycle.commands import (
        check,
        init,
        log,
        move,
        playbooks,
        raci,
        render,
        schema,
        status,
        team,
        upgrade,
        validate,
    )
    from mlcycle.commands import set as set_command

    for module in (init, status, check, validate, set_command, team, move, raci,
                   render, log, playbooks, schema, upgrade):
        module.register(app)
