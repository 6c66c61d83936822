"""Issue 20, the ML loop and turnover: reopen with --cascade, edits refused when
they add an error anywhere (with the command that resolves it), --by a team
member, former members, not applicable, renewed waivers kept."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_date, snapshot

EV = "docs/ev.md"
PROBLEM = ["problem-statement", "team-and-allies", "why-ml", "prediction-consumption",
           "problem-to-model", "success-metrics", "feasibility-and-cost"]
DATA = ["data-sources", "data-understanding-from-engineering", "data-verification",
        "cleaning-scripts", "manual-verification", "eda", "data-sufficiency"]
MODELING = ["literature-survey", "modeling-approaches", "baseline-model"]


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", "2027-01-10")
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Random Intern\n")  # not on the team
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def loop_project(tmp_path: Path) -> Path:
    """The product playbook in modeling: problem and data done, Bo Li owning the data work."""
    root = tmp_path / "fraud"
    with init_date():
        assert run("init", root, "--no-input", "--name", "Fraud", "--team", "pm=Ana Ruiz",
                   "--team", "mlm=Dee Park", "--team", "ds=Bo Li").code == 0
    (root / EV).write_text("# Evidence\n\nWritten.\n")
    for item in PROBLEM + DATA + MODELING:
        owner = ["--owner", "Bo Li"] if item in DATA else []
        assert run("set", item, "done", "-e", EV, *owner, cwd=root).code == 0, item
        if item in (PROBLEM[-1], DATA[-1]):
            assert run("advance", "--by", "Dee Park", cwd=root).code == 0
    assert run("check", cwd=root).code == 0
    return root


def changed(before: dict[str, str], root: Path, texts: dict[str, str]) -> dict[str, list[str]]:
    """The +/- lines of every file that changed, against ``texts`` (the files as they were)."""
    out = {}
    for rel, old in texts.items():
        new = (root / rel).read_text()
        lines = [d for d in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="")
                 if d[:1] in "+-" and not d.startswith(("+++", "---"))]
        if lines:
            out[rel] = lines
    return out


FILES = ("mlcycle.yaml", "lifecycle/01-problem.yaml", "lifecycle/02-data.yaml",
         "lifecycle/03-modeling.yaml")


def test_reopen_lists_the_closed_items_resting_on_a_reset_and_cascade_resets_them(
        tmp_path: Path) -> None:
    root = loop_project(tmp_path)
    before = snapshot(root)
    args = ["reopen", "data", "--reason", "label leakage", "--reset", "data-verification",
            "--reset", "eda", "--by", "Dee Park"]
    result = run(*args, cwd=root)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "mlcycle reopen refused: 3 done items rest on what --reset returns to doing, and would "
        "be done on open work: cleaning-scripts (data), data-sufficiency (data), "
        "baseline-model (modeling); nothing written\n"
        "reset them together: mlcycle reopen data --reason 'label leakage' --reset "
        "data-verification --reset eda --by 'Dee Park' --cascade\n")
    assert snapshot(root) == before
    texts = {rel: (root / rel).read_text() for rel in FILES}
    result = run(*args, "--cascade", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out == ("reopened: modeling -> data (label leakage); back to doing: "
                          "data-verification, eda; with them (--cascade): cleaning-scripts, "
                          "data-sufficiency, baseline-model\n")
    cascade = ("Reopened 2027-01-10 (back to data; --cascade: rests on data-verification, eda):"
               " label leakage")
    digest = "+          sha256: " + hashlib.sha256((root / EV).read_bytes()).hexdigest()
    record = ["+    reopened:", "+      date: 2027-01-10", "+      evidence:",
              f"+        - path: {EV}", digest]
    assert changed(before, root, texts) == {
        "mlcycle.yaml": [
            "-current_phase: modeling", "+current_phase: data",
            "+  - date: 2027-01-10", "+    event: reopen", "+    from: modeling",
            "+    to: data", "+    reason: label leakage", "+    by: Dee Park",
            # the items it reset, each held to its `reopened:` record (MLC138)
            "+    reset:", "+      - data-verification", "+      - eda",
            "+      - cleaning-scripts", "+      - data-sufficiency", "+      - baseline-model"],
        "lifecycle/02-data.yaml": [
            "-    status: done", "+    status: doing",
            '+    notes: "Reopened 2027-01-10 (back to data): label leakage"', *record,
            "-    status: done", "+    status: doing", f'+    notes: "{cascade}"', *record,
            "-    status: done", "+    status: doing",
            '+    notes: "Reopened 2027-01-10 (back to data): label leakage"', *record,
            "-    status: done", "+    status: doing", f'+    notes: "{cascade}"', *record],
        "lifecycle/03-modeling.yaml": [
            "-    status: done", "+    status: doing", f'+    notes: "{cascade}"', *record],
    }
    check = run("check", cwd=root)
    assert (check.code, check.err) == (0, "")


def test_set_that_leaves_a_done_item_on_open_work_is_refused_with_the_way_out(
        tmp_path: Path) -> None:
    root = loop_project(tmp_path)
    before = snapshot(root)
    result = run("set", "cleaning-scripts", "doing", cwd=root)
    assert (result.code, result.out) == (1, "")
    lines = result.err.splitlines()
    assert [line.split(": ", 1)[1] for line in lines[:2]] == [
        "error[MLC107]: item 'eda' is done but depends on 'cleaning-scripts', which is not "
        "closed (status is doing)",
        "error[MLC107]: item 'baseline-model' is done but depends on 'cleaning-scripts', which "
        "is not closed (status is doing)"]
    assert lines[2:] == [
        "mlcycle set refused: it would leave eda, baseline-model done on work that would be "
        "open again (cleaning-scripts); nothing written",
        "reset them together: mlcycle reopen data --reason TEXT --reset cleaning-scripts "
        "--cascade",
        "or first: mlcycle set baseline-model doing && mlcycle set data-sufficiency doing && "
        "mlcycle set eda doing"]
    assert snapshot(root) == before


def test_starting_a_gate_of_a_phase_already_left_says_to_reopen(tmp_path: Path) -> None:
    root = loop_project(tmp_path)
    before = snapshot(root)
    result = run("start", "data-sufficiency", cwd=root)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines()[-2:] == [
        "mlcycle start refused: it would leave gate data-sufficiency of a phase already left "
        "open; nothing written",
        "to work on it again, go back: mlcycle reopen data --reason TEXT --reset "
        "data-sufficiency"]
    assert snapshot(root) == before


def test_by_names_a_team_member(tmp_path: Path) -> None:
    root = loop_project(tmp_path)
    before = snapshot(root)
    result = run("reopen", "data", "--reason", "r", "--by", "Random Intern", cwd=root)
    assert (result.code, result.err) == (
        2, "<command line>: error[MLC031]: --by: 'Random Intern' is not on the team in "
        "mlcycle.yaml; add them first with `mlcycle team add ROLE PERSON`\n")
    result = run("reopen", "data", "--reason", "r", "--by", "Dee Parc", cwd=root)
    assert (result.code, result.err) == (
        2, "<command line>: error[MLC031]: --by: 'Dee Parc' is not on the team in mlcycle.yaml "
        "(did you mean 'Dee Park'?); add them first with `mlcycle team add ROLE PERSON`\n")
    result = run("reopen", "data", "--reason", "r", cwd=root)  # git's user.name: not on the team
    assert (result.code, result.err) == (
        2, "<command line>: error[MLC031]: --by: git's user.name 'Random Intern' is not on "
        "the team; say who with --by PERSON (team: Ana Ruiz, Bo Li, Dee Park)\n")
    assert snapshot(root) == before


def test_a_leaver_becomes_a_former_member_and_open_work_is_reassigned(tmp_path: Path) -> None:
    root = loop_project(tmp_path)
    assert run("set", "literature-survey", "--owner", "Bo Li", cwd=root).code == 0
    project = (root / "mlcycle.yaml").read_text()
    result = run("team", "remove", "ds", "Bo Li", cwd=root)
    assert result.code == 0, result
    assert result.out == ("team: ds -= Bo Li (former member, still the owner of 8 closed "
                          "items)\nLIFECYCLE.md: updated\n")
    after = (root / "mlcycle.yaml").read_text()
    assert after.endswith("former:\n  - name: Bo Li\n    left: 2027-01-10\n")
    assert after != project
    assert run("check", cwd=root).code == 0
    result = run("set", "literature-survey", "--owner", "Bo Li", cwd=root)
    assert (result.code, result.err) == (
        2, "<command line>: error[MLC031]: --owner: 'Bo Li' left the team on 2027-01-10; "
        "name someone on it (team: Ana Ruiz, Dee Park), or bring them back with "
        "`mlcycle team add ROLE PERSON`\n")


def test_open_work_of_a_leaver_goes_to_reassign_to(tmp_path: Path) -> None:
    root = loop_project(tmp_path)
    assert run("reopen", "data", "--reason", "leak", "--reset", "data-sufficiency", "--by",
               "Dee Park", cwd=root).code == 0
    before = snapshot(root)
    result = run("team", "remove", "ds", "Bo Li", cwd=root)
    assert (result.code, result.err) == (
        1, "mlcycle team remove refused: 'Bo Li' owns 1 open item (data-sufficiency), and "
        "nobody would work on them; nothing written\n"
        "give them to someone in the same change: mlcycle team remove ds 'Bo Li' "
        "--reassign-to PERSON\n")
    assert snapshot(root) == before
    result = run("team", "remove", "ds", "Bo Li", "--reassign-to", "Dee Park", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out == ("team: ds -= Bo Li (1 open item to Dee Park; former member, still "
                          "the owner of 6 closed items)\nLIFECYCLE.md: updated\n")
    data = (root / "lifecycle/02-data.yaml").read_text()
    assert data.count("owner: Bo Li") == 6 and data.count("owner: Dee Park") == 1
    assert "former:\n  - name: Bo Li\n    left: 2027-01-10\n" in (root / "mlcycle.yaml").read_text()
    assert run("check", cwd=root).code == 0


def test_not_applicable_is_closed_counted_apart_and_approved_by_the_accountable_role(
        tmp_path: Path) -> None:
    root = tmp_path / "p"
    with init_date():
        assert run("init", root, "--no-input", "--team", "pm=Ana Ruiz", "--team",
                   "mlm=Dee Park").code == 0
    result = run("na", "why-ml", "--reason", "rules are not an option", "--by", "Dee Park",
                 cwd=root)
    assert (result.code, result.err) == (
        2, "<command line>: error[MLC031]: --by 'Dee Park' cannot approve not applicable of "
        "'why-ml': its accountable role is 'pm' (Ana Ruiz); name one of them with --by "
        "PERSON\n")
    text = (root / "lifecycle/01-problem.yaml").read_text()
    result = run("na", "why-ml", "--reason", "rules are not an option", "--by", "Ana Ruiz",
                 cwd=root)
    assert (result.code, result.out) == (
        0, "why-ml: todo -> na (not applicable; approved by Ana Ruiz)\n")
    new = (root / "lifecycle/01-problem.yaml").read_text()
    assert [d for d in difflib.ndiff(text.splitlines(), new.splitlines())
            if d[:1] in "+-"] == [
        "-     status: todo", "+     status: na",
        "+     na:", "+       reason: rules are not an option", "+       approved_by: Ana Ruiz",
        "+       date: 2027-01-10"]
    status = json.loads(run("status", "--format", "json", cwd=root).out)
    row = status["phases"][0]
    assert (row["done"], row["waived"], row["na"]) == (0, 0, 1)
    check = json.loads(run("check", "--format", "json", "--all", cwd=root).out)
    assert check["phases"][0]["na"] == 1
    report = run("report", cwd=root).out  # the phase row: done (and waived), then n/a
    assert '<th class="num">done</th><th class="num">n/a</th>' in report
    row = report.split('data-phase="problem">', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">0/7</td>\n<td class="num">1</td>\n' in row


def test_renewing_a_waiver_keeps_the_earlier_one(tmp_path: Path) -> None:
    root = tmp_path / "p"
    with init_date():
        assert run("init", root, "--no-input", "--team", "pm=Ana Ruiz").code == 0
    assert run("waive", "why-ml", "--reason", "rules tried", "--by", "Ana Ruiz", "--until",
               "2027-02-01", cwd=root).code == 0
    result = run("waive", "why-ml", "--reason", "still true", "--by", "Ana Ruiz", "--until",
                 "2027-08-01", cwd=root)
    assert (result.code, result.out) == (
        0, "why-ml: waived -> waived (approved by Ana Ruiz, until 2027-08-01, renewing the "
        "waiver until 2027-02-01)\n")
    text = (root / "lifecycle/01-problem.yaml").read_text()
    assert ("    waiver:\n      reason: still true\n      approved_by: Ana Ruiz\n"
            "      expires: 2027-08-01\n") in text
    assert ("    waivers_before:\n      - reason: rules tried\n        approved_by: Ana Ruiz\n"
            "        expires: 2027-02-01\n") in text
    log = run("log", "--item", "why-ml", cwd=root)
    assert ("Waivers of why-ml (oldest first):\n"
            "  until 2027-02-01  approved by Ana Ruiz: rules tried\n"
            "  until 2027-08-01  approved by Ana Ruiz: still true  (current)\n") in log.out



def _replace_status(path: Path, item: str, lines: str) -> None:
    """Hand-edit: the item's ``status: done`` line becomes ``lines``."""
    text = path.read_text()
    start = text.index("    status: done\n", text.index(f"id: {item}\n"))
    path.write_text(text[:start] + lines + text[start + len("    status: done\n"):])


