"""One module per command; each registers itself on the app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    from mlcycle.commands import check, init, playbooks, schema, status, validate

    for module in (init, status, check, validate, playbooks, schema):
        module.register(app)
