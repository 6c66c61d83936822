"""`check --base` cannot be talked into passing a gate that must be closed, and
the history cannot be made up to move the project back: each case is a real
git repository with a base commit on main and a pull request commit on top,
judged by the real CLI, as the workflow `init` renders runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cli import ok, run
from helpers.git import git, isolate_git

ROLES = ["pm", "mlm", "ds", "mle", "pe", "devops", "qa", "de", "stakeholder", "support"]
GATES = ["problem-statement", "problem-to-model", "success-metrics", "feasibility-and-cost"]
PROBLEM = "lifecycle/01-problem.yaml"
DATA = "lifecycle/02-data.yaml"
# The `expires:` line of each problem gate's waiver, as `waive` writes it.
EXPIRES = {"problem-statement": 33, "problem-to-model": 126, "success-metrics": 154,
           "feasibility-and-cost": 188}


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", "2026-01-10")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # init records 2026-01-01
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    isolate_git(monkeypatch)


def sub(path: Path, old: str, new: str, after: str = "") -> None:
    text = path.read_text(encoding="utf-8")
    at = text.index(old, text.index(after) if after else 0)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")


def project(tmp_path: Path, until: str = "2026-06-30", advance: bool = True) -> Path:
    """A `product` project in a git repository, its four problem gates waived
    until ``until``; advanced to `data` unless told otherwise. Not committed."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    ok(tmp_path, "init", "repo", "--no-input", *(f"--team={r}=Ana" for r in ROLES))
    for gate in GATES:
        ok(root, "waive", gate, "--reason", "pilot", "--by", "Ana", "--until", until)
    if advance:
        ok(root, "advance", "--by", "Ana")
    return root


