"""Faults injected for real into real mlcycle processes (issue 14, Faults): a
SIGKILL or a Ctrl-C (SIGINT) at every point of a command's write sequence where
the files on disk can differ (tests/helpers/faults.py: an audit hook in the process
sends the signal just before that file-system operation), a file-size limit
(RLIMIT_FSIZE) and a full filesystem (a small tmpfs).

Promised (README, Writes and Exit codes): every file holds its old bytes or
its new ones, never a mix; a change to several files is seen all old or all
new (a SIGKILL among its renames is completed by the next mlcycle, from its
journal); Ctrl-C is exit 130 with nothing written, or the command completed;
a refused write is one located line, exit 2, nothing changed, no staged file
left. After a SIGKILL only the documented staged files may stay behind."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.editproject import tiny_project
from helpers.faults import launch, limited, operations
from helpers.project import FIXTURES, snapshot, tree

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "fork"),
                                reason="needs POSIX signals and resource limits")

INTERRUPTED = "mlcycle: interrupted\n"
# What a killed edit may leave: its staged files (README: "delete it").
STAGED = re.compile(r"(.*/)?\.[^/]+\.[a-z0-9_]+\.mlcycle\.tmp")
JOURNAL = ".mlcycle-journal"
EFBIG = os.strerror(errno.EFBIG)
ENOSPC = os.strerror(errno.ENOSPC)


def fault_points(ops: list[list[str]]) -> list[int]:
    """Every point where what is on disk can differ: the first operation, before
    each rename (a file, or the journal, lands) and just after the last one."""
    renames = [i for i, op in enumerate(ops) if op[0] == "os.rename"]
    assert renames, ops
    return sorted({0, *renames, renames[-1] + 1} & set(range(len(ops))))


def files(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree(root).items() if v is not None}


def extra(after: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    return sorted(set(after) - set(old) - set(new))


def assert_each_file_old_or_new(after: dict[str, bytes], old: dict[str, bytes],
                                new: dict[str, bytes], where: str) -> None:
    for path in set(old) | set(new):
        assert after.get(path) in (old.get(path), new.get(path)), f"{path}: a mix, {where}"


# --- the tiny project and its changes ---------------------------------------------


def upgradable(tmp_path: Path) -> tuple[Path, list[str]]:
    """The tiny project and an upgrade to a playbook with a new second phase: five
    files change (one created, two renumbered, LIFECYCLE.md, mlcycle.yaml)."""
    root = tiny_project(tmp_path)
    playbook = tmp_path / "tiny2"
    shutil.copytree(tmp_path / "tiny", playbook)
    meta = playbook / "playbook.yaml"
    meta.write_text(meta.read_text().replace("version: 1.0.0", "version: 1.1.0")
                    .replace("  - frame\n", "  - frame\n  - review\n"))
    (playbook / "review.yaml").write_text(
        "id: review\ntitle: Review\npurpose: Someone looked.\nitems:\n  - id: looked\n"
        "    title: Looked\n    description: Someone looked at it.\n    raci:\n"
        "      responsible: [pm]\n      accountable: pm\n    gate: true\n")
    return root, ["upgrade", str(root), "--to", str(playbook), "--today", "2026-01-10"]


def reopenable(tmp_path: Path) -> tuple[Path, list[str]]:
    """The tiny project in its second phase: `reopen --reset` changes mlcycle.yaml
    and the first status file."""
    root = tiny_project(tmp_path)
    assert run("done", "problem", "-e", "docs/problem.md", cwd=root).code == 0
    assert run("advance", "--by", "Ana Lima", "--today", "2026-01-11", cwd=root).code == 0
    return root, ["reopen", "frame", "--reason", "leakage", "--reset", "problem", "--by",
                  "Bo Li", "--today", "2026-01-12", "-C", str(root)]


BY = ("--by", "Ana Lima", "--today", "2026-01-10")


def _rubric(root: Path, version: str = "1.0.0", folder: str = "rubric") -> None:
    """A team's overlay inside the project: one phase, one gate of the pm's."""
    rubric = root / folder
    rubric.mkdir(exist_ok=True)
    (rubric / "playbook.yaml").write_text(
        f"name: rubric\nversion: {version}\ntitle: Our rubric\ndescription: Our checks.\n"
        "roles:\n  - id: pm\n    name: Product manager\nphases: [review]\n")
    (rubric / "review.yaml").write_text(
        "id: review\ntitle: Review\npurpose: A second pair of eyes.\nitems:\n"
        "  - id: peer-review\n    title: Peer review\n"
        f"    description: A peer reviews the model ({version}).\n"
        "    raci: {responsible: [pm], accountable: pm}\n    gate: true\n")


def overlay_added(tmp_path: Path) -> tuple[Path, list[str]]:
    """`overlay add`: the overlay's status file, its schema, LIFECYCLE.md, mlcycle.yaml."""
    root = tiny_project(tmp_path)
    _rubric(root)
    return root, ["overlay", "add", str(root / "rubric"), "--gate-at", "review=data", *BY,
                  "-C", str(root)]