def test_approvals_written_by_hand_for_a_former_member_are_findings(tmp_path: Path) -> None:
    root = loop_project(tmp_path)
    assert run("team", "remove", "ds", "Bo Li", cwd=root).code == 0  # left on 2027-01-10
    before = snapshot(root)
    result = run("waive", "literature-survey", "--reason", "r", "--by", "Bo Li", "--until",
                 "2027-03-01", cwd=root)
    assert (result.code, result.err) == (
        2, "<command line>: error[MLC031]: --by: 'Bo Li' left the team on 2027-01-10; name "
        "someone on it (team: Ana Ruiz, Dee Park), or bring them back with `mlcycle team add "
        "ROLE PERSON`\n")
    assert snapshot(root) == before
    path = root / "lifecycle/03-modeling.yaml"
    _replace_status(path, "literature-survey", "    status: waived\n    waiver:\n"
                    "      reason: read enough\n      approved_by: Bo Li\n"
                    "      expires: 2027-03-01\n")
    _replace_status(path, "baseline-model", "    status: na\n    na:\n"
                    "      reason: a rule is the baseline\n      approved_by: Bo Li\n"
                    "      date: 2027-01-10\n")
    result = run("check", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines() == [
        "lifecycle/03-modeling.yaml:28:20: error[MLC112]: item 'literature-survey': waiver "
        "approved by 'Bo Li', who left the team on 2027-01-10",
        "lifecycle/03-modeling.yaml:50:9: error[MLC107]: item 'modeling-approaches' is done but "
        "depends on 'literature-survey', which is not closed (its waiver is approved by a "
        "former member)",
        "lifecycle/03-modeling.yaml:75:20: error[MLC112]: item 'baseline-model': not "
        "applicable approved by 'Bo Li' on 2027-01-10, when they had left the team (on "
        "2027-01-10)",
        "mlcycle check: FAILED: 8 of 8 gates closed (phases before the current phase "
        "'modeling': problem, data), but 3 errors in 3 items; 3 errors, 0 warnings, 0 notes"]


def test_the_concepts_page_reopen_runs_as_written(tmp_path: Path) -> None:
    """docs/concepts.md's ML-loop block, each line in bash with the installed
    mlcycle, on a project in modeling whose problem and data are done (git's
    user.name is not on the team: the page's --by is what makes it go)."""
    page = (Path(__file__).parents[2] / "docs" / "concepts.md").read_text(encoding="utf-8")
    section = page.split("## The ML loop", 1)[1]
    block = re.search(r"^```sh\n(.*?)^```$", section, flags=re.S | re.M)
    assert block is not None
    lines = block[1].splitlines()
    assert "--cascade" in lines[0]
    root = loop_project(tmp_path)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "NO_COLOR": "1"}
    for line in lines:
        done = subprocess.run(["bash", "-c", line], cwd=root, env=env, capture_output=True,
                              text=True, timeout=120)
        assert (done.returncode, done.stderr) == (0, ""), line
    reopened = (root / "lifecycle/03-modeling.yaml").read_text()
    assert reopened.count("status: doing") == 3  # literature-survey .. baseline-model
    assert run("check", cwd=root).code == 0
