"""`check --base` warns (MLC154) at each project-level change that weakens the
project's gates, as it does at each weakened item: an overlay removed or
attached to a later phase, a profile that switches gates off, the primary
metric loosened, the hosts URL evidence may be on widened. Each warning is at
the key of mlcycle.yaml the change holds and names the people accountable for
the gates it weakens; `diff` marks each `!!`. A strengthening is shown, never
warned of. Every case is a real git repository: a base commit on main, the
change made with the real command in the working tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cli import ok, run
from helpers.git import git, isolate_git

ROLES = ["pm", "mlm", "ds", "mle", "pe", "devops", "qa", "de", "stakeholder", "support"]
WEAKENS = ": this change weakens the project's gates: "


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", "2027-01-10")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    isolate_git(monkeypatch)


def repo(tmp_path: Path) -> Path:
    """A `product` project with the ML Test Score overlay and a host list,
    committed as main."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    ok(tmp_path, "init", "repo", "--no-input", *(f"--team={r}=Ana" for r in ROLES),
       "--primary-metric=precision_at_50>=0.30")
    ok(root, "overlay", "add", "ml-test-score", "--by", "Ana")
    ok(root, "team", "add", "tl", "Bo")
    ok(root, "team", "add", "sre", "Cy")
    ok(root, "hosts", "add", "github.com", "--by", "Ana")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def line_of(root: Path, text: str, after: str = "") -> int:
    lines = (root / "mlcycle.yaml").read_text(encoding="utf-8").splitlines()
    return lines.index(text, lines.index(after) if after else 0) + 1


def warnings(out: str) -> list[str]:
    return [line for line in out.splitlines() if "warning[MLC154]" in line]


def test_an_overlay_removed_is_warned_at_overlays_naming_its_gates_people(
        tmp_path: Path) -> None:
    root = repo(tmp_path)
    for role, person in (("tl", "Bo"), ("sre", "Cy")):
        ok(root, "team", "remove", role, person)
    ok(root, "overlay", "remove", "ml-test-score", "--reason", "scored elsewhere", "--by", "Ana")
    result = run("check", "--base", "main", cwd=root)
    removed = ("overlay REMOVED: ml-test-score 1.0.0 (28 items, 7 gates; by Ana: scored "
               "elsewhere)")
    # Its gates' accountable role went with it: its people are the base's.
    assert (result.code, result.err, warnings(result.out)) == (0, "", [
        f"mlcycle.yaml:{line_of(root, 'overlays: []')}:1: warning[MLC154]: overlay "
        f"'ml-test-score'{WEAKENS}{removed}; accountable: tl (Bo)"])
    assert f"\n!! overlay ml-test-score: {removed}\n" in run(
        "diff", "--base", "main", cwd=root).out


def test_an_overlay_attached_later_is_warned_at_its_gate_at_key(tmp_path: Path) -> None:
    root = repo(tmp_path)
    ok(root, "overlay", "upgrade", "ml-test-score", "--gate-at", "model=operations", "--by",
       "Ana")
    result = run("check", "--base", "main", cwd=root)
    moved = "gate_at.model: quality -> operations (its gates now close a LATER phase)"
    assert (result.code, warnings(result.out)) == (0, [
        f"mlcycle.yaml:{line_of(root, '      model: operations', 'overlays:')}:7: "
        f"warning[MLC154]: overlay 'ml-test-score'{WEAKENS}{moved}; accountable: tl (Bo)"])
    assert f"\n!! overlay ml-test-score: {moved}\n" in run("diff", "--base", "main",
                                                          cwd=root).out


def test_a_profile_that_switches_gates_off_is_warned_at_profile(tmp_path: Path) -> None:
    root = repo(tmp_path)
    ok(root, "profile", "set", "poc", "--reason", "a demo first", "--by", "Ana")
    result = run("check", "--base", "main", cwd=root)
    off = ("production -> poc; gates SWITCHED OFF: integration-reliable, ab-test-design, "
           "live-dashboards, ab-test-significance, staged-rollout, ownership-and-on-call, "
           "drift-monitoring, retraining")
    found = warnings(result.out)
    assert result.code == 0
    assert f"mlcycle.yaml:{line_of(root, 'profile: poc')}:1: warning[MLC154]: " \
        f"profile{WEAKENS}{off}; accountable: mlm (Ana), pm (Ana)" in found
    # Each gate is warned of at its item too, as before.
    assert len(found) == 9
    assert f"\n!! profile: {off}\n" in run("diff", "--base", "main", cwd=root).out


