"""``mlcycle set`` and its shorthands ``start``, ``done``, ``block``; ``waive``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from mlcycle.cli_kit.editing import (
    DryRun,
    ItemArg,
    ItemsArg,
    ProjectOption,
    TodayOption,
    complete,
    run,
)

if TYPE_CHECKING:
    from datetime import date

    from mlcycle.load.project import Project

Evidence = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--evidence", "-e", metavar="PATH",
                 help="A file in the project (relative to the working directory) or an "
                      "http(s) URL; repeatable."),
]
Reason = Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why.")]
Approver = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--by", metavar="PERSON",
                 help="The approver: a person holding the item's accountable role (default: "
                      "git's user.name, when it names one).",
                 autocompletion=complete("person")),
]


def register(app: typer.Typer) -> None:
    app.command("set")(set_)
    app.command("start")(start)
    app.command("done")(done)
    app.command("block")(block)
    app.command("waive")(waive)
    app.command("na")(not_applicable)


def _change(directory: Path, today: str | None, dry_run: bool, item_ids: list[str],
            status: str | None = None, owner: str | None = None,
            evidence: list[str] | None = None, note: str | None = None,
            due: str | None = None, note_option: str = "--note", command: str = "set",
            automated: bool = False) -> int:
    """The same change to every item named, in one all-or-nothing write."""
    from mlcycle.write import items

    changes = [items.ItemChange(item, status, owner, list(evidence or []), note, due,
                                note_option, automated) for item in item_ids]
    return run(directory, today, dry_run,
               lambda project, when: items.set_items(project, changes, when, Path.cwd(),
                                                     action=f"mlcycle {command}"))


def set_(
    words: Annotated[list[str], typer.Argument(
        metavar="ITEM... [STATUS]",
        help="The items' ids (all are changed, or none), then optionally todo, doing, "
             "blocked or done.",
        autocompletion=complete("item-or-status"))],
    owner: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--owner", metavar="PERSON", help="A person on the team.",
        autocompletion=complete("person"))] = None,
    evidence: Evidence = None,
    note: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--note", metavar="TEXT", help="Add a note to the item's notes.")] = None,
    due: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--due", metavar="YYYY-MM-DD", help="The due date.")] = None,
    directory: ProjectOption = Path("."),
    dry_run: DryRun = False,
    today: TodayOption = None,
) -> int:
    """Change items' state.

    Their status, owner, evidence, notes or due date; at least one change. The
    last word is the STATUS when it is not an item of the project.

    \b
    Example:
      mlcycle set eda data-sources doing --owner "Bo Li" --due 2026-03-31
    """
    from mlcycle.write import items

    def make(project: Project, when: date) -> items.Outcome:
        ids, status = items.split_status(project, words)
        if status is None and owner is None and not evidence and note is None and due is None:
            from mlcycle.cli_kit import usage

            raise usage.error(("set",), "nothing to change: give a STATUS or at least one of "
                              "--owner, --evidence, --note, --due")
        changes = [items.ItemChange(item, status, owner, list(evidence or []), note, due)
                   for item in ids]
        return items.set_items(project, changes, when, Path.cwd())

    return run(directory, today, dry_run, make)


def start(item: ItemsArg, directory: ProjectOption = Path("."), dry_run: DryRun = False,
          today: TodayOption = None) -> int:
    """Mark an item as being worked on (doing).

    \b
    Example:
      mlcycle start problem-statement
    """
    return _change(directory, today, dry_run, item, "doing", command="start")


def done(item: ItemsArg, evidence: Evidence = None,
         automated: Annotated[bool, typer.Option(
             "--automated", help="The item's test runs by itself (the ML Test Score gives it "
             "1): one evidence must be a CI workflow, a test file or a scheduled job or "
             "pipeline definition in the project.")] = False,
         directory: ProjectOption = Path("."),
         dry_run: DryRun = False, today: TodayOption = None) -> int:
    """Mark an item done, with its evidence.

    Refused while the evidence is not valid (missing, empty, or a stub), and,
    with --automated (an ML Test Score test that runs by itself, scored 1),
    while none of it is a CI workflow, a test file or a scheduled job.

    \b
    Example:
      mlcycle done problem-statement --evidence docs/problem/problem-statement.md
    """
    return _change(directory, today, dry_run, item, "done", evidence=evidence, command="done",
                   automated=automated)


def block(item: ItemsArg, reason: Reason, directory: ProjectOption = Path("."),
          dry_run: DryRun = False, today: TodayOption = None) -> int:
    """Mark an item blocked; the reason goes to its notes.

    \b
    Example:
      mlcycle block feasibility-and-cost --reason "waiting for the data contract"
    """
    return _change(directory, today, dry_run, item, "blocked", note=reason,
                   note_option="--reason", command="block")


def waive(
    item: ItemArg,
    reason: Reason,
    until: Annotated[str, typer.Option("--until", metavar="YYYY-MM-DD",
                                       help="The last day the waiver holds (in the future).")],
    by: Approver = None,
    directory: ProjectOption = Path("."),
    dry_run: DryRun = False,
    today: TodayOption = None,
) -> int:
    """Waive an item: a reason, an approver, an expiry.

    The approver holds the item's accountable role; the expiry date lies in
    the future. Renewing keeps the earlier waivers under `waivers_before`.

    \b
    Example:
      mlcycle waive why-ml --reason "rules tried" --by "Ana Ruiz" --until 2027-06-30
    """
    from mlcycle.write import items

    return run(directory, today, dry_run,
               lambda project, when: items.waive(project, item, reason, by, until, when))


def not_applicable(
    item: ItemArg,
    reason: Reason,
    by: Approver = None,
    directory: ProjectOption = Path("."),
    dry_run: DryRun = False,
    today: TodayOption = None,
) -> int:
    """Mark an item not applicable to this product (status na).

    Closed for good, with a reason and an approver holding the item's
    accountable role; unlike a waiver it never expires. `diff` flags it.

    \b
    Example:
      mlcycle na fairness-review --reason "no personal data" --by "Ana Ruiz"
    """
    from mlcycle.write import items

    return run(directory, today, dry_run,
               lambda project, when: items.not_applicable(project, item, reason, by, when))
