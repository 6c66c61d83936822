from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from mlcycle import interrupts

if TYPE_CHECKING:
    from mlcycle.init.plan import Plan
from mlcycle import escape
from mlcycle.cli_kit.output import say


def register(app: typer.Typer) -> None:
    app.command("init")(init)


def init(
    directory: Annotated[Path, typer.Argument(help="Where to render (created if missing).",
                                              file_okay=False, metavar="DIR")] = Path("."),
    name: Annotated[Optional[str], typer.Option(  # noqa: UP045 - typer on Python 3.10
        help="Project name (default: the directory's name).")] = None,
    slug: Annotated[Optional[str], typer.Option(  # noqa: UP045
        help="Project slug (default: derived from the name).")] = None,
    playbook: Annotated[str, typer.Option(
        help="A built-in playbook name (see `mlcycle playbooks`) or a directory.")] = "product",
    team: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--team", metavar="ROLE=PERSON", help="A person in a role; repeatable.")] = None,
    primary_metric: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--primary-metric", metavar="NAME>=FLOOR",
        help="The metric the project declares success by: NAME>=FLOOR when higher is "
             "better, NAME<=FLOOR when lower is (e.g. 'precision_at_50>=0.30').")] = None,
    profile: Annotated[str, typer.Option(
        "--profile", metavar="PROFILE",
        help="poc, pilot or production: the items whose `profiles` leave it out do not "
             "apply (change it later with `mlcycle profile set`).")] = "production",
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run",
                                          help="Print the plan; write nothing.")] = False,
    force: Annotated[bool, typer.Option("--force",
                                        help="Overwrite rendered files that differ (never in a "
                                             "directory that is already a project).")] = False,
) -> int:
    """Render a lifecycle skeleton for a new project.

    Status files, document stubs, LIFECYCLE.md, a CI workflow and a pre-commit
    configuration.

    \b
    Example:
      mlcycle init churn --name "Churn model" --team pm="Ana Ruiz"
    """
    from mlcycle.init import plan as initplan

    initplan.refuse_existing(directory)  # before any prompt: nothing to ask about
    interactive = not no_input and sys.stdin.isatty() and sys.stdout.isatty()
    request = initplan.Request(
        target=directory, name=name, slug=slug, playbook=playbook, team=team or [],
        primary_metric=primary_metric, profile=profile)
    if interactive:
        request = initplan.ask(request, prompt=_prompt)
    plan = initplan.make_plan(request, force=force)
    interrupts.checkpoint()  # a Ctrl-C caught while loading the playbook is no plan
    for warning in plan.warnings:
        say(str(warning), err=True)
    planned = plan.files
    counts = {a: sum(p.action == a for p in planned) for a in
              ("create", "overwrite", "identical", "keep", "conflict")}
    shown = directory.as_posix().rstrip("/") or "."
    if dry_run:
        for p in planned:
            say(f"{p.action:<9} {p.path}")
        say(f"dry run: nothing written in {shown} ({_summary(counts)})")
        _root_workflow_note(plan, directory)
        _root_precommit_note(plan, directory)
        return 1 if counts["conflict"] and not force else 0
    if counts["conflict"]:
        for p in planned:
            if p.action == "conflict":
                say(f"{p.path}: conflict: exists with different content", err=True)
        say(f"{counts['conflict']} conflicting file(s); nothing written. "
            "Use --force to overwrite them (nothing is ever deleted).", err=True)
        return 1
    initplan.apply_plan(directory, plan)
    for p in planned:
        if p.action == "keep":
            say(f"kept your {p.path} (not touched); see `mlcycle init --dry-run`")
    # Never "nothing to change": mlcycle.yaml is missing (refuse_existing), so created.
    say(f"initialised {shown}: {_summary(counts)}")
    say("next: fill in the docs, then run `mlcycle status` and `mlcycle check`")
    _root_workflow_note(plan, directory)
    _root_precommit_note(plan, directory)
    return 0


def _root_workflow_note(plan: Plan, directory: Path) -> None:
    """The CI workflow of a project below its repository's root, to add by hand."""
    from mlcycle.cli_kit import output
    from mlcycle.init.plan import git_root

    if plan.root_workflow is None:
        return
    path, text = plan.root_workflow
    root = git_root(directory)
    say(f"note: {directory.as_posix()} is inside the git repository at "
        f"{root.as_posix() if root else '.'}, not at its root; GitHub runs only the "
        "workflows in .github/workflows/ of the root, so mlcycle wrote none (it writes "
        f"nothing outside the project). Add this file as {path} there:")
    say("")
    output.show(text)


def _root_precommit_note(plan: Plan, directory: Path) -> None:
    """The pre-commit config of a project below its repository's root, to add by hand."""
    from mlcycle.cli_kit import output

    if plan.root_precommit is None:
        return
    say("")
    say(f"note: pre-commit reads only the .pre-commit-config.yaml at the root of the git "
        f"repository, so mlcycle wrote none in {directory.as_posix()}. Add this hook to the "
        "repos: of the root's .pre-commit-config.yaml (or create that file with this "
        "content); it runs `mlcycle check` on the project's directory:")
    say("")
    output.show(plan.root_precommit)


def _prompt(text: str, default: str) -> str:
    # The default (the directory's name) is shown escaped like any user text.
    shown = escape.line(text) + (f" [{escape.line(default)}]" if default else "")
    return str(typer.prompt(shown, default=default, show_default=False))


def _summary(counts: dict[str, int]) -> str:
    words = {"create": "created", "overwrite": "overwritten", "identical": "unchanged",
             "keep": "kept", "conflict": "conflicting"}
    return ", ".join(f"{n} {words[a]}" for a, n in counts.items() if n) or "no files"