def test_a_loosened_primary_metric_is_warned_at_metrics(tmp_path: Path) -> None:
    root = repo(tmp_path)
    ok(root, "metric", "set", "precision_at_50>=0.2", "--reason", "too strict", "--by", "Ana")
    result = run("check", "--base", "main", cwd=root)
    loosened = "primary metric floor LOOSENED: precision_at_50>=0.3 -> precision_at_50>=0.2"
    # The gates that read the primary metric: their accountable roles.
    assert (result.code, warnings(result.out)) == (0, [
        f"mlcycle.yaml:{line_of(root, 'metrics:')}:1: warning[MLC154]: metrics.primary"
        f"{WEAKENS}{loosened}; accountable: mlm (Ana), pm (Ana)"])
    assert f"\n!! metrics.primary: {loosened}\n" in run("diff", "--base", "main",
                                                        cwd=root).out
    # In the pull request: an annotation on mlcycle.yaml (no item in its title).
    annotations = run("check", "--base", "main", "--format", "github", cwd=root).out
    assert (f"::warning file=mlcycle.yaml,line={line_of(root, 'metrics:')},col=1,title=mlcycle "
            f"MLC154::metrics.primary{WEAKENS}primary metric floor LOOSENED: precision_at_50>=0.3 "
            "-> precision_at_50>=0.2; accountable: mlm (Ana), pm (Ana)\n") in annotations


def test_a_widened_host_list_is_warned_at_evidence(tmp_path: Path) -> None:
    root = repo(tmp_path)
    ok(root, "hosts", "add", "example.com", "docs.github.com", "--by", "Ana")
    result = run("check", "--base", "main", cwd=root)
    wider = ("hosts WIDENED: added example.com (URL evidence on them now counts); hosts added: "
             "docs.github.com (already admitted)")
    # No gate cites a URL on example.com yet: every gate's accountable role.
    assert (result.code, warnings(result.out)) == (0, [
        f"mlcycle.yaml:{line_of(root, 'evidence:')}:1: warning[MLC154]: evidence.urls"
        f"{WEAKENS}{wider}; accountable: pm (Ana), mlm (Ana), tl (Bo)"])
    assert f"\n!! evidence.urls: {wider}\n" in run("diff", "--base", "main", cwd=root).out
    # The list removed by hand: every URL counts again (the key is gone: at the
    # document). No command removes the list: the history's entries no longer
    # build it, which is invalid input (MLC047), warned of as a weakening too.
    git(root, "checkout", "-q", ".")
    path = root / "mlcycle.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("evidence:\n  urls:\n    - github.com\n", ""), encoding="utf-8")
    result = run("check", "--base", "main", cwd=root)
    removed = "list REMOVED: any URL counts as evidence again (was: github.com)"
    assert (result.code, warnings(result.out)) == (2, [
        f"mlcycle.yaml:{line_of(root, 'format: 1')}:1: warning[MLC154]: evidence.urls"
        f"{WEAKENS}{removed}; accountable: pm (Ana), mlm (Ana), tl (Bo)"])
    assert "error[MLC047]" in result.err


def test_a_host_list_widened_for_a_cited_url_names_that_gate(tmp_path: Path) -> None:
    root = repo(tmp_path)
    ok(root, "hosts", "add", "example.com", "--by", "Ana")
    ok(root, "done", "problem-statement", "-e", "https://example.com/brief")
    warned = warnings(run("check", "--base", "main", cwd=root).out)
    assert [w.rpartition("; accountable: ")[2] for w in warned
            if "evidence.urls" in w] == ["pm (Ana)"]


def test_a_strengthening_is_shown_and_never_warned(tmp_path: Path) -> None:
    root = repo(tmp_path)
    ok(root, "profile", "set", "poc", "--reason", "a demo first", "--by", "Ana")
    ok(root, "hosts", "add", "example.com", "--by", "Ana")
    git(root, "commit", "-q", "-am", "poc, two hosts")
    ok(root, "profile", "set", "production", "--reason", "launch", "--by", "Ana")
    ok(root, "metric", "set", "precision_at_50>=0.4", "--reason", "we can", "--by", "Ana")
    ok(root, "overlay", "add", "responsible-ai", "--by", "Ana")
    ok(root, "hosts", "remove", "example.com", "--by", "Ana")
    result = run("check", "--base", "HEAD", cwd=root)
    assert (result.code, warnings(result.out)) == (0, [])
    assert "!!" not in result.out
    for shown in ("   metrics.primary: primary metric tightened: precision_at_50>=0.3 -> "
                  "precision_at_50>=0.4\n", "   profile: poc -> production; gates switched on: ",
                  "   evidence.urls: hosts removed: example.com\n",
                  "   overlay responsible-ai: overlay added: responsible-ai "):
        assert shown in result.out