def _with_overlay(tmp_path: Path) -> Path:
    root, argv = overlay_added(tmp_path)
    done = run(*argv)
    assert done.code == 0, done
    return root


def overlay_removed(tmp_path: Path) -> tuple[Path, list[str]]:
    root = _with_overlay(tmp_path)
    return root, ["overlay", "remove", "rubric", "--reason", "merged into the lifecycle", *BY,
                  "-C", str(root)]


def overlay_upgraded(tmp_path: Path) -> tuple[Path, list[str]]:
    root = _with_overlay(tmp_path)
    _rubric(root, "1.1.0", "rubric-1.1")  # beside the pinned one: the project stays valid
    return root, ["overlay", "upgrade", "rubric", "--to", str(root / "rubric-1.1"),
                  "--gate-at", "review=model", *BY, "-C", str(root)]


def host_added(tmp_path: Path) -> tuple[Path, list[str]]:
    root = tiny_project(tmp_path)
    return root, ["hosts", "add", "github.com", "gitlab.com", *BY, "-C", str(root)]


def host_removed(tmp_path: Path) -> tuple[Path, list[str]]:
    root, argv = host_added(tmp_path)
    assert run(*argv).code == 0
    return root, ["hosts", "remove", "gitlab.com", *BY, "-C", str(root)]


def profile_set(tmp_path: Path) -> tuple[Path, list[str]]:
    root = tiny_project(tmp_path)
    return root, ["profile", "set", "pilot", "--reason", "a pilot first", *BY, "-C", str(root)]


EDITS = [upgradable, reopenable, overlay_added, overlay_removed, overlay_upgraded, host_added,
         host_removed, profile_set]
EDIT_IDS = ["upgrade", "reopen-reset", "overlay-add", "overlay-remove", "overlay-upgrade",
            "hosts-add", "hosts-remove", "profile-set"]


def reference(root: Path, argv: list[str]) -> tuple[dict[str, bytes], dict[str, bytes],
                                                     list[list[str]], str]:
    """The files before and after an uninterrupted run, and its write operations;
    the project is then put back as it was."""
    old = files(root)
    done, ops = operations(argv, root, root.parent)
    assert done.code == 0, done.err
    new = files(root)
    assert new != old
    restore(root, old)
    return old, new, ops, done.out


def directories(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_dir()}


def restore(root: Path, content: dict[str, bytes], dirs: set[Path] | None = None) -> None:
    """Put ``content`` back; with ``dirs``, also remove the directories not among
    them (a write that makes one skips its mkdir when it is left over)."""
    for path in files(root):
        if path not in content:
            (root / path).unlink()
    for path in sorted(directories(root) - (dirs or directories(root)), reverse=True):
        path.rmdir()
    for path, data in content.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)


