"""Read one MLflow run's latest metric values, and where they came from.

Only MLflow's public client API is used (``MlflowClient.get_run``,
``get_experiment``, ``get_model_version``, ``get_model_version_by_alias``,
``MlflowException``). ``mlflow`` is imported here, inside ``read``: it is an
optional extra, and its import costs about a second.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from mlcycle.codes import MLC031, MLC080, MLC081, MLC082, MLC083
from mlcycle.errors import MlcycleError

WHERE = "<command line>"
INSTALL = 'pip install "mlcycle-cli[mlflow]"'
# MLflow's HTTP client retries a failed request for minutes by default (7
# retries, growing backoff); a scheduled job or a person waiting should hear
# within seconds that the tracker is down. A user's own setting wins.
BOUNDED_HTTP = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
}
# MLflow's error codes that mean "no such run, model, version or alias".
_UNKNOWN = {"RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE", "NOT_FOUND"}
_MODEL = re.compile(r"^(?P<name>.+?)(?:@(?P<alias>[^@/]+)|/(?P<version>[0-9]+))$")


@dataclass(frozen=True)
class Pulled:
    """A run's latest value of each metric and the provenance block that goes with them."""

    metrics: dict[str, float]
    source: dict[str, str]


def public_uri(uri: str) -> str:
    """The tracking URI as it may be committed: no ``user:password@``, no query or
    fragment (where tokens travel), so the file never carries a credential."""
    bare = re.split(r"[?#]", uri, maxsplit=1)[0]
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]+://)[^/]*@", r"\1", bare)


def _scrubbed(text: str, uri: str) -> str:
    """MLflow's message without the credentials the raw URI may carry."""
    text = text.replace(uri, public_uri(uri))
    text = re.sub(r"://[^/\s@]*@", "://", text)
    return re.sub(r"([?&][^=&\s]*=)[^&\s]*", r"\1***", text)


def parse_model(text: str) -> tuple[str, str | None, str | None]:
    """``NAME@ALIAS`` or ``NAME/VERSION`` as (name, alias, version); MLC031 otherwise."""
    match = _MODEL.match(text)
    if not match:
        raise MlcycleError.at(MLC031, f"--model {text!r}: expected NAME@ALIAS or NAME/VERSION "
                              "(a registered model and its alias or version number), e.g. "
                              "--model churn@champion or --model churn/3", WHERE)
    return match["name"], match["alias"], match["version"]


def _local_store(uri: str) -> Path | None:
    """The file or directory a local store lives in (None for a remote tracker)."""
    parts = urlsplit(uri)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db, sqlite:////absolute.db (SQLAlchemy's URL form)
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        return Path(path) if path and path != ":memory:" else None
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    if not parts.scheme or len(parts.scheme) == 1:
        return Path(uri)
    return None


def _store_problem(uri: str) -> str | None:
    """A local store that does not exist: MLflow would create an empty one (a new
    database or directory outside the project) and then find no run in it."""
    store = _local_store(uri)
    if store is None or store.exists():
        return None
    return (f"the tracking store {public_uri(uri)!r} does not exist (MLflow would create an "
            "empty one); check --tracking-uri or MLFLOW_TRACKING_URI")


@contextmanager
def _bounded_http() -> Iterator[None]:
    """Bounded retries and timeouts for the call, and MLflow's and SQLAlchemy's
    warnings (deprecations of their own internals) kept off mlcycle's output of
    one line per problem."""
    import warnings

    added = [k for k in BOUNDED_HTTP if k not in os.environ]
    os.environ.update({k: BOUNDED_HTTP[k] for k in added})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for key in added:
            os.environ.pop(key, None)


def _first_line(exc: BaseException, uri: str) -> str:
    text = str(getattr(exc, "message", None) or exc)
    # The cause that says what to do, rather than urllib3's retry wrapper around it.
    for cause, said in (("Connection refused", "connection refused"),
                        ("timed out", "no answer in time"),
                        ("Name or service not known", "unknown host"),
                        ("nodename nor servname", "unknown host"),
                        ("getaddrinfo failed", "unknown host")):
        if cause in text:
            return said
    lines = _scrubbed(text, uri).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    return line if len(line) <= 300 else line[:297] + "..."


