"""Overlays: another rubric (the ML Test Score, a team's own) pinned beside the
lifecycle playbook, its gates closing the lifecycle phases they are attached to.
Every test runs the real CLI and reads what a user sees: exit codes, located
messages, bytes on disk."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import snapshot

TODAY = "2027-01-10"
ROLES = ["pm", "mlm", "ds", "mle", "pe", "devops", "qa", "de", "stakeholder", "support"]
RELEASED = Path(__file__).resolve().parents[2] / "phases" / "_released"
OVERLAY_FILE = "lifecycle/overlays/ml-test-score.yaml"
PROSE = "# Scorecard\n\nWe check the feature schema against every training run and review it.\n"
RAI_PROSE = ("# Responsible AI\n\nLegal confirmed our contract allows training on usage logs; "
             "recall differs by at most 3 points across age bands.\n")


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", TODAY)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01
    monkeypatch.setenv("NO_COLOR", "1")


def ok(*args: str, cwd: Path) -> str:
    done = run(*args, cwd=cwd)
    assert done.code == 0, (args, done.out, done.err)
    return done.out


def init(tmp_path: Path, playbook: str = "product") -> Path:
    root = tmp_path / "p"
    roles = [r["id"] for r in _record(playbook)["roles"]]
    ok("init", str(root), "--no-input", "--playbook", playbook,
       *(f"--team={r}=Ana" for r in roles), "--primary-metric=precision_at_50>=0.30",
       cwd=tmp_path)
    return root


def _record(playbook: str) -> dict:
    version = max((p.name for p in RELEASED.glob(f"{playbook}-[0-9]*.json")),
                  key=lambda n: [int(x) for x in re.findall(r"\d+", n.rsplit("-", 1)[1])])
    return json.loads((RELEASED / version).read_text())


def gates(playbook: str) -> dict[str, list[str]]:
    return {p["id"]: [i["id"] for i in p["items"] if i["gate"]]
            for p in _record(playbook)["phases"]}


def add_overlay(root: Path) -> str:
    out = ok("overlay", "add", "ml-test-score", "--by", "Ana", cwd=root)
    for role in ("tl", "sre"):
        ok("team", "add", role, "Ana", cwd=root)
    return out


def test_entries_that_move_nothing_are_no_steps_on_the_path(tmp_path: Path) -> None:
    """An overlay added, a metric set: the project stays in 'problem', and status's
    path said "problem -> problem -> problem"."""
    root = init(tmp_path)
    add_overlay(root)
    ok("metric", "set", "precision_at_50>=0.35", "--by", "Ana", cwd=root)
    shown = run("status", "--format", "json", cwd=root)
    assert shown.code == 0, shown.err
    assert json.loads(shown.out)["path"] == "problem"
    # `log` says what each of them changed, the event column as wide as its longest.
    logged = [line[len("  YYYY-MM-DD"):] for line in run("log", cwd=root).out.splitlines()]
    assert logged[1:4] == [
        "  init         -> problem  (by mlcycle init)",
        "  overlay-add  at problem: add overlay ml-test-score@1.0.0  (by Ana)",
        "  metric       at problem: primary metric precision_at_50>=0.35  (by Ana)"]


def test_a_product_project_with_both_overlays_goes_from_init_to_operations(
        tmp_path: Path) -> None:
    """Issue 22's "done when": the ML Test Score and the responsible-ai overlays on a
    `product` project, their gates closed with real evidence in the phases they
    join (the product's own gates waived), up to operations."""
    root = init(tmp_path)
    # Today: the ML Test Score needs an ml-test-score project.
    assert run("score", cwd=root).code == 2
    out = add_overlay(root)
    assert out == ("overlay added: ml-test-score 1.0.0 (data -> data, model -> quality, "
                   "infrastructure -> productionization, monitoring -> operations; by Ana, "
                   f"{TODAY})\nLIFECYCLE.md: updated\n")
    assert ok("overlay", "add", "responsible-ai", "--by", "Ana", cwd=root) == (
        f"overlay added: responsible-ai 1.0.0 (responsible-ai -> quality; by Ana, {TODAY})\n"
        "LIFECYCLE.md: updated\n")
    for role in ("legal", "privacy"):
        ok("team", "add", role, "Ana", cwd=root)
    attach = {"data": "data", "model": "quality", "infrastructure": "productionization",
              "monitoring": "operations"}
    joined: dict[str, list[str]] = {}
    for key, ids in gates("ml-test-score").items():
        joined.setdefault(attach[key], []).extend(ids)
    joined["quality"] += gates("responsible-ai")["responsible-ai"]
    # The fairness gate's metric check reads this file: 0.03 is within its < 0.05.
    (root / "reports").mkdir()
    (root / "reports" / "fairness.json").write_text('{"max_group_gap": 0.03}\n')
    phases = list(gates("product"))
    for phase in phases[:-1]:
        for gate in gates("product")[phase]:
            ok("waive", gate, "--reason", "pilot", "--by", "Ana", "--until", "2027-12-31",
               cwd=root)
        mine = joined.get(phase, [])
        if mine:
            refused = run("advance", "--by", "Ana", cwd=root)
            assert refused.code == 1
            first = refused.err.splitlines()[0]
            assert first == (f"advance refused: {len(mine)} gate{'s' * (len(mine) != 1)} of "
                             f"phase '{phase}' open ({', '.join(mine)}); nothing written"), \
                refused.err
            # A gate's unfinished dependencies first (set refuses a done item
            # whose dependencies are open: MLC107).
            for gate in [*_needs(mine), *mine]:
                doc = next(d for d, ids in _docs().items() if gate in ids)
                (root / doc).write_text(PROSE if doc.startswith("docs/ml-test-score/")
                                        else RAI_PROSE)
                ok("set", gate, "done", "-e", doc, "--owner", "Ana", cwd=root)
        assert ok("advance", "--by", "Ana", cwd=root).startswith(f"advanced: {phase} -> ")
    assert "current_phase: operations\n" in (root / "mlcycle.yaml").read_text()
    done = run("check", cwd=root)
    assert done.code == 0, done.out + done.err
    # The open operations gates of the overlay are that phase's gates.
    done = run("check", "--all", cwd=root)
    assert done.code == 1
    for gate in joined["operations"]:
        assert f"error[MLC101]: gate '{gate}'" in done.out
    assert "responsible-ai" not in done.out  # every one of its gates closed
    score = run("score", cwd=root)
    assert score.code == 0, score.err
    assert "Data: 1 (0 automated, 2 by hand, 5 not done)" in score.out
    assert "Monitoring: 0 (0 automated, 0 by hand, 7 not done)" in score.out
    assert run("check", "--min-score", "0.5", cwd=root).code == 1
    index = ok("report", "--framework", "eu-ai-act", "--format", "markdown", cwd=root)
    assert "\n7 items tagged for eu-ai-act, 6 closed.\n" in index


def _needs(gates: list[str]) -> list[str]:
    """The items of the overlays that ``gates`` depend on and are no gates."""
    items = {i["id"]: i for name in ("ml-test-score", "responsible-ai")
             for p in _record(name)["phases"] for i in p["items"]}
    return list(dict.fromkeys(d for g in gates for d in items[g]["depends_on"]
                              if not items[d]["gate"]))


def _docs() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for phase in [*_record("ml-test-score")["phases"], *_record("responsible-ai")["phases"]]:
        for item in phase["items"]:
            found.setdefault(item["doc"], []).append(item["id"])
    return found


@pytest.mark.parametrize("playbook", ["product", "five-phase", "tdsp", "crisp-dm",
                                      "ten-step"])
def test_the_ml_test_score_overlay_works_on_every_built_in_lifecycle(
        tmp_path: Path, playbook: str) -> None:
    root = init(tmp_path, playbook)
    add_overlay(root)
    done = run("check", "--all", cwd=root)
    assert done.code == 1, done.err  # open gates, no input error
    assert done.err == ""
    for gate in [g for ids in gates("ml-test-score").values() for g in ids]:
        assert f"error[MLC101]: gate '{gate}'" in done.out
    status = run("status", "--format", "json", cwd=root)
    gates_json = json.loads(run("check", "--all", "--format", "json", cwd=root).out)
    assert {g["item"]: g.get("overlay") for g in gates_json["gates"]}["feature-schema"] == \
        "ml-test-score"
    data = json.loads(status.out)
    assert data["overlays"][0]["name"] == "ml-test-score"
    phases = {p["id"]: p for p in data["phases"]}
    target = data["overlays"][0]["gate_at"]["data"]
    plain = len([i for p in _record(playbook)["phases"] if p["id"] == target
                 for i in p["items"]])
    assert phases[target]["total"] == plain + 7
    assert "overlays: ml-test-score 1.0.0" in run("status", cwd=root).out.replace("\n", " ")


def test_unknown_overlay_is_a_located_usage_error(tmp_path: Path) -> None:
    root = init(tmp_path)
    before = snapshot(root)
    done = run("overlay", "add", "ml-test-scor", "--by", "Ana", cwd=root)
    assert done.code == 2
    assert done.err == ("<command line>: error[MLC071]: unknown overlay 'ml-test-scor' (did you "
                        "mean 'ml-test-score'?); built-in overlays: ml-test-score, "
                        "responsible-ai (or give a team's playbook directory, e.g. "
                        "./our-rubric)\n")
    assert snapshot(root) == before


def test_attachment_to_a_phase_that_does_not_exist(tmp_path: Path) -> None:
    root = init(tmp_path)
    before = snapshot(root)
    done = run("overlay", "add", "ml-test-score", "--gate-at", "model=qualty", "--by", "Ana",
               cwd=root)
    assert done.code == 2
    assert done.err == ("<command line>: error[MLC071]: --gate-at model=qualty: 'qualty' is not "
                        "a phase of playbook 'product' (did you mean 'quality'?); phases: "
                        "problem, data, modeling, productionization, quality, online, "
                        "operations\n")
    assert snapshot(root) == before
    # Written by hand in mlcycle.yaml: located there, exit 2.
    add_overlay(root)
    text = (root / "mlcycle.yaml").read_text()
    # The pin's attachment (the last one: the history's entry records it too).
    head, found, tail = text.rpartition("      model: quality\n")
    assert found
    (root / "mlcycle.yaml").write_text(head + "      model: qualty\n" + tail)
    line = (root / "mlcycle.yaml").read_text().splitlines().index("      model: qualty") + 1
    done = run("check", cwd=root)
    assert done.code == 2
    assert done.err.splitlines()[:2] == [
        # Not what the history recorded either (see the next test).
        f"mlcycle.yaml:{line - 1}:7: error[MLC072]: overlays[0].gate_at: model -> qualty "
        "(recorded: quality): changed by hand; move an attachment with `mlcycle overlay "
        "upgrade ml-test-score --gate-at OVERLAY_PHASE=PHASE` (it records the change)",
        f"mlcycle.yaml:{line}:14: error[MLC071]: overlays[0].gate_at.model: 'qualty' is not a "
        "phase of playbook 'product' (did you mean 'quality'?); attach overlay phase 'model' to "
        "one of: problem, data, modeling, productionization, quality, online, operations"]


def test_an_attachment_moved_by_hand_is_refused_until_recorded(tmp_path: Path) -> None:
    """Moving `model: quality` to `model: operations` by hand would postpone the
    overlay's model gates past the release unrecorded: the history's overlay-add
    entry records each attachment, and the pin must match it."""
    root = init(tmp_path)
    add_overlay(root)
    text = (root / "mlcycle.yaml").read_text()
    assert "    overlay: ml-test-score@1.0.0\n    by: Ana\n    gate_at:\n      data: data\n" \
        "      model: quality\n" in text
    head, found, tail = text.rpartition("      model: quality\n")
    assert found
    (root / "mlcycle.yaml").write_text(head + "      model: operations\n" + tail)
    lines = (root / "mlcycle.yaml").read_text().splitlines()
    line = len(lines) - lines[::-1].index("    gate_at:") + 1  # the pin's, its first key
    before = snapshot(root)
    done = run("check", cwd=root)
    assert (done.code, done.out) == (2, "mlcycle check: invalid input (1 input error); of what "
                                        "loaded: no gates evaluated (no phase before the "
                                        "current phase 'problem'); 0 errors, 0 warnings, "
                                        "0 notes\n")
    assert done.err.splitlines() == [
        f"mlcycle.yaml:{line}:7: error[MLC072]: overlays[0].gate_at: model -> operations "
        "(recorded: quality): changed by hand; move an attachment with `mlcycle overlay "
        "upgrade ml-test-score --gate-at OVERLAY_PHASE=PHASE` (it records the change)"]
    assert snapshot(root) == before
    # The command it names records the move (and `diff` shows it for review).
    (root / "mlcycle.yaml").write_text(text)
    moved = run("overlay", "upgrade", "ml-test-score", "--gate-at", "model=operations",
                "--by", "Ana", cwd=root)
    assert moved.code == 0, moved.err
    after = (root / "mlcycle.yaml").read_text()
    pin = after[after.index("\noverlays:\n"):]
    assert "    gate_at:\n      data: data\n      model: operations\n" in pin
    assert after.count("    event: overlay-upgrade\n") == 1
    assert after[after.index("event: overlay-upgrade"):].split("overlays:")[0].endswith(
        "    gate_at:\n      data: data\n      model: operations\n"
        "      infrastructure: productionization\n      monitoring: operations\n")
    assert run("validate", cwd=root).code == 0


def test_a_team_overlay_needs_every_attachment(tmp_path: Path) -> None:
    root = init(tmp_path)
    rubric = _team_overlay(root)
    done = run("overlay", "add", "./our-rubric", "--by", "Ana", cwd=root)
    assert done.code == 2
    assert done.err == ("<command line>: error[MLC071]: overlay 'our-rubric' has no default "
                        "attachment on playbook 'product' for phase review; attach each with "
                        "--gate-at review=PHASE (phases: problem, data, modeling, "
                        "productionization, quality, online, operations)\n")
    out = ok("overlay", "add", "./our-rubric", "--gate-at", "review=modeling", "--by", "Ana",
             cwd=root)
    assert out.startswith("overlay added: our-rubric 1.0.0 (review -> modeling; by Ana")
    text = (root / "mlcycle.yaml").read_text()
    assert ("overlays:\n  - name: our-rubric\n    version: 1.0.0\n    path: our-rubric\n"
            "    gate_at:\n      review: modeling\n") in text
    assert (root / "lifecycle/overlays/our-rubric.yaml").is_file()
    assert rubric.is_dir()
    done = run("check", "--all", cwd=root)
    assert done.code == 1 and done.err == ""
    assert "lifecycle/overlays/our-rubric.yaml:" in done.out
    assert "error[MLC101]: gate 'peer-review'" in done.out


def _team_overlay(root: Path, version: str = "1.0.0", description: str = "A peer reviews the "
                  "model and its evaluation before it is used.") -> Path:
    rubric = root / "our-rubric"
    rubric.mkdir(exist_ok=True)
    (rubric / "playbook.yaml").write_text(
        f"name: our-rubric\nversion: {version}\ntitle: Our rubric\ndescription: Our checks.\n"
        "roles:\n  - id: reviewer\n    name: Reviewer\nphases: [review]\n")
    (rubric / "review.yaml").write_text(
        "id: review\ntitle: Review\npurpose: A second pair of eyes.\nitems:\n"
        "  - id: peer-review\n    title: Peer review\n"
        f"    description: {description}\n"
        "    raci: {responsible: [reviewer], accountable: reviewer}\n    gate: true\n")
    return rubric


def test_an_overlay_definition_edited_in_its_status_file_is_mlc040(tmp_path: Path) -> None:
    root = init(tmp_path)
    add_overlay(root)
    path = root / OVERLAY_FILE
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, text in enumerate(lines) if text.startswith("  - id: feature-schema"))
    gate = next(i for i in range(at, len(lines)) if lines[i] == "    gate: true\n")
    lines[gate] = "    gate: false\n"
    path.write_text("".join(lines))
    done = run("check", cwd=root)
    assert done.code == 2
    assert done.err.splitlines()[0] == (
        f"{OVERLAY_FILE}:{gate + 1}:11: error[MLC040]: items[0].gate: false here, but true in "
        "overlay ml-test-score 1.0.0; change definitions in the playbook, not in status files "
        "(if you changed the playbook: give it a new version and run `mlcycle overlay "
        "upgrade ml-test-score`)")
    # An item dropped from the file: MLC041; the version pin unknown: MLC043.
    path.write_text("".join(lines[:at]) + "".join(lines[at:]).split("\n\n", 1)[1])
    assert "error[MLC041]: item 'feature-schema' of overlay ml-test-score 1.0.0 is missing " \
        "here" in run("check", cwd=root).err
    text = (root / "mlcycle.yaml").read_text()
    (root / "mlcycle.yaml").write_text(text.replace("    version: 1.0.0\n    gate_at",
                                                    "    version: 9.0.0\n    gate_at"))
    done = run("check", cwd=root)
    assert done.code == 2
    assert re.search(r"^mlcycle.yaml:\d+:14: error\[MLC043\]: overlays\[0\]\.version: "
                     r"ml-test-score 9\.0\.0 is not a version this mlcycle", done.err, re.M)