# --- SIGKILL ----------------------------------------------------------------------


@pytest.mark.parametrize("change", EDITS, ids=EDIT_IDS)
def test_sigkill_at_every_point_of_a_change_to_several_files(
        tmp_path: Path, change: Callable[[Path], tuple[Path, list[str]]]) -> None:
    root, argv = change(tmp_path)
    dirs = directories(root)
    old, new, ops, _ = reference(root, argv)
    restore(root, old, dirs)
    renames = [i for i, op in enumerate(ops) if op[0] == "os.rename"]
    outcomes = []
    for nth in fault_points(ops):
        where = f"killed before {ops[nth]}"
        done = launch(argv, root, root.parent, nth=nth, sig="SIGKILL")
        assert done.code == -signal.SIGKILL, (where, done.err)
        after = files(root)
        assert_each_file_old_or_new(after, old, new, where)
        left = extra(after, old, new)
        assert all(STAGED.fullmatch(p) or p == JOURNAL for p in left), (where, left)
        journal = JOURNAL in left
        # The next mlcycle (any command that loads the project) completes a change
        # whose journal is in place; before that, nothing was renamed.
        assert run("validate", root).code == 0, where
        after = files(root)
        leftovers = extra(after, old, new)
        assert all(STAGED.fullmatch(p) for p in leftovers), (where, leftovers)
        seen = {k: v for k, v in after.items() if k not in leftovers}
        # A change to one file has no journal: its one rename is the change.
        assert seen == (new if journal or nth > renames[-1] else old), where
        assert leftovers == [] or seen == old, where  # a completed change leaves nothing
        outcomes.append("new" if seen == new else "old")
        restore(root, old, dirs)
    assert outcomes[0] == "old" and outcomes[-1] == "new"
    if sum(old.get(p) != new.get(p) for p in set(old) | set(new)) > 1:
        assert "new" in outcomes[:-1]  # the journal landed: complete before the last rename
    # The edit run again over the leftovers of a killed one: as if never killed.
    launch(argv, root, root.parent, nth=fault_points(ops)[1], sig="SIGKILL")
    assert launch(argv, root, root.parent).code == 0
    assert {k: v for k, v in files(root).items() if not STAGED.fullmatch(k)} == new


