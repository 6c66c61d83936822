"""Recurring items (`recurs: 30d`): `mlcycle done` records `done_on`; once the
last completion is older than the period the item is due again, a warning for
14 days, then an error for a gate of the current or an earlier phase; shown by
`status` and `next`. A recurring item done without `done_on` is an error."""

from __future__ import annotations

from pathlib import Path

from helpers.cli import run
from helpers.project import init_date

PLAYBOOK = {
    "playbook.yaml": """\
name: ops
version: 1.0.0
title: Operations test playbook
description: Two phases, recurring work and a profiled gate.
roles:
  - id: pm
    name: Product manager
  - id: mlm
    name: ML manager
phases: [build, run]
""",
    "build.yaml": """\
id: build
title: Build
purpose: Build the thing.
items:
  - id: model
    title: Model
    description: A model exists.
    raci: {responsible: [mlm], accountable: mlm}
  - id: rollout
    title: Staged rollout
    description: Exposure widens segment by segment.
    raci: {responsible: [pm], accountable: pm}
    gate: true
    profiles: [production]
""",
    "run.yaml": """\
id: run
title: Run
purpose: Keep it healthy.
items:
  - id: retrain
    title: Retraining
    description: A retrained model passed its checks.
    raci: {responsible: [mlm], accountable: mlm}
    gate: true
    recurs: 30d
  - id: review
    title: Impact review
    description: Metrics reviewed and a decision recorded.
    raci: {responsible: [pm], accountable: pm}
    recurs: 90d
""",
}
RUN = "lifecycle/02-run.yaml"


def write_playbook(where: Path, **changed: str) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    for name, text in {**PLAYBOOK, **changed}.items():
        (where / name).write_text(text, encoding="utf-8")
    return where


def project(tmp_path: Path, *extra: str) -> Path:
    write_playbook(tmp_path / "pb")
    with init_date():
        result = run("init", "p", "--playbook", "./pb", "--no-input", "--team", "pm=Ana",
                     "--team", "mlm=Bo", *extra, cwd=tmp_path)
    assert result.code == 0, result.err
    return tmp_path / "p"


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_status_files_carry_recurs_and_done_records_the_day(tmp_path: Path) -> None:
    root = project(tmp_path)
    text = (root / RUN).read_text(encoding="utf-8")
    assert "    gate: true\n    evidence_required: false\n    recurs: 30d\n    status: todo\n" \
        in text
    result = run("done", "review", "--today", "2030-01-10", "-C", root)
    assert (result.code, result.out) == (0, "review: todo -> done (done_on: 2030-01-10)\n")
    assert (root / RUN).read_text(encoding="utf-8").endswith(
        "    recurs: 90d\n    status: done\n    owner:\n    done_on: 2030-01-10\n")
    # Done again later: only the day moves.
    again = run("done", "review", "--today", "2030-04-11", "-C", root)
    assert (again.code, again.out) == (0, "review: done_on: 2030-04-11\n")
    assert (root / RUN).read_text(encoding="utf-8").endswith(
        "    status: done\n    owner:\n    done_on: 2030-04-11\n")
    # A one-off item gets no date.
    assert run("done", "model", "--today", "2030-04-11", "-C", root).out == \
        "model: todo -> done\n"
    assert "done_on" not in (root / "lifecycle/01-build.yaml").read_text(encoding="utf-8")


def test_a_due_gate_warns_for_14_days_then_fails_check(tmp_path: Path) -> None:
    # pilot: the production-only rollout gate does not hold the project in build.
    root = project(tmp_path, "--profile", "pilot")
    assert run("advance", "-C", root, "--today", "2030-01-01", "--by", "Bo").code == 0
    assert run("done", "retrain", "-C", root, "--today", "2030-01-01").code == 0
    at = line_of(root / RUN, "    done_on: 2030-01-01")

    def check(today: str) -> tuple[int, list[str]]:
        result = run("check", root, "--today", today)
        return result.code, result.out.splitlines()[:-1]

    assert check("2030-01-30") == (0, [])
    warning = (f"{RUN}:{at}:14: warning[MLC160]: item 'retrain' is due again since 2030-01-31 "
               "(last done 2030-01-01, recurs every 30d); do it again and run `mlcycle done "
               "retrain`; from 2030-02-14 it fails check")
    assert check("2030-01-31") == (0, [warning])
    assert check("2030-02-13") == (0, [warning])
    assert check("2030-02-14") == (1, [
        f"{RUN}:{at}:14: error[MLC140]: gate 'retrain' (Retraining) is due again since "
        "2030-01-31 (last done 2030-01-01, recurs every 30d); do it again and run `mlcycle "
        "done retrain`"])

    status = run("status", root, "--today", "2030-02-14")
    assert status.code == 0
    assert "Open gates (1)\n- retrain (run)\n" in status.out
    assert status.out.endswith(
        "Due again (recurring) (1)\n- retrain (run) · Retraining · unowned · due again since "
        "2030-01-31 (last done 2030-01-01, recurs\n  every 30d)\n\n"
        "Not applicable by profile (1)\n- rollout (build) · Staged rollout · unowned · not "
        "applicable to a pilot project (applies to\n  production)\n")
    assert run("next", root, "--today", "2030-02-14").out == (
        "Ready to work on in run (2):\n"
        "  retrain (gate, done, unowned, due again since 2030-01-31 (last done 2030-01-01, "
        "recurs every 30d)): Retraining\n"
        "    mlcycle done retrain\n"
        "  review (item, todo, unowned): Impact review\n"
        "    mlcycle start review\n")

    done = run("done", "retrain", "-C", root, "--today", "2030-02-14")
    assert (done.code, done.out) == (0, "retrain: done_on: 2030-02-14\n")
    assert check("2030-02-14") == (0, [])
    assert "Due again" not in run("status", root, "--today", "2030-02-14").out


