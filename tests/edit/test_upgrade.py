"""``mlcycle playbooks fork`` and ``mlcycle upgrade``, through the CLI: state kept
byte for byte by item id, definitions from the target playbook, refusals
located, and nothing half-written."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import FIXTURES, init_project, snapshot

from mlcycle.disk import transaction

TODAY = "2026-12-01"


def init(tmp_path: Path, name: str = "proj") -> Path:
    # dated 2026-12-01, the TODAY of these tests
    return init_project(tmp_path / name, "--team", "pm=Ana", "--team", "mlm=Bo", "--team",
                        "ds=Cy", dated=True)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def item_text(path: Path, item_id: str) -> str:
    """The lines of one item, from its `- id:` to the next item (blank lines cut)."""
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"^  - id: {re.escape(item_id)}\n.*?(?=^  - id: |\Z)", text,
                      re.S | re.M)
    assert match, f"{item_id} not in {path}"
    return match.group(0).rstrip("\n") + "\n"


def state_of(path: Path, item_id: str) -> str:
    """init writes an item's state last, from `status:` on."""
    text = item_text(path, item_id)
    return text[text.index("    status:"):]


DATA = "lifecycle/02-data.yaml"

# State with comments on and between its lines, as people write it.
STATES = {
    "data-sources": ("    status: todo\n    owner:\n",
                     "    status: doing  # started Monday\n    owner: Ana\n"
                     "    # ask de about the warehouse\n    notes: >-\n      two sources so far,\n"
                     "      one to go\n"),
    "manual-verification": ("    status: todo\n    owner:\n",
                            "    status: doing\n    owner: Cy\n    due: 2026-12-20\n"),
    "eda": ("    status: todo\n    owner:\n",
            "    status: blocked\n    owner: Cy  # until the sample lands\n"),
}


def with_state(root: Path) -> dict[str, str]:
    """Give three data items state (hand edits of state lines only); their bytes."""
    data = root / DATA
    text = data.read_text(encoding="utf-8")
    for item_id, (old, new) in STATES.items():
        chunk = item_text(data, item_id)
        assert chunk.endswith(old)
        text = text.replace(chunk, chunk[: -len(old)] + new)
    data.write_text(text, encoding="utf-8")
    assert run("validate", root).code == 0
    return {item_id: state_of(data, item_id) for item_id in STATES}


def fork(root: Path, *extra: str) -> Path:
    result = run("playbooks", "fork", "product", "playbook", "--name", "acme", *extra, cwd=root)
    assert result.code == 0, result.err
    assert result.out == ("forked product into playbook; edit it, then `mlcycle playbooks show "
                          "./playbook`\n")
    # The command it suggests must find the fork (a bare `playbook` names a built-in).
    shown = run("playbooks", "show", "./playbook", cwd=root)
    assert shown.out.startswith("acme 3.1.0: "), shown.err
    return root / "playbook"


def evolve(playbook: Path) -> None:
    """Add an item, flip a gate, rename an item with `replaces`, remove an untouched one."""
    data = playbook / "data.yaml"
    text = data.read_text(encoding="utf-8")
    start = text.index("  - id: data-sufficiency")
    text = text[:start] + (
        "  - id: pii-review\n"
        "    title: PII review\n"
        "    description: >-\n"
        "      Legal has reviewed which fields hold personal data and how they are stored.\n"
        "    raci:\n"
        "      responsible: [mle]\n"
        "      accountable: pm\n"
        "    gate: true\n"
        "    evidence_required: true\n")
    text = text.replace("  - id: manual-verification\n",
                        "  - id: manual-review\n    replaces: manual-verification\n")
    text = text.replace("    doc: docs/data/data-quality-report.md\n    depends_on: "
                        "[data-verification]\n", "    gate: true\n    doc: docs/data/data-quality"
                        "-report.md\n    depends_on: [data-verification]\n")
    data.write_text(text, encoding="utf-8")
    edit(playbook / "playbook.yaml", "version: 3.1.0", "version: 3.2.0")
    assert run("playbooks", "show", playbook).code == 0