def test_sigkill_or_ctrl_c_at_every_point_of_an_edit_to_one_file(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    argv = ["done", "problem", "-e", str(root / "docs/problem.md"), "-C", str(root)]
    old, new, ops, _ = reference(root, argv)
    assert [op[0] for op in ops] == ["tempfile.mkstemp", "open", "os.chmod", "os.rename",
                                     "os.remove"]
    for nth in range(len(ops)):
        done = launch(argv, root, root.parent, nth=nth, sig="SIGKILL")
        assert done.code == -signal.SIGKILL
        after = files(root)
        left = extra(after, old, new)
        assert {k: v for k, v in after.items() if k not in left} == (old if nth <= 3 else new)
        # mkstemp's audit event comes before it creates the file: the staged file
        # exists before the chmod and the rename only
        assert len(left) == (1 if nth in (2, 3) else 0), left
        assert all(STAGED.fullmatch(p) and p.startswith("lifecycle/.01-frame.yaml.")
                   for p in left)
        assert run("validate", root).code == 0  # the staged file is ignored
        restore(root, old)
        # Ctrl-C at the same point: nothing written until the file is staged, then done
        done = launch(argv, root, root.parent, nth=nth, sig="SIGINT")
        after = files(root)
        if nth < 3:
            assert (done.code, done.out, done.err, after) == (130, "", INTERRUPTED, old), nth
        else:
            assert (done.code, done.err, after) == (0, "", new), nth
        restore(root, old)


def test_sigkill_during_init_then_init_again_completes(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "playbooks" / "tiny", tmp_path / "tiny")
    target = tmp_path / "p"
    argv = ["init", str(target), "--no-input", "--playbook", str(tmp_path / "tiny"),
            "--team", "pm=Ana"]
    done, ops = operations(argv, tmp_path / "p", tmp_path)
    assert done.code == 0, done.err
    new = files(target)
    shutil.rmtree(target)
    renames = [i for i, op in enumerate(ops) if op[0] == "os.rename"]
    assert ops[renames[-1]][2] == "mlcycle.yaml"  # the project file lands last
    for nth in [renames[0], renames[len(renames) // 2], renames[-1], renames[-1] + 1]:
        where = f"killed before {ops[nth]}"
        assert launch(argv, target, tmp_path, nth=nth).code == -signal.SIGKILL
        after = files(target) if target.exists() else {}
        staging = sorted({p.split("/")[0] for p in after if p.startswith(".mlcycle-init-")})
        assert len(staging) <= 1, where
        assert_each_file_old_or_new({k: v for k, v in after.items()
                                     if not k.startswith(".mlcycle-init-")}, {}, new, where)
        if "mlcycle.yaml" not in after:  # no project yet: every command says so
            assert run("validate", target).code == 2
        else:  # complete: the staging directory left behind is ignored
            assert run("validate", target).code == 0
        # init again completes the project (the files a killed one placed are identical);
        # once mlcycle.yaml is in place the project is complete, and init refuses it.
        again = launch(argv, target, tmp_path)
        if "mlcycle.yaml" not in after:
            assert again.code == 0, (where, again.err)
        else:
            assert (again.code, again.err.split(": ")[1]) == (2, "error[MLC037]"), where
        for name in staging:  # the killed init's staging directory (documented: delete it)
            shutil.rmtree(target / name)
        assert files(target) == new, where
        shutil.rmtree(target)


# --- Ctrl-C -----------------------------------------------------------------------


def test_ctrl_c_during_an_upgrade_writes_all_or_nothing(tmp_path: Path) -> None:
    root, argv = upgradable(tmp_path)
    old, new, ops, out = reference(root, argv)
    journal = next(i for i, op in enumerate(ops) if op[0] == "tempfile.mkstemp"
                   and op[1].startswith(JOURNAL))
    renames = [i for i, op in enumerate(ops) if op[0] == "os.rename"]
    # staging: its first step, one in the middle, its last; the journal: its
    # first step (after the last moment Ctrl-C is honoured) and its rename; the
    # first and the last file renamed
    points = [0, journal // 2, journal - 1, journal, renames[0], renames[1], renames[-1]]
    codes = []
    for nth in points:
        done = launch(argv, root, root.parent, nth=nth, sig="SIGINT")
        after = files(root)
        if done.code == 130:  # what it printed before (the plan) stays printed
            assert (done.err, after) == (INTERRUPTED, old), ops[nth]
            assert out.startswith(done.out), ops[nth]
        else:  # past its point of no return: completed
            assert (done.code, done.out, done.err, after) == (0, out, "", new), ops[nth]
        codes.append(done.code)
        restore(root, old)
    assert codes == [130, 130, 130, 0, 0, 0, 0]


NEWER_EDITS = EDITS[2:]  # the editing commands that came after the sweep


@pytest.mark.parametrize("change", NEWER_EDITS, ids=EDIT_IDS[2:])
def test_ctrl_c_at_every_point_of_an_edit_writes_all_or_nothing(
        tmp_path: Path, change: Callable[[Path], tuple[Path, list[str]]]) -> None:
    root, argv = change(tmp_path)
    dirs = directories(root)
    old, new, ops, out = reference(root, argv)
    restore(root, old, dirs)
    codes = []
    for nth in range(len(ops)):
        done = launch(argv, root, root.parent, nth=nth, sig="SIGINT")
        after = files(root)
        if done.code == 130:  # nothing written, no staged file left
            assert (done.out, done.err, after) == ("", INTERRUPTED, old), ops[nth]
        else:  # past its point of no return: completed
            assert (done.code, done.out, done.err, after) == (0, out, "", new), ops[nth]
        codes.append(done.code)
        restore(root, old, dirs)
    assert codes[0] == 130 and codes[-1] == 0
    assert codes == sorted(codes, reverse=True)  # never interrupted once completing


def test_ctrl_c_at_every_point_of_init_leaves_nothing_or_completes(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "playbooks" / "tiny", tmp_path / "tiny")
    base = tmp_path / "base"
    base.mkdir()
    (base / "README.md").write_text("mine\n")  # an existing directory with a file of the user's
    argv = ["init", str(base), "--no-input", "--playbook", str(tmp_path / "tiny")]
    before = tree(base)
    done, ops = operations(argv, base, tmp_path)
    assert done.code == 0, done.err
    new = tree(base)
    renames = [i for i, op in enumerate(ops) if op[0] == "os.rename"]
    points = [0, renames[0], renames[len(renames) // 2], renames[-1], renames[-1] + 1]
    codes = []
    for nth in points:
        shutil.rmtree(base)
        base.mkdir()
        (base / "README.md").write_text("mine\n")
        done = launch(argv, base, tmp_path, nth=nth, sig="SIGINT")
        if done.code == 130:
            assert (done.out, done.err, tree(base)) == ("", INTERRUPTED, before), ops[nth]
        else:
            assert (done.code, done.err, tree(base)) == (0, "", new), ops[nth]
        codes.append(done.code)
    assert codes == [130] * (len(codes) - 1) + [0]  # only after the last file is in place


# --- a file-size limit and a full disk -------------------------------------------------


def test_a_file_size_limit_refuses_an_edit_located_and_writes_nothing(tmp_path: Path) -> None:
    root, argv = upgradable(tmp_path)
    old = tree(root)
    sizes = {len(data) for data in files(root).values()}
    for limit in (1, min(sizes) + 1, 2000):  # the first file, or a later, larger one
        done = limited(argv, root, limit)
        assert done.code == 2, done
        assert done.err.splitlines() == [done.err.splitlines()[0], "1 error in 1 file"]
        assert re.fullmatch(rf"(lifecycle/0[234]-[a-z]+\.yaml|LIFECYCLE\.md|mlcycle\.yaml|"
                            rf"\.mlcycle-journal):1:1: "
                            rf"error\[MLC001\]: cannot write: {EFBIG}; nothing written",
                            done.err.splitlines()[0]), done.err
        assert tree(root) == old
    for argv in (["done", "problem", "-e", str(root / "docs/problem.md"), "-C", str(root)],
                 ["team", "add", "ds", "Cy", "-C", str(root)]):
        done = limited(argv, root, 10)
        assert done.code == 2 and tree(root) == old, done
        assert done.err.endswith(f": error[MLC001]: cannot write: {EFBIG}; nothing written\n"
                                 "1 error in 1 file\n"), done.err
        assert done.err.startswith(("lifecycle/01-frame.yaml:1:1:", "mlcycle.yaml:1:1:"))


@pytest.mark.parametrize("change", NEWER_EDITS, ids=EDIT_IDS[2:])
def test_a_file_size_limit_refuses_each_newer_edit_and_writes_nothing(
        tmp_path: Path, change: Callable[[Path], tuple[Path, list[str]]]) -> None:
    root, argv = change(tmp_path)
    old = tree(root)
    done = limited(argv, root.parent, 10)
    assert (done.code, done.out, tree(root)) == (2, "", old), done
    assert re.fullmatch(rf"[^:]+:1:1: error\[MLC001\]: cannot write: {EFBIG}; nothing "
                        r"written\n1 error in 1 file\n", done.err), done.err


def test_a_file_size_limit_refuses_init_and_check_output(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "playbooks" / "tiny", tmp_path / "tiny")
    target = tmp_path / "p"
    argv = ["init", str(target), "--no-input", "--playbook", str(tmp_path / "tiny")]
    for limit in (1, 500, 4000):
        done = limited(argv, tmp_path, limit)
        assert done.code == 2, done
        assert (done.out, done.err.splitlines()[1:]) == ("", ["1 error in 1 file"])
        assert re.fullmatch(rf"{re.escape(target.as_posix())}/[^:]+:1:1: error\[MLC001\]: "
                            rf"cannot write: {EFBIG}; nothing was changed",
                            done.err.splitlines()[0]), done.err
        assert not target.exists()  # not even the directory
    assert run(*argv).code == 0
    report = tmp_path / "report.json"
    report.write_text("old report\n")
    done = limited(["check", str(target), "--format", "json", "--output", str(report)],
                   tmp_path, 100)
    assert (done.code, done.err) == (2, f"{report.as_posix()}:1:1: error[MLC001]: cannot "
                                        f"write the report: {EFBIG}\n1 error in 1 file\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "p", "report.json", "tiny"]
    assert report.read_text() == "old report\n"


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 256 KiB tmpfs: a filesystem that really fills up (needs the right to mount)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): RLIMIT_FSIZE stands in")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def fill(disk: Path) -> None:
    """Fill the filesystem to the last byte."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        while True:
            os.write(fd, b"x" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_a_full_disk_refuses_init_and_an_upgrade_and_writes_nothing(small_disk: Path,
                                                                     tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "playbooks" / "tiny", small_disk / "tiny")
    target = small_disk / "p"
    fill(small_disk)
    filler = small_disk / "filler"
    os.truncate(filler, filler.stat().st_size - 3 * 4096)  # room for three files, not ten
    before = tree(small_disk)
    done = limited(["init", str(target), "--no-input", "--playbook", str(small_disk / "tiny")],
                   small_disk, 1 << 30)
    assert done.code == 2, done
    assert re.fullmatch(rf"{re.escape(target.as_posix())}/[^:]+:1:1: error\[MLC001\]: cannot "
                        rf"write: {ENOSPC}; nothing was changed\n1 error in 1 file\n", done.err)
    assert tree(small_disk) == before
    (small_disk / "filler").unlink()
    shutil.rmtree(small_disk / "tiny")
    root, argv = upgradable(small_disk)  # the project on the small disk
    old = tree(root)
    fill(small_disk)
    done = limited(argv, root, 1 << 30)
    assert done.code == 2, done
    assert re.fullmatch(rf"[^:]+:1:1: error\[MLC001\]: cannot write: {ENOSPC}; nothing "
                        r"written\n1 error in 1 file\n", done.err), done.err
    assert tree(root) == old
    (small_disk / "filler").unlink()
    assert run(*argv).code == 0 and tree(root) != old


# --- the journal --------------------------------------------------------------------


def test_a_journal_mlcycle_did_not_write_is_refused_and_nothing_moves(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    (root / ".mlcycle.yaml.a.mlcycle.tmp").write_text("format: 1\n")
    (root / "README.md").write_text("mine\n")
    refused = (f"{JOURNAL}:1:1: error[MLC090]: an interrupted change's journal is not one "
               "mlcycle wrote; check the files it names, then delete it\n1 error in 1 file\n")
    for content in (
            b"not json\n",
            b'{"journal": 2, "moves": []}\n',  # a later format
            b'{"journal": 1, "moves": [["../.x.abc.mlcycle.tmp", "../x", "write"]]}\n',
            b'{"journal": 1, "moves": [["README.md", "mlcycle.yaml", "write"]]}\n',
            b'{"journal": 1, "moves": [["lifecycle/.mlcycle.yaml.a.mlcycle.tmp", '
            b'"mlcycle.yaml", "write"]]}\n',  # not beside its target
            b'{"journal": 1, "moves": [[".mlcycle.yaml.a.mlcycle.tmp", "mlcycle.yaml", '
            b'"chmod"]]}\n'):
        (root / JOURNAL).write_bytes(content)
        before = tree(tmp_path)
        result = run("validate", root)
        assert (result.code, result.out, result.err) == (2, "", refused), content
        assert tree(tmp_path) == before
    for command in (["check", root], ["start", "problem", "-C", root]):
        result = run(*command)  # check counts on stdout, in its summary
        assert (result.code, result.err.splitlines()[0]) == (2, refused.splitlines()[0])
        assert tree(tmp_path) == before


NOT_REGULAR = (f"{JOURNAL}:1:1: error[MLC090]: an interrupted change's journal is not a "
               "regular file (mlcycle only ever writes a small regular file there); remove it")


def journal_run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A real process with a deadline: a journal that is a FIFO hung every command."""
    return subprocess.run([sys.executable, "-m", "mlcycle", *args], cwd=root,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("kind", ["urandom", "symlink-to-a-journal", "fifo", "directory",
                                  "over-the-limit"])
def test_a_journal_that_is_no_small_regular_file_is_refused_unread(
        tmp_path: Path, kind: str) -> None:
    from mlcycle.load.yamlio import MAX_BYTES

    root = tiny_project(tmp_path)
    journal = root / JOURNAL
    message = NOT_REGULAR
    if kind == "urandom":  # read in full, it was a MemoryError (exit 3) or an OOM kill
        journal.symlink_to("/dev/urandom")
    elif kind == "symlink-to-a-journal":  # a valid journal, but never followed
        (root / ".mlcycle.yaml.a.mlcycle.tmp").write_text("format: 1\n")
        (tmp_path / "elsewhere").write_text(
            '{"journal": 1, "moves": [[".mlcycle.yaml.a.mlcycle.tmp", "mlcycle.yaml", '
            '"write"]]}\n')
        journal.symlink_to(tmp_path / "elsewhere")
    elif kind == "fifo":
        os.mkfifo(journal)
    elif kind == "directory":  # was located at line 4
        journal.mkdir()
        (journal / "moves").write_text("{}\n")
    else:  # sparse: the size alone refuses it, before any byte is read
        with open(journal, "wb") as handle:
            handle.truncate(MAX_BYTES + 1)
        message = (f"{JOURNAL}:1:1: error[MLC090]: an interrupted change's journal is "
                   f"{MAX_BYTES + 1} bytes, over the limit of {MAX_BYTES} (mlcycle writes a "
                   "few hundred); remove it")
    before = snapshot(root)
    for args in (["validate"], ["check"], ["set", "problem", "--note", "x"]):
        done = journal_run(root, *args)
        assert (done.returncode, done.stderr.splitlines()[0]) == (2, message), (args, done.stderr)
        assert snapshot(root) == before
    done = journal_run(root, "validate")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message + "\n1 error in 1 file\n")
    # Removed as the message says, every command works again.
    if journal.is_dir() and not journal.is_symlink():
        shutil.rmtree(journal)
    else:
        journal.unlink()
    assert journal_run(root, "set", "problem", "--note", "x").returncode == 0


def test_a_committed_journal_symlink_is_refused_by_the_git_rule_unread(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    (root / JOURNAL).symlink_to("/dev/urandom")
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "a@example.com",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "a journal"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    before = snapshot(root)
    done = journal_run(root, "check")
    assert (done.returncode, done.stderr.splitlines()) == (2, [
        f"{JOURNAL}:1:1: error[MLC090]: an interrupted change's journal is committed to git: "
        "a journal is never part of a change, and completing it would judge files the "
        "repository does not hold; remove it and the staged files it names (git rm)"])
    assert snapshot(root) == before


def test_a_reader_never_completes_the_change_of_a_writer_still_alive(tmp_path: Path) -> None:
    """The writer holds the project's lock (a flock on its directory) while it
    renames: a reader waits for it (here the test holds the lock, as a live writer
    would, then finishes by putting every file back) and then finds nothing to
    complete."""
    import fcntl

    root, argv = upgradable(tmp_path)
    old, new, ops, _ = reference(root, argv)
    first = next(i for i, op in enumerate(ops) if op[0] == "os.rename" and op[2] != JOURNAL)
    assert launch(argv, root, root.parent, nth=first).code == -signal.SIGKILL
    killed = files(root)
    assert JOURNAL in killed
    fd = os.open(root, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    with subprocess.Popen([sys.executable, "-m", "mlcycle", "validate", str(root)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as reader:
        try:
            reader.wait(timeout=3)  # long enough to load the tiny project many times over
        except subprocess.TimeoutExpired:
            pass
        assert reader.returncode is None  # still waiting
        assert files(root) == killed
        restore(root, old)  # the "writer" rolls back, removes its journal, lets go
        os.close(fd)
        out, err = reader.communicate(timeout=60)
    assert (reader.returncode, err) == (0, ""), err
    assert files(root) == old


def test_sigkill_or_ctrl_c_while_check_writes_its_report(tmp_path: Path) -> None:
    root = tiny_project(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = out_dir / "report.json"
    report.write_text("old report\n")
    argv = ["check", str(root), "--format", "json", "--output", str(report)]
    done, ops = operations(argv, out_dir, tmp_path)
    assert done.code == 0, done.err
    new = report.read_bytes()
    assert [op[0] for op in ops] == ["tempfile.mkstemp", "open", "os.chmod", "os.rename"]
    for nth in range(len(ops)):
        report.write_text("old report\n")
        assert launch(argv, out_dir, tmp_path, nth=nth).code == -signal.SIGKILL
        assert report.read_bytes() in (b"old report\n", new)
        left = sorted(p.name for p in out_dir.iterdir() if p != report)
        assert all(STAGED.fullmatch(n) and n.startswith(".report.json.") for n in left), left
        for name in left:
            (out_dir / name).unlink()
        interrupted = launch(argv, out_dir, tmp_path, nth=nth, sig="SIGINT")
        assert (interrupted.code, interrupted.err) == (130, INTERRUPTED), nth
        assert [p.name for p in out_dir.iterdir()] == ["report.json"]
        assert report.read_text() == "old report\n"


def test_a_committed_journal_cannot_make_check_judge_files_git_does_not_hold(
        tmp_path: Path) -> None:
    # Found by trying to make check pass: a pull request that reopens a gate of a
    # phase already left, plus a journal and a staged copy with the gate still
    # waived. Completing that journal in CI would judge the staged copy, while the
    # repository (and the merge) holds the open gate.
    from helpers import leftphase

    root = leftphase.build(tmp_path / "repo")
    closed = (root / leftphase.PHASE_FILE).read_bytes()
    leftphase.open_gate(root)
    staged = "lifecycle/.01-problem.yaml.x1.mlcycle.tmp"
    (root / staged).write_bytes(closed)
    (root / JOURNAL).write_text(
        f'{{"journal": 1, "moves": [["{staged}", "{leftphase.PHASE_FILE}", "write"]]}}\n')
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "a@example.com",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "reopen, hidden"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    before = tree(root)
    result = run("check", root, "--today", leftphase.TODAY)
    assert (result.code, result.err.splitlines()) == (2, [
        f"{JOURNAL}:1:1: error[MLC090]: an interrupted change's journal is committed to git: "
        "a journal is never part of a change, and completing it would judge files the "
        "repository does not hold; remove it and the staged files it names (git rm)"])
    assert tree(root) == before
    # Removed as the message says, check judges what git holds: the open gate.
    subprocess.run(["git", "rm", "-q", JOURNAL, staged], cwd=root, env=env, check=True)
    result = run("check", root, "--today", leftphase.TODAY)
    assert result.code == 1
    assert leftphase.FINDING in result.out.splitlines()
