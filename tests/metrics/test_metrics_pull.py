"""`metrics pull` without a tracker: the refusals that come before any tracker
call, MLflow missing, and how `check` shows a pulled file's provenance.

The pulls themselves run against a real MLflow backend in tests/metrics/test_mlflow.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_project, snapshot
from test_metrics import AUC, AUC_KEY, EXP_KEY, PARITY, check, failed, make

B = "item 'baseline'"
SOURCE = {"tracker": "mlflow", "tracking_uri": "http://mlflow.example:5000",
          "experiment_id": "4", "experiment_name": "churn",
          "run_id": "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6", "pulled": "2026-12-06"}


def _pulled(metrics: dict[str, object], **source: str) -> str:
    return json.dumps({**metrics, "_source": {**SOURCE, **source}}, sort_keys=True, indent=2)


def test_a_failed_check_on_a_pulled_file_says_where_its_numbers_came_from(
        tmp_path: Path) -> None:
    root = make(tmp_path, {"reports/eval.json": _pulled({"eval": {"auc": 0.71},
                                                         "accuracy": 0.912})})
    code, out, err = check(root)
    assert (code, err) == (1, "")
    assert out == [f"{AUC}: error[MLC121]: {B}: metric 'auc-floor': 0.71 (reports/eval.json "
                   "/eval/auc) is not >= 0.8 (mlflow run 1a2b3c4, pulled 2026-12-06)",
                   failed(1)]


def test_parity_names_the_pulled_side_and_its_model_version(tmp_path: Path) -> None:
    root = make(tmp_path, {
        "reports/eval.json": _pulled({"eval": {"auc": 0.85}, "accuracy": 0.95},
                                     model="churn", model_version="3"),
        "reports/prod-eval.json": '{"accuracy": 0.915}\n'})
    code, out, _ = check(root)
    assert code == 1
    assert out[0] == (
        f"{PARITY}: error[MLC120]: {B}: parity 'accuracy-parity': experiment 0.95 "
        "(reports/eval.json /accuracy) vs production 0.915 (reports/prod-eval.json /accuracy): "
        "|diff| 0.035 (3.8%) > max(abs 0.005, rel 1% of 0.915) (reports/eval.json from mlflow "
        "run 1a2b3c4 of model churn v3, pulled 2026-12-06)")


def test_a_passing_check_on_a_pulled_file_says_nothing_more(tmp_path: Path) -> None:
    root = make(tmp_path, {"reports/eval.json": _pulled({"eval": {"auc": 0.85},
                                                         "accuracy": 0.912})})
    assert check(root)[0] == 0


def test_the_source_block_is_never_read_as_a_metric(tmp_path: Path) -> None:
    root = make(tmp_path, {"reports/eval.json": _pulled({"accuracy": 0.912})},
                playbook=lambda text: text.replace("key: /eval/auc", "key: /_source/run_id"),
                done=False)  # done refuses a check that cannot be read
    code, out, _ = check(root)
    assert code == 1
    assert out[0] == (
        f"{AUC_KEY}: error[MLC124]: {B}: metric 'auc-floor': key /_source/run_id is missing "
        "from reports/eval.json: the file has no key '_source' (its keys: 'accuracy') (mlflow "
        "run 1a2b3c4, pulled 2026-12-06)")
    assert EXP_KEY not in "\n".join(out)  # /accuracy still read beside the block


# --- refusals before any tracker call -------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = init_project(tmp_path / "p")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    return root


def _refused(root: Path, *args: str) -> str:
    before = snapshot(root)
    result = run("metrics", "pull", "--from", "mlflow", *args, cwd=root)
    assert (result.code, result.out) == (2, "")
    assert snapshot(root) == before
    return result.err


@pytest.mark.parametrize(("args", "message"), [
    (["--to", "reports/eval.json"], "error[MLC031]: metrics pull needs exactly one of --run "
     "RUN_ID or --model NAME@ALIAS|NAME/VERSION"),
    (["--run", "abc", "--model", "churn@champion", "--to", "reports/eval.json"],
     "error[MLC031]: metrics pull needs exactly one of --run RUN_ID or --model "
     "NAME@ALIAS|NAME/VERSION"),
    (["--model", "churn", "--to", "reports/eval.json"],
     "error[MLC031]: --model 'churn': expected NAME@ALIAS or NAME/VERSION (a registered model "
     "and its alias or version number), e.g. --model churn@champion or --model churn/3"),
    (["--model", "churn/v3", "--to", "reports/eval.json"],
     "error[MLC031]: --model 'churn/v3': expected NAME@ALIAS or NAME/VERSION (a registered "
     "model and its alias or version number), e.g. --model churn@champion or --model churn/3"),
    (["--run", "abc", "--to", "../eval.json"],
     "error[MLC084]: --to '../eval.json' climbs out with '..'; name a file inside the project, "
     "such as reports/eval.json"),
    (["--run", "abc", "--to", "/tmp/eval.json"],
     "error[MLC084]: --to '/tmp/eval.json' is not a relative path inside the project (use / and "
     "no drive or leading /); name a file inside the project, such as reports/eval.json"),
    (["--run", "abc", "--to", "reports/eval.yaml"],
     "error[MLC084]: --to 'reports/eval.yaml': a pulled metrics file is JSON; name it *.json "
     "(checks read a file by its extension)"),
    (["--run", "abc", "--to", "docs"],
     "error[MLC084]: --to 'docs': a pulled metrics file is JSON; name it *.json (checks read a "
     "file by its extension)"),
    (["--run", "abc", "--to", "r.json", "--from", "wandb"],
     "error[MLC031]: --from: 'wandb' is not one of mlflow; from another tracker, have the "
     "evaluation job write the metrics file itself"),
    (["--run", "abc", "--to", "r.json", "--from", "mlfow"],
     "error[MLC031]: --from: 'mlfow' is not one of mlflow (did you mean 'mlflow'?); from "
     "another tracker, have the evaluation job write the metrics file itself"),
])
def test_a_bad_command_line_is_refused_before_the_tracker_is_asked(
        project: Path, args: list[str], message: str) -> None:
    assert _refused(project, *args) == f"<command line>: {message}\n"


def test_a_directory_named_json_is_refused(project: Path) -> None:
    (project / "reports" / "eval.json").mkdir(parents=True)
    assert _refused(project, "--run", "abc", "--to", "reports/eval.json") == (
        "<command line>: error[MLC084]: --to 'reports/eval.json' exists and is not a regular "
        "file; name a file\n")


def test_no_tracking_uri_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    assert _refused(project, "--run", "abc", "--to", "reports/eval.json") == (
        "<command line>: error[MLC031]: metrics pull --from mlflow needs the tracker: pass "
        "--tracking-uri URI or set MLFLOW_TRACKING_URI\n")


@pytest.mark.parametrize("content", ['{"accuracy": 0.9}\n', "not json", '{"_source": 1}'])
def test_a_file_pull_did_not_write_is_never_overwritten(project: Path, content: str) -> None:
    (project / "reports").mkdir()
    (project / "reports" / "eval.json").write_text(content)
    assert _refused(project, "--run", "abc", "--to", "reports/eval.json") == (
        "<command line>: error[MLC084]: reports/eval.json exists and was not written by "
        "`mlcycle metrics pull` (no _source block), so pulling would overwrite numbers from "
        "elsewhere; move it away (git mv) or choose another --to\n")


def test_outside_a_project_is_refused(tmp_path: Path) -> None:
    result = run("metrics", "pull", "--from", "mlflow", "--run", "abc", "--to", "r.json",
                 "--tracking-uri", "http://127.0.0.1:9", cwd=tmp_path)
    assert result.code == 2
    assert "error[MLC028]: no mlcycle.yaml here or in any parent directory" in result.err


def test_without_mlflow_installed_it_says_how_to_install_it(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules is how Python itself spells "this import fails".
    monkeypatch.setitem(sys.modules, "mlflow", None)
    assert _refused(project, "--run", "abc", "--to", "reports/eval.json") == (
        "<command line>: error[MLC080]: metrics pull --from mlflow needs MLflow, which is not "
        'installed here: pip install "mlcycle-cli[mlflow]"\n')


def test_check_does_not_import_mlflow_or_the_tracker_module(tmp_path: Path) -> None:
    import subprocess

    assert run("init", tmp_path / "p", "--no-input").code == 0
    code = ("import sys; from mlcycle.cli import main\n"
            "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('mlflow', 'mlcycle.tracker', "
            "'mlcycle.write.pulled'))))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_public_uri_drops_credentials() -> None:
    from mlcycle.tracker.mlflow import public_uri

    assert public_uri("https://ana:s3cret@mlflow.example/x?token=abc#f") == \
        "https://mlflow.example/x"
    assert public_uri("postgresql://u:pw@db:5432/mlflow?sslmode=require") == \
        "postgresql://db:5432/mlflow"
    assert public_uri("sqlite:////srv/mlflow.db") == "sqlite:////srv/mlflow.db"
    assert public_uri("databricks://profile") == "databricks://profile"