def test_fork_copies_a_builtin_playbook_that_shows_and_inits(tmp_path: Path) -> None:
    dest = tmp_path / "pb"
    result = run("playbooks", "fork", "product", dest, "--name", "acme", "--version", "3.1.0")
    assert result.code == 0, result.err
    names = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert "templates/docs/_items.md.j2" in names  # included by the other templates
    assert "templates/docs/model-card.md.j2" in names
    assert not any("_released" in n for n in names)
    assert "CHANGES.md" in names
    shown = run("playbooks", "show", dest)
    assert shown.code == 0
    assert shown.out.startswith("acme 3.1.0: ML product lifecycle\n")
    assert run("init", tmp_path / "p", "--no-input", "--playbook", dest).code == 0
    assert (tmp_path / "p" / "docs" / "data" / "eda.md").is_file()


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_fork_directory_mode_follows_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        assert run("playbooks", "fork", "five-phase", tmp_path / "pb").code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "pb").stat().st_mode & 0o777 == 0o777 & ~umask
    assert (tmp_path / "pb" / "templates").stat().st_mode & 0o777 == 0o777 & ~umask


def test_fork_refuses_to_overwrite_and_leaves_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "pb"
    dest.mkdir()
    result = run("playbooks", "fork", "product", dest)
    assert result.code == 2
    assert result.err.splitlines()[0] == (f"{dest.as_posix()}/: error[MLC055]: exists; fork "
                                          "never overwrites (choose a new directory)")
    bad = run("playbooks", "fork", "product", tmp_path / "x", "--version", "1.0")
    assert bad.code == 2
    assert bad.err.splitlines()[0] == ("<command line>: error[MLC055]: --version '1.0': "
                                       "expected a version MAJOR.MINOR.PATCH, such as 1.0.0")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "pb"]  # no staging left


def test_fork_never_replaces_a_directory_made_while_it_copied(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlcycle.load import playbooks

    dest = tmp_path / "pb"
    load_directory = playbooks.load_directory

    def someone_makes_dest(directory: Path, *args: object) -> object:
        if directory.name.endswith(".mlcycle-fork"):  # the copy read back, before its rename
            dest.mkdir()
            (dest / "ours.txt").write_text("mine\n")
        return load_directory(directory, *args)

    monkeypatch.setattr(playbooks, "load_directory", someone_makes_dest)
    result = run("playbooks", "fork", "product", dest)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        f"{dest.as_posix()}/: error[MLC055]: exists; fork never overwrites", "1 error in 1 file"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "pb"]  # no staging left
    assert [p.name for p in dest.iterdir()] == ["ours.txt"]


def test_fork_interrupted_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "rename", interrupted)
    result = run("playbooks", "fork", "product", tmp_path / "pb")
    assert result.code == 130
    assert [p.name for p in tmp_path.iterdir()] == ["home"]  # conftest's $HOME only


def test_untouched_project_is_up_to_date(tmp_path: Path) -> None:
    root = init(tmp_path)
    before = snapshot(root)
    assert run("upgrade", root, "--check").out == "up to date: product@3.1.0\n"
    result = run("upgrade", root)
    assert (result.code, result.out) == (0, "up to date: product@3.1.0; nothing to do\n")
    assert snapshot(root) == before


