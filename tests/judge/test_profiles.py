"""Project profiles (poc, pilot, production): `init --profile`, items listing the
profiles they apply to (not applicable, never a gate, outside them), `mlcycle
profile set` recorded in the history and flagged by `diff` when it switches
gates off, and a profile edited by hand refused (MLC049)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers.cli import run
from test_recurring import line_of, project


def test_init_profile_is_stored_and_recorded(tmp_path: Path) -> None:
    root = project(tmp_path, "--profile", "pilot")
    text = (root / "mlcycle.yaml").read_text(encoding="utf-8")
    assert ("current_phase: build\n# poc, pilot or production (absent: production): which "
            "items apply; change it\n# with `mlcycle profile set`.\nprofile: pilot\nteam:\n") \
        in text
    assert text.endswith("    event: init\n    to: build\n    to_profile: pilot\n"
                         "    by: mlcycle init\n")
    assert run("validate", root).code == 0
    # The default is production, written nowhere: every item applies.
    default = project(tmp_path / "d")
    assert "profile" not in (default / "mlcycle.yaml").read_text(encoding="utf-8")


def test_init_unknown_profile_is_exit_2(tmp_path: Path) -> None:
    result = run("init", tmp_path / "p", "--no-input", "--profile", "pylot")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("<command line>: error[MLC031]: --profile: 'pylot' is not a profile "
                          "(did you mean 'pilot'?); profiles: poc, pilot, production\n")
    assert not (tmp_path / "p").exists()


def test_an_item_outside_the_profile_is_not_applicable_and_never_gates(tmp_path: Path) -> None:
    root = project(tmp_path, "--profile", "pilot")
    status = run("status", root, "--today", "2030-01-01")
    assert status.code == 0
    lines = status.out.splitlines()
    assert lines[0] == "p · playbook ops 1.0.0 · current phase: build · as of 2030-01-01 · " \
        "profile: pilot"
    # build: model (todo) and rollout (not applicable, closed); no gate left in it.
    assert any(line.split()[-2:] == ["1/2", "0/0"] and "Build" in line for line in lines)
    assert status.out.endswith("Not applicable by profile (1)\n- rollout (build) · Staged "
                               "rollout · unowned · not applicable to a pilot project "
                               "(applies to\n  production)\n")
    assert "rollout" not in run("next", root, "--today", "2030-01-01").out
    # The gate is open by status, yet it holds nothing.
    assert run("check", root, "--phase", "build", "--today", "2030-01-01").code == 0
    moved = run("advance", "-C", root, "--today", "2030-01-01", "--by", "Bo")
    assert (moved.code, moved.out) == (0, "advanced: build -> run (by Bo, 2030-01-01)\n")
    assert run("check", root, "--today", "2030-01-01").code == 0
    # The same project in production: the gate holds.
    production = project(tmp_path / "prod")
    refused = run("advance", "-C", production, "--today", "2030-01-01", "--by", "Bo")
    assert refused.code == 1
    assert refused.err.startswith("advance refused: 1 gate of phase 'build' open (rollout)")


def test_profile_set_is_recorded_and_needs_the_accountable_role(tmp_path: Path) -> None:
    root = project(tmp_path)
    before = (root / "mlcycle.yaml").read_bytes()
    # rollout is accountable to pm (Ana); Bo holds mlm only.
    refused = run("profile", "set", "pilot", "--reason", "one region first", "--by", "Bo",
                  "--today", "2030-01-05", "-C", root)
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (
        "<command line>: error[MLC031]: --by Bo cannot switch these gates off: their "
        "accountable role is 'pm' (rollout; held by Ana); name a person holding each role "
        "with --by PERSON (repeatable), as for `mlcycle na`\n")
    no_reason = run("profile", "set", "pilot", "--by", "Ana", "--today", "2030-01-05", "-C",
                    root)
    assert (no_reason.code, no_reason.err) == (2, (
        "<command line>: error[MLC031]: --reason TEXT: say why the profile changes (it is "
        "recorded in the history)\n"))
    unknown = run("profile", "set", "pilote", "--reason", "x", "--by", "Ana", "-C", root)
    assert (unknown.code, unknown.err) == (2, (
        "<command line>: error[MLC031]: 'pilote' is not a profile (did you mean 'pilot'?); "
        "profiles: poc, pilot, production\n"))
    assert (root / "mlcycle.yaml").read_bytes() == before

    done = run("profile", "set", "pilot", "--reason", "one region first", "--by", "Ana",
               "--today", "2030-01-05", "-C", root)
    assert (done.code, done.out) == (0, (
        "profile: production -> pilot (by Ana, 2030-01-05)\n"
        "1 gate no longer applies: rollout (flagged by `mlcycle diff`)\n"))
    assert (root / "mlcycle.yaml").read_text(encoding="utf-8") == before.decode() + (
        "  - date: 2030-01-05\n    event: profile\n    to: build\n    from_profile: production\n"
        "    to_profile: pilot\n    reason: one region first\n    by: Ana\nprofile: pilot\n")
    assert run("validate", root).code == 0
    again = run("profile", "set", "pilot", "--reason", "x", "--by", "Ana", "-C", root)
    assert (again.code, again.out, again.err) == (
        1, "", "mlcycle profile set: the profile is already pilot; nothing written\n")
    # Back to production: gates switch on, which anyone on the team may do.
    back = run("profile", "set", "production", "--reason", "launch", "--by", "Bo",
               "--today", "2030-02-01", "-C", root)
    assert (back.code, back.out) == (0, (
        "profile: pilot -> production (by Bo, 2030-02-01)\n"
        "1 gate applies again: rollout\n"))
    log = run("log", "-C", root).out
    assert "  2030-01-05  profile  at build: profile production -> pilot: one region first  " \
        "(by Ana)\n" in log


def test_a_profile_edited_by_hand_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path, "--profile", "pilot")
    path = root / "mlcycle.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nprofile: pilot\n",
                                                             "\nprofile: poc\n"),
                    encoding="utf-8")
    result = run("validate", root)
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        f"mlcycle.yaml:{line_of(path, 'profile: poc')}:10: error[MLC049]: profile: mlcycle.yaml "
        "says poc, but the history last set pilot; change it with `mlcycle profile set PROFILE "
        "--reason TEXT --by PERSON` (it records the change in the history)")


def test_a_hand_written_profile_entry_needs_its_reason(tmp_path: Path) -> None:
    root = project(tmp_path)
    path = root / "mlcycle.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - date: 2030-01-05\n    event: profile\n    to: build\n    to_profile: pilot\n"
        "    by: Ana\nprofile: pilot\n"), encoding="utf-8")
    result = run("validate", root)
    assert result.code == 2
    at = line_of(path, "    event: profile")
    assert result.err.splitlines()[0] == (
        f"mlcycle.yaml:{at}:12: error[MLC044]: history[1]: a profile entry needs 'reason' "
        "(`mlcycle profile set PROFILE --reason TEXT --by PERSON` writes one)")


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("", encoding="utf-8")
    for key, value in (("GIT_AUTHOR_NAME", "Ana"), ("GIT_AUTHOR_EMAIL", "ana@example.com"),
                       ("GIT_COMMITTER_NAME", "Ana"), ("GIT_COMMITTER_EMAIL", "ana@example.com"),
                       ("GIT_CONFIG_NOSYSTEM", "1"), ("GIT_CONFIG_GLOBAL", str(config))):
        monkeypatch.setenv(key, value)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=root, check=True,
                   capture_output=True)


def test_diff_flags_a_profile_that_switches_gates_off(tmp_path: Path, git_env: None) -> None:
    root = project(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    assert run("profile", "set", "poc", "--reason", "a demo first", "--by", "Ana",
               "--today", "2030-01-05", "-C", root).code == 0
    result = run("diff", "--base", "HEAD", cwd=root)
    assert result.code == 0
    assert ("\n!! profile: production -> poc; gates SWITCHED OFF: rollout\n"
            "!! build/rollout: gate SWITCHED OFF by profile poc (it applies to production)\n") \
        in result.out
    assert "   profile: profile entry on 2030-01-05 by Ana: production -> poc: a demo first\n" \
        in result.out
    # check --base warns at the gate, naming who answers for it.
    based = run("check", "--base", "HEAD", "--today", "2030-01-05", cwd=root)
    status = root / "lifecycle" / "01-build.yaml"
    assert (based.code, based.out.splitlines()[0]) == (0, (
        f"lifecycle/01-build.yaml:{line_of(status, '  - id: rollout')}:5: warning[MLC154]: item "
        "'rollout': this change weakens it: gate SWITCHED OFF by profile poc (it applies to "
        "production); accountable: pm (Ana)"))
    git(tmp_path, "commit", "-q", "-am", "poc")
    # Switching gates back on is shown, not flagged.
    assert run("profile", "set", "production", "--reason", "launch", "--by", "Ana",
               "--today", "2030-02-01", "-C", root).code == 0
    back = run("diff", "--base", "HEAD", cwd=root).out
    assert "   profile: poc -> production; gates switched on: rollout\n" in back
    assert "!!" not in back


def test_diff_flags_a_longer_period_and_a_narrower_profile(tmp_path: Path,
                                                           git_env: None) -> None:
    root = project(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    pb = tmp_path / "pb"
    for name, old, new in (("run.yaml", "recurs: 30d", "recurs: 60d"),
                           ("run.yaml", "    recurs: 90d\n",
                            "    recurs: 90d\n    profiles: [production]\n"),
                           ("playbook.yaml", "version: 1.0.0", "version: 1.1.0")):
        text = (pb / name).read_text(encoding="utf-8")
        (pb / name).write_text(text.replace(old, new), encoding="utf-8")
    upgraded = run("upgrade", root, "--today", "2030-01-01", "--by", "Ana")
    assert upgraded.code == 0, upgraded.err
    assert "definition changes (2):\n  retrain: recurs: 30d -> 60d\n  review: profiles: all -> " \
        "production\n" in upgraded.out
    result = run("diff", "--base", "HEAD", cwd=root)
    assert ("DEFINITION CHANGES:\n!! run/retrain: recurs: 30d -> 60d (LESS OFTEN)\n"
            "!! run/review: profiles: all -> production (NO LONGER APPLIES to poc, pilot)\n") \
        in result.out
