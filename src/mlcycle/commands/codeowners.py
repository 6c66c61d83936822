"""``mlcycle codeowners``: write the project's CODEOWNERS block from the RACI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mlcycle.cli_kit import output
from mlcycle.cli_kit.editing import ProjectOption


def register(app: typer.Typer) -> None:
    app.command("codeowners")(codeowners)


def codeowners(
    directory: ProjectOption = Path("."),
    file: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--file", metavar="PATH",
        help="The CODEOWNERS file, relative to the repository root "
             "(default: .github/CODEOWNERS).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print the block; write nothing.")] = False,
) -> int:
    """Write the CODEOWNERS block derived from the RACI.

    Each status file is owned by the people accountable for its gates;
    mlcycle.yaml and a team's playbook by the accountable people of the first
    phase. Owners are the GitHub handles of mlcycle.yaml (`mlcycle team add
    ROLE PERSON --github HANDLE`); a person without one is reported. The block
    sits between marker lines; the rest of the file is kept byte for byte.

    \b
    Example:
      mlcycle codeowners --dry-run
    """
    from mlcycle.disk.transaction import commit
    from mlcycle.load import gitcmd, project
    from mlcycle.write import codeowners as core

    loaded = project.load(directory)
    found = gitcmd.where(loaded.root)
    top, prefix = found if found is not None else (loaded.root, "")
    display = file or core.DEFAULT_FILE
    target = top / display
    plan = core.plan(loaded, target, display, prefix)
    for warning in plan.warnings:
        output.say(str(warning), err=True)
    if dry_run:
        output.show(plan.block)
        return 0
    if plan.change.before == plan.change.after:
        output.say(f"{display} is up to date; nothing written")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    commit([plan.change])
    output.say(f"{display}: {'created' if plan.change.before is None else 'updated'}")
    return 0
