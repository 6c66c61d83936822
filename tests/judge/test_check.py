"""``mlcycle check``: which gates, every finding with its location, every format,
exit codes, and that nothing is ever written to the project."""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.cli import run
from helpers.project import snapshot

PHASES = ["problem", "data", "modeling", "productionization", "quality", "online", "operations"]
GOLDEN = Path(__file__).parents[1] / "golden" / "check"
TODAY = "2025-06-01"
TEAM = {"pm": ["Pat"], "mlm": ["Mo"], "ds": ["Dee", "Sam"], "mle": ["Eli"]}


def item(item_id: str, **state: Any) -> dict[str, Any]:
    """A minimal valid item; ``state`` adds or overrides keys (None removes one)."""
    data: dict[str, Any] = {
        "id": item_id,
        "title": f"Title of {item_id}",
        "description": "What done means.",
        "raci": {"responsible": ["ds"], "accountable": "mlm"},
    }
    data.update(state)
    return {k: v for k, v in data.items() if v is not None}


PRODUCT_TITLES = {
    "problem": "Problem definition", "data": "Data exploration and quality",
    "modeling": "Modeling", "productionization": "Productionization",
    "quality": "Quality check and offline evaluation", "online": "Online evaluation and rollout",
    "operations": "Operations",
}
STATE_KEYS = ("status", "owner", "evidence", "due", "notes", "waiver", "na", "automated",
              "reopened", "done_on")
ROLES = ["pm", "mlm", "ds", "mle", "pe", "devops", "qa", "de", "stakeholder", "support"]


def write_project(
    root: Path,
    items: dict[str, list[dict[str, Any]]] | None = None,
    current: str = "data",
    team: dict[str, list[str]] | None = None,
    former: list[dict[str, str]] | None = None,
) -> Path:
    """A valid project on a team playbook (written beside it, in ``<root>-playbook/``)
    that defines exactly these items. Each phase gets a gate ``<phase>-gate``
    (done in 'problem', todo elsewhere) and a task ``<phase>-task``, unless
    ``items`` gives that phase's list. The history advances phase by phase to
    ``current``."""
    root.mkdir(parents=True, exist_ok=True)
    playbook = root.parent / f"{root.name}-playbook"
    playbook.mkdir(exist_ok=True)
    history: list[dict[str, Any]] = [{"date": "2025-01-01", "event": "init", "to": PHASES[0]}]
    for before, after in zip(PHASES, PHASES[1: PHASES.index(current) + 1], strict=False):
        history.append({"date": "2025-01-02", "event": "advance", "from": before, "to": after})
    project = {
        "format": 1, "name": "Churn model", "slug": "churn-model",
        "playbook": {"name": "product", "version": "1.0.0", "path": f"../{playbook.name}"},
        "current_phase": current, "team": TEAM if team is None else team, "history": history,
    }
    if former is not None:
        project["former"] = former
    (root / "mlcycle.yaml").write_text(yaml.safe_dump(project, sort_keys=False))
    (playbook / "playbook.yaml").write_text(yaml.safe_dump({
        "name": "product", "version": "1.0.0", "title": "Test playbook",
        "description": "Defines the items of a test project.",
        "roles": [{"id": r, "name": f"Role {r}"} for r in ROLES], "phases": PHASES,
    }, sort_keys=False))
    (root / "lifecycle").mkdir(exist_ok=True)
    for number, phase in enumerate(PHASES, 1):
        listed = (items or {}).get(phase)
        if listed is None:
            listed = [item(f"{phase}-gate", gate=True,
                           status="done" if phase == "problem" else "todo"),
                      item(f"{phase}-task")]
        text = yaml.safe_dump({"phase": phase, "items": listed}, sort_keys=False,
                              allow_unicode=True, width=1000)
        (root / "lifecycle" / f"{number:02d}-{phase}.yaml").write_text(text)
        definitions = [{k: v for k, v in i.items() if k not in STATE_KEYS} for i in listed]
        (playbook / f"{phase}.yaml").write_text(yaml.safe_dump(
            {"id": phase, "title": PRODUCT_TITLES[phase], "purpose": "A test phase.",
             "items": definitions}, sort_keys=False, allow_unicode=True, width=1000))
    return root


def check(root: Path, *args: str, cwd: Path | None = None) -> Any:
    """Run check with a fixed date and prove it wrote nothing into the project."""
    before = snapshot(root)
    result = run("check", root, "--today", TODAY, *args, cwd=cwd)
    assert snapshot(root) == before
    return result


def summary(result: Any) -> str:
    return result.out.splitlines()[-1]


# --- which gates --------------------------------------------------------------


def test_valid_project_passes(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    result = check(root)
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "mlcycle check: passed: 1 of 1 gate closed (phases before the current phase 'data': "
        "problem); 0 errors, 0 warnings, 0 notes\n")