def test_removal_without_the_command_is_flagged(tmp_path: Path) -> None:
    root = init(tmp_path)
    add_overlay(root)
    for role in ("tl", "sre"):
        ok("team", "remove", role, "Ana", cwd=root)
    text = (root / "mlcycle.yaml").read_text()
    cut = text[:text.index("overlays:\n")]
    (root / "mlcycle.yaml").write_text(cut)
    line = cut.splitlines().index("    overlay: ml-test-score@1.0.0") + 1
    done = run("check", cwd=root)
    assert done.code == 2
    assert (f"mlcycle.yaml:{line}:14: error[MLC072]: history[1] added overlay 'ml-test-score', "
            "and it is no longer pinned under overlays: removed without `mlcycle overlay "
            "remove`; restore it, or remove it with `mlcycle overlay remove ml-test-score "
            "--reason TEXT --by PERSON` (it records who and why)") in done.err.splitlines()
    assert (f"{OVERLAY_FILE}:1:1: error[MLC072]: 'ml-test-score.yaml' is no overlay mlcycle.yaml "
            "pins (overlays:); an overlay is removed with `mlcycle overlay remove NAME`, which "
            "deletes its file; add one with `mlcycle overlay add NAME`") in done.err.splitlines()


def test_overlay_remove_records_who_and_why(tmp_path: Path) -> None:
    root = init(tmp_path)
    add_overlay(root)
    done = run("overlay", "remove", "ml-test-score", "--reason", "scored elsewhere", "--by",
               "Ana", cwd=root)
    assert done.code == 1
    assert done.err.splitlines()[0] == (
        "mlcycle overlay remove refused: role 'tl' is used only by overlay 'ml-test-score', and "
        "team.tl holds Ana; nothing written")
    for role in ("tl", "sre"):
        ok("team", "remove", role, "Ana", cwd=root)
    out = ok("overlay", "remove", "ml-test-score", "--reason", "scored elsewhere", "--by", "Ana",
             cwd=root)
    assert out == (f"overlay removed: ml-test-score 1.0.0 (scored elsewhere; by Ana, {TODAY}; "
                   "its documents stay)\nLIFECYCLE.md: updated\n")
    assert not (root / OVERLAY_FILE).exists()
    assert (root / "docs/data/ml-test-score-scorecard.md").is_file()
    text = (root / "mlcycle.yaml").read_text()
    assert (f"  - date: {TODAY}\n    event: overlay-remove\n    to: problem\n"
            "    overlay: ml-test-score@1.0.0\n    reason: scored elsewhere\n    by: Ana\n"
            "overlays: []\n") in text
    assert "  tl:" not in text
    assert run("check", cwd=root).code == 0


