"""``mlcycle score``: the ML Test Score of a project."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from mlcycle.codes import MLC070
from mlcycle.commands import output
from mlcycle.commands.check import Today
from mlcycle.commands.options import Format, ProjectDir


def register(app: typer.Typer) -> None:
    app.command("score")(score)


def score(directory: ProjectDir = Path("."), format: Format = "table",
          today: Today = None) -> int:
    """Score the project's tests (items with a `section`): 0 not done, 0.5 done
    with evidence, 1 automated; the final score is the lowest of the sections
    Data, Model, Infrastructure and Monitoring (Breck et al. 2017)."""
    from mlcycle.errors import MlcycleError
    from mlcycle.judge import evaluate
    from mlcycle.judge import score as scoring
    from mlcycle.load import project
    from mlcycle.render import score as render

    when = evaluate.parse_today(today, os.environ.get("MLCYCLE_TODAY"))
    loaded = project.load(directory)
    # Every phase: a test is done when check --all would call it closed.
    result = evaluate.evaluate(loaded, evaluate.Options(when, "all"))
    if result.problems:  # an evidence file that cannot be read
        raise MlcycleError(result.problems)
    found = scoring.score(result)
    if found is None:
        raise MlcycleError([loaded.source.problem(
            ("playbook",), MLC070, "no item of this project has a `section`: the ML Test "
            "Score scores the items of the ml-test-score playbook (or any item with section "
            "Data, Model, Infrastructure or Monitoring)")])
    output.show(render.RENDERERS[format](loaded, found))
    return 0
