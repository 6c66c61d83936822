from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.cli_kit.output import say, show


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)


def schema(
    output: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--output", "-o", help="Write the schema files into this directory.",
                     file_okay=False),
    ] = None,
) -> int:
    """Print or write the JSON Schemas of mlcycle's files.

    The schemas of mlcycle.yaml, phase and overlay status files and
    playbook.yaml, for editors (yaml-language-server) and other validators
    (check-jsonschema).

    \b
    Example:
      mlcycle schema --output .mlcycle
    """
    import json

    from mlcycle.load.schemas import schema_texts

    texts = schema_texts()
    if output is None:
        combined = {name: json.loads(text) for name, text in texts.items()}
        show(json.dumps(combined, indent=2, ensure_ascii=False) + "\n")
        return 0
    from mlcycle.errors import MlcycleError
    from mlcycle.load.inputs import OWN_SCHEMAS
    from mlcycle.write.output import inputs_for, refusal, write_output

    # Written into a project, a schema must not replace one of its inputs
    # (evidence, its playbook); its own .mlcycle/ is where these very files
    # live, so refreshing them there is what `schema --output .mlcycle` is for.
    protected = {path: what for path, what in inputs_for(output).items()
                 if what != OWN_SCHEMAS}
    refused = [r for name in texts if (r := refusal(output / name, protected, str(output / name)))]
    if refused:  # all refused up front: no half-written set of schemas, no directory made
        raise MlcycleError([p for r in refused for p in r.problems])
    for name, text in texts.items():
        path = output / name
        if path.is_file() and path.read_bytes() == text.encode():
            say(f"unchanged {path}")
            continue
        write_output(path, text, protected, str(path))
        say(f"wrote {path}")
    return 0
