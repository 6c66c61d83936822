from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

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
    from mlcycle.write.atomic import write_atomic

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MlcycleError.at("MLC001", f"cannot create directory: {exc.strerror}",
                              str(output)) from None
    for name, text in texts.items():
        path = output / name
        if path.is_file() and path.read_bytes() == text.encode():
            say(f"unchanged {path}")
            continue
        try:
            write_atomic(path, text)
        except OSError as exc:
            raise MlcycleError.at("MLC001", f"cannot write: {exc.strerror}", str(path)) from None
        say(f"wrote {path}")
    return 0