def test_a_team_overlay_moves_to_its_new_version_with_every_state_kept(tmp_path: Path) -> None:
    root = init(tmp_path)
    _team_overlay(root)
    ok("overlay", "add", "./our-rubric", "--gate-at", "review=problem", "--by", "Ana", cwd=root)
    ok("team", "add", "reviewer", "Ana", cwd=root)
    ok("set", "peer-review", "doing", "--owner", "Ana", "--note", "Booked with Bo", cwd=root)
    _team_overlay(root, "1.1.0", "A peer reviews the model, its evaluation and its data "
                  "before it is used.")
    done = run("check", cwd=root)
    assert done.code == 2
    text = (root / "mlcycle.yaml").read_text()
    line = text.splitlines().index("    version: 1.0.0", text.splitlines().index("overlays:")) + 1
    assert done.err.splitlines()[0] == (
        f"mlcycle.yaml:{line}:14: error[MLC043]: overlays[0].version: this project pins "
        "our-rubric 1.0.0, but the playbook directory 'our-rubric' is at 1.1.0; move the "
        "project to it with `mlcycle overlay upgrade our-rubric`, or restore the overlay")
    out = ok("overlay", "upgrade", "our-rubric", "--by", "Ana", cwd=root)
    assert out == (f"overlay upgraded: our-rubric 1.0.0 -> 1.1.0 (by Ana, {TODAY}; every "
                   "item's state kept by id)\nLIFECYCLE.md: updated\n")
    status = (root / "lifecycle/overlays/our-rubric.yaml").read_text()
    assert ("      A peer reviews the model, its evaluation and its data before it is used.\n"
            ) in status or "its data before it is used." in status
    assert status.endswith("    status: doing\n    owner: Ana\n    notes: Booked with Bo\n")
    text = (root / "mlcycle.yaml").read_text()
    assert (f"  - date: {TODAY}\n    event: overlay-upgrade\n    to: problem\n"
            "    overlay: our-rubric@1.1.0\n    by: Ana\n") in text
    assert "    version: 1.1.0\n" in text
    assert run("validate", cwd=root).code == 0
    done = run("advance", "--by", "Ana", cwd=root)
    assert done.code == 1
    assert "peer-review" in done.err.splitlines()[0]


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=root,
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    config = tmp_path_factory.mktemp("git") / "config"
    config.write_text("", encoding="utf-8")
    for key, value in (("GIT_AUTHOR_NAME", "Ana"), ("GIT_AUTHOR_EMAIL", "ana@example.com"),
                       ("GIT_COMMITTER_NAME", "Ana"), ("GIT_COMMITTER_EMAIL", "ana@example.com"),
                       ("GIT_CONFIG_NOSYSTEM", "1"), ("GIT_CONFIG_GLOBAL", str(config))):
        monkeypatch.setenv(key, value)