def test_fork_upgrade_edit_upgrade_keeps_every_state_byte(tmp_path: Path) -> None:
    root = init(tmp_path)
    kept = with_state(root)
    playbook = fork(root)
    moved = run("upgrade", "--to", "./playbook", "--by", "Ana", "--today", TODAY, cwd=root)
    assert moved.code == 0, moved.err
    assert moved.out.splitlines()[0] == "upgrade product@3.1.0 -> acme@3.1.0 (playbook)"
    project = (root / "mlcycle.yaml").read_text(encoding="utf-8")
    assert "playbook:\n  name: acme\n  version: 3.1.0\n  path: playbook\n" in project
    assert project.endswith(f"  - date: {TODAY}\n    event: upgrade\n    to: problem\n"
                            "    from_playbook: product@3.1.0\n    to_playbook: acme@3.1.0\n"
                            "    by: Ana\n")
    assert {i: state_of(root / DATA, i) for i in STATES} == kept
    assert run("validate", root).code == 0
    assert run("upgrade", root, "--check").code == 0

    evolve(playbook)
    check = run("upgrade", root, "--check")
    assert (check.code, check.out) == (1, "acme@3.1.0 -> acme@3.2.0 available (mlcycle "
                                          "upgrade)\n")
    before = snapshot(root)
    dry = run("upgrade", root, "--dry-run", "--by", "Ana", "--today", TODAY)
    assert dry.code == 0, dry.err
    assert dry.out == (
        "upgrade acme@3.1.0 -> acme@3.2.0 (playbook)\n"
        "\n"
        "items added (1):\n"
        "  data/pii-review (gate, evidence required)\n"
        "\n"
        "items removed (1):\n"
        "  data/data-sufficiency (untouched)\n"
        "\n"
        "items renamed (1):\n"
        "  manual-verification -> manual-review (state kept)\n"
        "\n"
        "definition changes (1):\n"
        "  cleaning-scripts: gate added\n"
        "\n"
        "files (3):\n"
        "  change LIFECYCLE.md\n"
        "  change lifecycle/02-data.yaml\n"
        "  change mlcycle.yaml\n"
        "\n"
        "dry run: nothing written\n")
    assert snapshot(root) == before
    result = run("upgrade", root, "--by", "Ana", "--today", TODAY)
    assert result.code == 0, result.err
    assert result.out == dry.out.replace("dry run: nothing written",
                                         "upgraded: acme@3.1.0 -> acme@3.2.0")
    data = root / DATA
    assert state_of(data, "data-sources") == kept["data-sources"]
    assert state_of(data, "eda") == kept["eda"]
    assert state_of(data, "manual-review") == kept["manual-verification"]
    assert "replaces: manual-verification\n    status: doing\n" in item_text(data, "manual-review")
    assert "    gate: true\n" in item_text(data, "cleaning-scripts")
    assert "data-sufficiency" not in data.read_text(encoding="utf-8")
    assert state_of(data, "pii-review") == "    status: todo\n    owner:\n"
    assert run("validate", root).code == 0
    assert run("upgrade", root, "--check").code == 0
    # Every other file but these three is as it was.
    after = snapshot(root)
    assert {k for k in after if after[k] != before.get(k)} == {
        "LIFECYCLE.md", DATA, "mlcycle.yaml"}
    assert "| PII review `pii-review` |" in (root / "LIFECYCLE.md").read_text(encoding="utf-8")


def test_removing_an_item_with_state_is_refused_then_dropped(tmp_path: Path) -> None:
    root = init(tmp_path)
    with_state(root)
    playbook = fork(root)
    assert run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root).code == 0
    data = playbook / "data.yaml"
    text = data.read_text(encoding="utf-8")
    start = text.index("  - id: eda\n")
    end = text.index("  - id: data-sufficiency")
    data.write_text(text[:start] + text[end:].replace("depends_on: [eda, manual-verification]",
                                                      "depends_on: [manual-verification]"),
                    encoding="utf-8")
    edit(playbook / "playbook.yaml", "version: 3.1.0", "version: 4.0.0")
    before = snapshot(root)
    refused = run("upgrade", root, "--today", TODAY)
    assert refused.code == 2
    line = next(i for i, t in enumerate((root / DATA).read_text().splitlines(), 1)
                if t == "  - id: eda")
    assert refused.err == (f"{DATA}:{line}:9: error[MLC051]: item 'eda' (blocked, owner Cy) is "
                           "not in acme@4.0.0; its state would be lost: pass --drop eda to "
                           "accept that\n1 error in 1 file\n")
    assert snapshot(root) == before
    wrong = run("upgrade", root, "--today", TODAY, "--drop", "eda", "--drop", "nope")
    assert wrong.code == 2
    assert wrong.err.splitlines()[0] == ("<command line>: error[MLC053]: --drop nope: "
                                         "acme@4.0.0 does not remove an item 'nope' of this "
                                         "project")
    dropped = run("upgrade", root, "--today", TODAY, "--drop", "eda", "--by", "Ana")
    assert dropped.code == 0, dropped.err
    assert "  data/eda (dropped: blocked)\n" in dropped.out
    assert "id: eda\n" not in (root / DATA).read_text(encoding="utf-8")
    assert run("validate", root).code == 0