def commit_base_then_pr(root: Path) -> None:
    """Commit what is there as main, then branch `pr` and commit an unrelated change."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    ok(root, "team", "add", "ds", "Bo")
    git(root, "commit", "-q", "-am", "an unrelated change")


def report(out: str) -> list[str]:
    """The check report without the diff summary `--base` adds."""
    return out.partition("\n\nmlcycle diff against ")[0].splitlines()


def expired(gate: str) -> str:
    return (f"{PROBLEM}:{EXPIRES[gate]}:16: error[MLC105]: item '{gate}': waiver expired on "
            "2026-06-30 (approved by Ana)")


# --- 1. a gate of a phase already left stays an error, whatever its code ------------


def test_a_waiver_that_expired_since_the_base_still_fails_the_pull_request(
        tmp_path: Path) -> None:
    root = project(tmp_path)
    commit_base_then_pr(root)
    assert run("check", "--base", "main", cwd=root).code == 0  # the waivers still hold
    # Ten days later nothing in the repository changed, but time expired every
    # waiver: "already at the base" must not excuse a gate of the phase left.
    result = run("check", "--base", "main", "--today", "2026-07-05", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert report(result.out) == [
        *(expired(gate) for gate in GATES),
        "mlcycle check: FAILED: 4 of 4 gates open (phases before the current phase 'data': "
        "problem); 4 errors, 0 warnings, 0 notes",
    ]
    assert "already present at the base" not in result.out


def test_stub_evidence_on_main_still_fails_every_pull_request(tmp_path: Path) -> None:
    root = project(tmp_path, advance=False)
    (root / "docs" / "ps.md").write_text("# Problem\n\nFraud costs money.\n", encoding="utf-8")
    ok(root, "done", "problem-statement", "-e", "docs/ps.md")
    ok(root, "advance", "--by", "Ana")
    # main is broken already: the evidence became a stub after the project left the phase.
    (root / "docs" / "ps.md").write_text("<!-- mlcycle:stub -->\n# Problem\n\nTODO\n",
                                         encoding="utf-8")
    commit_base_then_pr(root)
    result = run("check", "--base", "main", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert report(result.out) == [
        f"{PROBLEM}:35:9: error[MLC104]: item 'problem-statement': evidence 'docs/ps.md' is "
        "still a stub (it carries <!-- mlcycle:stub -->)",
        "mlcycle check: FAILED: 1 of 4 gates open (phases before the current phase 'data': "
        "problem); 1 error, 0 warnings, 0 notes",
    ]


def test_a_waiver_approver_who_left_the_role_fails_the_pull_request(tmp_path: Path) -> None:
    root = project(tmp_path)
    # On main, Ana handed the pm role to Cy by hand (`team remove` refuses while her
    # waivers stand): the waivers of pm's gates are no longer approved by a pm.
    sub(root / "mlcycle.yaml", "  pm:  # Product manager\n    - Ana\n",
        "  pm:  # Product manager\n    - Cy\n")
    commit_base_then_pr(root)
    result = run("check", "--base", "main", cwd=root)
    assert (result.code, result.err) == (1, ""), result
    assert report(result.out) == [
        *(f"{PROBLEM}:{line}:20: error[MLC110]: item '{gate}': waiver approved by 'Ana', who "
          "does not hold the item's accountable role 'pm' (Product manager); it may be "
          "approved by Cy"
          for gate, line in (("problem-statement", 32), ("success-metrics", 153),
                             ("feasibility-and-cost", 187))),
        "mlcycle check: FAILED: 3 of 4 gates open (phases before the current phase 'data': "
        "problem); 3 errors, 0 warnings, 0 notes",
    ]


def test_an_advance_past_expired_waivers_fails_although_they_expired_at_the_base(
        tmp_path: Path) -> None:
    # The base stands in `problem`, its waivers expired there too (by time alone,
    # in a phase not yet left). The pull request appends an advance entry by hand
    # (`mlcycle advance` refuses): now they are gates of a phase left, and open.
    root = project(tmp_path, advance=False)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    sub(root / "mlcycle.yaml", "current_phase: problem", "current_phase: data")
    with open(root / "mlcycle.yaml", "a", encoding="utf-8") as handle:
        handle.write("  - date: 2026-07-01\n    event: advance\n    from: problem\n"
                     "    to: data\n    by: Ana\n")
    git(root, "commit", "-q", "-am", "move on")
    result = run("check", "--base", "main", "--today", "2026-07-05", cwd=root)
    assert (result.code, result.err) == (1, "")
    assert report(result.out) == [
        *(expired(gate) for gate in GATES),
        "mlcycle check: FAILED: 4 of 4 gates open (phases before the current phase 'data': "
        "problem); 4 errors, 0 warnings, 0 notes",
    ]
    assert "   phase data: forward: problem -> data on 2026-07-01 by Ana" in result.out


# --- 2. the base never excuses a gate of the scope asked for ------------------------


def test_through_and_all_keep_every_open_gate_of_their_scope_an_error(tmp_path: Path) -> None:
    root = project(tmp_path)
    # An old finding that keeps no gate open: data-sources is not a gate.
    sub(root / DATA, "    owner:\n", "    owner: Zed\n", "id: data-sources")
    # --all judges product's checks on the primary metric: declared, not MLC045.
    ok(root, "metric", "set", "precision_at_50>=0.30", "--by", "Ana")
    commit_base_then_pr(root)
    owner = (f"{DATA}:29:12: note[MLC108]: already at the base: item 'data-sources': owner 'Zed' "
             "is not on the team in mlcycle.yaml")
    gates = [f"{DATA}:{line}:13: error[MLC101]: gate '{gate}' ({title}) is open: status is todo"
             for gate, title, line in (
                 ("data-verification", "Data verification", 71),
                 ("manual-verification", "Manual verification", 110),
                 ("eda", "Exploratory data analysis", 129),
                 ("data-sufficiency", "Data sufficiency", 152))]
    plain = run("check", "--base", "main", cwd=root)
    assert (plain.code, plain.err) == (0, "")  # the default scope: `problem`, all waived
    assert owner in report(plain.out)
    for args, summary in (
            (("--through", "data"), "4 of 8 gates open (phases through 'data': problem, data)"),
            (("--phase", "data"), "4 of 4 gates open (phase 'data')")):
        result = run("check", "--base", "main", *args, cwd=root)
        assert (result.code, result.err) == (1, ""), args
        lines = report(result.out)
        assert lines[:-1] == [owner, *gates], args
        assert lines[-1].startswith("mlcycle check: FAILED: " + summary), lines[-1]
    everything = run("check", "--base", "main", "--all", cwd=root)
    assert everything.code == 1
    assert report(everything.out)[-1].startswith(
        "mlcycle check: FAILED: 23 of 27 gates open (all phases: ")
    assert "1 error finding already present at the base is listed as a note" in everything.out


# --- 3. a made-up history cannot move the project back -----------------------------


def forge_back(root: Path, from_playbook: str) -> None:
    """What a forger writes: current_phase set back to `problem`, an `advance` that
    goes back, and an upgrade entry that would excuse the entries before it from
    the phase rules (they were made on an older playbook)."""
    sub(root / "mlcycle.yaml", "current_phase: data", "current_phase: problem")
    with open(root / "mlcycle.yaml", "a", encoding="utf-8") as handle:
        handle.write("  - date: 2026-01-10\n    event: advance\n    from: data\n"
                     "    to: problem\n  - date: 2026-01-10\n    event: upgrade\n"
                     f"    to: problem\n    from_playbook: {from_playbook}\n"
                     "    to_playbook: product@3.1.0\n")


def test_a_made_up_upgrade_entry_is_refused_at_the_entry_and_flagged_by_diff(
        tmp_path: Path) -> None:
    root = project(tmp_path)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    forge_back(root, "product@1.7.0")  # no such release: only git can tell it is made up
    git(root, "commit", "-q", "-am", "back to problem")
    result = run("check", "--base", "main", cwd=root)
    assert result.code == 2
    assert result.err == (
        "mlcycle.yaml:58:12: error[MLC044]: history[3]: an upgrade entry (product@1.7.0 -> "
        "product@3.1.0), but this change does not move the pinned playbook (product@3.1.0 at "
        "the base and here); remove the entry, and move playbooks with `mlcycle upgrade`\n")
    changes = run("diff", "--base", "main", cwd=root)
    assert changes.code == 0
    assert changes.out.split("\n\n")[1:3] == [
        "Playbook:\n!! history: upgrade entry product@1.7.0 -> product@3.1.0 on 2026-01-10, "
        "but the pinned playbook did not change (product@3.1.0): MADE UP",
        "Phase moves:\n!! phase problem: BACK, recorded as an advance: data -> problem on "
        "2026-01-10\n",
    ]


def test_a_rewritten_base_history_is_refused_at_the_first_changed_entry(
        tmp_path: Path) -> None:
    """Found by trying to make check pass: an overlay's attachment moved past the
    release together with the history entry that records it agrees with itself
    (plain `check` passes), but rewrites the base's history."""
    root = project(tmp_path, advance=False)
    ok(root, "overlay", "add", "ml-test-score", "--by", "Ana")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    text = (root / "mlcycle.yaml").read_text(encoding="utf-8")
    assert text.count("      model: quality\n") == 2  # the history entry and the pin
    (root / "mlcycle.yaml").write_text(text.replace("      model: quality\n",
                                                    "      model: operations\n"))
    git(root, "commit", "-q", "-am", "model tests after the release")
    assert run("check", cwd=root).code == 0  # consistent with itself
    lines = (root / "mlcycle.yaml").read_text(encoding="utf-8").splitlines()
    entry = lines.index("    event: overlay-add")  # 0-based: its `- date:` line is 1-based
    result = run("check", "--base", "main", cwd=root)
    assert result.code == 2
    assert result.err == (
        f"mlcycle.yaml:{entry}:5: error[MLC044]: history[1]: this change rewrites (or "
        "removes) an entry of the base's history (1 of its 2 entries differ); the history is "
        "append-only: restore the base's entries and record the change with the command that "
        "makes it\n")
    changes = run("diff", "--base", "main", cwd=root)
    assert "!! history: history REWRITTEN: entries of the base were changed or removed" \
        in changes.out.splitlines()