@pytest.mark.usefixtures("git_env")
def test_diff_shows_an_overlay_added_and_flags_its_removal(tmp_path: Path) -> None:
    root = init(tmp_path)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "init")
    add_overlay(root)
    out = ok("diff", "--base", "HEAD", cwd=root)
    assert ("   overlay ml-test-score: overlay added: ml-test-score 1.0.0 (data -> data, model -> "
            "quality, infrastructure -> productionization, monitoring -> operations)\n") in out
    assert "   ml-test-score/feature-schema: item added (a gate)\n" in out
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "overlay")
    text = (root / "mlcycle.yaml").read_text()
    (root / "mlcycle.yaml").write_text(text.replace("      model: quality\n",
                                                    "      model: operations\n"))
    out = ok("diff", "--base", "HEAD", cwd=root)
    assert ("!! overlay ml-test-score: gate_at.model: quality -> operations (its gates now "
            "close a LATER phase)\n") in out
    _git(root, "checkout", "-q", ".")
    for role in ("tl", "sre"):
        ok("team", "remove", role, "Ana", cwd=root)
    ok("overlay", "remove", "ml-test-score", "--reason", "scored elsewhere", "--by", "Ana",
       cwd=root)
    out = ok("diff", "--base", "HEAD", cwd=root)
    assert ("!! overlay ml-test-score: overlay REMOVED: ml-test-score 1.0.0 (28 items, 7 gates; "
            "by Ana: scored elsewhere)\n") in out
    assert "feature-schema" not in out  # one line for the overlay, not one per item
    # Removed by hand: flagged as such (and check refuses it, MLC072).
    _git(root, "checkout", "-q", ".")
    text = (root / "mlcycle.yaml").read_text()
    (root / "mlcycle.yaml").write_text(text[:text.index("overlays:\n")])
    (root / OVERLAY_FILE).unlink()
    out = run("diff", "--base", "HEAD", cwd=root).out
    assert ("!! overlay ml-test-score: overlay REMOVED: ml-test-score 1.0.0 (28 items, 7 gates; "
            "no overlay-remove entry in the history records it: removed by hand)\n") in out


