"""diff and check --base in real git repositories: two branches with real commits,
every kind of lifecycle change, a shallow clone, an unknown ref, no repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.cli import ok, run
from helpers.git import git, isolate_git
from helpers.project import FIXTURES


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", "2026-01-10")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # init records 2026-01-01
    isolate_git(monkeypatch)


def repo(tmp_path: Path) -> tuple[Path, Path]:
    """repo/ with the tiny playbook and a project in repo/proj; on main: problem
    done with evidence, framing and sources owned; branch 'feature' checked out,
    and main moved on after it (that change is no part of the diff)."""
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    shutil.copytree(FIXTURES / "playbooks" / "tiny", top / "tiny")
    proj = top / "proj"
    ok(top, "init", "proj", "--no-input", "--playbook", "./tiny", "--team", "pm=Ana",
       "--team", "ds=Bo")
    (proj / "docs").mkdir()
    (proj / "docs" / "p.md").write_text("# Problem\n\nFraud costs money.\n")
    ok(proj, "done", "problem", "-e", "docs/p.md")
    ok(proj, "set", "sources", "--owner", "Bo")
    ok(proj, "waive", "baseline", "--reason", "no baseline needed", "--by", "Bo",
       "--until", "2026-06-30")
    ok(proj, "waive", "model-card", "--reason", "internal tool", "--by", "Ana",
       "--until", "2026-06-30")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "base")
    git(top, "checkout", "-q", "-b", "feature")
    git(top, "checkout", "-q", "main")
    ok(proj, "team", "add", "ds", "Cy")
    git(top, "commit", "-q", "-am", "main moves on")
    git(top, "checkout", "-q", "feature")
    return top, proj


def test_diff_of_state_changes_and_phase_moves(tmp_path: Path) -> None:
    top, proj = repo(tmp_path)
    ok(proj, "waive", "framing", "--reason", "rules suffice", "--by", "Ana", "--until",
       "2026-01-20")
    ok(proj, "advance", "--by", "Ana", "--today", "2026-01-05")
    ok(proj, "reopen", "frame", "--reason", "label leakage", "--reset", "problem", "--by", "Ana",
       "--today", "2026-01-06")
    ok(proj, "set", "sources", "--owner", "Ana", "--due", "2026-02-01")
    ok(proj, "block", "leakage", "--reason", "waiting for the data contract")
    ok(proj, "waive", "baseline", "--reason", "no baseline needed", "--by", "Bo",
       "--until", "2026-07-31")
    text = (proj / "lifecycle" / "03-model.yaml").read_text()
    ok(proj, "set", "model-card", "todo")  # its waiver stays until removed by hand
    text = (proj / "lifecycle" / "03-model.yaml").read_text()
    start = text.index("    waiver:", text.index("id: model-card"))
    end = text.index("expires: 2026-06-30", start) + len("expires: 2026-06-30\n")
    (proj / "lifecycle" / "03-model.yaml").write_text(text[:start] + text[end:])
    ok(proj, "team", "add", "pm", "Dee")
    git(top, "commit", "-q", "-am", "feature work")
    result = run("diff", "--base", "main", cwd=proj)
    assert (result.code, result.err) == (0, "")
    base = git(top, "merge-base", "main", "HEAD").strip()[:12]
    assert result.out == (
        f"mlcycle diff against {base} (merge base of main and HEAD): 13 lifecycle changes\n"
        "\n"
        "Phase moves:\n"
        "   phase data: forward: frame -> data on 2026-01-05 by Ana\n"
        "!! phase frame: back: data -> frame on 2026-01-06: label leakage\n"
        "\n"
        "Item changes:\n"
        "   frame/problem: reopened: done -> doing (evidence was: docs/p.md)\n"
        "   frame/framing: closed by waiver: todo -> waived\n"
        "   data/sources: owner: Bo -> Ana\n"
        "   data/sources: due: (none) -> 2026-02-01\n"
        "   data/leakage: status: todo -> blocked\n"
        "   model/model-card: reopened: waived -> todo (evidence was: (none))\n"
        "\n"
        "Waivers:\n"
        "!! frame/framing: waiver ADDED: approved by Ana, until 2026-01-20 (rules suffice)\n"
        "   frame/framing: waiver expires 2026-01-20 (in 10 days)\n"
        "   model/baseline: waiver changed: expires: 2026-06-30 -> 2026-07-31\n"
        "   model/model-card: waiver removed\n"
        "\n"
        "Team:\n"
        "   team pm: added Dee\n")


def _sub(path: Path, old: str, new: str, after: str = "") -> None:
    text = path.read_text()
    at = text.index(old, text.index(after) if after else 0)
    path.write_text(text[:at] + new + text[at + len(old):])


def definition_edits(proj: Path) -> None:
    """What a pull request must not slip past review: definitions edited in the
    status files (they differ from the playbook on purpose: this is what diff
    exists to show), an item removed and one added, the pinned version bumped,
    current_phase set by hand."""
    life = proj / "lifecycle"
    _sub(life / "02-data.yaml", "gate: true", "gate: false", "id: sources")
    _sub(life / "02-data.yaml", "evidence_required: true", "evidence_required: false",
         "id: leakage")
    _sub(life / "01-frame.yaml", "accountable: pm", "accountable: ds", "id: problem")
    _sub(life / "01-frame.yaml", "title: ML framing", "title: ML framing, roughly")
    text = (life / "03-model.yaml").read_text()
    card = text[text.index("  - id: model-card"):]
    (life / "03-model.yaml").write_text(
        text[:text.index("  - id: model-card")]
        + card.replace("id: model-card", "id: monitoring").replace("gate: false", "gate: true"))
    _sub(proj / "mlcycle.yaml", "version: 1.0.0", "version: 1.1.0")
    _sub(proj / "mlcycle.yaml", "current_phase: frame", "current_phase: data")


def test_diff_shows_definition_changes_first(tmp_path: Path) -> None:
    top, proj = repo(tmp_path)
    definition_edits(proj)  # uncommitted: the working tree is what is compared
    result = run("diff", "proj", "--base", "main", cwd=top)
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[1:] == [
        "",
        "DEFINITION CHANGES:",
        "!! frame/problem: RACI accountable: pm -> ds",
        "!! data/sources: gate REMOVED: it no longer blocks leaving its phase",
        "!! data/leakage: evidence requirement REMOVED",
        "   frame/framing: title reworded: 'ML framing' -> 'ML framing, roughly'",
        "",
        "Playbook:",
        "!! playbook: tiny 1.0.0 -> tiny 1.1.0 (no upgrade entry in the history records it: "
        "edited by hand)",
        "",
        "Phase moves:",
        "!! current_phase: current_phase: frame -> data (no history entry)",
        "",
        "Items and phases added or removed:",
        "   model/monitoring: item added (a gate)",
        "   model/model-card: item REMOVED",
    ]
    markdown = run("diff", "proj", "--base", "main", "--format", "markdown", cwd=top)
    assert markdown.code == 0
    assert markdown.out.splitlines()[2:6] == [
        "> [!WARNING]",
        "> **Definition changes** (gates, evidence, RACI, wording): review these first",
        "> - **`frame/problem`: RACI accountable: pm → ds**",
        "> - **`data/sources`: gate REMOVED: it no longer blocks leaving its phase**",
    ]
    data = json.loads(run("diff", "proj", "--base", "main", "-f", "json", cwd=top).out)
    assert data["definitions"][1] == {"change": "gate REMOVED: it no longer blocks leaving "
                                      "its phase", "kind": "definition", "severe": True,
                                      "subject": "data/sources"}
    assert data["playbook"][0]["change"] == ("tiny 1.0.0 -> tiny 1.1.0 (no upgrade entry in "
                                             "the history records it: edited by hand)")
    assert [c["subject"] for c in data["structure"]] == ["model/monitoring", "model/model-card"]


def test_git_errors_are_one_line_exit_2(tmp_path: Path) -> None:
    top, proj = repo(tmp_path)
    unknown = run("diff", "--base", "nope", cwd=proj)
    assert (unknown.code, unknown.out) == (2, "")
    assert unknown.err.splitlines()[0] == (
        "<command line>: error[MLC063]: --base 'nope' is not a known git revision (fetch it "
        "first, e.g. `git fetch origin main`, and name it origin/main)")
    assert run("check", "--base", "nope", cwd=proj).code == 2
    # A shallow clone of the feature branch: main is fetched, its history is not.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature",
                    f"file://{top}", str(clone)], check=True, capture_output=True)
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:main")
    shallow = run("diff", "--base", "main", cwd=clone / "proj")
    assert (shallow.code, shallow.out) == (2, "")
    assert shallow.err.splitlines()[0] == (
        "<command line>: error[MLC064]: --base main: no merge base with HEAD in this shallow "
        "clone; fetch the history: `git fetch --unshallow`, or in GitHub Actions "
        "actions/checkout with `fetch-depth: 0`")
    # The shallow-clone hint only where it can help (issue 19, item 20).
    unfetched = run("check", "--base", "origin/main", cwd=clone / "proj")
    assert (unfetched.code, unfetched.err) == (2, (
        "<command line>: error[MLC063]: --base 'origin/main' was not fetched into this shallow "
        "clone: `git fetch origin main`, or in GitHub Actions actions/checkout with "
        "`fetch-depth: 0`\n"))
    typo = run("check", "--base", "origin/mian", cwd=clone / "proj")
    assert (typo.code, typo.err) == (2, (
        "<command line>: error[MLC063]: --base 'origin/mian' is not a known git revision "
        "(unknown ref) (did you mean 'origin/feature'?)\n"))
    missing = "0123456789abcdef0123456789abcdef01234567"
    deep = run("diff", "--base", missing, cwd=clone / "proj")
    assert (deep.code, deep.err) == (2, (
        f"<command line>: error[MLC063]: --base '{missing}' is not in this shallow clone; "
        "fetch the history: `git fetch --unshallow`, or in GitHub Actions actions/checkout "
        "with `fetch-depth: 0`\n"))
    tree = run("diff", "--base", "HEAD^{tree}", cwd=clone / "proj")
    assert (tree.code, tree.err) == (2, (
        "<command line>: error[MLC063]: --base 'HEAD^{tree}' names a tree, not a commit\n"))
    bare = tmp_path / "nogit"
    shutil.copytree(proj, bare / "proj")
    shutil.copytree(top / "tiny", bare / "tiny")
    outside = run("diff", "--base", "main", cwd=bare / "proj")
    assert (outside.code, outside.out) == (2, "")
    assert outside.err.splitlines()[0].startswith("<command line>: error[MLC062]: --base main: ")
    assert outside.err.splitlines()[0].endswith(
        "is not inside a git repository; diff and check --base compare with a git revision")


def base_with_findings(tmp_path: Path) -> tuple[Path, Path]:
    """Branch 'feature' holds the base: the project left 'frame' with its gate
    'problem' open again (MLC101) and 'sources' owned by someone not on the team
    (MLC108). The pull request is branch 'pr', made from it."""
    top, proj = repo(tmp_path)
    ok(proj, "set", "problem", "doing")
    _sub(proj / "lifecycle" / "02-data.yaml", "owner: Bo", "owner: Zed", "id: sources")
    _sub(proj / "mlcycle.yaml", "current_phase: frame", "current_phase: data")
    with (proj / "mlcycle.yaml").open("a") as handle:
        handle.write("  - date: 2026-01-05\n    event: advance\n    from: frame\n    to: data\n"
                     "    by: Ana\n")
    git(top, "commit", "-q", "-am", "the base of the pull request")
    git(top, "checkout", "-q", "-b", "pr")
    return top, proj


def test_check_base_fails_only_on_what_the_change_introduces_or_leaves_open(
        tmp_path: Path) -> None:
    top, proj = base_with_findings(tmp_path)
    _sub(proj / "lifecycle" / "01-frame.yaml", "status: todo", "status: done\n    evidence:\n"
         "      - docs/gone.md", "id: framing")
    git(top, "commit", "-q", "-am", "claim framing is done")
    result = run("check", "--base", "feature", cwd=proj)
    assert (result.code, result.err) == (1, "")
    report, _, summary = result.out.partition("\n\nmlcycle diff against ")
    assert report.splitlines() == [
        "lifecycle/01-frame.yaml:22:13: error[MLC101]: gate 'problem' (Problem statement) is "
        "open: status is doing",
        "lifecycle/01-frame.yaml:40:9: error[MLC107]: item 'framing' is done but depends on "
        "'problem', which is not closed (status is doing)",
        "lifecycle/01-frame.yaml:43:9: error[MLC103]: item 'framing': evidence 'docs/gone.md' "
        "does not exist",
        "lifecycle/02-data.yaml:21:12: note[MLC108]: already at the base: item 'sources': owner "
        "'Zed' is not on the team in mlcycle.yaml",
        "mlcycle check: FAILED: 1 of 1 gate open (phases before the current phase 'data': "
        "frame); 3 errors, 0 warnings, 1 note",
    ]
    assert summary.splitlines()[2:] == [
        "Item changes:",
        "   frame/framing: closed: todo -> done (evidence: docs/gone.md)",
        "1 error finding already present at the base is listed as a note (not counted)",
    ]
    data = json.loads(run("check", "--base", "feature", "-f", "json", cwd=proj).out)
    assert data["base"]["findings_at_base"] == 1
    assert data["base"]["items"][0]["subject"] == "frame/framing"
    assert data["summary"]["errors"] == 3 and data["exit_code"] == 1
    junit = run("check", "--base", "feature", "-f", "junit", cwd=proj).out
    assert '<testsuite name="lifecycle diff"' in junit
    md = run("check", "--base", "feature", "-f", "markdown", cwd=proj).out
    assert "#### Item changes" in md


def test_check_base_passes_when_only_old_findings_remain(tmp_path: Path) -> None:
    top, proj = base_with_findings(tmp_path)
    ok(proj, "done", "problem", "-e", "docs/p.md")  # closes the gate left open
    git(top, "commit", "-q", "-am", "close the problem statement")
    plain = run("check", cwd=proj)
    assert plain.code == 1  # without --base, the owner not on the team fails
    result = run("check", "--base", "feature", cwd=proj)
    assert (result.code, result.err) == (0, "")
    assert ("lifecycle/02-data.yaml:21:12: note[MLC108]: already at the base: item 'sources': "
            "owner 'Zed' is not on the team in mlcycle.yaml") in result.out.splitlines()
    assert "   frame/problem: closed: doing -> done (evidence: docs/p.md)" in result.out


def test_check_without_base_does_not_import_the_diff_code(tmp_path: Path) -> None:
    import os
    import sys

    top, proj = repo(tmp_path)
    code = ("import sys; from mlcycle.cli import main\n"
            "try: main(['check'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m in ('mlcycle.judge.lifediff', "
            "'mlcycle.load.gitbase', 'mlcycle.judge.basecheck', 'mlcycle.render.diff')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=proj, env=os.environ.copy())
    assert done.stdout.strip().splitlines()[-1] == "[]", done


def test_diff_of_a_phase_removed_and_a_project_added(tmp_path: Path) -> None:
    top, proj = repo(tmp_path)
    (proj / "lifecycle" / "03-model.yaml").unlink()
    git(top, "commit", "-q", "-am", "drop the model phase")
    result = run("diff", "--base", "main", cwd=proj)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[1:] == [
        "",
        "Items and phases added or removed:",
        "!! phase model: phase REMOVED",
        "!! model/baseline: item REMOVED (it was a gate)",
        "   model/model-card: item REMOVED",
    ]
    # A project that did not exist at the base: everything is new, nothing judged old.
    ok(top, "init", "second", "--no-input", "--playbook", "./tiny", "--team", "pm=Ana",
       "--team", "ds=Bo")
    added = run("diff", "--base", "main", cwd=top / "second")
    assert added.code == 0
    assert added.out.splitlines()[1:] == ["", "Items and phases added or removed:",
                                          "   project: project added: second"]
    assert run("check", "--base", "main", cwd=top / "second").code == 0


def primary_repo(tmp_path: Path, spec: str) -> tuple[Path, Path]:
    """repo/proj on the tiny playbook with the primary metric ``spec`` committed
    on main, and branch 'feature' checked out."""
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    shutil.copytree(FIXTURES / "playbooks" / "tiny", top / "tiny")
    ok(top, "init", "proj", "--no-input", "--playbook", "./tiny", "--team", "pm=Ana",
       "--primary-metric", spec)
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "base")
    git(top, "checkout", "-q", "-b", "feature")
    return top, top / "proj"


@pytest.mark.parametrize(("spec", "looser", "tighter"), [
    ("precision_at_50>=0.3", "precision_at_50>=0.25", "precision_at_50>=0.35"),
    ("mae<=12.5", "mae<=15", "mae<=10"),
])
def test_diff_flags_a_loosened_primary_metric_in_its_direction(
        tmp_path: Path, spec: str, looser: str, tighter: str) -> None:
    top, proj = primary_repo(tmp_path, spec)
    ok(proj, "metric", "set", looser, "--reason", "the label got noisier", "--by", "Ana")
    git(top, "commit", "-q", "-am", "loosen")
    base = git(top, "rev-parse", "main").strip()[:12]
    result = run("diff", "--base", "main", cwd=proj)
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"mlcycle diff against {base} (merge base of main and HEAD): 2 lifecycle changes\n"
        "\n"
        "DEFINITION CHANGES:\n"
        f"!! metrics.primary: primary metric floor LOOSENED: {spec} -> {looser}\n"
        "\n"
        "Phase moves:\n"
        f"   metrics.primary: metric entry on 2026-01-10 by Ana: {spec} -> {looser}: the label "
        "got noisier\n")
    data = json.loads(run("diff", "--base", "main", "-f", "json", cwd=proj).out)
    assert data["definitions"] == [{
        "change": f"primary metric floor LOOSENED: {spec} -> {looser}", "kind": "definition",
        "severe": True, "subject": "metrics.primary"}]
    # A tighter floor is shown, not flagged.
    git(top, "reset", "-q", "--hard", "main")
    ok(proj, "metric", "set", tighter, "--by", "Ana")
    git(top, "commit", "-q", "-am", "tighten")
    result = run("diff", "--base", "main", cwd=proj)
    assert (result.code, result.err) == (0, "")
    assert "!!" not in result.out
    assert f"   metrics.primary: primary metric tightened: {spec} -> {tighter}\n" in result.out


def test_diff_flags_a_not_applicable_like_a_gate_switched_off(tmp_path: Path) -> None:
    top, proj = repo(tmp_path)
    result = run("na", "framing", "--reason", "rules suffice", "--by", "Ana", cwd=proj)
    assert (result.code, result.err) == (0, "")
    git(top, "commit", "-q", "-am", "framing does not apply")
    result = run("diff", "--base", "main", cwd=proj)
    assert (result.code, result.err) == (0, "")
    base = git(top, "merge-base", "main", "HEAD").strip()[:12]
    assert result.out == (
        f"mlcycle diff against {base} (merge base of main and HEAD): 2 lifecycle changes\n"
        "\n"
        "Item changes:\n"
        "   frame/framing: closed as not applicable: todo -> na\n"
        "\n"
        "Waivers:\n"
        "!! frame/framing: NOT APPLICABLE: approved by Ana on 2026-01-10 (rules suffice)\n")
    data = json.loads(run("diff", "--base", "main", "--format", "json", cwd=proj).out)
    assert data["waivers"] == [{
        "change": "NOT APPLICABLE: approved by Ana on 2026-01-10 (rules suffice)",
        "kind": "waiver", "severe": True, "subject": "frame/framing"}]
    # Taken back by hand: said, not flagged (the gate is on again).
    git(top, "checkout", "-q", "main", "--", "proj/lifecycle")
    git(top, "commit", "-q", "-am", "it applies after all")
    result = run("diff", "--base", "HEAD~1", cwd=proj)
    assert result.out.splitlines()[-1] == "   frame/framing: not applicable removed"


def test_diff_lists_primary_metric_values_by_the_declared_name(tmp_path: Path) -> None:
    # product's checks read the primary metric: the values diff lists are read
    # through the name each side declares, and a project that declares none
    # (init --no-input) diffs without judging them.
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    ok(top, "init", "bare", "--no-input", "--team", "pm=Ana")
    ok(top, "init", "proj", "--no-input", "--team", "pm=Ana", "--primary-metric",
       "precision_at_50>=0.30")
    for name in ("bare", "proj"):
        (top / name / "reports").mkdir()
        (top / name / "reports" / "eval.json").write_text('{"precision_at_50": 0.41}\n')
        (top / name / "reports" / "prod-eval.json").write_text('{"precision_at_50": 0.41}\n')
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "base")
    git(top, "checkout", "-q", "-b", "feature")
    for name in ("bare", "proj"):
        (top / name / "reports" / "prod-eval.json").write_text('{"precision_at_50": 0.38}\n')
    git(top, "commit", "-q", "-am", "production drifts")
    base = git(top, "rev-parse", "main").strip()[:12]
    bare = run("diff", "--base", "main", cwd=top / "bare")
    assert (bare.code, bare.out, bare.err) == (
        0, f"mlcycle diff against {base} (merge base of main and HEAD): no lifecycle change\n",
        "")
    result = run("diff", "--base", "main", cwd=top / "proj")
    assert (result.code, result.err) == (0, "")
    within = "within max(abs 0.005, rel 1%): pass -> fail"
    assert result.out == (
        f"mlcycle diff against {base} (merge base of main and HEAD): no lifecycle change, 4 "
        "metric values changed\n\nMetric values:\n"
        "   quality/model-accuracy: parity 'primary-parity' experiment: reports/eval.json "
        f"/precision_at_50: 0.41 -> 0.41 (unchanged); {within}\n"
        "   quality/model-accuracy: parity 'primary-parity' production: reports/prod-eval.json "
        f"/precision_at_50: 0.41 -> 0.38 (-0.03, -7.3%); {within}\n"
        "   operations/retraining: parity 'retrained-primary-parity' experiment: "
        f"reports/eval.json /precision_at_50: 0.41 -> 0.41 (unchanged); {within}\n"
        "   operations/retraining: parity 'retrained-primary-parity' production: "
        f"reports/prod-eval.json /precision_at_50: 0.41 -> 0.38 (-0.03, -7.3%); {within}\n")
