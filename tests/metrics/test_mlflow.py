"""`mlcycle metrics pull --from mlflow` against a real MLflow backend.

Runs are logged with the real `mlflow` client into a SQLite store made here,
with registered model versions and an alias; one module-scoped `mlflow server`
on 127.0.0.1 serves the same store for the HTTP path. No MLflow API is mocked.

Skipped when MLflow is not installed, unless MLCYCLE_REQUIRE_MLFLOW=1 (.ci/run
sets it in the venv that installs the `mlflow` extra): then missing is a failure.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_project, snapshot

try:
    import mlflow  # noqa: F401 - availability only; the tests use MlflowClient
except ImportError:
    if os.environ.get("MLCYCLE_REQUIRE_MLFLOW") == "1":
        pytest.fail("MLCYCLE_REQUIRE_MLFLOW=1 but mlflow is not importable: "
                    'pip install -e ".[test,mlflow]"', pytrace=False)
    pytest.skip("mlflow is not installed (the `mlflow` extra)", allow_module_level=True)

from mlflow import MlflowClient  # noqa: E402

TODAY = "2026-12-06"


@dataclass
class Store:
    uri: str
    client: MlflowClient
    experiment_id: str
    evaluated: str  # run: accuracy 0.912 (after 0.88), val/loss, auc.macro
    shadow: str  # run: production's accuracy
    retrained: str  # run behind model version 2
    empty: str  # run without metrics


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    db = tmp_path_factory.mktemp("mlflow") / "mlflow.db"
    uri = f"sqlite:///{db}"
    with warnings.catch_warnings():  # MLflow's and SQLAlchemy's own deprecations
        warnings.simplefilter("ignore")
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        experiment = client.create_experiment("churn")

        def logged(metrics: list[tuple[str, float, int]]) -> str:
            made = client.create_run(experiment)
            for name, value, step in metrics:
                client.log_metric(made.info.run_id, name, value, step=step)
            client.set_terminated(made.info.run_id)
            return str(made.info.run_id)

        evaluated = logged([("accuracy", 0.88, 0), ("accuracy", 0.912, 1),
                            ("val/loss", 0.31, 1), ("auc.macro", 0.85, 1)])
        shadow = logged([("accuracy", 0.871, 0)])
        retrained = logged([("accuracy", 0.93, 0)])
        empty = logged([])
        client.create_registered_model("churn-clf")
        artifacts = (db.parent / "artifacts").as_uri()
        for run_id in (evaluated, retrained):
            client.create_model_version("churn-clf", source=artifacts, run_id=run_id)
        client.create_model_version("churn-clf", source=artifacts)  # v3: no run
        client.set_registered_model_alias("churn-clf", "champion", "1")
    yield Store(uri, client, experiment, evaluated, shadow, retrained, empty)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    # product 3.0.0's model gates read the project's primary metric.
    return init_project(tmp_path / "p", "--primary-metric", "accuracy>=0.8")


def pull(root: Path, uri: str, *args: str) -> tuple[int, str, str]:
    result = run("metrics", "pull", "--from", "mlflow", "--tracking-uri", uri, "--today", TODAY,
                 *args, cwd=root)
    return result.code, result.out, result.err


def expected(store: Store, run_id: str, metrics: dict[str, float], uri: str | None = None,
             pulled: str = TODAY, **model: str) -> bytes:
    source = {"tracker": "mlflow", "tracking_uri": uri or store.uri,
              "experiment_id": store.experiment_id, "experiment_name": "churn",
              "run_id": run_id, "pulled": pulled, **model}
    return (json.dumps({**metrics, "_source": source}, sort_keys=True, indent=2)
            + "\n").encode()


EVALUATED = {"accuracy": 0.912, "auc.macro": 0.85, "val/loss": 0.31}


def test_a_run_is_pulled_as_its_latest_values_with_its_source(
        store: Store, project: Path) -> None:
    code, out, err = pull(project, store.uri, "--run", store.evaluated,
                          "--to", "reports/eval.json")
    assert (code, err) == (0, "")
    assert out == f"reports/eval.json: 3 metrics of mlflow run {store.evaluated} written\n"
    written = (project / "reports/eval.json").read_bytes()
    assert written == expected(store, store.evaluated, EVALUATED)
    assert b"\r" not in written and written.endswith(b"}\n")


def test_pulling_again_changes_no_byte_and_keeps_the_date(store: Store, project: Path) -> None:
    assert pull(project, store.uri, "--run", store.evaluated, "--to", "r/eval.json")[0] == 0
    target = project / "r/eval.json"
    before, stamp = target.read_bytes(), target.stat().st_mtime_ns
    result = run("metrics", "pull", "--from", "mlflow", "--tracking-uri", store.uri,
                 "--today", "2027-01-15", "--run", store.evaluated, "--to", "r/eval.json",
                 cwd=project)
    assert result.code == 0
    assert result.out == (f"r/eval.json: up to date (3 metrics of mlflow run {store.evaluated})"
                          "; nothing written\n")
    assert (target.read_bytes(), target.stat().st_mtime_ns) == (before, stamp)


def test_check_lists_each_difference_and_writes_nothing(store: Store, project: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        moving = store.client.create_run(store.experiment_id).info.run_id
        store.client.log_metric(moving, "accuracy", 0.90)
        store.client.log_metric(moving, "latency_ms", 120)
    assert pull(project, store.uri, "--run", moving, "--to", "reports/eval.json")[0] == 0
    assert pull(project, store.uri, "--run", moving, "--to", "reports/eval.json", "--check") == (
        0, f"reports/eval.json: up to date with mlflow run {moving}\n", "")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        store.client.log_metric(moving, "accuracy", 0.93, step=1)
        store.client.log_metric(moving, "recall", 0.7)
    before = snapshot(project)
    assert pull(project, store.uri, "--run", moving, "--to", "reports/eval.json", "--check") == (
        1, "accuracy: 0.9 -> 0.93\nrecall: (absent) -> 0.7\nreports/eval.json: out of date "
        "with the tracker (2 differences); run the same command without --check and commit "
        "the file\n", "")
    assert snapshot(project) == before
    # the same pull without --check writes the new numbers, dated today
    assert pull(project, store.uri, "--run", moving, "--to", "reports/eval.json")[0] == 0
    assert json.loads((project / "reports/eval.json").read_text())["accuracy"] == 0.93


def test_check_of_a_file_not_pulled_yet_is_out_of_date(store: Store, project: Path) -> None:
    assert pull(project, store.uri, "--run", store.shadow, "--to", "reports/prod.json",
                "--check") == (1, "reports/prod.json does not exist yet\nreports/prod.json: out "
                               "of date with the tracker (1 difference); run the same command "
                               "without --check and commit the file\n", "")
    assert not (project / "reports/prod.json").exists()


def test_a_model_alias_and_a_version_pull_the_run_behind_them(
        store: Store, project: Path) -> None:
    assert pull(project, store.uri, "--model", "churn-clf@champion",
                "--to", "reports/eval.json")[0] == 0
    assert (project / "reports/eval.json").read_bytes() == expected(
        store, store.evaluated, EVALUATED, model="churn-clf", model_alias="champion",
        model_version="1")
    assert pull(project, store.uri, "--model", "churn-clf/2", "--to", "reports/new.json")[0] == 0
    assert (project / "reports/new.json").read_bytes() == expected(
        store, store.retrained, {"accuracy": 0.93}, model="churn-clf", model_version="2")


def test_an_alias_moved_to_another_version_is_a_difference(store: Store, project: Path) -> None:
    assert pull(project, store.uri, "--model", "churn-clf@staging-test",
                "--to", "reports/eval.json")[0] == 2  # no such alias yet
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        store.client.set_registered_model_alias("churn-clf", "staging-test", "1")
        try:
            assert pull(project, store.uri, "--model", "churn-clf@staging-test",
                        "--to", "reports/eval.json")[0] == 0
            store.client.set_registered_model_alias("churn-clf", "staging-test", "2")
            code, out, _ = pull(project, store.uri, "--model", "churn-clf@staging-test",
                                "--to", "reports/eval.json", "--check")
        finally:
            store.client.delete_registered_model_alias("churn-clf", "staging-test")
    assert code == 1
    assert out.splitlines()[:-1] == [
        "accuracy: 0.912 -> 0.93", "auc.macro: 0.85 -> (absent)", "val/loss: 0.31 -> (absent)",
        "_source.model_version: \"1\" -> \"2\"",
        f"_source.run_id: \"{store.evaluated}\" -> \"{store.retrained}\""]


def _refused(root: Path, uri: str, *args: str) -> str:
    before = snapshot(root)
    code, out, err = pull(root, uri, *args)
    assert (code, out) == (2, "")
    assert snapshot(root) == before
    return err


def test_unknown_runs_models_aliases_and_versions_are_refused(
        store: Store, project: Path) -> None:
    to = ("--to", "reports/eval.json")
    tail = "; look it up in the MLflow UI (or check --tracking-uri)\n"
    at = f"<command line>: error[MLC082]: the tracker at {store.uri} has no"
    assert _refused(project, store.uri, "--run", "0" * 32, *to) == (
        f"{at} run '{'0' * 32}': Run with id={'0' * 32} not found{tail}")
    assert _refused(project, store.uri, "--model", "churn-clf@gold", *to) == (
        f"{at} model 'churn-clf' alias 'gold': Registered model alias gold not found.{tail}")
    assert _refused(project, store.uri, "--model", "churn-clf/9", *to) == (
        f"{at} model 'churn-clf' version 9: Model Version (name=churn-clf, version=9) not "
        f"found{tail}")
    assert _refused(project, store.uri, "--model", "fraud@champion", *to).startswith(
        f"{at} model 'fraud' alias 'champion': ")
    assert _refused(project, store.uri, "--model", "churn-clf/3", *to) == (
        f"<command line>: error[MLC082]: model 'churn-clf' version 3 at {store.uri} was "
        "registered without a run, so it has no metrics to pull; pull its evaluation run with "
        "--run RUN_ID\n")


def test_a_run_without_metrics_is_refused(store: Store, project: Path) -> None:
    assert _refused(project, store.uri, "--run", store.empty, "--to", "reports/eval.json") == (
        f"<command line>: error[MLC083]: run '{store.empty}' at {store.uri} has no metrics; "
        "log them in the evaluation job (mlflow.log_metric) or pull another run\n")


def test_a_local_store_that_does_not_exist_is_not_created(tmp_path: Path, project: Path) -> None:
    missing = tmp_path / "nowhere" / "mlflow.db"
    assert _refused(project, f"sqlite:///{missing}", "--run", "abc", "--to", "r.json") == (
        f"<command line>: error[MLC081]: the tracking store 'sqlite:///{missing}' does not "
        "exist (MLflow would create an empty one); check --tracking-uri or "
        "MLFLOW_TRACKING_URI\n")
    assert not missing.parent.exists()


def test_check_says_where_pulled_numbers_came_from(store: Store, project: Path) -> None:
    assert pull(project, store.uri, "--model", "churn-clf@champion",
                "--to", "reports/eval.json")[0] == 0
    assert pull(project, store.uri, "--run", store.shadow, "--to", "reports/prod-eval.json")[0] == 0
    result = run("check", "--phase", "quality", cwd=project)
    assert result.code == 1
    parity = [line for line in result.out.splitlines() if "parity 'primary-parity'" in line]
    assert parity == [
        "lifecycle/05-quality.yaml:70:9: error[MLC120]: item 'model-accuracy': parity "
        "'primary-parity': experiment 0.912 (reports/eval.json /accuracy) vs production 0.871 "
        "(reports/prod-eval.json /accuracy): |diff| 0.041 (4.7%) > max(abs 0.005, rel 1% of "
        f"0.871) (reports/eval.json from mlflow run {store.evaluated[:7]} of model churn-clf v1, "
        f"pulled {TODAY}; reports/prod-eval.json from mlflow run {store.shadow[:7]}, pulled "
        f"{TODAY})"]


# --- a real tracking server -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mlflow server` on the test store, on a free port of 127.0.0.1; at most 120 s
    to answer /health, stopped (its whole process group) at the end."""
    port = _free_port()
    logs = tmp_path_factory.mktemp("server") / "server.log"
    with logs.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
             "--backend-store-uri", store.uri, "--workers", "1",
             "--default-artifact-root", (logs.parent / "artifacts").as_uri()],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"mlflow server did not start:\n{logs.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_over_http_the_same_numbers_and_no_credentials_in_the_file(
        store: Store, server: str, project: Path) -> None:
    with_credentials = server.replace("http://", "http://ana:s3cret@")
    code, out, err = pull(project, with_credentials, "--model", "churn-clf@champion",
                          "--to", "reports/eval.json")
    assert (code, err) == (0, "")
    written = (project / "reports/eval.json").read_bytes()
    assert written == expected(store, store.evaluated, EVALUATED, uri=server,
                               model="churn-clf", model_alias="champion", model_version="1")
    assert b"s3cret" not in written and b"ana" not in written
    assert pull(project, server, "--run", "0" * 32, "--to", "reports/eval.json")[0] == 2


def test_an_unreachable_tracker_is_refused_within_seconds(project: Path) -> None:
    port = _free_port()  # nothing listens there
    start = time.monotonic()
    err = _refused(project, f"http://127.0.0.1:{port}", "--run", "abc", "--to", "r.json")
    assert time.monotonic() - start < 15
    assert err == (
        f"<command line>: error[MLC081]: the tracker at http://127.0.0.1:{port} cannot be read: "
        "connection refused; check that it is up and the URI and credentials "
        "(MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME) are right, then pull again\n")