def test_a_playbook_that_is_only_an_overlay_is_no_lifecycle(tmp_path: Path) -> None:
    done = run("init", str(tmp_path / "p"), "--no-input", "--playbook", "responsible-ai",
               cwd=tmp_path)
    assert done.code == 2
    assert done.err == ("<command line>: error[MLC030]: 'responsible-ai' is an overlay, not a "
                        "lifecycle playbook: init the project with a lifecycle (`mlcycle "
                        "playbooks` lists them), then `mlcycle overlay add responsible-ai`\n")
    assert not (tmp_path / "p").exists()
    # Listed, but only under the overlays; still a playbook to show and fork.
    lifecycles, listed_overlays = ok("playbooks", cwd=tmp_path).split("\n\n")
    assert [row.split()[0] for row in lifecycles.splitlines()[2:]] == [
        "crisp-dm", "five-phase", "ml-test-score", "product", "tdsp", "ten-step"]
    assert listed_overlays.splitlines()[0] == "overlays (mlcycle overlay add NAME):"
    assert [row.split()[0] for row in listed_overlays.splitlines()[3:]] == [
        "ml-test-score", "responsible-ai"]
    assert ok("playbooks", "show", "responsible-ai", cwd=tmp_path).startswith(
        "responsible-ai 1.0.0: Responsible AI\n")
    ok("playbooks", "fork", "responsible-ai", tmp_path / "ours", cwd=tmp_path)
    assert (tmp_path / "ours" / "responsible-ai.yaml").is_file()


