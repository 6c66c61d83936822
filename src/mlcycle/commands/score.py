"""``mlcycle score``: the ML Test Score of a project."""

from __future__ import annotations

from pathlib import Path

import typer

from mlcycle import dates
from mlcycle.cli_kit import output
from mlcycle.cli_kit.options import Format, ProjectDir, Today
from mlcycle.codes import MLC070


def register(app: typer.Typer) -> None:
    app.command("score")(score)


def score(directory: ProjectDir = Path("."), format: Format = "table",
          today: Today = None) -> int:
    """The ML Test Score of the project.

    Scores the project's tests (items with a `section`): 0 not done, 0.5 done
    with evidence, 1 automated; the final score is the lowest of the sections
    Data, Model, Infrastructure and Monitoring (Breck et al. 2017).

    \b
    Example:
      mlcycle score --format markdown
    """
    from mlcycle.errors import MlcycleError
    from mlcycle.judge import evaluate
    from mlcycle.judge import score as scoring
    from mlcycle.load import project
    from mlcycle.render import score as render

    when = dates.today(today)
    loaded = project.load(directory)
    # Every phase: a test is done when check --all would call it closed.
    result = evaluate.evaluate(loaded, evaluate.Options(when, "all"))
    if result.view_problems:  # an evidence file that cannot be read
        raise MlcycleError(result.view_problems)
    found = scoring.score(result)
    if found is None:
        raise MlcycleError([loaded.source.problem(
            ("playbook",), MLC070, "no item of this project has a `section`: the ML Test "
            "Score scores the items of the ml-test-score playbook (or any item with section "
            "Data, Model, Infrastructure or Monitoring); add them to this project with "
            "`mlcycle overlay add ml-test-score`")])
    output.show(render.RENDERERS[format](loaded, found))
    return 0