def test_first_phase_evaluates_no_gate(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", current="problem")
    result = check(root)
    assert result.code == 0
    assert "no gates evaluated (no phase before the current phase 'problem')" in result.out


@pytest.mark.parametrize(
    ("args", "code", "open_gates"),
    [
        ((), 0, []),
        (("--through", "modeling"), 1, ["data-gate", "modeling-gate"]),
        (("--phase", "quality"), 1, ["quality-gate"]),
        (("--phase", "problem"), 0, []),
        (("--all",), 1, [f"{p}-gate" for p in PHASES[1:]]),
    ],
)
def test_gate_scope(tmp_path: Path, args: tuple[str, ...], code: int,
                    open_gates: list[str]) -> None:
    root = write_project(tmp_path / "p")
    result = check(root, *args, "--format", "json")
    data = json.loads(result.out)
    assert result.code == code == data["exit_code"]
    assert [f["item"] for f in data["findings"]] == open_gates
    assert {f["code"] for f in data["findings"]} <= {"MLC101"}


def test_default_scope_is_phases_before_current(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", current="modeling")
    result = check(root)
    assert result.code == 1
    assert result.out == (
        "lifecycle/02-data.yaml:11:11: error[MLC101]: gate 'data-gate' (Title of data-gate) is "
        "open: status is todo\n"
        "mlcycle check: FAILED: 1 of 2 gates open (phases before the current phase 'modeling': "
        "problem, data); 1 error, 0 warnings, 0 notes\n")


@pytest.mark.parametrize("args", [("--all", "--phase", "data"), ("--through", "data", "--all"),
                                  ("--phase", "data", "--through", "data")])
def test_scope_options_are_exclusive(tmp_path: Path, args: tuple[str, ...]) -> None:
    root = write_project(tmp_path / "p")
    result = check(root, *args)
    assert result.code == 2
    given = [a for a in args if a.startswith("--")]
    order = sorted(given, key=["--through", "--phase", "--all"].index)
    assert result.err.splitlines() == [
        f"<command line>: error[MLC031]: {order[0]} and {order[1]} cannot be combined; "
        "choose one",
    ]
    assert result.out == ""


@pytest.mark.parametrize("option", ["--phase", "--through"])
def test_unknown_phase_is_exit_2_with_hint(tmp_path: Path, option: str) -> None:
    root = write_project(tmp_path / "p")
    result = check(root, option, "modelling")
    assert result.code == 2
    assert result.err == (
        f"<command line>: error[MLC027]: {option} 'modelling' is not a phase of playbook "
        "'product' (did you mean 'modeling'?); phases: problem, data, modeling, "
        "productionization, quality, online, operations\n")
    assert summary(result) == "mlcycle check: could not evaluate: 1 input error"


# --- every finding, with its location ------------------------------------------

DOC = "# Report\n\nFilled in.\n"
DOC_SHA = hashlib.sha256(DOC.encode()).hexdigest()
STUB = "<!-- mlcycle:stub -->\n# Report\n\nTODO\n"


# Tested in test_evidence_content.py, on projects init renders (prompt lines) or
# that list hosts (URL evidence); a project cannot be both with and without a list.
EVIDENCE_CONTENT = ("MLC133", "MLC134", "MLC170", "MLC171")


def _gate(item_id: str, **state: Any) -> dict[str, Any]:
    return item(item_id, gate=True, **state)


# (case, problem-phase items, files to create, expected lines before the summary)
FINDINGS: list[tuple[str, list[dict[str, Any]], dict[str, str], list[str]]] = [
    ("MLC101", [_gate("g", status="blocked")], {}, [
        "lifecycle/01-problem.yaml:11:11: error[MLC101]: gate 'g' (Title of g) is open: "
        "status is blocked"]),
    ("MLC101-no-status-key", [_gate("g")], {}, [
        "lifecycle/01-problem.yaml:3:3: error[MLC101]: gate 'g' (Title of g) is open: "
        "status is todo"]),
    ("MLC102", [_gate("g", evidence_required=True, status="done")], {}, [
        "lifecycle/01-problem.yaml:12:11: error[MLC102]: item 'g' is done but has no evidence; "
        "it requires a file in the project or an http(s) URL"]),
    ("MLC103-missing", [_gate("g", status="done", evidence=["docs/x.md"])], {}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC103]: item 'g': evidence 'docs/x.md' does "
        "not exist"]),
    ("MLC103-empty-file", [_gate("g", status="done", evidence=["docs/x.md"])],
     {"docs/x.md": ""}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC103]: item 'g': evidence 'docs/x.md' is an "
        "empty file; write the work into it"]),
    ("MLC103-empty-dir", [_gate("g", status="done", evidence=["results"])],
     {"results/.gitkeep": "", "results/sub/": ""}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC103]: item 'g': evidence 'results' is a "
        "directory without any file that holds something (empty, whitespace, headings only, a "
        "notebook without cells)"]),
    ("MLC103-project-root", [_gate("g", status="done", evidence=["."])], {}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC103]: item 'g': evidence '.' is the project "
        "directory itself, not a piece of evidence"]),
    ("MLC104", [_gate("g", status="done", evidence=["docs/x.md"])], {"docs/x.md": STUB}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC104]: item 'g': evidence 'docs/x.md' is still "
        "a stub (it carries <!-- mlcycle:stub -->)"]),
    ("MLC104-dir", [_gate("g", status="done", evidence=["docs"])],
     {"docs/a.md": STUB, "docs/b/c.md": STUB}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC104]: item 'g': evidence 'docs' is a "
        "directory that holds only stubs (<!-- mlcycle:stub -->)"]),
    ("MLC105", [_gate("g", status="waived", waiver={
        "reason": "later", "approved_by": "Mo", "expires": "2025-05-31"})], {}, [
        "lifecycle/01-problem.yaml:15:14: error[MLC105]: item 'g': waiver expired on 2025-05-31 "
        "(approved by Mo)"]),
    ("MLC106", [_gate("g", status="waived")], {}, [
        "lifecycle/01-problem.yaml:11:11: error[MLC106]: item 'g' is waived but has no waiver "
        "(reason, approved_by, expires)"]),
    ("MLC107", [item("a", status="doing"), item("b", status="done", depends_on=["a"])], {}, [
        "lifecycle/01-problem.yaml:20:5: error[MLC107]: item 'b' is done but depends on 'a', "
        "which is not closed (status is doing)"]),
    ("MLC107-broken-evidence", [
        item("a", status="done", evidence_required=True),
        item("b", status="done", depends_on=["a"])], {}, [
        "lifecycle/01-problem.yaml:10:11: error[MLC102]: item 'a' is done but has no evidence; "
        "it requires a file in the project or an http(s) URL",
        "lifecycle/01-problem.yaml:21:5: error[MLC107]: item 'b' is done but depends on 'a', "
        "which is not closed (done, but its evidence is not valid)"]),
    ("MLC108", [item("t", owner="dee")], {}, [
        "lifecycle/01-problem.yaml:10:10: error[MLC108]: item 't': owner 'dee' is not on the team "
        "in mlcycle.yaml (did you mean 'Dee'?)"]),
    ("MLC109-status-file", [_gate("g", status="done", evidence=["lifecycle/01-problem.yaml"])],
     {}, ["lifecycle/01-problem.yaml:13:5: error[MLC109]: item 'g': evidence "
          "'lifecycle/01-problem.yaml' is one of mlcycle's own files; it proves nothing about "
          "the item"]),
    ("MLC109-project-file", [_gate("g", status="done", evidence=["./mlcycle.yaml"])], {}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC109]: item 'g': evidence './mlcycle.yaml' is "
        "one of mlcycle's own files; it proves nothing about the item"]),
    ("MLC109-overview-and-schemas", [_gate("g", status="done",
                                           evidence=["LIFECYCLE.md", ".mlcycle/"])],
     {"LIFECYCLE.md": DOC, ".mlcycle/phase.schema.json": "{}"}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC109]: item 'g': evidence 'LIFECYCLE.md' is "
        "one of mlcycle's own files; it proves nothing about the item",
        "lifecycle/01-problem.yaml:14:5: error[MLC109]: item 'g': evidence '.mlcycle/' is one "
        "of mlcycle's own files; it proves nothing about the item"]),
    ("MLC109-directory-of-own-files", [_gate("g", status="done", evidence=[".github"])],
     {".github/workflows/mlcycle.yml": "on: pull_request\n", "lifecycle-copy/x.md": DOC}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC109]: item 'g': evidence '.github' is a "
        "directory that holds nothing but stubs and mlcycle's own files; they prove nothing "
        "about the item"]),
    ("MLC109-symlink-to-a-status-file", [_gate("g", status="done", evidence=["docs/x.md"])],
     {"docs/": ""}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC109]: item 'g': evidence 'docs/x.md' is one "
        "of mlcycle's own files; it proves nothing about the item"]),
    ("MLC109-git-data", [_gate("g", status="done", evidence=[".git/HEAD"])],
     {".git/HEAD": "ref: refs/heads/main\n"}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC109]: item 'g': evidence '.git/HEAD' is one "
        "of git's own files; it proves nothing about the item"]),
    ("MLC109-hard-link-to-a-status-file", [_gate("g", status="done", evidence=["docs/x.md"])],
     {"docs/": ""}, [
        "lifecycle/01-problem.yaml:13:5: error[MLC109]: item 'g': evidence 'docs/x.md' is one "
        "of mlcycle's own files; it proves nothing about the item"]),
    ("MLC110-off-the-team", [_gate("g", status="waived", waiver={
        "reason": "later", "approved_by": "Anyone", "expires": "2025-12-31"})], {}, [
        "lifecycle/01-problem.yaml:14:18: error[MLC110]: item 'g': waiver approved by 'Anyone', "
        "who does not hold the item's accountable role 'mlm' (Role mlm); it may be approved by "
        "Mo"]),
    ("MLC110-another-role", [_gate("g", status="waived", waiver={
        "reason": "later", "approved_by": "Dee", "expires": "2025-12-31"})], {}, [
        "lifecycle/01-problem.yaml:14:18: error[MLC110]: item 'g': waiver approved by 'Dee', "
        "who does not hold the item's accountable role 'mlm' (Role mlm); it may be approved by "
        "Mo"]),
    ("MLC110-nobody-holds-the-role", [_gate("g", status="waived", waiver={
        "reason": "later", "approved_by": "Pat", "expires": "2025-12-31"},
        raci={"responsible": ["ds"], "accountable": "qa"})], {}, [
        "lifecycle/01-problem.yaml:14:18: error[MLC110]: item 'g': waiver approved by 'Pat', "
        "but nobody on the team holds the item's accountable role 'qa' (Role qa); add the "
        "person who answers for it under team.qa in mlcycle.yaml"]),
    ("MLC111", [item("t", status="doing", owner="Bo")], {}, [
        "lifecycle/01-problem.yaml:11:10: error[MLC111]: item 't' is doing but its owner 'Bo' "
        "left the team on 2025-03-01; give it to someone on the team"]),
    ("MLC112-waiver", [_gate("g", status="waived", waiver={
        "reason": "later", "approved_by": "Bo", "expires": "2025-12-31"})], {}, [
        "lifecycle/01-problem.yaml:14:18: error[MLC112]: item 'g': waiver approved by 'Bo', who "
        "left the team on 2025-03-01"]),
    ("MLC112-na-after-leaving", [_gate("g", status="na", na={
        "reason": "no user interface", "approved_by": "Bo", "date": "2025-04-01"})], {}, [
        "lifecycle/01-problem.yaml:14:18: error[MLC112]: item 'g': not applicable approved by "
        "'Bo' on 2025-04-01, when they had left the team (on 2025-03-01)"]),
    # approved while Bo was on the team: it stands (a not-applicable has no expiry to renew)
    ("MLC112-na-before-leaving-stands", [_gate("g", status="na", na={
        "reason": "no user interface", "approved_by": "Bo", "date": "2025-02-01"})], {},
     []),
    ("MLC113", [_gate("g", status="na")], {}, [
        "lifecycle/01-problem.yaml:11:11: error[MLC113]: item 'g' is na (not applicable) but has "
        "no na: {reason, approved_by, date}"]),
    ("MLC114", [_gate("g", status="na", na={
        "reason": "no user interface", "approved_by": "Dee", "date": "2025-04-01"})], {}, [
        "lifecycle/01-problem.yaml:14:18: error[MLC114]: item 'g': not applicable approved by "
        "'Dee', who does not hold the item's accountable role 'mlm' (Role mlm); it may be "
        "approved by Mo"]),
    ("MLC136", [item("t", status="done", automated=True, evidence=["docs/x.md"])],
     {"docs/x.md": DOC}, [
        "lifecycle/01-problem.yaml:11:14: error[MLC136]: item 't': `automated: true`, but none "
        "of its evidence is automation that exists in the project (a CI workflow under "
        ".github/workflows/ or a CI configuration such as .gitlab-ci.yml, a test file "
        "(test_*.py, *_test.py, under tests/), or a scheduled job or pipeline definition "
        "(dvc.yaml, a DAG under dags/, a crontab)); cite it with `mlcycle done t --automated "
        "-e PATH`, or delete `automated: true` (done by hand scores 0.5)"]),
    ("MLC136-missing-workflow", [item("t", status="done", automated=True,
                                      evidence=[".github/workflows/ml.yml", "docs/x.md"])],
     {"docs/x.md": DOC}, [
        "lifecycle/01-problem.yaml:11:14: error[MLC136]: item 't': `automated: true`, but none "
        "of its evidence is automation that exists in the project (a CI workflow under "
        ".github/workflows/ or a CI configuration such as .gitlab-ci.yml, a test file "
        "(test_*.py, *_test.py, under tests/), or a scheduled job or pipeline definition "
        "(dvc.yaml, a DAG under dags/, a crontab)); cite it with `mlcycle done t --automated "
        "-e PATH`, or delete `automated: true` (done by hand scores 0.5)",
        "lifecycle/01-problem.yaml:13:5: error[MLC103]: item 't': evidence "
        "'.github/workflows/ml.yml' does not exist"]),
    ("MLC136-automated-stands", [item("t", status="done", automated=True,
                                      evidence=["tests/test_t.py"])],
     {"tests/test_t.py": "def test_t() -> None:\n    pass\n"}, []),
    # Recurring items (check runs on 2025-06-01; the problem phase is before the current):
    # due again 30 days after done_on, a warning for 14 days, then an error for a gate.
    ("MLC140", [_gate("g", recurs="30d", status="done", done_on="2025-04-01")], {}, [
        "lifecycle/01-problem.yaml:13:12: error[MLC140]: gate 'g' (Title of g) is due again "
        "since 2025-05-01 (last done 2025-04-01, recurs every 30d); do it again and run "
        "`mlcycle done g`"]),
    ("MLC140-from-the-15th-day", [_gate("g", recurs="30d", status="done",
                                        done_on="2025-04-18")], {}, [
        "lifecycle/01-problem.yaml:13:12: error[MLC140]: gate 'g' (Title of g) is due again "
        "since 2025-05-18 (last done 2025-04-18, recurs every 30d); do it again and run "
        "`mlcycle done g`"]),
    ("MLC141", [_gate("g", recurs="30d", status="done")], {}, [
        "lifecycle/01-problem.yaml:12:11: error[MLC141]: item 'g' recurs every 30d but is done "
        "with no done_on date; run `mlcycle done g` when it is done again, or add done_on: "
        "YYYY-MM-DD (the day it was last done)"]),
    ("MLC142", [_gate("g", recurs="30d", status="done", done_on="2025-06-03")], {}, [
        "lifecycle/01-problem.yaml:13:12: error[MLC142]: item 'g': done_on 2025-06-03 is in the "
        "future (today is 2025-06-01), so it would never come due; set the day it was done, or "
        "run `mlcycle done g` (it records today)"]),
    ("MLC142-tomorrow-is-allowed", [_gate("g", recurs="30d", status="done",
                                          done_on="2025-06-02")], {}, []),
    ("MLC160-for-14-days", [_gate("g", recurs="30d", status="done", done_on="2025-04-19")],
     {}, [
        "lifecycle/01-problem.yaml:13:12: warning[MLC160]: item 'g' is due again since "
        "2025-05-19 (last done 2025-04-19, recurs every 30d); do it again and run `mlcycle "
        "done g`; from 2025-06-02 it fails check"]),
    ("MLC160-on-the-day", [_gate("g", recurs="30d", status="done", done_on="2025-05-02")], {}, [
        "lifecycle/01-problem.yaml:13:12: warning[MLC160]: item 'g' is due again since "
        "2025-06-01 (last done 2025-05-02, recurs every 30d); do it again and run `mlcycle "
        "done g`; from 2025-06-15 it fails check"]),
    ("MLC160-not-a-gate-stays-a-warning", [item("t", recurs="30d", status="done",
                                                 done_on="2025-01-01")], {}, [
        "lifecycle/01-problem.yaml:12:12: warning[MLC160]: item 't' is due again since "
        "2025-01-31 (last done 2025-01-01, recurs every 30d); do it again and run `mlcycle "
        "done t`"]),
    ("MLC160-not-due-the-day-before", [_gate("g", recurs="30d", status="done",
                                             done_on="2025-05-03")], {}, []),
    ("MLC150", [item("t", status="doing", due="2025-05-31")], {}, [
        "lifecycle/01-problem.yaml:11:8: warning[MLC150]: item 't' is 1 day past its due date "
        "2025-05-31 (status: doing)"]),
    ("MLC151", [_gate("g", status="waived", waiver={
        "reason": "later", "approved_by": "Mo", "expires": "2025-06-15"})], {}, [
        "lifecycle/01-problem.yaml:15:14: warning[MLC151]: item 'g': waiver expires on "
        "2025-06-15, in 14 days (valid through that day)"]),
    ("MLC152", [_gate("g", status="done", evidence_required=True,
                      evidence=["https://example.com/report"])], {}, [
        "note[MLC152]: URL evidence not verified (check works offline; list the hosts the team "
        "trusts with `mlcycle hosts add HOST`): 'g'"]),
    ("MLC165", [item("t", status="done", evidence=["docs/x.md"], reopened={
        "date": "2025-05-20", "evidence": [{"path": "docs/x.md", "sha256": DOC_SHA}]})],
     {"docs/x.md": DOC}, [
        "lifecycle/01-problem.yaml:3:3: warning[MLC165]: item 't': done again on the evidence "
        "it had when `mlcycle reopen` reset it on 2025-05-20: 'docs/x.md' unchanged since; "
        "update it with what the loop back found, or cite the new work (`mlcycle set t "
        "--evidence PATH`)"]),
    ("MLC165-changed-since", [item("t", status="done", evidence=["docs/x.md"], reopened={
        "date": "2025-05-20", "evidence": [{"path": "docs/x.md", "sha256": "0" * 64}]})],
     {"docs/x.md": DOC}, []),
]