def test_an_overlay_pinned_by_hand_as_the_playbook_is_a_located_error(tmp_path: Path) -> None:
    # A project of a fork of responsible-ai, its path then deleted: it pins the
    # built-in overlay as its lifecycle, every definition matching (it loaded).
    ok("playbooks", "fork", "responsible-ai", tmp_path / "rai", cwd=tmp_path)
    roles = [r["id"] for r in _record("responsible-ai")["roles"]]
    ok("init", "p", "--no-input", "--playbook", "./rai", *(f"--team={r}=Ana" for r in roles),
       cwd=tmp_path)
    root = tmp_path / "p"
    text = (root / "mlcycle.yaml").read_text()
    (root / "mlcycle.yaml").write_text(text.replace("  path: ../rai\n", "", 1))
    before = snapshot(root)
    line = (root / "mlcycle.yaml").read_text().splitlines().index("  name: responsible-ai") + 1
    error = (f"mlcycle.yaml:{line}:9: error[MLC030]: playbook.name: 'responsible-ai' is an "
             "overlay, not a lifecycle playbook: pin a lifecycle playbook here (`mlcycle "
             "playbooks` lists them), then `mlcycle overlay add responsible-ai`")
    for args in (("check",), ("done", "training-data-lawful-basis")):
        done = run(*args, cwd=root)
        assert (done.code, done.err.splitlines()[0]) == (2, error), args
        assert len([row for row in done.err.splitlines() if "error[" in row]) == 1
    assert snapshot(root) == before