def test_removing_the_current_phase_is_refused(tmp_path: Path) -> None:
    root = init(tmp_path)
    playbook = fork(root)
    meta = playbook / "playbook.yaml"
    edit(meta, "  - problem\n", "")
    (playbook / "problem.yaml").unlink()
    gone = ("problem-to-model", "success-metrics", "prediction-consumption")
    for phase_file in playbook.glob("*.yaml"):
        text = phase_file.read_text(encoding="utf-8")
        for item_id in gone:
            text = text.replace(f"[{item_id}]", "[]").replace(f", {item_id}]", "]")
            text = text.replace(f"[{item_id}, ", "[")
        phase_file.write_text(text, encoding="utf-8")
    assert run("playbooks", "show", playbook).code == 0
    before = snapshot(root)
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert result.code == 2, result.out
    assert result.err.splitlines()[0].endswith(
        "error[MLC052]: current_phase 'problem': acme@3.1.0 has no such phase; the project "
        "cannot stand in a phase its playbook removes (upgrade to a version that keeps it)")
    assert result.err.startswith("mlcycle.yaml:")
    assert snapshot(root) == before


def test_new_phase_gets_its_status_file_and_stubs_filled_docs_kept(tmp_path: Path) -> None:
    root = init(tmp_path)
    playbook = fork(root)
    (root / "docs" / "data" / "eda.md").write_text("# EDA\n\nFilled.\n", encoding="utf-8")
    edit(playbook / "playbook.yaml", "  - problem\n", "  - problem\n  - gdpr\n")
    (playbook / "gdpr.yaml").write_text(
        "id: gdpr\ntitle: GDPR\npurpose: Personal data is handled lawfully.\ndocs:\n"
        "  - path: docs/gdpr/dpia.md\n    title: DPIA\n    template: feasibility.md.j2\n"
        "items:\n  - id: dpia\n    title: DPIA done\n    description: A DPIA is written.\n"
        "    raci:\n      responsible: [pm]\n      accountable: pm\n    doc: docs/gdpr/dpia.md\n",
        encoding="utf-8")
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert result.code == 0, result.err
    assert "phases added (1):\n  gdpr\n" in result.out
    assert result.out.endswith(
        "files (10):\n  change LIFECYCLE.md\n  create docs/gdpr/dpia.md\n"
        "  create lifecycle/02-gdpr.yaml\n"
        "  rename lifecycle/02-data.yaml -> lifecycle/03-data.yaml\n"
        "  rename lifecycle/03-modeling.yaml -> lifecycle/04-modeling.yaml\n"
        "  rename lifecycle/04-productionization.yaml -> lifecycle/05-productionization.yaml\n"
        "  rename lifecycle/05-quality.yaml -> lifecycle/06-quality.yaml\n"
        "  rename lifecycle/06-online.yaml -> lifecycle/07-online.yaml\n"
        "  rename lifecycle/07-operations.yaml -> lifecycle/08-operations.yaml\n"
        "  change mlcycle.yaml\n\nupgraded: product@3.1.0 -> acme@3.1.0\n")
    assert (root / "lifecycle" / "03-data.yaml").is_file()
    assert not (root / "lifecycle" / "02-data.yaml").exists()
    assert (root / "docs" / "data" / "eda.md").read_text() == "# EDA\n\nFilled.\n"
    assert "mlcycle:stub" in (root / "docs" / "gdpr" / "dpia.md").read_text()
    assert run("validate", root).code == 0


def test_interrupted_upgrade_leaves_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    root = init(tmp_path)
    with_state(root)
    playbook = fork(root)
    edit(playbook / "playbook.yaml", "  - problem\n", "  - problem\n  - gdpr\n")
    shutil.copyfile(playbook / "problem.yaml", playbook / "gdpr.yaml")
    text = (playbook / "gdpr.yaml").read_text()
    text = re.sub(r"id: ([a-z-]+)\n", r"id: g-\1\n", text).replace("id: g-problem\n", "id: gdpr\n")
    text = re.sub(r"depends_on: \[([a-z-]+)\]", r"depends_on: [g-\1]", text)
    text = text.replace("docs/problem/", "docs/gdpr/")
    (playbook / "gdpr.yaml").write_text(text)
    assert run("playbooks", "show", playbook).code == 0, run("playbooks", "show", playbook).err
    before = snapshot(root)

    def interrupt() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(transaction, "before_commit", interrupt)
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert result.code == 130
    assert snapshot(root) == before
    assert not (root / "docs" / "gdpr").exists()
    monkeypatch.setattr(transaction, "before_commit", None)

    real = os.replace
    calls = []

    def failing(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 4:  # halfway through the renames
            raise OSError(28, "No space left on device", str(dst))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing)
    failed = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    monkeypatch.setattr(os, "replace", real)
    assert failed.code == 2
    assert "No space left on device" in failed.err
    assert snapshot(root) == before
    assert not (root / "docs" / "gdpr").exists()


