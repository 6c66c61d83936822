"""Issue 20: assignment and the daily view. Owners in bulk and from the RACI,
several items per editing command (all or nothing), `next`, the team's GitHub
handles and `codeowners`, a team change re-rendering LIFECYCLE.md, and the
team written so that parallel branches merge."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.git import git
from helpers.project import snapshot

TODAY = "2026-03-02"
TEAM = ["--team", "pm=Ana Ruiz", "--team", "mlm=Dee Park", "--team", "ds=Bo Li",
        "--team", "mle=Max Roe", "--team", "mle=Mia Sol", "--team", "stakeholder=Jo Vance"]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MLCYCLE_TODAY", TODAY)
    project = tmp_path / "p"
    done = run("init", project, "--name", "Demo", "--playbook", "product", "--no-input", *TEAM)
    assert done.code == 0, done
    return project


def item_block(root: Path, rel: str, item: str) -> str:
    text = (root / rel).read_text(encoding="utf-8")
    return text.split(f"  - id: {item}\n", 1)[1].split("\n  - id: ", 1)[0]


# --- assign -------------------------------------------------------------------


def test_assign_from_raci_gives_the_one_responsible_person(root: Path) -> None:
    result = run("assign", "--phase", "data", "--from-raci", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        "data-sources: owner: Bo Li",
        "manual-verification: owner: Bo Li",
        "eda: owner: Bo Li",
        "data-sufficiency: owner: Bo Li",
        "not assigned: data-understanding-from-engineering (responsible mle: Max Roe, "
        "Mia Sol); `mlcycle assign data-understanding-from-engineering --to PERSON`",
        "not assigned: data-verification (responsible mle: Max Roe, Mia Sol); "
        "`mlcycle assign data-verification --to PERSON`",
        "not assigned: cleaning-scripts (responsible ds: Bo Li; mle: Max Roe, Mia Sol); "
        "`mlcycle assign cleaning-scripts --to PERSON`",
    ]
    assert "    status: todo\n    owner: Bo Li\n" in item_block(root, "lifecycle/02-data.yaml",
                                                            "eda")
    assert "    owner:\n" in item_block(root, "lifecycle/02-data.yaml", "cleaning-scripts")
    # Bo Li now sees their work: status --owner lists it across phases.
    mine = run("status", "--owner", "Bo Li", cwd=root).out
    assert "Open items of Bo Li (4)" in mine
    assert "- eda (data) · Exploratory data analysis · Bo Li · todo, gate · waits on " \
           "cleaning-scripts" in mine
    # --role: the items that role is responsible for go to its one holder.
    role = run("assign", "--phase", "data", "--from-raci", "--role", "ds", cwd=root)
    assert (role.code, role.out) == (0, "cleaning-scripts: owner: Bo Li\n")
    # Run again: nothing left that one person can take, nothing written.
    before = snapshot(root)
    again = run("assign", "--phase", "data", "--from-raci", cwd=root)
    assert again.out.splitlines()[0] == ("data: no unowned open item has exactly one "
                                         "responsible person")
    assert snapshot(root) == before


def test_assign_to_and_the_owner_warning(root: Path) -> None:
    result = run("assign", "eda", "data-sources", "--to", "Jo Vance", cwd=root)
    assert result.code == 0
    assert result.out == "eda: owner: Jo Vance\ndata-sources: owner: Jo Vance\n"
    assert result.err.splitlines() == [
        "<command line>: warning[MLC310]: --owner 'Jo Vance' holds none of the roles "
        "responsible or accountable for 'eda' (ds: Bo Li; mlm: Dee Park); set another owner, "
        "or give them the role with `mlcycle team add ROLE PERSON`",
        "<command line>: warning[MLC310]: --owner 'Jo Vance' holds none of the roles "
        "responsible or accountable for 'data-sources' (ds: Bo Li; mlm: Dee Park); set "
        "another owner, or give them the role with `mlcycle team add ROLE PERSON`",
    ]
    fits = run("set", "eda", "--owner", "Bo Li", cwd=root)
    assert (fits.code, fits.out, fits.err) == (0, "eda: owner: Bo Li\n", "")


def test_assign_usage(root: Path) -> None:
    result = run("assign", "eda", cwd=root)
    assert (result.code, result.err) == (2, "<command line>: error[MLC031]: mlcycle assign: "
                                            "give ITEM... --to PERSON, or --phase PHASE "
                                            "--from-raci; see 'mlcycle assign --help'\n")
    result = run("assign", "--phase", "dat", "--from-raci", cwd=root)
    assert result.code == 2 and "(did you mean 'data'?)" in result.err


# --- several items at once --------------------------------------------------------


def test_start_several_items_is_one_write(root: Path) -> None:
    before = snapshot(root)
    refused = run("start", "problem-statement", "nope", cwd=root)
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == ("<command line>: error[MLC027]: no item 'nope' in this project; "
                           "`mlcycle status` lists them\n")
    assert snapshot(root) == before  # all or nothing
    done = run("start", "problem-statement", "why-ml", cwd=root)
    assert (done.code, done.out) == (0, "problem-statement: todo -> doing\n"
                                        "why-ml: todo -> doing\n")
    text = (root / "lifecycle/01-problem.yaml").read_text(encoding="utf-8")
    assert text.count("    status: doing\n") == 2
    both = run("set", "team-and-allies", "prediction-consumption", "doing", "--due",
               "2026-03-06", cwd=root)
    assert both.out == ("team-and-allies: todo -> doing (due: 2026-03-06)\n"
                        "prediction-consumption: todo -> doing (due: 2026-03-06)\n")


# --- next ----------------------------------------------------------------------------


def test_next_lists_ready_items_with_their_command(root: Path) -> None:
    result = run("next", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out == ("Ready to work on in problem (1):\n"
                          "  problem-statement (gate, todo, unowned): Problem statement\n"
                          "    mlcycle start problem-statement\n")
    run("set", "problem-statement", "doing", "--owner", "Ana Ruiz", cwd=root)
    (root / "docs/problem/problem-statement.md").write_text("# Statement\n\nDone.\n")
    run("done", "problem-statement", "--evidence", "docs/problem/problem-statement.md",
        cwd=root)
    run("set", "why-ml", "--due", "2026-03-04", cwd=root)
    mine = run("next", "--owner", "Ana Ruiz", cwd=root).out.splitlines()
    assert mine[0] == "Ready to work on for Ana Ruiz in problem (4):"
    # gates first, then by due date; an unowned item of their role: the assign command;
    # problem-to-model still waits on prediction-consumption
    assert mine[1:5] == [
        "  success-metrics (gate, todo, unowned): Success metrics, North Star and OKRs",
        "    mlcycle assign success-metrics --to 'Ana Ruiz'",
        "  why-ml (item, todo, unowned, due 2026-03-04): Why ML rather than plain engineering",
        "    mlcycle assign why-ml --to 'Ana Ruiz'"]
    assert "problem-to-model" not in "\n".join(mine)
    data = json.loads(run("next", "--role", "pm", "--format", "json", cwd=root).out)
    assert [e["item"] for e in data["ready"]] == [
        "success-metrics", "why-ml", "team-and-allies", "prediction-consumption"]
    assert data["ready"][1]["command"] == "mlcycle start why-ml"


def test_next_mine_uses_git_user_name(root: Path) -> None:
    git(root, "init", "-q")
    git(root, "config", "user.name", "Zed Nobody")
    result = run("next", "--mine", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err == ("<command line>: error[MLC031]: --mine: git's user.name "
                          "'Zed Nobody' is nobody on the team in mlcycle.yaml; use --owner "
                          "PERSON, or add yourself with `mlcycle team add ROLE 'Zed Nobody'`\n")
    git(root, "config", "user.name", "Ana Ruiz")
    mine = run("next", "--mine", cwd=root)
    assert mine.out.splitlines()[:3] == [
        "Ready to work on for Ana Ruiz in problem (1):",
        "  problem-statement (gate, todo, unowned): Problem statement",
        "    mlcycle assign problem-statement --to 'Ana Ruiz'"]


# --- team: handles, LIFECYCLE.md, parallel branches ----------------------------------


def test_team_add_github_and_lifecycle_in_one_change(root: Path) -> None:
    result = run("team", "add", "qa", "Quinn Ash", "--github", "@quinn-a", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out == ("team: qa += Quinn Ash\ngithub: Quinn Ash = @quinn-a\n"
                          "LIFECYCLE.md: updated\n")
    text = (root / "mlcycle.yaml").read_text(encoding="utf-8")
    assert "  qa:  # QA engineer\n    - Quinn Ash\n\n  de: []  # Data engineer\n" in text
    assert text.endswith("    by: mlcycle init\ngithub:\n  Quinn Ash: quinn-a\n")
    assert "| QA engineer | `qa` | Quinn Ash |" in (root / "LIFECYCLE.md").read_text()
    bad = run("team", "add", "qa", "Quinn Ash", "--github", "quinn_a", cwd=root)
    assert bad.code == 2 and "--github 'quinn_a' is not a GitHub user name" in bad.err


def test_team_add_remove_round_trip_is_byte_exact(root: Path) -> None:
    before = snapshot(root)
    for args in (("add", "qa", "Quinn Ash"), ("add", "qa", "Ray Oh"), ("add", "ds", "Eve Ng"),
                 ("remove", "qa", "Ray Oh"), ("remove", "qa", "Quinn Ash"),
                 ("remove", "ds", "Eve Ng")):
        assert run("team", *args, cwd=root).code == 0, args
    assert snapshot(root) == before


def test_parallel_team_changes_to_different_roles_merge(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@x", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "init")
    # mle is followed by the empty pe: an append to one touched the line next to the other
    for branch, role, person in (("a", "mle", "Ned Oz"), ("b", "pe", "Pia Qu")):
        git(root, "checkout", "-q", "-b", branch, "main")
        assert run("team", "add", role, person, cwd=root).code == 0
        git(root, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qam", branch)
    git(root, "checkout", "-q", "a")
    # mlcycle.yaml merges; LIFECYCLE.md is generated (its table rows are adjacent)
    merged = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@x", "merge",
                             "-q", "b", "-m", "m"], cwd=root, capture_output=True, text=True)
    conflicted = git(root, "diff", "--name-only", "--diff-filter=U").split()
    assert "mlcycle.yaml" not in conflicted, merged


# --- codeowners -----------------------------------------------------------------------


def test_codeowners_block_between_markers(root: Path) -> None:
    for role, person, handle in (("pm", "Ana Ruiz", "ana-ruiz"), ("mlm", "Dee Park", "dee")):
        assert run("team", "add", role, person, "--github", handle, cwd=root).code == 0
    git(root, "init", "-q")
    owners = root / ".github" / "CODEOWNERS"
    owners.parent.mkdir(exist_ok=True)
    owners.write_bytes(b"# our rules\r\n* @org/everyone\r\n")
    result = run("codeowners", cwd=root)
    assert (result.code, result.out, result.err) == (0, ".github/CODEOWNERS: updated\n", "")
    block = ("# BEGIN mlcycle / (written by `mlcycle codeowners`; edit mlcycle.yaml instead)\n"
             "/mlcycle.yaml @ana-ruiz @dee\n"
             "/lifecycle/01-problem.yaml @ana-ruiz @dee\n"
             "/lifecycle/02-data.yaml @dee\n"
             "/lifecycle/03-modeling.yaml @dee @ana-ruiz\n")
    data = owners.read_bytes()
    assert data.startswith(b"# our rules\r\n* @org/everyone\r\n\n" + block.encode())
    assert data.endswith(b"# END mlcycle /\n")
    again = run("codeowners", cwd=root)
    assert again.out == ".github/CODEOWNERS is up to date; nothing written\n"


def test_codeowners_below_the_root_and_missing_handles(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", TODAY)
    repo = tmp_path / "repo"
    project = repo / "ml projects" / "churn"
    assert run("init", project, "--playbook", "product", "--no-input", *TEAM).code == 0
    git(repo, "init", "-q")
    result = run("codeowners", "--dry-run", cwd=project)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].startswith("# BEGIN mlcycle ml projects/churn/ ")
    assert lines[1] == ("# /ml\\ projects/churn/mlcycle.yaml: no owner with a GitHub handle "
                        "(Ana Ruiz, Dee Park)")
    assert result.err.splitlines()[0] == (
        "<command line>: warning[MLC311]: 'Ana Ruiz' owns mlcycle.yaml, "
        "lifecycle/01-problem.yaml, lifecycle/03-modeling.yaml, lifecycle/04-productionization"
        ".yaml, lifecycle/05-quality.yaml, lifecycle/06-online.yaml but has no GitHub handle "
        "in mlcycle.yaml; add it with `mlcycle team add ROLE 'Ana Ruiz' --github HANDLE`")
    assert not (repo / ".github").exists()  # dry run