def test_a_lifecycle_pinned_by_hand_as_an_overlay_is_a_located_error(tmp_path: Path) -> None:
    # The ML Test Score's pin, entry and status file renamed to five-phase, a
    # lifecycle playbook that is no overlay.
    root = init(tmp_path)
    add_overlay(root)
    for display in ("mlcycle.yaml", OVERLAY_FILE):
        path = root / display
        path.write_text(path.read_text().replace("ml-test-score", "five-phase"))
    (root / OVERLAY_FILE).rename(root / "lifecycle/overlays/five-phase.yaml")
    before = snapshot(root)
    line = (root / "mlcycle.yaml").read_text().splitlines().index("  - name: five-phase") + 1
    for args in (("check",), ("status",), ("set", "problem-statement", "doing")):
        done = run(*args, cwd=root)
        assert (done.code, done.err.splitlines()[0]) == (2, (
            f"mlcycle.yaml:{line}:11: error[MLC071]: overlays[0].name: 'five-phase' is a "
            "lifecycle playbook, not an overlay; built-in overlays: ml-test-score, "
            "responsible-ai (remove this entry; add an overlay with `mlcycle overlay add "
            "NAME`)")), args
        assert "MLC320" not in done.err  # no advice to upgrade it as an overlay
    assert snapshot(root) == before