def test_hostile_fork_writes_nothing_outside(tmp_path: Path) -> None:
    root = init(tmp_path)
    playbook = fork(root)
    outside = tmp_path / "outside"
    outside.mkdir()
    edit(playbook / "playbook.yaml", "  - problem\n", "  - problem\n  - gdpr\n")
    (playbook / "gdpr.yaml").write_text(
        "id: gdpr\ntitle: GDPR\npurpose: Personal data is handled lawfully.\ndocs:\n"
        "  - path: docs/gdpr/dpia.md\n    title: DPIA\n    template: feasibility.md.j2\n"
        "items:\n  - id: dpia\n    title: DPIA done\n    description: A DPIA is written.\n"
        "    raci:\n      responsible: [pm]\n      accountable: pm\n", encoding="utf-8")
    (root / "docs" / "gdpr").symlink_to(outside)
    before = snapshot(root)
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert result.code == 2
    assert result.err.splitlines()[0] == ("docs/gdpr/dpia.md:1:1: error[MLC032]: 'docs/gdpr' is a "
                                          "symlink or a file; mlcycle will not write through it")
    assert list(outside.iterdir()) == []
    assert snapshot(root) == before
    (root / "docs" / "gdpr").unlink()
    (root / "lifecycle" / "02-gdpr.yaml").symlink_to(outside / "status.yaml")
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert result.code == 2
    assert list(outside.iterdir()) == []


def test_builtin_next_version_fixture_upgrade_keeps_state(tmp_path: Path) -> None:
    # A project on product 1.0.0 as that release rendered it (the built-in is newer now).
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "old" / "product-1.0.0", root)
    kept = with_state(root)
    fixture = FIXTURES / "playbooks" / "product-1.1.0"
    check = run("upgrade", root, "--check", "--to", fixture)
    assert (check.code, check.out) == (1, "product@1.0.0 -> product@1.1.0 available (mlcycle "
                                          "upgrade)\n")
    result = run("upgrade", root, "--to", fixture, "--today", TODAY, "--by", "Ana")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].startswith("upgrade product@1.0.0 -> product@1.1.0 (")
    assert "items added (1):\n  data/pii-review (evidence required)\n" in result.out
    assert {i: state_of(root / DATA, i) for i in STATES} == kept
    assert run("validate", root).code == 0
    assert run("upgrade", root, "--check").code == 0  # pinned to the fixture directory now
    log = run("log", "-C", root)
    assert log.code == 0, log.err
    assert (f"  {TODAY}  upgrade  at problem: playbook product@1.0.0 -> product@1.1.0  (by Ana)"
            in log.out.splitlines())
    status = run("status", root, "--format", "markdown")
    assert status.code == 0, status.err


def test_upgrade_to_unshipped_builtin_version_is_refused(tmp_path: Path) -> None:
    root = init(tmp_path)
    result = run("upgrade", root, "--to", "product@9.0.0")
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        "<command line>: error[MLC053]: --to product@9.0.0: mlcycle can move a project to the "
        "version it ships, product@3.1.0, only (released: 1.0.0, 2.0.0, 3.0.0, 3.1.0)")


def test_flow_style_item_is_refused_located(tmp_path: Path) -> None:
    root = init(tmp_path)
    data = root / DATA
    chunk = item_text(data, "data-sources")
    text = data.read_text(encoding="utf-8")
    flow = ("  - {id: data-sources, title: Data sources, description: 'Candidate sources are "
            "listed and ranked, starting with those behind the most important features, with "
            "notes on quality, volume and history, and a sample has been pulled from each.', "
            "raci: {responsible: [ds], accountable: mlm, consulted: [de, pe]}, doc: "
            "docs/data/data-sources.md, depends_on: [problem-to-model], status: doing}\n")
    data.write_text(text.replace(chunk, flow), encoding="utf-8")
    assert run("validate", root).code == 0
    playbook = fork(root)
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert result.code == 0  # its definitions do not change: the file keeps every byte
    assert "lifecycle/02-data.yaml" not in result.out
    edit(playbook / "data.yaml", "    title: Data sources\n    description", "    title: Data "
         "sources, ranked\n    description")
    before = snapshot(root)
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert result.code == 2
    assert result.err.splitlines()[0].startswith(f"{DATA}:10:1: error[MLC054]: cannot keep the "
                                                 "state lines of this file byte for byte")
    assert snapshot(root) == before


