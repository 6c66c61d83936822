"""One interrupt policy (issue 9, items 12 and 13): Ctrl-C is exit 130 and the
one line `mlcycle: interrupted`, never a traceback and never an input error;
`init` interrupted leaves the target exactly as it was.

Real processes and real SIGINTs at a range of delays: the races are the point.
The delays start after Python's own start-up (the first ~30 ms, before any of
mlcycle's code runs, belong to the interpreter)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import tree

MLCYCLE = [sys.executable, "-m", "mlcycle"]
INTERRUPTED = "mlcycle: interrupted\n"


def first_delay(cwd: Path) -> float:
    """When mlcycle's handler is surely installed: a few times what Python needs
    to start and answer `--version` (which stops just short of installing it)."""
    return max(0.15, 3 * timed([*MLCYCLE, "--version"], cwd)[0])


def env() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1700000000"}


def interrupted_after(command: list[str], delay: float, cwd: Path) -> tuple[int, str, str]:
    process = subprocess.Popen(command, cwd=cwd, env=env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, env=env(), capture_output=True, text=True)
    return time.monotonic() - started, done


# --- item 12: init ---------------------------------------------------------------


def test_ctrl_c_during_init_leaves_the_target_as_before_or_init_completed(
        tmp_path: Path) -> None:
    reference = tmp_path / "reference" / "s"  # the same name: the same files
    duration, done = timed([*MLCYCLE, "init", str(reference), "--no-input"], tmp_path)
    assert done.returncode == 0, done.stderr
    rendered = tree(reference)
    runs = 24  # half in an existing directory, half in a new one
    start = first_delay(tmp_path)
    delays = [start + (duration * 1.2) * i / runs for i in range(runs)]

    def one(index: int) -> tuple[int, str, str, bool, str]:
        base = tmp_path / f"run{index}"
        base.mkdir()
        existing = index % 2 == 0
        # An existing directory with a file of the user's, or a new nested one.
        target = base / "s" if existing else base / "new" / "s"
        if existing:
            target.mkdir()
            (target / "README.md").write_text("mine\n")
        before = tree(base)
        code, out, err = interrupted_after([*MLCYCLE, "init", str(target), "--no-input"],
                                           delays[index], base)
        if code == 130:
            ok = (out, err) == ("", INTERRUPTED) and tree(base) == before
        else:
            expected = {**rendered, "README.md": b"mine\n"} if existing else rendered
            ok = code == 0 and err == "" and "\ninitialised " in f"\n{out}" \
                and tree(target) == expected
        return code, out, err, ok, f"delay {delays[index]:.3f}s, existing={existing}"

    outcomes = [one(index) for index in range(runs)]  # one at a time: timing is the point
    wrong = [(code, out, err, where) for code, out, err, ok, where in outcomes if not ok]
    assert wrong == []
    assert any(code == 130 for code, *_ in outcomes)


def test_a_late_ctrl_c_after_init_succeeded_changes_nothing(tmp_path: Path) -> None:
    for attempt in range(3):
        target = tmp_path / f"s{attempt}"
        with subprocess.Popen([*MLCYCLE, "init", str(target), "--no-input"], cwd=tmp_path,
                              env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as process:
            assert process.stdout is not None and process.stderr is not None
            first = process.stdout.readline()  # printed after the last file was moved
            process.send_signal(signal.SIGINT)
            rest = process.stdout.read()  # not communicate(): it would lose what was buffered
            err = process.stderr.read()
            process.wait(timeout=60)
        assert first.startswith(f"initialised {target.as_posix()}: ")
        assert (process.returncode, err) == (0, "")
        assert rest == "next: fill in the docs, then run `mlcycle status` and `mlcycle check`\n"
        assert run("validate", target).code == 0


# --- item 13: loading -------------------------------------------------------------


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh product project whose status files carry ~3 MB of evidence URLs
    (state only), so that loading takes about a second."""
    root = tmp_path_factory.mktemp("big") / "p"
    done = subprocess.run([*MLCYCLE, "init", str(root), "--no-input", "--team", "pm=Ana",
                           "--primary-metric", "precision_at_50>=0.30"],
                          env=env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    urls = "".join(f"      - https://example.org/doc/{n}\n" for n in range(1200))
    for path in sorted((root / "lifecycle").glob("*.yaml")):
        text = path.read_text()
        path.write_text(text.replace("    status: todo\n    owner:\n",
                                     "    status: todo\n    owner:\n    evidence:\n" + urls))
    return root


@pytest.mark.parametrize("command", [["check"], ["check", "--all", "--format", "json"],
                                     ["validate"], ["status"]])
def test_ctrl_c_while_loading_is_never_an_input_error(big_project: Path,
                                                      command: list[str]) -> None:
    duration, reference = timed([*MLCYCLE, *command, str(big_project)], big_project)
    assert reference.returncode in (0, 1), reference.stderr
    runs = 6
    wrong = []
    start = first_delay(big_project)
    for i in range(runs):
        delay = start + duration * i / runs
        code, out, err = interrupted_after([*MLCYCLE, *command, str(big_project)], delay,
                                           big_project)
        if code == 130:  # what was printed before Ctrl-C stays printed, nothing else
            ok = err == INTERRUPTED and reference.stdout.startswith(out)
        else:
            ok = (code, out, err) == (reference.returncode, reference.stdout,
                                       reference.stderr)
        if not ok:
            wrong.append((f"delay {delay:.3f}s", code, out[-300:], err[-300:]))
    assert wrong == []


def test_an_interrupt_a_library_turned_into_a_validation_error_is_still_ctrl_c(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pydantic catches an exception raised inside validation (the KeyboardInterrupt
    of a real SIGINT) and reports it as a failed pattern: the validator of the
    library is replaced by one that does what pydantic did, with a real signal."""
    from mlcycle.errors import MlcycleError
    from mlcycle.load import source

    assert run("init", tmp_path / "p", "--no-input").code == 0
    real = source.validate

    def swallowing(*args: object) -> object:
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            raise MlcycleError.at("MLC012", "title: 'x' is not allowed here: expected text "
                                  "matching <unprintable str object>", "x.yaml", 3, 8) from None
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(source, "validate", swallowing)
    for command in (["check"], ["validate"], ["status"], ["check", "--format", "junit"]):
        result = run(*command, tmp_path / "p")
        assert (result.code, result.out, result.err) == (130, "", INTERRUPTED), command
    monkeypatch.setattr(source, "validate", real)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


# --- item 13: the editing commands' commit follows the same policy --------------------


def test_ctrl_c_during_an_edit_leaves_the_old_file_or_completes(tmp_path: Path) -> None:

    from helpers.editproject import large_frame

    frame = "lifecycle/01-frame.yaml"
    root, old, new = large_frame(tmp_path)  # 4 MiB: reading and writing take a while
    command = [*MLCYCLE, "start", "problem", "-C", str(root), "--today", "2026-01-10"]
    duration, done = timed(command, tmp_path)
    assert done.returncode == 0, done.stderr
    start = first_delay(tmp_path)
    wrong = []
    for i in range(8):
        (root / frame).write_bytes(old)
        delay = start + duration * 1.2 * i / 8
        code, out, err = interrupted_after(command, delay, tmp_path)
        data = (root / frame).read_bytes()
        left = [p.name for p in root.rglob("*.tmp")]
        ok = left == [] and ((code, err, data) == (130, INTERRUPTED, old)
                             or (code, err, data) == (0, "", new))
        if not ok:
            wrong.append((f"delay {delay:.3f}s", code, err[-300:], data == old, left))
    assert wrong == []