def test_upgrading_the_lifecycle_keeps_the_overlay(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    ok("playbooks", "fork", "product", "pb", "--name", "acme", cwd=root)
    ok("init", ".", "--no-input", "--playbook", "./pb", "--team=pm=Ana", cwd=root)
    done = run("overlay", "add", "ml-test-score", "--by", "Ana", cwd=root)
    assert done.code == 2  # a team's lifecycle has no default attachment
    assert "--gate-at data=PHASE" in done.err
    ok("overlay", "add", "ml-test-score", "--gate-at", "data=data", "--gate-at", "model=quality",
       "--gate-at", "infrastructure=productionization", "--gate-at", "monitoring=operations",
       "--by", "Ana", cwd=root)
    meta = root / "pb" / "playbook.yaml"
    meta.write_text(re.sub(r"(?m)^version: .*$", "version: 3.1.0", meta.read_text()))
    before = (root / OVERLAY_FILE).read_bytes()
    ok("upgrade", "--by", "Ana", cwd=root)
    assert (root / OVERLAY_FILE).read_bytes() == before
    assert run("check", cwd=root).code == 0
    assert "    0  feature-schema " in ok("score", cwd=root)


def test_a_project_on_the_ml_test_score_cannot_add_it_again(tmp_path: Path) -> None:
    root = init(tmp_path, "ml-test-score")
    done = run("overlay", "add", "ml-test-score", "--by", "Ana", cwd=root)
    assert (done.code, done.out) == (2, "")
    assert done.err == ("<command line>: error[MLC071]: 'ml-test-score' is the project's "
                        "playbook; an overlay adds another rubric\n")


@pytest.mark.parametrize("playbook", ["product", "five-phase", "tdsp", "crisp-dm",
                                      "ten-step", "ml-test-score"])
def test_the_responsible_ai_overlay_works_on_every_built_in_lifecycle(
        tmp_path: Path, playbook: str) -> None:
    root = init(tmp_path, playbook)
    out = ok("overlay", "add", "responsible-ai", "--by", "Ana", cwd=root)
    found = re.search(r"\(responsible-ai -> ([a-z-]+);", out)
    assert found is not None, out
    target = found.group(1)
    for role in ("legal", "privacy"):
        ok("team", "add", role, "Ana", cwd=root)
    done = run("check", "--all", cwd=root)
    assert done.code == 1 and done.err == ""
    assert "lifecycle/overlays/responsible-ai.yaml:" in done.out
    data = json.loads(ok("status", "--format", "json", cwd=root))
    assert data["overlays"][0]["gate_at"] == {"responsible-ai": target}
    row = next(p for p in data["phases"] if p["id"] == target)
    plain = len([i for p in _record(playbook)["phases"] if p["id"] == target
                 for i in p["items"]])
    assert row["total"] == plain + 7


@pytest.fixture
def older_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The released records with an older ml-test-score, 0.9.0 (its definitions as
    1.0.0's): as if this mlcycle had shipped 0.9.0 before."""
    from mlcycle.load import releases

    records = tmp_path / "released"
    records.mkdir()
    for path in RELEASED.glob("*.json"):
        (records / path.name).write_bytes(path.read_bytes())
    record = json.loads((RELEASED / "ml-test-score-1.0.0.json").read_text())
    record["version"] = "0.9.0"
    (records / "ml-test-score-0.9.0.json").write_text(json.dumps(record))
    monkeypatch.setattr(releases, "released_dir", lambda: records)
    return records


def _pin_older(root: Path) -> str:
    """ml-test-score pinned (and recorded as added) at 0.9.0; the note check gives."""
    project = root / "mlcycle.yaml"
    text = project.read_text()
    assert text.count("ml-test-score@1.0.0") == 1
    assert text.count("\n    version: 1.0.0\n") == 1
    project.write_text(text.replace("ml-test-score@1.0.0", "ml-test-score@0.9.0")
                       .replace("\n    version: 1.0.0\n", "\n    version: 0.9.0\n"))
    line = next(n for n, row in enumerate(project.read_text().splitlines(), 1)
                if row == "    version: 0.9.0")
    return (f"mlcycle.yaml:{line}:14: note[MLC320]: overlay ml-test-score is pinned at 0.9.0, "
            "and this mlcycle ships 1.0.0; move it with `mlcycle overlay upgrade "
            "ml-test-score` (every item's state kept by id)\n")


def _state_lines(root: Path, item: str) -> str:
    text = (root / OVERLAY_FILE).read_text()
    block = text.split(f"  - id: {item}\n", 1)[1].split("\n\n", 1)[0]
    return block[block.index("    status:"):]


def test_check_notes_and_plain_upgrade_moves_a_built_in_overlay_pinned_older(
        tmp_path: Path, older_release: Path) -> None:
    root = init(tmp_path)
    add_overlay(root)
    (root / "docs/data/ml-test-score-scorecard.md").write_text(PROSE)
    ok("set", "feature-schema", "done", "-e", "docs/data/ml-test-score-scorecard.md",
       "--owner", "Ana", cwd=root)
    kept = _state_lines(root, "feature-schema")
    overlay_before = (root / OVERLAY_FILE).read_bytes()
    note = _pin_older(root)
    plain = run("check", cwd=root)
    assert (plain.code, plain.err) == (0, note)
    asked = run("upgrade", "--check", cwd=root)
    assert (asked.code, asked.out, asked.err) == (
        1, "up to date: product@3.1.0; not its overlays (mlcycle upgrade)\n", note)
    before = snapshot(root)
    moved = (f"ml-test-score 0.9.0 -> 1.0.0 (by Ana, {TODAY}; every item's state kept by "
             "id)")
    dry = run("upgrade", "--dry-run", "--by", "Ana", cwd=root)
    assert (dry.code, dry.err) == (0, "")
    assert dry.out == ("upgrade product@3.1.0: up to date\n\noverlays upgraded (1):\n"
                       f"  {moved}\n\ndry run: nothing written\n")
    assert snapshot(root) == before
    done = run("upgrade", "--by", "Ana", cwd=root)
    assert (done.code, done.err) == (0, "")
    assert done.out.endswith(f"\noverlay upgraded: {moved}\n")
    data = (root / "mlcycle.yaml").read_text()
    assert "\n    version: 1.0.0\n" in data and "overlay: ml-test-score@1.0.0\n" in data
    assert "event: overlay-upgrade" in data and "event: upgrade" not in data
    assert _state_lines(root, "feature-schema") == kept
    # 0.9.0's definitions are 1.0.0's: not one byte of the status file moves
    # (the comment heading each overlay phase stays where it was, once).
    assert (root / OVERLAY_FILE).read_bytes() == overlay_before
    assert run("check", cwd=root).err == ""
    again = run("upgrade", "--check", cwd=root)
    assert (again.code, again.out, again.err) == (0, "up to date: product@3.1.0\n", "")


def test_upgrade_moves_the_lifecycle_and_a_built_in_overlay_in_one_change(
        tmp_path: Path, older_release: Path) -> None:
    import shutil

    root = tmp_path / "p"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "old" / "product-3.0.0", root)
    ok("overlay", "add", "ml-test-score", "--by", "Ana", cwd=root)
    overlay_before = (root / OVERLAY_FILE).read_bytes()
    note = _pin_older(root)
    assert run("check", "--all", cwd=root).err == note
    done = run("upgrade", "--by", "Ana", cwd=root)
    assert (done.code, done.err) == (0, "")
    assert done.out.splitlines()[0] == "upgrade product@3.0.0 -> product@3.1.0"
    assert ("\noverlays upgraded (1):\n  ml-test-score 0.9.0 -> 1.0.0 (by Ana, "
            f"{TODAY}; every item's state kept by id)\n") in done.out
    assert "\nupgraded: product@3.0.0 -> product@3.1.0\n" in done.out
    data = (root / "mlcycle.yaml").read_text()
    assert "  name: product\n  version: 3.1.0\n" in data
    assert "\n    version: 1.0.0\n" in data
    history = data.split("history:\n", 1)[1]
    assert history.index("event: overlay-upgrade") < history.index("event: upgrade\n")
    assert run("validate", root).code == 0
    assert run("check", "--all", cwd=root).err == ""
    assert (root / OVERLAY_FILE).read_bytes() == overlay_before
    # LIFECYCLE.md, rendered for 3.1.0, shows the overlay at its new version.
    assert "\n## Overlay `ml-test-score` 1.0.0\n" in (root / "LIFECYCLE.md").read_text()
    assert ok("render", cwd=root) == "LIFECYCLE.md is up to date; nothing written\n"