def test_an_upgrade_entry_never_moves_the_phase(tmp_path: Path) -> None:
    root = init(tmp_path)
    fork(root)
    assert run("upgrade", "--to", "./playbook", "--today", TODAY, "--by", "Ana",
               cwd=root).code == 0
    project = root / "mlcycle.yaml"
    edit(project, "    event: upgrade\n    to: problem\n", "    event: upgrade\n    to: data\n")
    edit(project, "current_phase: problem\n", "current_phase: data\n")
    result = run("validate", root)
    assert result.code == 2
    line = project.read_text().splitlines().index("    to: data") + 1
    assert result.err == (f"mlcycle.yaml:{line}:9: error[MLC044]: history[1].to: an upgrade "
                          "leaves the project at 'problem' (where the previous entry left it), "
                          "not 'data'\n1 error in 1 file\n")


def test_crlf_and_bom_status_file_keeps_its_state_bytes(tmp_path: Path) -> None:
    root = init(tmp_path)
    with_state(root)
    data = root / DATA
    raw = b"\xef\xbb\xbf" + data.read_bytes().replace(b"\n", b"\r\n")
    data.write_bytes(raw)
    playbook = fork(root)
    edit(playbook / "data.yaml", "      accountable: mlm\n      consulted: [de, pe]\n",
         "      accountable: pm\n      consulted: [de, pe]\n")
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert result.code == 0, result.err
    assert "definition changes (1):\n  data-sources: raci.accountable: mlm -> pm\n" in result.out
    after = data.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and b"\n" not in after.replace(b"\r\n", b"")
    old_state = STATES["data-sources"][1].replace("\n", "\r\n").encode()
    assert old_state in after
    assert b"      accountable: pm\r\n" in after
    assert run("validate", root).code == 0


def test_a_fork_whose_paths_leave_the_project_is_refused(tmp_path: Path) -> None:
    root = init(tmp_path)
    playbook = fork(root)
    edit(playbook / "data.yaml", "  - path: docs/data/eda.md\n",
         "  - path: docs/data/../../../escape.md\n")
    edit(playbook / "playbook.yaml", "version: 3.1.0", "version: 3.1.1")
    before = snapshot(tmp_path)
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert result.code == 2
    assert "docs/data/../../../escape.md" in result.err
    assert "error[MLC012]" in result.err.splitlines()[0]
    assert snapshot(tmp_path) == before


def test_replaces_must_name_a_gone_id_once(tmp_path: Path) -> None:
    root = init(tmp_path)
    playbook = fork(root)
    edit(playbook / "data.yaml", "  - id: eda\n", "  - id: eda\n    replaces: cleaning-scripts\n")
    result = run("playbooks", "show", "./playbook", cwd=root)
    assert result.code == 2
    line = (playbook / "data.yaml").read_text().splitlines().index(
        "    replaces: cleaning-scripts") + 1
    assert result.err.splitlines()[0] == (
        f"playbook/data.yaml:{line}:15: error[MLC050]: item 'eda' replaces 'cleaning-scripts', "
        "which is still an item of this playbook")


def test_an_item_moved_to_another_phase_takes_its_state(tmp_path: Path) -> None:
    root = init(tmp_path)
    kept = with_state(root)
    playbook = fork(root)
    data = playbook / "data.yaml"
    text = data.read_text(encoding="utf-8")
    start = text.index("  - id: eda\n")
    end = text.index("  - id: data-sufficiency")
    chunk = text[start:end]
    data.write_text(text[:start] + text[end:], encoding="utf-8")
    modeling = playbook / "modeling.yaml"
    body = modeling.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + chunk.rstrip("\n")
    modeling.write_text(body.replace("    doc: docs/data/eda.md\n", "") + "\n", encoding="utf-8")
    edit(playbook / "playbook.yaml", "version: 3.1.0", "version: 4.0.0")
    assert run("playbooks", "show", playbook).code == 0
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert result.code == 0, result.err
    assert "  eda: moved from phase data; doc changed\n" in result.out
    assert state_of(root / "lifecycle" / "03-modeling.yaml", "eda") == kept["eda"]
    assert "id: eda\n" not in (root / DATA).read_text(encoding="utf-8")
    assert run("validate", root).code == 0


