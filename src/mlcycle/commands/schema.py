from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.codes import MLC001
from mlcycle.commands.output import say


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)


def schema(
    output: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--output", "-o", help="Write the schema files into this directory.",
                     file_okay=False),
    ] = None,
) -> int:
    """Print (or write) the JSON Schemas of mlcycle.yaml, phase status files and playbook.yaml."""
    import json

    from mlcycle.load.schemas import schema_texts

    texts = schema_texts()
    if output is None:
        combined = {name: json.loads(text) for name, text in texts.items()}
        typer.echo(json.dumps(combined, indent=2, ensure_ascii=False))
        return 0
    from mlcycle.errors import MlcycleError
    from mlcycle.load.inputs import enclosing_inputs
    from mlcycle.write.report import refusal, write_report

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MlcycleError.at(MLC001, f"cannot create directory: {exc.strerror}",
                              str(output)) from None
    # Written into a project (its .mlcycle/, say), a schema must not replace
    # one of that project's inputs (evidence, its playbook).
    protected = enclosing_inputs(output)
    refused = [r for name in texts if (r := refusal(output / name, protected, str(output / name)))]
    if refused:  # all refused up front: no half-written set of schemas
        raise MlcycleError([p for r in refused for p in r.problems])
    for name, text in texts.items():
        path = output / name
        if path.is_file() and path.read_bytes() == text.encode():
            say(f"unchanged {path}")
            continue
        write_report(path, text, protected, str(path))
        say(f"wrote {path}")
    return 0
