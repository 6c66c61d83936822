"""Metric and parity checks: every failure mode is its own located finding.

Projects are made with the real ``mlcycle init`` on a team playbook
(tests/fixtures/playbooks/metrics, copied, sometimes with one check changed
before init); only metric files and item state change afterwards.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import FIXTURES, snapshot

from mlcycle.errors import MlcycleError
from mlcycle.load.validation import validate

UPGRADE = " (if you changed the playbook: give it a new version and run `mlcycle upgrade`)"

GOOD = {
    "reports/eval.json": '{"eval": {"auc": 0.85, "acc": 0.9}, "accuracy": 0.912}\n',
    "reports/eval.yaml": "eval:\n  val/loss: 0.4\n",
    "reports/serve.toml": "[latency]\np99_ms = 120\n",
    "reports/prod-eval.json": '{"accuracy": 0.915}\n',
}
MODEL = "lifecycle/03-model.yaml"
AUC = f"{MODEL}:21:9"  # the entries of the baseline item's checks in the status file
# A file or key problem points at the value of `file:` or `key:`.
AUC_FILE, AUC_KEY = f"{MODEL}:22:15", f"{MODEL}:23:14"
LOSS, LOSS_FILE, LOSS_KEY = f"{MODEL}:26:9", f"{MODEL}:27:15", f"{MODEL}:28:14"
LATENCY, LATENCY_FILE = f"{MODEL}:34:9", f"{MODEL}:35:15"
PARITY = f"{MODEL}:40:9"
PROD = f"{MODEL}:45:11"  # the production side's mapping
EXP_FILE, EXP_KEY = f"{MODEL}:42:17", f"{MODEL}:43:16"


def make(tmp_path: Path, files: dict[str, str | bytes] | None = None,
         playbook: Callable[[str], str] | None = None, done: bool = True,
         good: dict[str, str | bytes] | None = None) -> Path:
    book = tmp_path / "pb"
    shutil.copytree(FIXTURES / "playbooks" / "metrics", book)
    if playbook is not None:
        model = book / "model.yaml"
        model.write_text(playbook(model.read_text()))
    root = tmp_path / "p"
    made = run("init", root, "--no-input", "--playbook", book, "--team", "pm=Ana",
               "--team", "ds=Bo")
    assert made.code == 0, made
    write(root, GOOD if good is None else good)
    if done:  # done with good numbers (done refuses failing ones), then the files change
        assert run("done", "baseline", "--evidence", "reports/eval.json", cwd=root).code == 0
    write(root, files or {})
    return root


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def check(root: Path, *args: str) -> tuple[int, list[str], str]:
    before = snapshot(root)
    result = run("check", "--phase", "model", *args, cwd=root)
    assert snapshot(root) == before
    return result.code, result.out.splitlines(), result.err


SUMMARY_OK = ("mlcycle check: passed: 1 of 1 gate closed (phase 'model'); 0 errors, 0 warnings, "
              "0 notes")


def failed(errors: int) -> str:
    return (f"mlcycle check: FAILED: 1 of 1 gate open (phase 'model'); {errors} "
            f"error{'' if errors == 1 else 's'}, 0 warnings, 0 notes")


def test_passing_checks_of_json_yaml_and_toml_files_close_the_gate(tmp_path: Path) -> None:
    assert check(make(tmp_path)) == (0, [SUMMARY_OK], "")


B = "item 'baseline'"

CASES: list[tuple[str, dict[str, str | bytes], list[str]]] = [
    ("MLC121-threshold", {"reports/eval.json": '{"eval": {"auc": 0.79}, "accuracy": 0.912}'},
     [f"{AUC}: error[MLC121]: {B}: metric 'auc-floor': 0.79 (reports/eval.json /eval/auc) is "
      "not >= 0.8"]),
    ("MLC121-between-strict-max", {"reports/eval.yaml": "eval:\n  val/loss: 1.0\n"},
     [f"{LOSS}: error[MLC121]: {B}: metric 'loss-band': 1 (reports/eval.yaml /eval/val~1loss) "
      "is not within 0.1 <= value < 1"]),
    ("MLC121-between-below", {"reports/eval.yaml": "eval:\n  val/loss: 0.05\n"},
     [f"{LOSS}: error[MLC121]: {B}: metric 'loss-band': 0.05 (reports/eval.yaml "
      "/eval/val~1loss) is not within 0.1 <= value < 1"]),
    ("MLC120-production-lower", {"reports/prod-eval.json": '{"accuracy": 0.871}'},
     [f"{PARITY}: error[MLC120]: {B}: parity 'accuracy-parity': experiment 0.912 "
      "(reports/eval.json /accuracy) vs production 0.871 (reports/prod-eval.json /accuracy): "
      "|diff| 0.041 (4.7%) > max(abs 0.005, rel 1% of 0.871)"]),
    ("MLC120-production-higher", {"reports/prod-eval.json": '{"accuracy": 0.95}'},
     [f"{PARITY}: error[MLC120]: {B}: parity 'accuracy-parity': experiment 0.912 "
      "(reports/eval.json /accuracy) vs production 0.95 (reports/prod-eval.json /accuracy): "
      "|diff| 0.038 (4%) > max(abs 0.005, rel 1% of 0.95)"]),
    ("MLC122-missing", {"reports/serve.toml": ""},  # removed below
     [f"{LATENCY_FILE}: error[MLC122]: {B}: metric 'latency': metrics file "
      "'reports/serve.toml' does not exist (run the job that writes it, and commit the file)"]),
    ("MLC123-json", {"reports/eval.json": '{"eval": {"auc": 0.85,},\n "accuracy": 0.9}'},
     [f"{AUC_FILE}: error[MLC123]: {B}: metric 'auc-floor': metrics file "
      "reports/eval.json:1:23: is not valid JSON: Expecting property name enclosed in double "
      "quotes",
      f"{EXP_FILE}: error[MLC123]: " + B
      + ": parity 'accuracy-parity': experiment: metrics file reports/eval.json:1:23: is not "
      "valid JSON: Expecting property name enclosed in double quotes"]),
    # A key written twice: the reviewer reads 0.5, Python's json would keep 0.912.
    ("MLC123-json-duplicate", {"reports/eval.json": '{"eval": {"auc": 0.85},\n "accuracy": '
                               '0.5,\n "accuracy": 0.912}'},
     [f"{AUC_FILE}: error[MLC123]: {B}: metric 'auc-floor': metrics file "
      "reports/eval.json:3:2: is not valid JSON for mlcycle: duplicate key 'accuracy' (JSON "
      "readers differ on which value wins)",
      f"{EXP_FILE}: error[MLC123]: " + B
      + ": parity 'accuracy-parity': experiment: metrics file reports/eval.json:3:2: is not "
      "valid JSON for mlcycle: duplicate key 'accuracy' (JSON readers differ on which value "
      "wins)"]),
    # Past Python's int() limit (json and tomllib both call it): located, not exit 3.
    ("MLC123-json-huge-int", {"reports/eval.json": '{"eval": {"auc": ' + "9" * 5000
                              + '}, "accuracy": 0.9}'},
     [f"{AUC_FILE}: error[MLC123]: {B}: metric 'auc-floor': metrics file "
      "reports/eval.json:1:18: is not valid for mlcycle: a number of more than 4300 digits",
      f"{EXP_FILE}: error[MLC123]: " + B + ": parity 'accuracy-parity': experiment: metrics "
      "file reports/eval.json:1:18: is not valid for mlcycle: a number of more than 4300 "
      "digits"]),
    ("MLC123-toml-huge-int", {"reports/serve.toml": "[latency]\np99_ms = " + "9" * 5000 + "\n"},
     [f"{LATENCY_FILE}: error[MLC123]: {B}: metric 'latency': metrics file "
      "reports/serve.toml:2:10: is not valid for mlcycle: a number of more than 4300 digits"]),
    ("MLC123-yaml", {"reports/eval.yaml": "eval:\n  val/loss: 0.4\n  val/loss: 0.5\n"},
     [f"{LOSS_FILE}: error[MLC123]: {B}: metric 'loss-band': metrics file "
      "reports/eval.yaml:3:3: is not valid YAML: duplicate key 'val/loss' (first defined on "
      "line 2); a YAML reader would silently keep only the last one"]),
    ("MLC123-toml", {"reports/serve.toml": "[latency]\np99_ms = \n"},
     [f"{LATENCY_FILE}: error[MLC123]: {B}: metric 'latency': metrics file "
      "reports/serve.toml:2:10: is not valid TOML: Invalid value"]),
    ("MLC123-not-utf8", {"reports/serve.toml": b"[latency]\np99_ms = 1 # \xff\n"},
     [f"{LATENCY_FILE}: error[MLC123]: {B}: metric 'latency': metrics file "
      "'reports/serve.toml' cannot be read: invalid UTF-8 byte 0xff"]),
    ("MLC124-deepest-key", {"reports/eval.json": '{"eval": {"acc": 0.9}, "accuracy": 0.912}'},
     [f"{AUC_KEY}: error[MLC124]: {B}: metric 'auc-floor': key /eval/auc is missing from "
      "reports/eval.json: the deepest key that exists is /eval, which has no key 'auc' (its "
      "keys: 'acc')"]),
    ("MLC124-top", {"reports/eval.yaml": "evaluation:\n  val/loss: 0.4\n"},
     [f"{LOSS_KEY}: error[MLC124]: {B}: metric 'loss-band': key /eval/val~1loss is missing "
      "from reports/eval.yaml: the file has no key 'eval' (its keys: 'evaluation')"]),
    ("MLC124-scalar", {"reports/eval.json": '{"eval": 0.85, "accuracy": 0.912}'},
     [f"{AUC_KEY}: error[MLC124]: {B}: metric 'auc-floor': key /eval/auc is missing from "
      "reports/eval.json: the deepest key that exists is /eval, which holds a number, not a "
      "mapping or a list"]),
    ("MLC125-string", {"reports/eval.json": '{"eval": {"auc": "0.85"}, "accuracy": 0.912}'},
     [f"{AUC}: error[MLC125]: {B}: metric 'auc-floor': /eval/auc in reports/eval.json is text "
      "'0.85', not a number"]),
    ("MLC124-control-characters-in-keys", {"reports/eval.json": '{"eval": {"\\u001b[31mx": 1}}'},
     [f"{AUC_KEY}: error[MLC124]: {B}: metric 'auc-floor': key /eval/auc is missing from "
      "reports/eval.json: the deepest key that exists is /eval, which has no key 'auc' (its "
      "keys: '\\x1b[31mx')",
      f"{EXP_KEY}: error[MLC124]: {B}: parity 'accuracy-parity': experiment: key /accuracy is "
      "missing from reports/eval.json: the file has no key 'accuracy' (its keys: 'eval')"]),
    ("MLC125-boolean", {"reports/eval.json": '{"eval": {"auc": true}, "accuracy": 0.912}'},
     [f"{AUC}: error[MLC125]: {B}: metric 'auc-floor': /eval/auc in reports/eval.json is a "
      "boolean, not a number"]),
    ("MLC125-quoted-yaml", {"reports/eval.yaml": "eval:\n  val/loss: '0.4'\n"},
     [f"{LOSS}: error[MLC125]: {B}: metric 'loss-band': /eval/val~1loss in reports/eval.yaml "
      "is text '0.4', not a number"]),
    ("MLC126-json-nan", {"reports/eval.json": '{"eval": {"auc": NaN}, "accuracy": 0.912}'},
     [f"{AUC}: error[MLC126]: {B}: metric 'auc-floor': /eval/auc in reports/eval.json is NaN; "
      "a check passes only on a finite number"]),
    ("MLC126-json-infinity", {"reports/prod-eval.json": '{"accuracy": -Infinity}'},
     [f"{PROD}: error[MLC126]: " + B
      + ": parity 'accuracy-parity': production: /accuracy in reports/prod-eval.json is "
      "-Infinity; a check passes only on a finite number"]),
    ("MLC126-json-huge-integer", {"reports/eval.json": '{"eval": {"auc": 1%s}, '
                                  '"accuracy": 0.912}' % ("0" * 400)},
     [f"{AUC}: error[MLC126]: {B}: metric 'auc-floor': /eval/auc in reports/eval.json is an "
      "integer too large for a finite float; a check passes only on a finite number"]),
    ("MLC126-yaml-inf", {"reports/eval.yaml": "eval:\n  val/loss: .inf\n"},
     [f"{LOSS}: error[MLC126]: {B}: metric 'loss-band': /eval/val~1loss in reports/eval.yaml "
      "is infinity; a check passes only on a finite number"]),
    ("MLC126-toml-nan", {"reports/serve.toml": "[latency]\np99_ms = nan\n"},
     [f"{LATENCY}: error[MLC126]: {B}: metric 'latency': /latency/p99_ms in "
      "reports/serve.toml is NaN; a check passes only on a finite number"]),
]


@pytest.mark.parametrize(("case", "files", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_failure_is_a_located_finding_and_keeps_the_gate_open(
        tmp_path: Path, case: str, files: dict[str, str | bytes], expected: list[str]) -> None:
    root = make(tmp_path, files)
    if case == "MLC122-missing":
        (root / "reports/serve.toml").unlink()
    code, out, err = check(root)
    assert (code, err) == (1, "")
    assert out == [*expected, failed(len(expected))]


def test_every_metric_code_has_a_case() -> None:
    from mlcycle import codes

    tested = {c[0][:6] for c in CASES} | {"MLC127"}  # MLC127 needs a rel-only playbook: below
    assert tested == {c.id for c in codes.of_kind("finding") if 120 <= int(c.id[3:]) <= 127}


def test_a_symlink_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    root = make(tmp_path)
    outside = tmp_path / "outside.toml"
    outside.write_text("[latency]\np99_ms = 1\n")
    (root / "reports/serve.toml").unlink()
    (root / "reports/serve.toml").symlink_to(outside)
    # Invalid input, as evidence outside the project is (exit 2 since issue 19).
    code, _, err = check(root)
    assert (code, err) == (2, (
        f"{LATENCY_FILE}: error[MLC029]: {B}: metrics file 'reports/serve.toml' resolves "
        "(through a symlink) to a place outside the project; it was not opened (a metrics "
        "file lives in the project, like evidence)\n"))


def test_a_path_climbing_out_is_not_read(tmp_path: Path) -> None:
    root = make(tmp_path, playbook=lambda t: t.replace("file: reports/serve.toml",
                                                       "file: ../serve.toml"), done=False)
    (tmp_path / "serve.toml").write_text("[latency]\np99_ms = 1\n")
    code, _, err = check(root)
    assert (code, err) == (2, (
        f"{LATENCY_FILE}: error[MLC029]: {B}: metrics file '../serve.toml' climbs out with "
        "'..'; it was not opened (a metrics file lives in the project, like evidence)\n"))


def _rel_only(text: str) -> str:
    return text.replace("tolerance: {abs: 0.005, rel: 0.01}", "tolerance: {rel: 0.01}")


def test_rel_tolerance_against_a_zero_production_value_is_an_error(tmp_path: Path) -> None:
    root = make(tmp_path, {"reports/prod-eval.json": '{"accuracy": 0}'}, playbook=_rel_only)
    code, out, err = check(root, "--format", "junit")
    assert (code, err) == (1, "")
    assert check(root) == (1, [
        f"{PARITY}: error[MLC127]: {B}: parity 'accuracy-parity': production value is 0 "
        "(reports/prod-eval.json /accuracy), so a relative tolerance (rel 1%) allows no "
        "difference at all; add an abs tolerance to the check", failed(1)], "")
    cases = ET.fromstring("\n".join(out)).findall("testsuite[@name='metrics']/testcase")
    parity = [c for c in cases if c.get("name") == "baseline: parity accuracy-parity"]
    assert parity[0].find("error") is not None and parity[0].find("failure") is None


def test_rel_only_tolerance_scales_with_production(tmp_path: Path) -> None:
    # |0.912 - 0.92| = 0.008 <= 1% of 0.92: passes; 0.93 does not.
    root = make(tmp_path, {"reports/prod-eval.json": '{"accuracy": 0.92}'}, playbook=_rel_only)
    assert check(root) == (0, [SUMMARY_OK], "")
    (root / "reports/prod-eval.json").write_text('{"accuracy": 0.93}')
    assert check(root)[1][0] == (
        f"{PARITY}: error[MLC120]: {B}: parity 'accuracy-parity': experiment 0.912 "
        "(reports/eval.json /accuracy) vs production 0.93 (reports/prod-eval.json /accuracy): "
        "|diff| 0.018 (1.9%) > rel 1% of 0.93")


def test_pointer_escapes_and_list_indices(tmp_path: Path) -> None:
    def keys(text: str) -> str:
        return (text.replace("key: /eval/auc", "key: /runs/1/a~1b~0c")
                .replace('key: [eval, "val/loss"]', "key: [folds, 0, val/loss]"))

    files: dict[str, str | bytes] = {
        "reports/eval.json": '{"runs": [{"a/b~c": 0.1}, {"a/b~c": 0.9}], "accuracy": 0.912}',
        "reports/eval.yaml": "folds:\n  - val/loss: 0.4\n",
    }
    root = make(tmp_path, files, playbook=keys, good={**GOOD, **files})
    assert check(root) == (0, [SUMMARY_OK], "")
    (root / "reports/eval.yaml").write_text("folds: []\n")
    (root / "reports/eval.json").write_text('{"runs": [{"a/b~c": 0.9}], "accuracy": 0.912}')
    assert check(root)[1][:2] == [
        f"{AUC_KEY}: error[MLC124]: {B}: metric 'auc-floor': key /runs/1/a~1b~0c is missing "
        "from reports/eval.json: the deepest key that exists is /runs, which is a list of 1, "
        "without index '1'",
        f"{LOSS_KEY}: error[MLC124]: {B}: metric 'loss-band': key /folds/0/val~1loss is "
        "missing from reports/eval.yaml: the deepest key that exists is /folds, which is a "
        "list of 0, without index 0",
    ]


def test_a_done_gate_whose_checks_fail_is_open_and_blocks_dependents(tmp_path: Path) -> None:
    root = make(tmp_path, {"reports/eval.json": '{"eval": {"auc": 0.5}, "accuracy": 0.912}'})
    data = json.loads(run("check", "--phase", "model", "--format", "json", cwd=root).out)
    gate = next(g for g in data["gates"] if g["item"] == "baseline")
    assert (gate["status"], gate["closed"], gate["why_open"]) == (
        "done", False, "its metric checks fail")
    assert data["metrics"][0] == {
        "phase": "model", "item": "baseline", "kind": "metric", "id": "auc-floor",
        "verdict": "fail", "observed": 0.5, "expected": 0.8, "op": ">=",
        "difference": 0.5 - 0.8, "tolerance": None, "file": "reports/eval.json",
        "key": "/eval/auc", "findings": [{
            "code": "MLC121", "severity": "error", "path": MODEL, "line": 21, "column": 9,
            "message": f"{B}: metric 'auc-floor': 0.5 (reports/eval.json /eval/auc) is not >= "
                       "0.8"}]}
    assert data["metrics"][3] == {
        "phase": "model", "item": "baseline", "kind": "parity", "id": "accuracy-parity",
        "verdict": "pass", "observed": 0.912, "expected": 0.915, "op": "parity",
        "difference": 0.912 - 0.915, "tolerance": {"abs": 0.005, "rel": 0.01},
        "file": ["reports/eval.json", "reports/prod-eval.json"],
        "key": ["/accuracy", "/accuracy"], "findings": []}
    assert [m["verdict"] for m in data["metrics"]] == ["fail", "pass", "pass", "pass"]


def test_markdown_table_lists_failures_first(tmp_path: Path) -> None:
    root = make(tmp_path, {"reports/eval.json": '{"eval": {"auc": 0.5}, "accuracy": 0.912}',
                           "reports/serve.toml": "[latency]\n"})
    out = run("check", "--phase", "model", "--format", "markdown", cwd=root).out
    table = out.split("### Metric checks\n\n")[1].split("\n\n")[0].splitlines()
    assert table == [
        "| Check | Observed | Expected | Difference | Tolerance | Verdict |",
        "|---|---|---|---|---|---|",
        "| `baseline` metric `auc-floor` | 0.5 | \\>= 0.8 | -0.3 |  | **fail** (MLC121) |",
        "| `baseline` metric `latency` | — | \\< 250 |  |  | **error** (MLC124) |",
        "| `baseline` metric `loss-band` | 0.4 | 0.1 \\<= value \\< 1 |  |  | pass |",
        "| `baseline` parity `accuracy-parity` | 0.912 | 0.915 (production) | -0.003 | "
        "max(abs 0.005, rel 1%) | pass |",
    ]


def test_junit_has_a_testcase_per_check(tmp_path: Path) -> None:
    root = make(tmp_path, {"reports/eval.json": '{"eval": {"auc": 0.5}, "accuracy": 0.912}',
                           "reports/serve.toml": "[latency]\n"})
    out = run("check", "--phase", "model", "--format", "junit", cwd=root).out
    suite = ET.fromstring(out).find("testsuite[@name='metrics']")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "1", "1")
    kinds = {c.get("name"): [e.tag for e in c] for c in suite.findall("testcase")}
    assert kinds == {"baseline: metric auc-floor": ["failure"],
                     "baseline: metric loss-band": [], "baseline: metric latency": ["error"],
                     "baseline: parity accuracy-parity": []}


def test_github_annotations_carry_metric_findings(tmp_path: Path) -> None:
    root = make(tmp_path, {"reports/eval.json": '{"eval": {"auc": 0.5}, "accuracy": 0.912}'})
    out = run("check", "--phase", "model", "--format", "github", cwd=root).out.splitlines()
    assert out[0] == (f"::error file={MODEL},line=21,col=9,title=mlcycle MLC121%3A baseline::"
                      f"{B}: metric 'auc-floor': 0.5 (reports/eval.json /eval/auc) is not >= 0.8")


def test_checks_of_phases_not_evaluated_and_of_waived_items_are_not_run(tmp_path: Path) -> None:
    root = make(tmp_path, {"reports/eval.json": "{"}, done=False)
    result = run("check", cwd=root)  # current phase frame: no phase before it is judged
    assert (result.code, result.out.splitlines()) == (0, [
        "mlcycle check: passed: no gates evaluated (no phase before the current phase "
        "'frame'); 0 errors, 0 warnings, 0 notes"])
    assert run("waive", "baseline", "--reason", "no eval job yet", "--by", "Bo", "--until",
               "2099-01-01", cwd=root).code == 0
    assert check(root) == (0, [SUMMARY_OK], "")


def test_a_status_file_cannot_loosen_a_threshold(tmp_path: Path) -> None:
    root = make(tmp_path)
    status = root / MODEL
    status.write_text(status.read_text().replace("value: 0.8", "value: 0.5"))
    result = run("check", cwd=root)
    assert result.code == 2
    assert result.err.splitlines() == [
        f"{MODEL}:21:7: error[MLC040]: items[0].metrics: 'auc-floor' differs from playbook "
        "metrics 1.0.0 (../pb/); change definitions in the playbook, not in status files" + UPGRADE]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("value: 0.80", 'value: "0.80"', "18:16: error[MLC012]: items[0].metrics[0].value: expected "
     "a number such as 0.8, got '0.80' (a quoted string is text; write the number without "
     "quotes)"),
    ("value: 0.80", "value: true",
     "18:16: error[MLC012]: items[0].metrics[0].value: expected a number such as 0.8, got true"),
    ("value: 0.80", "value: .nan",
     "18:16: error[MLC012]: items[0].metrics[0].value: expected a finite number, got .nan"),
    ("value: {min: 0.1, max: 1e-0, strict_max: true}", "value: {min: 0.1}",
     "23:16: error[MLC011]: items[0].metrics[1].value.max: required key 'max' is missing"),
    ("value: {min: 0.1, max: 1e-0, strict_max: true}", "value: {min: 2, max: 1}",
     "23:16: error[MLC012]: items[0].metrics[1].value: min 2 is greater than max 1"),
    ("value: 0.80", "value: {min: 0.7, max: 0.9}",
     "14:9: error[MLC012]: items[0].metrics[0]: op '>=' needs a number as value"),
    ("tolerance: {abs: 0.005, rel: 0.01}", "tolerance: {}",
     "33:20: error[MLC012]: items[0].parity[0].tolerance: give abs, rel or both (|e - p| <= "
     "max(abs, rel * |p|))"),
    ("key: /eval/auc", "key: /eval/auc~2",
     "16:14: error[MLC012]: items[0].metrics[0].key: '/eval/auc~2' is not allowed here: "
     "expected a JSON Pointer such as /eval/auc ('' for the whole file; ~1 for '/', ~0 for "
     "'~')"),
])
def test_a_bad_check_is_a_located_error_in_the_playbook(tmp_path: Path, old: str, new: str,
                                                        message: str) -> None:
    book = tmp_path / "pb"
    shutil.copytree(FIXTURES / "playbooks" / "metrics", book)
    model = book / "model.yaml"
    model.write_text(model.read_text().replace(old, new))
    result = run("init", "p", "--no-input", "--playbook", "./pb", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines()[0] == f"pb/model.yaml:{message}"
    assert not (tmp_path / "p").exists()


def test_a_status_file_cannot_drop_the_checks(tmp_path: Path) -> None:
    root = make(tmp_path)
    status = root / MODEL
    text = status.read_text()
    start, end = text.index("    metrics:\n"), text.index("    status: done")
    status.write_text(text[:start] + text[end:])
    result = run("validate", cwd=root)
    assert result.code == 2
    assert result.err.splitlines()[:2] == [
        f"{MODEL}:10:5: error[MLC040]: items[0].metrics: 'auc-floor', 'loss-band', 'latency' "
        "missing here but in playbook metrics 1.0.0 (../pb/); change definitions in the "
        "playbook, not in status files" + UPGRADE,
        f"{MODEL}:10:5: error[MLC040]: items[0].parity: 'accuracy-parity' missing here but in "
        "playbook metrics 1.0.0 (../pb/); change definitions in the playbook, not in status "
        "files" + UPGRADE,
    ]


def test_plain_floats_are_numbers_only_where_a_number_is_wanted() -> None:
    from mlcycle.load.model import Between, Role
    from mlcycle.load.yamlio import PlainNumber, parse_mapping

    data = parse_mapping("a: 0.8\nb: '0.8'\nc: 1.10\nd: 0755\ne: 1e-3\nf: .inf\n", "x.yaml")
    assert [type(v) for v in data.values()] == [PlainNumber, str, PlainNumber, PlainNumber,
                                                PlainNumber, PlainNumber]
    # Where text is wanted, a number every YAML 1.2 tool reads as one is refused.
    with pytest.raises(MlcycleError) as caught:
        validate(Role, {"id": "ds", "name": data["c"]}, "id: ds\nname: 1.10\n", "r.yaml")
    assert [str(p) for p in caught.value.problems] == [
        'r.yaml:2:7: error[MLC012]: name: expected text, got 1.10, which YAML 1.2 readers '
        '(check-jsonschema, editors) read as a number; quote it: "1.10"']
    assert Between.model_validate({"min": data["d"], "max": 800}) == Between(min=755, max=800)
    assert Between.model_validate({"min": data["e"], "max": data["a"]}) == Between(
        min=0.001, max=0.8)