def test_a_fork_with_the_builtins_name_and_version_is_refused_clearly(tmp_path: Path) -> None:
    # Found by following the README without --name: the upgrade entry would read
    # product@3.1.0 -> product@3.1.0, which the history refuses; say what to do instead.
    root = init(tmp_path)
    forked = run("playbooks", "fork", "product", "playbook", cwd=root)
    assert forked.code == 0, forked.err
    assert forked.out.splitlines()[1] == (
        "note: the fork is still called product at the built-in's version; give it its own "
        "version (or name) in playbook/playbook.yaml before `mlcycle upgrade --to ./playbook`")
    before = snapshot(root)
    result = run("upgrade", "--to", "./playbook", "--today", TODAY, cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "<command line>: error[MLC053]: the target playbook is product@3.1.0, the name and "
        "version the project is on already; an upgrade moves between versions: give it its own "
        "version (or name) in playbook/playbook.yaml (`mlcycle playbooks fork product DIR "
        "--name NEW` names a fork)"]
    assert snapshot(root) == before
    edit(root / "playbook" / "playbook.yaml", "version: 3.1.0", "version: 3.1.1")
    moved = run("upgrade", "--to", "./playbook", "--today", TODAY, "--by", "Ana", cwd=root)
    assert moved.code == 0, moved.err
    assert moved.out.splitlines()[0] == "upgrade product@3.1.0 -> product@3.1.1 (playbook)"
    assert run("check", root).code == 0
    edit(root / "playbook" / "data.yaml", "title: Data exploration and quality\n", "title: Data\n")
    again = run("upgrade", "--today", TODAY, cwd=root)
    assert (again.code, again.err.splitlines()) == (2, [
        "<command line>: error[MLC053]: the target playbook is product@3.1.1, but its "
        "definitions changed without a new version; an upgrade moves between versions: give it "
        "its own version (or name) in playbook/playbook.yaml (`mlcycle playbooks fork product "
        "DIR --name NEW` names a fork)"])


def test_automated_and_the_reopen_record_are_state_upgrade_keeps(tmp_path: Path) -> None:
    """Issue 22: `automated` (done --automated) and `reopened` (reopen --reset) are
    item state: an upgrade that re-renders the phase copies their lines as they are."""
    root = init(tmp_path)
    (root / "tests").mkdir()
    (root / "tests/test_sources.py").write_text("def test_sources() -> None:\n    pass\n")
    digest = "ab" * 32
    data = root / DATA
    chunk = item_text(data, "data-sources")
    state = ("    status: doing\n    owner: Ana\n    evidence:\n      - tests/test_sources.py\n"
             "    automated: true  # the nightly run\n"
             "    reopened:\n      date: 2026-11-30\n      evidence:\n"
             f"        - path: tests/test_sources.py\n          sha256: {digest}\n")
    data.write_text(data.read_text(encoding="utf-8").replace(
        chunk, chunk[: -len("    status: todo\n    owner:\n")] + state), encoding="utf-8")
    assert run("validate", root).code == 0
    playbook = fork(root)
    assert run("upgrade", "--to", "./playbook", "--by", "Ana", "--today", TODAY,
               cwd=root).code == 0
    evolve(playbook)  # data.yaml changes: the data phase is rendered again
    result = run("upgrade", root, "--by", "Ana", "--today", TODAY)
    assert result.code == 0, result.err
    assert state_of(data, "data-sources") == state
    assert run("validate", root).code == 0


