"""`mlcycle validate`: the hand-written project passes; every cross-file rule fails
with exit 2, exact located messages on stderr, and no byte changed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.edits import VALID, assert_invalid, make, replace
from helpers.project import FIXTURES, snapshot

from mlcycle.load import project

UPGRADE = " (if you changed the playbook: give it a new version and run `mlcycle upgrade`)"

INVALID = FIXTURES / "invalid"
OK = "Duplicate record finder: 5 phase files, 24 items, all valid\n"


# --- the valid project -------------------------------------------------------


def test_handwritten_project_is_valid(tmp_path: Path) -> None:
    root = make(tmp_path)
    before = snapshot(root)
    result = run("validate", ".", cwd=root)
    assert (result.code, result.out, result.err) == (0, OK, "")
    assert snapshot(root) == before


def test_validate_takes_the_directory_as_argument(tmp_path: Path) -> None:
    make(tmp_path)
    result = run("validate", "proj", cwd=tmp_path)
    assert (result.code, result.out, result.err) == (0, OK, "")


def test_handwritten_project_loads_with_its_states() -> None:
    loaded = project.load(VALID)
    assert loaded.playbook.name == "duplicate-finder"
    assert [p.id for p in loaded.phases] == [
        "define", "data", "modeling", "productionization", "quality"]
    statuses = sorted({i.status for p in loaded.phases for i in p.file.items})
    assert statuses == ["blocked", "doing", "done", "todo", "waived"]
    assert str(loaded.file.history[0].date) == "2025-03-03"


# --- fixture folders under tests/fixtures/invalid/ ----------------------------

EXPECTED = {
    "several-problems": [
        "lifecycle/01-define.yaml:36:5: error[MLC010]: items[1].colour: unknown key "
        "'colour'; allowed: id, title, description, raci, gate, evidence_required, doc, "
        "depends_on, section, automated, metrics, parity, replaces, tags, recurs, profiles, "
        "status, owner, evidence, due, notes, waiver, waivers_before, na, reopened, done_on",
        "lifecycle/02-data.yaml:26:13: error[MLC012]: items[1].status: 'finished' is not "
        "one of todo, doing, blocked, done, waived, na",
        "lifecycle/05-quality.yaml:22:9: error[MLC020]: item id 'architecture' is used "
        "twice; first at lifecycle/04-productionization.yaml:11",
        "lifecycle/05-quality.yaml:22:9: error[MLC042]: items[3]: item 'architecture' is "
        "not an item of phase 'quality' in playbook duplicate-finder 1.0.0 (playbook/); it "
        "belongs to phase 'productionization'; add items in the playbook, not in status "
        "files",
        "lifecycle/05-quality.yaml:26:5: error[MLC041]: item 'internal-poc' of playbook "
        "duplicate-finder 1.0.0 (playbook/) is missing here; it belongs after "
        "'model-accuracy' (restore it with its definition; status files never drop items)",
        "mlcycle.yaml:9:16: error[MLC027]: current_phase 'modelling' is not a phase of "
        "playbook 'duplicate-finder' (did you mean 'modeling'?)",
        "6 errors in 4 files",
    ],
    "cross-file-rules": [
        "lifecycle/03-modeling.yaml:8:17: error[MLC024]: dependency cycle: "
        "modeling-approaches -> model-result-verification -> model-iteration -> "
        "modeling-approaches",
        "lifecycle/03-modeling.yaml:8:17: error[MLC040]: items[0].depends_on: [eda, "
        "model-result-verification] here, but [eda] in playbook duplicate-finder 1.0.0 "
        "(playbook/); change definitions in the playbook, not in status files" + UPGRADE,
        "lifecycle/04-productionization.yaml:14:45: error[MLC022]: item 'architecture': "
        "unknown role 'mlmm' in raci.accountable (did you mean 'mlm'?); roles: devops, ds, "
        "mle, mlm, pe, pm, qa",
        "lifecycle/04-productionization.yaml:14:45: error[MLC040]: "
        "items[1].raci.accountable: 'mlmm' here, but 'mlm' in playbook duplicate-finder "
        "1.0.0 (playbook/); change definitions in the playbook, not in status files" + UPGRADE,
        "lifecycle/04-productionization.yaml:25:25: error[MLC021]: item 'devops-tasks': "
        "raci.responsible names no role; at least one is needed",
        "lifecycle/04-productionization.yaml:25:25: error[MLC040]: "
        "items[3].raci.responsible: [] here, but [devops] in playbook duplicate-finder "
        "1.0.0 (playbook/); change definitions in the playbook, not in status files" + UPGRADE,
        "lifecycle/05-quality.yaml:21:17: error[MLC040]: items[2].depends_on: "
        "[feature-verfication] here, but [feature-verification] in playbook "
        "duplicate-finder 1.0.0 (playbook/); change definitions in the playbook, not in "
        "status files" + UPGRADE,
        "lifecycle/05-quality.yaml:21:18: error[MLC023]: item 'model-accuracy' depends on "
        "unknown item 'feature-verfication' (did you mean 'feature-verification'?)",
        "lifecycle/05-quality.yaml:29:63: error[MLC040]: items[4].raci.informed: [ops] "
        "here, but [devops] in playbook duplicate-finder 1.0.0 (playbook/); change "
        "definitions in the playbook, not in status files" + UPGRADE,
        "lifecycle/05-quality.yaml:29:64: error[MLC022]: item 'feature-qa': unknown role "
        "'ops' in raci.informed (did you mean 'devops'?); roles: devops, ds, mle, mlm, pe, "
        "pm, qa",
        "mlcycle.yaml:14:20: error[MLC026]: team.ds[1]: a person's name is empty",
        "mlcycle.yaml:18:3: error[MLC022]: team: unknown role 'qe'; roles: pm, mlm, ds, "
        "mle, pe, devops, qa",
        "12 errors in 4 files",
    ],
    "phase-files": [
        "lifecycle/02-modeling.yaml:1:1: error[MLC025]: phase 'modeling' is phase 3 of the "
        "playbook; name the file lifecycle/03-modeling.yaml",
        "lifecycle/04-productionization.yaml:1:1: error[MLC025]: missing: phase "
        "'productionization' of playbook 'duplicate-finder' has no status file",
        "lifecycle/06-deployment.yaml:1:8: error[MLC025]: phase 'deployment' is not in "
        "playbook 'duplicate-finder'; its phases: define, data, modeling, "
        "productionization, quality",
        "lifecycle/notes.yaml:1:1: error[MLC025]: not a phase status file name; expected "
        "NN-<phase>.yaml",
        "4 errors in 4 files",
    ],
    "no-lifecycle-files": [
        "lifecycle/: error[MLC025]: no phase status files (lifecycle/NN-<phase>.yaml): nothing "
        "to check; run 'mlcycle init'",
        "1 error in 1 file",
    ],
    "yaml-trouble": [
        "lifecycle/02-data.yaml:51:5: error[MLC004]: duplicate key 'status' (first defined on "
        "line 50); a YAML reader would silently keep only the last one",
        "lifecycle/03-modeling.yaml:3:8: error[MLC005]: alias '*all': anchors and aliases are "
        "not supported in mlcycle files",
        "mlcycle.yaml:3:7: error[MLC005]: YAML tag 'tag:yaml.org,2002:python/object/apply:"
        "os.system' is not allowed; mlcycle files hold only plain mappings, lists, strings, "
        "numbers and booleans",
        "3 errors in 3 files",
    ],
}


def test_every_invalid_fixture_has_its_expectation() -> None:
    assert sorted(p.name for p in INVALID.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_invalid_fixture(case: str, copy_fixture: Callable[[str], Path]) -> None:
    root = copy_fixture(f"invalid/{case}")
    assert_invalid(root, *EXPECTED[case])
    assert not (root / "pwned").exists()


# --- one rule at a time, on a copy of the valid project ----------------------


def test_duplicate_item_id_across_files(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/05-quality.yaml", "  - id: internal-poc",
                                  "  - id: problem-statement"))
    assert_invalid(
        root,
        "lifecycle/05-quality.yaml:22:9: error[MLC020]: item id 'problem-statement' is used "
        "twice; first at lifecycle/01-define.yaml:5",
        "lifecycle/05-quality.yaml:22:9: error[MLC042]: items[3]: item 'problem-statement' "
        "is not an item of phase 'quality' in playbook duplicate-finder 1.0.0 (playbook/); "
        "it belongs to phase 'define'; add items in the playbook, not in status files",
        "lifecycle/05-quality.yaml:26:5: error[MLC041]: item 'internal-poc' of playbook "
        "duplicate-finder 1.0.0 (playbook/) is missing here; it belongs after "
        "'model-accuracy' (restore it with its definition; status files never drop items)",
        "3 errors in 1 file",
    )


def test_no_responsible(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/02-data.yaml", "      responsible: [ds, mle]\n",
                                  "      responsible: []\n"))
    assert_invalid(
        root,
        "lifecycle/02-data.yaml:47:20: error[MLC021]: item 'cleaning-scripts': "
        "raci.responsible names no role; at least one is needed",
        "lifecycle/02-data.yaml:47:20: error[MLC040]: items[3].raci.responsible: [] here, "
        "but [ds, mle] in playbook duplicate-finder 1.0.0 (playbook/); change definitions "
        "in the playbook, not in status files" + UPGRADE,
        "2 errors in 1 file",
    )


def test_accountable_must_be_exactly_one_role(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/03-modeling.yaml",
                                  "raci: {responsible: [mlm], accountable: pm}",
                                  "raci: {responsible: [mlm], accountable: [pm, mlm]}"))
    assert_invalid(
        root,
        "lifecycle/03-modeling.yaml:20:45: error[MLC012]: items[2].raci.accountable: expected a "
        "string, got ['pm', 'mlm']",
        "1 error in 1 file",
    )


def test_unknown_role(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/04-productionization.yaml",
                                  "raci: {responsible: [devops], accountable: mlm}",
                                  "raci: {responsible: [sre], accountable: mlm}"))
    assert_invalid(
        root,
        "lifecycle/04-productionization.yaml:25:25: error[MLC040]: "
        "items[3].raci.responsible: [sre] here, but [devops] in playbook duplicate-finder "
        "1.0.0 (playbook/); change definitions in the playbook, not in status files" + UPGRADE,
        "lifecycle/04-productionization.yaml:25:26: error[MLC022]: item 'devops-tasks': "
        "unknown role 'sre' in raci.responsible; roles: devops, ds, mle, mlm, pe, pm, qa",
        "2 errors in 1 file",
    )


def test_unknown_depends_on(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/05-quality.yaml", "depends_on: [production-code]",
                                  "depends_on: [production-cod]"))
    assert_invalid(
        root,
        "lifecycle/05-quality.yaml:9:17: error[MLC040]: items[0].depends_on: "
        "[production-cod] here, but [production-code] in playbook duplicate-finder 1.0.0 "
        "(playbook/); change definitions in the playbook, not in status files" + UPGRADE,
        "lifecycle/05-quality.yaml:9:18: error[MLC023]: item 'code-review' depends on "
        "unknown item 'production-cod' (did you mean 'production-code'?)",
        "2 errors in 1 file",
    )


def test_dependency_cycle_across_files_is_printed(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/01-define.yaml", "    depends_on: []\n",
                                  "    depends_on: [eda]\n"))
    assert_invalid(
        root,
        "lifecycle/01-define.yaml:18:17: error[MLC024]: dependency cycle: problem-statement "
        "-> eda -> data-sources -> problem-to-model -> problem-statement (one of the cycles "
        "among 5 items that depend on each other)",
        "lifecycle/01-define.yaml:18:17: error[MLC040]: items[0].depends_on: [eda] here, "
        "but [] in playbook duplicate-finder 1.0.0 (playbook/); change definitions in the "
        "playbook, not in status files" + UPGRADE,
        "2 errors in 1 file",
    )


def test_self_dependency_is_a_cycle(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/05-quality.yaml", "depends_on: [production-code]",
                                  "depends_on: [code-review]"))
    assert_invalid(
        root,
        "lifecycle/05-quality.yaml:9:17: error[MLC024]: dependency cycle: code-review -> "
        "code-review",
        "lifecycle/05-quality.yaml:9:17: error[MLC040]: items[0].depends_on: [code-review] "
        "here, but [production-code] in playbook duplicate-finder 1.0.0 (playbook/); change "
        "definitions in the playbook, not in status files" + UPGRADE,
        "2 errors in 1 file",
    )


def test_phase_file_for_a_phase_not_in_the_playbook(tmp_path: Path) -> None:
    def extra(root: Path) -> None:
        (root / "lifecycle/06-monitoring.yaml").write_text("phase: monitoring\nitems: []\n")

    assert_invalid(
        make(tmp_path, extra),
        "lifecycle/06-monitoring.yaml:1:8: error[MLC025]: phase 'monitoring' is not in "
        "playbook 'duplicate-finder'; its phases: define, data, modeling, "
        "productionization, quality",
        "1 error in 1 file",
    )


def test_missing_phase_file(tmp_path: Path) -> None:
    def remove(root: Path) -> None:
        (root / "lifecycle/04-productionization.yaml").unlink()

    # Only the missing file: items of a phase that is not there are not "unknown" too.
    assert_invalid(
        make(tmp_path, remove),
        "lifecycle/04-productionization.yaml:1:1: error[MLC025]: missing: phase "
        "'productionization' of playbook 'duplicate-finder' has no status file",
        "1 error in 1 file",
    )


def test_misnumbered_phase_file(tmp_path: Path) -> None:
    def rename(root: Path) -> None:
        (root / "lifecycle/03-modeling.yaml").rename(root / "lifecycle/3-modeling.yaml")
        (root / "lifecycle/05-quality.yaml").rename(root / "lifecycle/04-quality.yaml")

    assert_invalid(
        make(tmp_path, rename),
        "lifecycle/03-modeling.yaml:1:1: error[MLC025]: missing: phase 'modeling' of "
        "playbook 'duplicate-finder' has no status file",
        "lifecycle/04-quality.yaml:1:1: error[MLC025]: phase 'quality' is phase 5 of the "
        "playbook; name the file lifecycle/05-quality.yaml",
        "lifecycle/3-modeling.yaml:1:1: error[MLC025]: not a phase status file name; "
        "expected NN-<phase>.yaml",
        "3 errors in 3 files",
    )


def test_phase_key_must_match_the_file_name(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/03-modeling.yaml", "phase: modeling",
                                  "phase: quality"))
    assert_invalid(
        root,
        "lifecycle/03-modeling.yaml:1:8: error[MLC025]: phase 'quality' does not match the file "
        "name '03-modeling.yaml'",
        "1 error in 1 file",
    )


def test_team_person_empty(tmp_path: Path) -> None:
    root = make(tmp_path, replace("mlcycle.yaml", "  pe: [Sam Carter, Jo Park]",
                                  "  pe: [Sam Carter, '']"))
    assert_invalid(
        root,
        "mlcycle.yaml:16:20: error[MLC026]: team.pe[1]: a person's name is empty",
        "1 error in 1 file",
    )


def test_unknown_team_role(tmp_path: Path) -> None:
    root = make(tmp_path, replace("mlcycle.yaml", "  devops: [Lena Vogel]",
                                  "  devop: [Lena Vogel]"))
    assert_invalid(
        root,
        "mlcycle.yaml:17:3: error[MLC022]: team: unknown role 'devop' (did you mean "
        "'devops'?); roles: pm, mlm, ds, mle, pe, devops, qa",
        "1 error in 1 file",
    )


def test_unknown_current_phase(tmp_path: Path) -> None:
    root = make(tmp_path, replace("mlcycle.yaml", "current_phase: data",
                                  "current_phase: deployment"))
    assert_invalid(
        root,
        "mlcycle.yaml:9:16: error[MLC027]: current_phase 'deployment' is not a phase of "
        "playbook 'duplicate-finder'",
        "1 error in 1 file",
    )


def test_unknown_playbook(tmp_path: Path) -> None:
    root = make(tmp_path, replace("mlcycle.yaml", "  name: duplicate-finder\n  version: 1.0.0\n"
                                  "  path: playbook  # the team's own playbook, kept in the "
                                  "repository\n", "  name: five-phases\n  version: 1.0.0\n"))
    assert_invalid(
        root,
        "mlcycle.yaml:6:9: error[MLC030]: unknown playbook 'five-phases' (did you mean "
        "'five-phase'?); built-in: crisp-dm, five-phase, ml-test-score, product, tdsp, ten-step "
        "(a team's playbook also needs its directory under playbook.path)",
        "1 error in 1 file",
    )


def test_evidence_leaving_the_project(tmp_path: Path) -> None:
    def evidence(root: Path) -> None:
        replace("lifecycle/01-define.yaml", "      - docs/define/problem-statement.md\n",
                "      - ../secret.md\n      - /etc/passwd\n      - docs/define/../../x.md\n"
                "      - docs/outside.md\n")(root)
        (tmp_path / "outside.md").write_text("not in the project\n")
        os.symlink(tmp_path / "outside.md", root / "docs/outside.md")

    assert_invalid(
        make(tmp_path, evidence),
        "lifecycle/01-define.yaml:22:9: error[MLC029]: item 'problem-statement': evidence "
        "'../secret.md' climbs out with '..'; it was not opened",
        "lifecycle/01-define.yaml:23:9: error[MLC029]: item 'problem-statement': evidence "
        "'/etc/passwd' is not a relative path inside the project (use / and no drive or leading "
        "/); it was not opened",
        "lifecycle/01-define.yaml:24:9: error[MLC029]: item 'problem-statement': evidence "
        "'docs/define/../../x.md' climbs out with '..'; it was not opened",
        "lifecycle/01-define.yaml:25:9: error[MLC029]: item 'problem-statement': evidence "
        "'docs/outside.md' resolves (through a symlink) to a place outside the project; it was "
        "not opened",
        "4 errors in 1 file",
    )


def test_no_project_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_invalid(
        empty,
        f"{empty.resolve()}/: error[MLC028]: no mlcycle.yaml here or in any parent "
        "directory; run 'mlcycle init' first or name the project directory",
        "1 error in 1 file",
    )


def test_several_problems_are_all_printed_sorted(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        replace("mlcycle.yaml", "  qa: [Tom Becker]", "  qa: [Tom Becker]\n  sre: [Ann]"),
        replace("lifecycle/05-quality.yaml", "informed: [devops]", "informed: [ops]"),
        replace("lifecycle/02-data.yaml", "    status: blocked\n", "    status: stuck\n"),
        replace("lifecycle/01-define.yaml", "    due: 2025-03-14\n", "    due: 2025-03-32\n"),
    )
    assert_invalid(
        root,
        "lifecycle/01-define.yaml:23:10: error[MLC013]: items[0].due: '2025-03-32' is not a "
        "real calendar date",
        "lifecycle/02-data.yaml:39:13: error[MLC012]: items[2].status: 'stuck' is not one "
        "of todo, doing, blocked, done, waived, na",
        "lifecycle/05-quality.yaml:29:63: error[MLC040]: items[4].raci.informed: [ops] "
        "here, but [devops] in playbook duplicate-finder 1.0.0 (playbook/); change "
        "definitions in the playbook, not in status files" + UPGRADE,
        "lifecycle/05-quality.yaml:29:64: error[MLC022]: item 'feature-qa': unknown role "
        "'ops' in raci.informed (did you mean 'devops'?); roles: devops, ds, mle, mlm, pe, "
        "pm, qa",
        "mlcycle.yaml:19:3: error[MLC022]: team: unknown role 'sre'; roles: pm, mlm, ds, "
        "mle, pe, devops, qa",
        "5 errors in 4 files",
    )


def test_evidence_symlink_loop_is_an_input_error_not_a_crash(tmp_path: Path) -> None:
    def evidence(root: Path) -> None:
        replace("lifecycle/01-define.yaml", "      - docs/define/problem-statement.md\n",
                "      - docs/loop-a\n")(root)
        os.symlink("loop-b", root / "docs/loop-a")
        os.symlink("loop-a", root / "docs/loop-b")

    assert_invalid(
        make(tmp_path, evidence),
        "lifecycle/01-define.yaml:22:9: error[MLC029]: item 'problem-statement': evidence "
        "'docs/loop-a' is a symlink that loops or cannot be resolved; it was not opened",
        "1 error in 1 file",
    )