def _materialise(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        if rel.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


@pytest.mark.parametrize(("case", "items", "files", "expected"), FINDINGS,
                         ids=[f[0] for f in FINDINGS])
def test_finding(tmp_path: Path, case: str, items: list[dict[str, Any]],
                 files: dict[str, str], expected: list[str]) -> None:
    # Bo left the team on 2025-03-01 (former in mlcycle.yaml).
    former = [{"name": "Bo", "left": "2025-03-01"}] if case[:6] in ("MLC111", "MLC112") \
        else None
    root = write_project(tmp_path / "p", {"problem": items}, former=former)
    _materialise(root, files)
    if case == "MLC109-symlink-to-a-status-file":
        (root / "docs" / "x.md").symlink_to("../lifecycle/02-data.yaml")
    if case == "MLC109-hard-link-to-a-status-file":
        os.link(root / "lifecycle" / "02-data.yaml", root / "docs" / "x.md")
    result = check(root)
    lines = result.out.splitlines()
    assert lines[:-1] == expected
    errors = sum(": error[" in line for line in expected)
    assert result.code == (1 if errors else 0)
    assert result.err == ""
    assert f"; {errors} error{'' if errors == 1 else 's'}," in lines[-1]


def test_every_code_has_a_test_and_a_meaning() -> None:
    from mlcycle import codes

    # The metric codes (MLC120-MLC127) have their fixture projects in
    # test_metrics.py, MLC128 (check --min-score) in test_score.py, MLC153 (an open
    # item's failing numbers) and MLC154 (check --base) in test_feedback.py, MLC137
    # (check --strict-evidence) and MLC138 (a reopen record removed by hand, which
    # needs a reopen in the history) in test_evidence_state.py; the evidence content
    # codes, which need a project init rendered or a host list, in
    # test_evidence_content.py.
    tested = {case[:6] for case, *_ in FINDINGS}
    findings = {c.id for c in codes.of_kind("finding")}
    assert tested == {c for c in findings if not 120 <= int(c[3:]) <= 128
                      and c not in ("MLC153", "MLC154", "MLC137", "MLC138")
                      and c not in EVIDENCE_CONTENT}
    for code in findings:
        assert code.startswith("MLC1") and codes.CODES[code].severity in (
            "error", "warning", "note")
        assert codes.CODES[code].meaning and codes.CODES[code].fix


@pytest.mark.parametrize(("files", "evidence"), [
    ({"docs/x.md": DOC}, "docs/x.md"),
    ({"results/run-1/metrics.json": "{}"}, "results"),
    ({"docs/a.md": STUB, "docs/b.md": DOC}, "docs"),
])
def test_valid_evidence_closes_a_gate(tmp_path: Path, files: dict[str, str],
                                      evidence: str) -> None:
    items = [_gate("g", evidence_required=True, status="done", evidence=[evidence])]
    root = write_project(tmp_path / "p", {"problem": items})
    _materialise(root, files)
    assert check(root).code == 0


def test_stub_marker_anywhere_in_a_document(tmp_path: Path) -> None:
    items = [_gate("g", status="done", evidence=["docs/x.md"])]
    root = write_project(tmp_path / "p", {"problem": items})
    _materialise(root, {"docs/x.md": DOC * 100 + "<!-- mlcycle:stub -->\n"})
    assert "error[MLC104]" in check(root).out


def test_done_item_with_waiver_and_waived_item_with_valid_waiver(tmp_path: Path) -> None:
    waiver = {"reason": "r", "approved_by": "Mo", "expires": "2025-12-31"}
    items = [_gate("g", status="waived", waiver=waiver),
             item("t", status="done", depends_on=["g"])]
    root = write_project(tmp_path / "p", {"problem": items})
    assert check(root).code == 0


# --- dates --------------------------------------------------------------------


def _waived_until(tmp_path: Path, expires: str) -> Path:
    waiver = {"reason": "r", "approved_by": "Mo", "expires": expires}
    return write_project(tmp_path / "p", {"problem": [_gate("g", status="waived",
                                                            waiver=waiver)]})


def test_waiver_is_valid_through_its_expiry_day(tmp_path: Path) -> None:
    root = _waived_until(tmp_path, "2025-06-01")
    result = check(root)
    assert result.code == 0
    assert "waiver expires on 2025-06-01, today (valid through that day)" in result.out
    result = run("check", root, "--today", "2025-06-02")
    assert result.code == 1
    assert "error[MLC105]: item 'g': waiver expired on 2025-06-01" in result.out


def test_warning_window_is_14_days(tmp_path: Path) -> None:
    root = _waived_until(tmp_path, "2025-06-16")
    assert check(root).out.splitlines()[:-1] == []


def test_today_from_environment_and_option_wins(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = _waived_until(tmp_path, "2025-06-01")
    monkeypatch.setenv("MLCYCLE_TODAY", "2025-07-01")
    assert run("check", root).code == 1
    assert run("check", root, "--today", "2025-06-01").code == 0
    monkeypatch.setenv("MLCYCLE_TODAY", "2025-06-01")
    assert run("check", root).code == 0


@pytest.mark.parametrize("value", ["2025-02-30", "01/06/2025", "2025-6-1", "tomorrow", ""])
def test_invalid_today_is_exit_2(tmp_path: Path, value: str) -> None:
    root = write_project(tmp_path / "p")
    result = run("check", root, "--today", value)
    assert result.code == 2
    assert result.err == (f"<command line>: error[MLC031]: --today: {value!r} is not a "
                          "calendar date YYYY-MM-DD\n")


def test_invalid_today_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p")
    monkeypatch.setenv("MLCYCLE_TODAY", "2025-13-01")
    result = run("check", root)
    assert result.code == 2
    assert "<environment>: error[MLC031]: MLCYCLE_TODAY: '2025-13-01'" in result.err


# --- invalid input: exit 2, never a pass ----------------------------------------


def test_invalid_project_is_exit_2_in_every_format(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"problem": [item("t", status="finished")]})
    for fmt in ("text", "json", "junit", "github", "markdown"):
        result = check(root, "--format", fmt)
        assert result.code == 2, fmt
        assert "lifecycle/01-problem.yaml:10:11: error[MLC012]: items[0].status: 'finished'" \
            in result.err
    data = json.loads(check(root, "--format", "json").out)
    # The project itself loaded: it is described, and what loaded cleanly was judged.
    assert (data["result"], data["exit_code"]) == ("invalid", 2)
    assert data["project"]["name"] == "Churn model"
    assert data["problems"][0]["code"] == "MLC012"
    suites = ET.fromstring(check(root, "--format", "junit").out)
    errors = suites.findall("./testsuite[@name='input']/testcase/error")
    assert [e.get("type") for e in errors] == ["MLC012"]
    # Without a readable mlcycle.yaml there is no project to describe.
    (root / "mlcycle.yaml").write_text("format: 2\n")
    data = json.loads(check(root, "--format", "json").out)
    assert (data["result"], data["exit_code"], data["project"], data["scope"]) == (
        "invalid", 2, None, None)
    assert "MLC012" in {p["code"] for p in data["problems"]}


def test_no_project_is_exit_2(tmp_path: Path) -> None:
    result = run("check", tmp_path)
    assert result.code == 2
    assert result.err == (f"{tmp_path.resolve()}/: error[MLC028]: no mlcycle.yaml here or in "
                          "any parent directory; run 'mlcycle init' first or name the project "
                          "directory\n")


def test_title_with_newline_is_invalid(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"problem": [item("t")]})
    status = root / "lifecycle" / "01-problem.yaml"
    status.write_text(status.read_text().replace("title: Title of t", 'title: "two\\nlines"'))
    result = check(root)
    assert result.code == 2
    assert result.err == ("lifecycle/01-problem.yaml:4:10: error[MLC012]: items[0].title: "
                          "'two\\x0alines' is not allowed here: expected one line of text\n")