def test_a_move_back_before_an_upgrade_from_a_released_playbook_is_refused_without_git(
        tmp_path: Path) -> None:
    root = project(tmp_path)
    forge_back(root, "product@1.0.0")  # released: its phase order judges the entries
    result = run("check", cwd=root)
    assert result.code == 2
    assert result.err == (
        "mlcycle.yaml:56:9: error[MLC044]: history[2].to: an advance moves exactly one phase "
        "forward from 'data'; the next phase is 'modeling', not 'problem'\n")


def test_upgrades_chain_from_the_playbook_the_previous_one_landed_on(tmp_path: Path) -> None:
    root = project(tmp_path)
    with open(root / "mlcycle.yaml", "a", encoding="utf-8") as handle:
        for start, end in (("product@1.0.0", "product@1.1.0"), ("product@1.4.0", "product@3.1.0")):
            handle.write(f"  - date: 2026-01-10\n    event: upgrade\n    to: data\n"
                         f"    from_playbook: {start}\n    to_playbook: {end}\n")
    result = run("check", cwd=root)
    assert result.code == 2
    assert result.err == (
        "mlcycle.yaml:61:20: error[MLC044]: history[3].from_playbook: product@1.4.0, but the "
        "previous upgrade landed on product@1.1.0; an upgrade starts from the playbook the "
        "project was on\n")


# --- 18. diff: a hand-made downgrade is flagged; checks are words, not reprs --------


def test_diff_flags_a_hand_made_downgrade_and_words_metric_and_parity_checks(
        tmp_path: Path) -> None:
    root = project(tmp_path)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    sub(root / "mlcycle.yaml", "version: 3.1.0", "version: 1.0.0")
    quality = root / "lifecycle" / "05-quality.yaml"
    sub(quality, "abs: 0.005", "abs: 0.5")
    sub(quality, "value: 0.0", "value: -1", "id: positive-lift")
    git(root, "commit", "-q", "-am", "weaker checks")
    for args in ((), ("--format", "markdown"), ("--format", "json")):
        out = run("diff", "--base", "main", *args, cwd=root).out
        assert "MetricRef" not in out and "Tolerance" not in out and "MetricCheck" not in out
    out = run("diff", "--base", "main", cwd=root).out
    assert out.splitlines()[1:] == [
        "",
        "DEFINITION CHANGES:",
        "!! quality/model-accuracy: parity check primary-parity WIDENED: experiment "
        "reports/eval.json {primary: true} vs production reports/prod-eval.json {primary: "
        "true}, within abs 0.005 or rel 0.01 -> experiment reports/eval.json {primary: true} "
        "vs production reports/prod-eval.json {primary: true}, within abs 0.5 or rel 0.01",
        "!! quality/offline-evaluation: metric check positive-lift LOOSENED: "
        "reports/offline-impact.json /estimated_lift > 0 -> reports/offline-impact.json "
        "/estimated_lift > -1",
        "",
        "Playbook:",
        "!! playbook: DOWNGRADED to an older version: product 3.1.0 -> product 1.0.0 (no "
        "upgrade entry in the history records it: edited by hand)",
    ]