def test_not_applicable_and_renewed_waivers_survive_an_upgrade(tmp_path: Path) -> None:
    """`na:` and `waivers_before:` are state too (they were dropped, found with issue 22)."""
    root = init(tmp_path)
    assert run("na", "data-sources", "--reason", "no data", "--by", "Bo", "--today", TODAY,
               cwd=root).code == 0
    for until in ("2027-01-01", "2027-02-01"):
        assert run("waive", "eda", "--reason", "later", "--by", "Bo", "--until", until,
                   "--today", TODAY, cwd=root).code == 0
    kept = {i: state_of(root / DATA, i) for i in ("data-sources", "eda")}
    assert "    na:\n" in kept["data-sources"] and "    waivers_before:\n" in kept["eda"]
    playbook = fork(root)
    assert run("upgrade", "--to", "./playbook", "--by", "Ana", "--today", TODAY,
               cwd=root).code == 0
    evolve(playbook)  # the data phase is rendered again
    result = run("upgrade", root, "--by", "Ana", "--today", TODAY)
    assert result.code == 0, result.err
    assert {i: state_of(root / DATA, i) for i in ("data-sources", "eda")} == kept
    assert run("validate", root).code == 0
def test_a_3_0_0_project_upgrades_to_3_1_0_with_its_state_kept(tmp_path: Path) -> None:
    """product 3.1.0 makes retraining and impact-review recur and gives items
    profiles: every state byte is kept, and a done item that now recurs is named
    (check cannot judge it until its done_on is known: MLC141)."""
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "old" / "product-3.0.0", root)
    ops = root / "lifecycle" / "07-operations.yaml"
    edit(ops, "    status: todo\n    owner:\n\n  - id: impact-review",
         "    status: done  # retrained in March\n    owner: Bo\n    evidence:\n"
         "      - docs/operations/runbook.md\n\n  - id: impact-review")
    edit(ops, "    status: todo\n    owner:\n\n  - id: improvement-backlog",
         "    status: done\n    owner: Ana\n\n  - id: improvement-backlog")
    kept = {i: state_of(ops, i) for i in ("retraining", "impact-review", "drift-monitoring")}
    assert run("validate", root).code == 0

    result = run("upgrade", root, "--today", "2030-01-01", "--by", "Ana")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "upgrade product@3.0.0 -> product@3.1.0"
    changes = result.out.split("definition changes (13):\n")[1].split("\n\n")[0].splitlines()
    assert "  retraining: description changed; recurs every 90d; profiles: all -> production" \
        in changes
    assert "  impact-review: description changed; recurs every 90d; profiles: all -> pilot, " \
        "production" in changes
    assert result.out.endswith("upgraded: product@3.0.0 -> product@3.1.0\n"
                               "note: 'retraining' is done and now recurs every 90d; add "
                               "done_on: YYYY-MM-DD (the day it was last done), or run `mlcycle "
                               "done retraining` when it is done again\n"
                               "note: 'impact-review' is done and now recurs every 90d; add "
                               "done_on: YYYY-MM-DD (the day it was last done), or run `mlcycle "
                               "done impact-review` when it is done again\n")
    assert {i: state_of(ops, i) for i in kept} == kept  # the state, comment and all
    assert "    recurs: 90d\n    profiles:\n      - production\n" in item_text(ops, "retraining")
    assert "  version: 3.1.0\n" in (root / "mlcycle.yaml").read_text(encoding="utf-8")
    assert run("validate", root).code == 0

    check = run("check", root, "--phase", "operations", "--today", "2030-01-01")
    text = ops.read_text(encoding="utf-8").splitlines()
    at = {i: text.index(f"  - id: {i}") + 1 for i in ("retraining", "impact-review")}
    status = {i: next(n for n in range(at[i], len(text)) if text[n].startswith("    status:"))
              + 1 for i in at}
    assert (f"lifecycle/07-operations.yaml:{status['impact-review']}:13: error[MLC141]: item "
            "'impact-review' recurs every 90d but is done with no done_on date; run `mlcycle "
            "done impact-review` when it is done again, or add done_on: YYYY-MM-DD (the day it "
            "was last done)") in check.out.splitlines()
    assert f"lifecycle/07-operations.yaml:{status['retraining']}:13: error[MLC141]" in check.out
    # Done again: the day is recorded, and the item is judged by it.
    done = run("done", "impact-review", "--today", "2030-01-02", "-C", root)
    assert (done.code, done.out) == (0, "impact-review: done_on: 2030-01-02\n")
    assert state_of(ops, "impact-review") == kept["impact-review"] + "    done_on: 2030-01-02\n"
    after = run("check", root, "--phase", "operations", "--today", "2030-01-02").out
    assert "error[MLC141]: item 'retraining'" in after
    assert "error[MLC141]: item 'impact-review'" not in after
