"""``mlcycle metrics pull --from mlflow (--run RUN_ID | --model NAME@ALIAS|NAME/VERSION)
--to FILE [--check]``: a tracker's numbers into git, with their provenance."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Annotated, Optional

import typer

from mlcycle import dates
from mlcycle.cli_kit import output
from mlcycle.cli_kit.editing import ProjectOption, TodayOption
from mlcycle.codes import MLC031
from mlcycle.errors import MlcycleError

metrics_app = typer.Typer(help="Metrics files: numbers from an experiment tracker into git.\n\n"
                          "\b\nExample:\n  mlcycle metrics pull --from mlflow --run RUN_ID "
                          "--to reports/eval.json",
                          no_args_is_help=True, rich_markup_mode=None)
WHERE = "<command line>"
TRACKERS = ("mlflow",)


def register(app: typer.Typer) -> None:
    app.add_typer(metrics_app, name="metrics")


@metrics_app.command("pull")
def pull(
    tracker: Annotated[str, typer.Option(
        "--from", metavar="TRACKER", help="The experiment tracker: mlflow.")],
    to: Annotated[str, typer.Option(
        "--to", metavar="FILE", help="The JSON file to write, relative to the project "
        "(e.g. reports/eval.json).")],
    run_id: Annotated[Optional[str], typer.Option(  # noqa: UP045 - typer on Python 3.10
        "--run", metavar="RUN_ID", help="The run whose metrics to pull.")] = None,
    model: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--model", metavar="NAME@ALIAS|NAME/VERSION",
        help="Pull the run behind a registered model version.")] = None,
    tracking_uri: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--tracking-uri", metavar="URI",
        help="The tracker (default: $MLFLOW_TRACKING_URI).")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Write nothing: exit 1 when the tracker's numbers differ from the "
        "file's (each listed), 0 when equal.")] = False,
    directory: ProjectOption = Path("."),
    today: TodayOption = None,
) -> int:
    """Pull a run's metrics from a tracker into a file.

    Write a run's latest metric values to FILE with their source (tracker, run,
    experiment, model version, date pulled); checks then read the committed file.

    \b
    Example:
      mlcycle metrics pull --from mlflow --model churn-clf@champion --to reports/eval.json
    """
    from mlcycle.load.project import find_root
    from mlcycle.tracker import mlflow as tracker_mlflow
    from mlcycle.write import pulled

    when = dates.today(today)
    if tracker not in TRACKERS:
        from mlcycle import escape
        from mlcycle.load.validation import did_you_mean

        hint = did_you_mean(tracker, TRACKERS)
        raise MlcycleError.at(MLC031, f"--from: {escape.quote(tracker)} is not one of "
                              f"{', '.join(TRACKERS)}{hint}; from another tracker, have the "
                              "evaluation job write the metrics file itself", WHERE)
    if (run_id is None) == (model is None):
        raise MlcycleError.at(MLC031, "metrics pull needs exactly one of --run RUN_ID or "
                              "--model NAME@ALIAS|NAME/VERSION", WHERE)
    if model is not None:
        tracker_mlflow.parse_model(model)  # a malformed --model before any network call
    uri = tracking_uri or os.environ.get("MLFLOW_TRACKING_URI", "")
    if not uri:
        raise MlcycleError.at(MLC031, "metrics pull --from mlflow needs the tracker: pass "
                              "--tracking-uri URI or set MLFLOW_TRACKING_URI", WHERE)
    root = find_root(directory)
    found = pulled.target(root, PurePosixPath(to).as_posix() if to else to)
    before = pulled.previous(found)
    numbers = tracker_mlflow.read(uri, run_id, model)
    data = pulled.document(numbers.metrics, numbers.source, when, before)
    changed = pulled.differences(before, data, found.display)
    if check:
        if not changed:
            output.say(f"{found.display}: up to date with {tracker} run "
                       f"{numbers.source['run_id']}")
            return 0
        for line in changed:
            output.say(line)
        output.say(f"{found.display}: out of date with the tracker ({len(changed)} "
                   f"difference{'s' * (len(changed) != 1)}); run the same command without "
                   "--check and commit the file")
        return 1
    wrote = pulled.write(found, data)  # changed on disk meanwhile: Refused, exit 1
    count = len(numbers.metrics)
    if not wrote:
        output.say(f"{found.display}: up to date ({count} metric{'s' * (count != 1)} of "
                   f"{tracker} run {numbers.source['run_id']}); nothing written")
    else:
        output.say(f"{found.display}: {count} metric{'s' * (count != 1)} of {tracker} run "
                   f"{numbers.source['run_id']} written")
    return 0
