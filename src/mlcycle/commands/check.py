"""``mlcycle check``: the CI gate."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import typer

from mlcycle import dates, interrupts
from mlcycle.cli_kit.options import ProjectDir, Today
from mlcycle.cli_kit.output import show as show_report
from mlcycle.codes import MLC031, MLC070

if TYPE_CHECKING:
    from datetime import date

    from mlcycle.judge.evaluate import Result
    from mlcycle.load.project import Project

CheckFormat = Annotated[
    Literal["text", "json", "junit", "github", "markdown"],
    typer.Option("--format", "-f", help="Output format."),
]

# name -> module with render(result) -> str; imported only when chosen.
RENDERERS = {
    "text": "mlcycle.render.check_text",
    "json": "mlcycle.render.check_json",
    "junit": "mlcycle.render.junit",
    "github": "mlcycle.render.github",
    "markdown": "mlcycle.render.check_markdown",
}


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    directory: ProjectDir = Path("."),
    through: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--through", metavar="PHASE",
                     help="Evaluate the gates of every phase up to and including PHASE."),
    ] = None,
    phase: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--phase", metavar="PHASE", help="Evaluate the gates of PHASE only."),
    ] = None,
    all_phases: Annotated[
        bool, typer.Option("--all", help="Evaluate the gates of every phase.")
    ] = False,
    format: CheckFormat = "text",
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", metavar="FILE", dir_okay=False,
                     help="Write the report to FILE (atomically, missing directories created; "
                          "never over a file the project reads); the text report still goes "
                          "to stdout."),
    ] = None,
    today: Today = None,
    base: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--base", metavar="REF",
                     help="Add what this change does to the lifecycle (as `mlcycle diff`) and "
                          "let errors already present at the base pass, except those that keep "
                          "a gate open that must be closed (of a phase left or evaluated)."),
    ] = None,
    min_score: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option("--min-score", metavar="X",
                     help="Also fail when the ML Test Score (see `mlcycle score`) is below X."),
    ] = None,
    strict_evidence: Annotated[
        bool, typer.Option("--strict-evidence",
                           help="Fail when an item reset by `mlcycle reopen` is done "
                                "again on evidence unchanged since the reopen (otherwise a "
                                "warning).")
    ] = False,
) -> int:
    """Validate the project, then evaluate its gates.

    By default the gates of every phase before the current one are evaluated;
    consistency rules (evidence, waivers, owners, dependencies) apply to every
    item. Exit 0 when nothing is wrong, 1 on findings, 2 when the input is invalid.

    \b
    Example:
      mlcycle check --format junit --output reports/mlcycle.xml
    """
    from mlcycle.errors import MlcycleError

    chosen = [name for name, given in (("--through", through is not None),
                                       ("--phase", phase is not None),
                                       ("--all", all_phases)) if given]
    if min_score is not None and not 0 <= min_score < float("inf"):
        raise MlcycleError.at(MLC031, f"--min-score {min_score:g}: expected a number from 0 "
                              "up (the ML Test Score is 0 or more)", "<command line>")
    if len(chosen) > 1:
        # Our own one-line error, not click's usage block (its wording moves between releases).
        raise MlcycleError.at(MLC031, f"{' and '.join(chosen)} cannot be combined; choose one",
                              "<command line>")
    loaded: list[Project] = []  # the project, once it loaded: what --output must not replace
    when: date | None = None  # the evaluation date, parsed once (--base judges on it too)
    try:
        when = dates.today(today)
        result = _evaluate(directory, through, phase, all_phases, when, loaded, min_score,
                           strict_evidence)
    except MlcycleError as exc:
        from mlcycle.judge.evaluate import Result

        result = Result.invalid(exc.problems)
    protected: dict[Path, str] = {}
    if output is not None:
        from mlcycle.write.output import inputs_for, refusal

        # What failed to load is read leniently too: its evidence is still evidence.
        protected = inputs_for(output, loaded[0].root if loaded else directory,
                               loaded[0] if loaded else None, complete=not result.problems)
        refused = refusal(output, protected, str(output))
        if refused is not None:  # before anything is printed: no report that looks like a pass
            raise MlcycleError([*result.problems, *refused.problems])
    if loaded and loaded[0].file.overlays:
        from mlcycle.load.overlays import newer_builtin

        for note in newer_builtin(loaded[0].file, loaded[0].source):  # MLC320, exit unchanged
            show_report(f"{note}\n", err=True)
    if base is None:
        return _report(result, format, output, directory, protected)
    if when is None:  # --today is no date: nothing to compare on (its problem, exit 2)
        raise MlcycleError(result.problems)
    # Only here: the diff and git code stay off the path of a plain `check`.
    from mlcycle.commands.diff import with_base

    return _report(result, format, output, directory, protected,
                   with_base(result, directory, base, when))


def _evaluate(directory: Path, through: str | None, phase: str | None, all_phases: bool,
              when: date, projects: list[Project], min_score: float | None = None,
              strict_evidence: bool = False) -> Result:
    from dataclasses import replace

    from mlcycle.errors import capped
    from mlcycle.judge import evaluate
    from mlcycle.load import project

    if all_phases:
        options = evaluate.Options(when, "all")
    elif through is not None:
        options = evaluate.Options(when, "through", through)
    elif phase is not None:
        options = evaluate.Options(when, "phase", phase)
    else:
        options = evaluate.Options(when)
    options = replace(options, min_score=min_score, strict_evidence=strict_evidence)
    loaded, problems = project.load_partial(directory)
    if loaded is None:
        return evaluate.Result.invalid(problems, options)
    projects.append(loaded)
    if min_score is not None and not any(i.section is not None for _, _, i in loaded.entries()):
        problems = [*problems, loaded.source.problem(
            ("playbook",), MLC070, "--min-score: no item of this project has a `section`, so "
            "it has no ML Test Score (the items of the ml-test-score playbook have one: "
            "`mlcycle overlay add ml-test-score`)")]
    # Exit 2 wins, but every finding is still printed: judge whatever loaded cleanly.
    result = evaluate.evaluate(loaded, options, skip=project.items_with_problems(loaded, problems))
    result.problems = capped([*problems, *result.problems])
    return result


def _report(result: Result, format: str, output: Path | None, directory: Path,
            protected: dict[Path, str], extra: Callable[[str, str], str] | None = None) -> int:
    """Input problems to stderr; the report to stdout or --output; the exit code.
    ``extra(format, report)`` adds to each report (the diff of ``--base``)."""
    # Ctrl-C caught somewhere as a failure (pydantic does that) is no result to show.
    interrupts.checkpoint()
    import importlib

    from mlcycle.escape import github_text
    from mlcycle.render import check_text, github

    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    # The runner reads workflow commands on stderr as on stdout.
    for_log = github_text if format == "github" or in_actions else str
    for problem in result.problems:
        show_report(for_log(problem) + "\n", err=True)
    prefix = _repo_prefix(directory)
    workspace = _workspace().as_posix()

    def for_github() -> str:
        text = check_text.render(result)
        return github.render(result, prefix, workspace,
                             text if extra is None else extra("text", text))

    if format == "github":
        report = for_github()
    else:
        report = importlib.import_module(RENDERERS[format]).render(result)
        if extra is not None:
            report = extra(format, report)
    if output is not None:
        if in_actions:
            text = for_github()
        else:
            text = check_text.render(result)
            if extra is not None:
                text = extra("text", text)
        try:
            from mlcycle.write.output import write_output

            write_output(output, report, protected, str(output))
        finally:
            show_report(text)
        return result.exit_code
    elif format == "text" and in_actions:
        report = for_github()
    show_report(report)
    return result.exit_code


def _workspace() -> Path:
    """The repository root under GitHub Actions, else the working directory."""
    return Path(os.environ.get("GITHUB_WORKSPACE") or ".").resolve()


def _repo_prefix(directory: Path) -> str:
    """The project directory relative to the repository root ($GITHUB_WORKSPACE, else
    the working directory), for annotation file names; "" when it is the root."""
    try:
        rel = directory.resolve().relative_to(_workspace()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"