def test_evidence_escaping_the_project_is_never_opened(tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text(DOC)
    root = write_project(tmp_path / "p", {"problem": [
        _gate("g", status="done", evidence=["docs/link.md"]), _gate("h", status="todo")]})
    (root / "docs").mkdir()
    (root / "docs" / "link.md").symlink_to(outside)
    before = snapshot(root)
    result = check(root)
    assert result.code == 2
    assert result.err == (
        "lifecycle/01-problem.yaml:13:5: error[MLC029]: item 'g': evidence 'docs/link.md' "
        "resolves (through a symlink) to a place outside the project; it was not opened\n")
    # 2 wins, but the open gate elsewhere is reported in the same run, not the next one.
    assert result.out == (
        "lifecycle/01-problem.yaml:22:11: error[MLC101]: gate 'h' (Title of h) is open: status "
        "is todo\n"
        "mlcycle check: invalid input (1 input error); of what loaded: 1 of 1 gate open (phases "
        "before the current phase 'data': problem); 1 error, 0 warnings, 0 notes\n")
    assert snapshot(root) == before


def test_unreadable_evidence_is_exit_2_and_findings_still_printed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlcycle.judge import evidence

    def denied(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    # chmod 000 does not stop root (CI containers), so the read itself fails here.
    monkeypatch.setattr(evidence.Evidence, "_head", staticmethod(denied))
    root = write_project(tmp_path / "p", {"problem": [
        _gate("g", status="done", evidence=["docs/x.md"]), _gate("h", status="todo")]})
    _materialise(root, {"docs/x.md": DOC})
    result = check(root)
    assert result.code == 2
    assert result.err == ("lifecycle/01-problem.yaml:13:5: error[MLC001]: item 'g': evidence "
                          "'docs/x.md' cannot be read: Permission denied\n")
    assert "error[MLC101]: gate 'h'" in result.out
    assert summary(result).startswith("mlcycle check: invalid input (1 input error); of what "
                                      "loaded: ")


# --- formats --------------------------------------------------------------------

FORMATS = {"text": "txt", "json": "json", "junit": "xml", "github": "txt", "markdown": "md"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_output(copy_fixture: Any, fmt: str) -> None:
    root = copy_fixture("check/mixed")
    result = check(root, "--format", fmt, cwd=root)
    assert result.code == 1
    golden = GOLDEN / f"mixed.{fmt}.{FORMATS[fmt]}"
    if os.environ.get("MLCYCLE_REGEN_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.out)
    assert result.out == golden.read_text()


def test_golden_fixture_covers_every_code(copy_fixture: Any) -> None:
    from mlcycle import codes

    # mixed is on a built-in playbook, which has no metric checks (their output
    # in every format is pinned in test_metrics.py), and is run without
    # --min-score (MLC128: test_score.py). The codes of issue 22 (MLC136 automated,
    # MLC137/MLC165 evidence unchanged since a reopen) are pinned in FINDINGS above and
    # in test_evidence_state.py, not added here: the fixture's output is pinned in every
    # format; so is MLC142 (a done_on in the future: FINDINGS and test_recurring.py).
    data = json.loads(check(copy_fixture("check/mixed"), "--format", "json").out)
    assert {f["code"] for f in data["findings"]} == \
        {c.id for c in codes.of_kind("finding")
         if not 120 <= int(c.id[3:]) <= 128
         and c.id not in ("MLC153", "MLC154", "MLC136", "MLC137", "MLC138", "MLC142",
                          "MLC165")
         and c.id not in EVIDENCE_CONTENT}


def test_json_shape(copy_fixture: Any) -> None:
    data = json.loads(check(copy_fixture("check/mixed"), "--format", "json").out)
    assert set(data) == {"version", "result", "exit_code", "today", "project", "scope",
                         "summary", "phases", "gates", "findings", "metrics", "problems"}
    assert data["summary"] == {"errors": 16, "warnings": 4, "notes": 1, "input_errors": 0,
                               "gates_evaluated": 10, "gates_closed": 3, "gates_open": 7}
    assert data["scope"] == {"mode": "default", "phase": None, "phases": ["problem", "data"]}
    assert [p["id"] for p in data["phases"]] == PHASES
    assert set(data["findings"][0]) == {"code", "severity", "path", "line", "column", "phase",
                                        "item", "message"}


def test_junit_parses(copy_fixture: Any) -> None:
    from junitparser import Failure, JUnitXml

    root = copy_fixture("check/mixed")
    out = check(root, "--format", "junit").out
    ET.fromstring(out)
    path = root.parent / "report.xml"
    path.write_text(out)
    xml = JUnitXml.fromfile(str(path))
    cases = {(s.name, c.name): c for s in xml for c in s}
    assert len([k for k in cases if k[0].startswith("gates: ")]) == 10
    failing = {name for (suite, name), c in cases.items()
               if any(isinstance(r, Failure) for r in c.result)}
    assert "data-quality: Data quality: 100% [red]clean[/red], no leaks" in failing
    assert "problem-statement: Title of problem-statement" not in failing
    assert "data-report" in failing  # consistency suite
    assert "model-card" in failing  # consistency suite: MLC109
    assert {"feature-pipeline", "ablation", "fairness-review", "ui-copy-review"} <= failing
    assert "impact-review" in failing  # consistency suite: MLC141 (recurring, no done_on)
    # 7 open gates (retraining: due again, MLC140) + data-report + model-card + the four
    # above (MLC111-MLC114) + impact-review
    assert xml.failures == 14


HOSTILE = "Evil::title%0A\x1b[31mred\x1b[0m [red]x[/red], a:b"


def test_hostile_title_is_escaped_everywhere(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from junitparser import JUnitXml

    root = write_project(tmp_path / "p", {"problem": [_gate("g", title=HOSTILE)]})
    for fmt in ("text", "json", "junit", "github", "markdown"):
        out = check(root, "--format", fmt).out
        assert "\x1b" not in out, fmt
    shown = "Evil::title%0A\\x1b[31mred\\x1b[0m [red]x[/red], a:b"
    assert check(root).out.startswith(
        f"lifecycle/01-problem.yaml:3:3: error[MLC101]: gate 'g' ({shown}) is open")
    github = check(root, "--format", "github").out.splitlines()[0]
    assert github == ("::error file=lifecycle/01-problem.yaml,line=3,col=3,"
                      "title=mlcycle MLC101%3A g::gate 'g' (Evil::title%250A\\x1b[31mred\\x1b[0m "
                      "[red]x[/red], a:b) is open: status is todo")
    junit = check(root, "--format", "junit").out
    case = ET.fromstring(junit).find(".//testcase[@classname='mlcycle.gates.problem']")
    assert case is not None and case.get("name") == f"g: {shown}"
    (tmp_path / "r.xml").write_text(junit)
    assert JUnitXml.fromfile(str(tmp_path / "r.xml")).failures == 1
    markdown = check(root, "--format", "markdown").out
    assert "\\[red\\]x\\[/red\\]" in markdown
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert check(root).out.splitlines()[0] == github


def test_github_escaping() -> None:
    from mlcycle.escape import github_data, github_property

    # CR and LF are shown (one annotation is one visible line), then the toolkit's encoding.
    assert github_data("a%b\r\nc::d,e") == "a%25b\\x0d\\x0ac::d,e"
    assert github_property("a%b\r\nc::d,e") == "a%25b\\x0d\\x0ac%3A%3Ad%2Ce"
    assert github_data("%0A") == "%250A"


def test_github_annotations_name_repository_paths(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "repo" / "ml, project", current="modeling")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "repo"))
    out = check(root).out.splitlines()
    assert out[0].startswith("::error file=ml%2C project/lifecycle/02-data.yaml,line=11,col=11,")
    assert out[1].startswith("lifecycle/02-data.yaml:11:11: error[MLC101]")


def test_output_file(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", current="modeling")
    target = tmp_path / "report.json"
    result = check(root, "--format", "json", "--output", str(target))
    assert result.code == 1
    data = json.loads(target.read_text())
    assert data["exit_code"] == 1 and target.read_text().endswith("}\n")
    assert result.out.startswith("lifecycle/02-data.yaml:11:11: error[MLC101]")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_output_file_unwritable_is_exit_2(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    (tmp_path / "afile").write_text("x")  # a file where the report's directory would go
    result = check(root, "--output", str(tmp_path / "afile" / "r.txt"))
    assert result.code == 2
    assert "error[MLC001]: cannot create the report's directory: " in result.err
    assert summary(result).startswith("mlcycle check: passed")


def test_check_never_imports_rich_or_jinja(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = write_project(tmp_path / "p")
    code = ("import sys\nfrom mlcycle.cli import main\n"
            "try:\n    main(['check', sys.argv[1], '--format', sys.argv[2]])\n"
            "except SystemExit as e:\n    assert e.code == 0, e.code\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'jinja2'))\n"
            "assert not bad, bad\n")
    for fmt in ("text", "junit"):
        done = subprocess.run([sys.executable, "-c", code, str(root), fmt],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr



def test_exit_2_still_reports_every_finding_in_every_format(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"problem": [
        _gate("g", status="done", evidence=["/etc/passwd"]), _gate("h", status="todo")]})
    escape = ("lifecycle/01-problem.yaml:13:5: error[MLC029]: item 'g': evidence '/etc/passwd' "
              "is not a relative path inside the project (use / and no drive or leading /); it "
              "was not opened")
    gate = "lifecycle/01-problem.yaml:22:11: error[MLC101]: gate 'h' (Title of h) is open: " \
        "status is todo"
    for fmt in ("text", "json", "junit", "github", "markdown"):
        result = check(root, "--format", fmt)
        assert (result.code, result.err) == (2, escape + "\n"), fmt
    assert check(root).out.splitlines()[0] == gate
    data = json.loads(check(root, "--format", "json").out)
    assert [(f["code"], f["item"]) for f in data["findings"]] == [("MLC101", "h")]
    assert [p["code"] for p in data["problems"]] == ["MLC029"]
    suites = ET.fromstring(check(root, "--format", "junit").out)
    failures = suites.findall("./testsuite[@name='gates: problem']/testcase/failure")
    assert [f.get("type") for f in failures] == ["MLC101"]
    assert [e.get("type") for e in suites.findall("./testsuite[@name='input']/testcase/error")] \
        == ["MLC029"]
    github = check(root, "--format", "github").out.splitlines()
    assert github[1] == ("::error file=lifecycle/01-problem.yaml,line=22,col=11,title=mlcycle "
                         "MLC101%3A h::gate 'h' (Title of h) is open: status is todo")
    markdown = check(root, "--format", "markdown").out
    assert markdown.startswith("## mlcycle check: invalid input\n")
    assert "- **error** MLC101 `lifecycle/01-problem.yaml:22:11` (h): gate 'h'" in markdown


def test_unverified_url_note_names_ten_items_and_counts_the_rest(tmp_path: Path) -> None:
    # A project citing URLs on thousands of items got one line of thousands of ids.
    urls = [item(f"t{n:02d}", status="done", evidence=[f"https://example.com/{n}"])
            for n in range(12)]
    root = write_project(tmp_path / "p", items={"problem": urls})
    result = check(root)
    assert result.code == 0
    assert result.out.splitlines()[0] == (
        "note[MLC152]: URL evidence not verified (check works offline; list the hosts the team "
        "trusts with `mlcycle hosts add HOST`): 't00', 't01', 't02', 't03', 't04', 't05', "
        "'t06', 't07', 't08', 't09' and 2 more (`--format json` lists each)")
    listed = json.loads(check(root, "--format", "json").out)["findings"]
    assert sorted(f["item"] for f in listed if f["code"] == "MLC152") == \
        [f"t{n:02d}" for n in range(12)]