def read(uri: str, run_id: str | None, model: str | None) -> Pulled:
    """The run ``run_id`` (or the one behind ``model``) at ``uri``; one located
    MlcycleError (exit 2) for anything that keeps the numbers from being pulled."""
    with _bounded_http():
        return _read(uri, run_id, model)


def _read(uri: str, run_id: str | None, model: str | None) -> Pulled:
    try:
        from mlflow import MlflowClient
        from mlflow.exceptions import MlflowException
    except ImportError as exc:
        if exc.name is not None and exc.name.split(".")[0] == "mlflow":
            raise MlcycleError.at(MLC080, "metrics pull --from mlflow needs MLflow, which is "
                                  f"not installed here: {INSTALL}", WHERE) from None
        raise MlcycleError.at(MLC080, f"MLflow is installed but cannot be imported: "
                              f"{_first_line(exc, uri)}; reinstall it with its dependencies: "
                              f"{INSTALL}", WHERE) from None
    shown = public_uri(uri)
    problem = _store_problem(uri)
    if problem:
        raise MlcycleError.at(MLC081, problem, WHERE)
    what = f"run {run_id!r}" if run_id else f"model {model!r}"
    source: dict[str, str] = {"tracker": "mlflow", "tracking_uri": shown}
    try:
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        if model is not None:
            name, alias, version = parse_model(model)
            what = f"model {name!r} " + (f"alias {alias!r}" if alias else f"version {version}")
            found: Any = (client.get_model_version_by_alias(name, alias) if alias else
                          client.get_model_version(name, str(version)))
            if not found.run_id:
                raise MlcycleError.at(MLC082, f"{what} at {shown} was registered without a "
                                      "run, so it has no metrics to pull; pull its evaluation "
                                      "run with --run RUN_ID", WHERE)
            run_id = str(found.run_id)
            source.update(model=name, model_version=str(found.version))
            if alias:
                source["model_alias"] = alias
            what = f"run {run_id!r} of {what}"
        assert run_id is not None
        run = client.get_run(run_id)
        experiment = client.get_experiment(run.info.experiment_id)
    except MlflowException as exc:
        if getattr(exc, "error_code", None) in _UNKNOWN:
            raise MlcycleError.at(MLC082, f"the tracker at {shown} has no {what}: "
                                  f"{_first_line(exc, uri)}; look it up in the MLflow UI (or "
                                  "check --tracking-uri)", WHERE) from None
        raise _unreachable(uri, exc) from None
    except OSError as exc:  # requests' errors are OSErrors; so are a store's file errors
        raise _unreachable(uri, exc) from None
    except ImportError as exc:  # a store's own modules: MLflow and its dependencies disagree
        raise MlcycleError.at(MLC080, f"MLflow is installed but cannot load the store for "
                              f"{shown}: {_first_line(exc, uri)}; reinstall it with its "
                              f"dependencies: {INSTALL}", WHERE) from None
    metrics = {str(k): float(v) for k, v in run.data.metrics.items()}
    if not metrics:
        raise MlcycleError.at(MLC083, f"{what} at {shown} has no metrics; log them in the "
                              "evaluation job (mlflow.log_metric) or pull another run", WHERE)
    source.update(run_id=run.info.run_id, experiment_id=str(run.info.experiment_id),
                  experiment_name=str(experiment.name))
    return Pulled(metrics, source)


def _unreachable(uri: str, exc: BaseException) -> MlcycleError:
    return MlcycleError.at(MLC081, f"the tracker at {public_uri(uri)} cannot be read: "
                           f"{_first_line(exc, uri)}; check that it is up and the URI and "
                           "credentials (MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME) are "
                           "right, then pull again", WHERE)