def test_a_non_gate_or_a_later_phase_stays_a_warning(tmp_path: Path) -> None:
    root = project(tmp_path)  # in build: the run phase is later
    assert run("done", "retrain", "review", "-C", root, "--today", "2030-01-01").code == 0
    result = run("check", root, "--today", "2031-01-01")
    retrain, review = (line_of(root / RUN, "    done_on: 2030-01-01"),
                       len((root / RUN).read_text(encoding="utf-8").splitlines()))
    assert (result.code, result.out.splitlines()[:-1]) == (0, [
        f"{RUN}:{retrain}:14: warning[MLC160]: item 'retrain' is due again since 2030-01-31 "
        "(last done 2030-01-01, recurs every 30d); do it again and run `mlcycle done retrain`",
        f"{RUN}:{review}:14: warning[MLC160]: item 'review' is due again since 2030-04-01 "
        "(last done 2030-01-01, recurs every 90d); do it again and run `mlcycle done review`",
    ])


def test_done_without_done_on_is_an_error_naming_the_fix(tmp_path: Path) -> None:
    root = project(tmp_path)
    path = root / RUN
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    recurs: 90d\n    status: todo\n",
                                 "    recurs: 90d\n    status: done\n"), encoding="utf-8")
    result = run("check", root, "--today", "2030-01-01")
    at = line_of(path, "    status: done")
    assert (result.code, result.out.splitlines()[:-1]) == (1, [
        f"{RUN}:{at}:13: error[MLC141]: item 'review' recurs every 90d but is done with no "
        "done_on date; run `mlcycle done review` when it is done again, or add done_on: "
        "YYYY-MM-DD (the day it was last done)"])
    assert "Due again (recurring) (1)\n- review (run) · Impact review · unowned · done with no " \
        "done_on date (recurs every 90d)\n" in run("status", root, "--all",
                                                    "--today", "2030-01-01").out
    # The fix it names: run `mlcycle done` (it records today).
    assert run("done", "review", "-C", root, "--today", "2030-01-01").code == 0
    assert run("check", root, "--today", "2030-01-01").code == 0


def test_a_done_on_in_the_future_is_an_error_not_a_way_to_stay_fresh(tmp_path: Path) -> None:
    """Writing `done_on: 2099-01-01` by hand would keep a recurring gate from ever
    coming due; tomorrow is allowed (`done` records the local date, CI may be a
    time zone behind)."""
    root = project(tmp_path, "--profile", "pilot")
    assert run("advance", "-C", root, "--today", "2030-01-01", "--by", "Bo").code == 0
    assert run("done", "retrain", "-C", root, "--today", "2030-01-02").code == 0
    # Done "tomorrow" as CI a time zone behind sees it: accepted.
    assert run("check", root, "--today", "2030-01-01").code == 0
    path = root / RUN
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    done_on: 2030-01-02\n", "    done_on: 2099-01-01\n"), encoding="utf-8")
    at = line_of(path, "    done_on: 2099-01-01")
    result = run("check", root, "--today", "2030-01-01")
    assert (result.code, result.out.splitlines()[:-1]) == (1, [
        f"{RUN}:{at}:14: error[MLC142]: item 'retrain': done_on 2099-01-01 is in "
        "the future (today is 2030-01-01), so it would never come due; set the day it was "
        "done, or run `mlcycle done retrain` (it records today)"])
    assert run("done", "retrain", "-C", root, "--today", "2030-01-01").code == 0
    assert run("check", root, "--today", "2030-01-01").code == 0


def test_a_done_on_that_is_not_a_date_is_a_located_input_error(tmp_path: Path) -> None:
    root = project(tmp_path)
    path = root / RUN
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    recurs: 90d\n    status: todo\n",
                                 "    recurs: 90d\n    status: done\n    done_on: last week\n"),
                    encoding="utf-8")
    result = run("check", root, "--today", "2030-01-01")
    assert result.code == 2
    assert result.err == (f"{RUN}:{line_of(path, '    done_on: last week')}:14: error[MLC013]: "
                          "items[1].done_on: expected a calendar date YYYY-MM-DD, got "
                          "'last week'\n")


def test_a_malformed_period_is_a_located_input_error(tmp_path: Path) -> None:
    for given, shown in (("3m", "'3m'"), ("90", "90"), ("0d", "'0d'"), ("1.5d", "'1.5d'")):
        pb = write_playbook(tmp_path / f"pb-{given}", **{
            "run.yaml": PLAYBOOK["run.yaml"].replace("recurs: 30d", f"recurs: {given}")})
        result = run("init", f"p-{given}", "--playbook", f"./{pb.name}", "--no-input",
                     cwd=tmp_path)
        assert result.code == 2, given
        assert result.err == (
            f"{pb.name}/run.yaml:10:13: error[MLC012]: items[0].recurs: expected a period in "
            f"whole days such as 90d (1d to 9999d; no other unit), got {shown}\n"
            "1 error in 1 file\n"), given
        assert not (tmp_path / f"p-{given}").exists()
