"""What overlays change in the project's own views (issue 22): LIFECYCLE.md shows
them (a section per overlay, each overlay phase under the lifecycle phase it
joins, re-rendered by `overlay add`, `remove` and `upgrade`, by team changes and
kept by the lifecycle's `upgrade`), CODEOWNERS holds their files, and their status
files point at their JSON Schema. Every test runs the real CLI and compares the
bytes on disk."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import run

TODAY = "2027-01-10"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", TODAY)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01
    monkeypatch.setenv("NO_COLOR", "1")


def ok(*args: str, cwd: Path) -> str:
    done = run(*args, cwd=cwd)
    assert done.code == 0, (args, done.out, done.err)
    return done.out


def rubric(root: Path, version: str = "1.0.0") -> None:
    """A team's overlay: one phase, a gate whose title needs escaping in a table,
    an item with a document, a role of its own and one of the lifecycle's."""
    folder = root / "our-rubric"
    folder.mkdir(exist_ok=True)
    (folder / "playbook.yaml").write_text(
        f"name: our-rubric\nversion: {version}\ntitle: Our rubric\ndescription: Our checks.\n"
        "roles:\n  - id: reviewer\n    name: Reviewer\n  - id: pm\n    name: Product manager\n"
        "phases: [review]\n")
    (folder / "review.yaml").write_text(
        "id: review\ntitle: Review\npurpose: A second pair of eyes.\ndocs:\n"
        "  - path: docs/review/notes.md\n    title: Review notes\n"
        "    template: model-card.md.j2\nitems:\n"
        "  - id: peer-review\n    title: Peer review | second look\n"
        "    description: A peer reviews the model.\n"
        "    raci: {responsible: [reviewer], accountable: pm}\n    gate: true\n"
        "  - id: review-notes\n    title: Review notes\n    description: What the peer said.\n"
        "    raci: {responsible: [reviewer], accountable: reviewer}\n"
        "    doc: docs/review/notes.md\n")


SECTION = """
## Overlay `our-rubric` {version}

Another rubric pinned beside the playbook (`mlcycle overlay add`). Each of its
items is judged as an item of the lifecycle phase it is attached to: its gates
close that phase for `mlcycle advance` and `mlcycle check`.

Status file: [`lifecycle/overlays/our-rubric.yaml`](lifecycle/overlays/our-rubric.yaml)

### Review: in phase 3. Modeling

| Item | G | reviewer | pm |
|---|---|---|---|
| Peer review \\| second look `peer-review` | G | R | A |
| [Review notes](docs/review/notes.md) `review-notes` |  | R, A |  |
"""


def test_overlay_add_team_and_remove_keep_lifecycle_md_in_step(tmp_path: Path) -> None:
    ok("init", "p", "--no-input", "--playbook", "product", "--team=pm=Ana", cwd=tmp_path)
    root = tmp_path / "p"
    before = (root / "LIFECYCLE.md").read_text()
    rubric(root)
    out = ok("overlay", "add", "./our-rubric", "--gate-at", "review=modeling", "--by", "Ana",
             cwd=root)
    assert out == (f"overlay added: our-rubric 1.0.0 (review -> modeling; by Ana, {TODAY})\n"
                   "LIFECYCLE.md: updated\n")
    # The overlay's own role joins the roles table; its section comes last.
    pm_row = "| Customer support | `support` | _unassigned_ |\n"
    expected = before.replace(pm_row, pm_row + "| Reviewer | `reviewer` | _unassigned_ |\n") \
        + SECTION.format(version="1.0.0")
    assert (root / "LIFECYCLE.md").read_text() == expected
    assert ok("render", cwd=root) == "LIFECYCLE.md is up to date; nothing written\n"
    # A team change names the people of the overlay's role too.
    assert ok("team", "add", "reviewer", "Bo Li", cwd=root) == (
        "team: reviewer += Bo Li\nLIFECYCLE.md: updated\n")
    assert "| Reviewer | `reviewer` | Bo Li |\n" in (root / "LIFECYCLE.md").read_text()
    # A new version of the overlay: the section names it.
    rubric(root, "1.1.0")
    assert ok("overlay", "upgrade", "our-rubric", "--by", "Ana", cwd=root).endswith(
        "\nLIFECYCLE.md: updated\n")
    assert (root / "LIFECYCLE.md").read_text() == expected.replace(
        "`reviewer` | _unassigned_", "`reviewer` | Bo Li").replace(
        "`our-rubric` 1.0.0", "`our-rubric` 1.1.0")
    ok("team", "remove", "reviewer", "Bo Li", cwd=root)
    out = ok("overlay", "remove", "our-rubric", "--reason", "done elsewhere", "--by", "Ana",
             cwd=root)
    assert out.endswith("its documents stay)\nLIFECYCLE.md: updated\n")
    assert (root / "LIFECYCLE.md").read_text() == before


def test_upgrading_the_lifecycle_keeps_the_overlay_sections(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    ok("playbooks", "fork", "product", "pb", "--name", "acme", cwd=root)
    ok("init", ".", "--no-input", "--playbook", "./pb", "--team=pm=Ana", cwd=root)
    rubric(root)
    ok("overlay", "add", "./our-rubric", "--gate-at", "review=modeling", "--by", "Ana",
       cwd=root)
    before = (root / "LIFECYCLE.md").read_text()
    meta = root / "pb" / "playbook.yaml"
    meta.write_text(re.sub(r"(?m)^version: .*$", "version: 3.2.0", meta.read_text()))
    ok("upgrade", "--by", "Ana", cwd=root)
    after = (root / "LIFECYCLE.md").read_text()
    assert after == before.replace("`acme` 3.1.0", "`acme` 3.2.0")
    assert after.endswith(SECTION.format(version="1.0.0"))
    assert ok("render", cwd=root) == "LIFECYCLE.md is up to date; nothing written\n"


def test_codeowners_holds_the_overlays_as_the_lifecycle(tmp_path: Path) -> None:
    """An overlay's status file is owned by the people accountable for its gates
    (as a phase's status file), a team's overlay directory by the project's frame
    (as the playbook directory)."""
    ok("init", "p", "--no-input", "--playbook", "product", "--team=pm=Ana", "--team=ds=Cy",
       cwd=tmp_path)
    root = tmp_path / "p"
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, capture_output=True)
    ok("team", "add", "pm", "Ana", "--github", "ana", cwd=root)
    rubric(root)
    ok("overlay", "add", "./our-rubric", "--gate-at", "review=modeling", "--by", "Ana",
       cwd=root)
    ok("overlay", "add", "responsible-ai", "--by", "Ana", cwd=root)
    ok("team", "add", "privacy", "Cy", cwd=root)
    done = run("codeowners", "--dry-run", cwd=root)
    assert done.code == 0
    assert done.out.splitlines()[-4:] == [
        "/our-rubric/ @ana",
        "/lifecycle/overlays/our-rubric.yaml @ana",
        "/lifecycle/overlays/responsible-ai.yaml @ana",
        "# END mlcycle /"]
    # Cy holds privacy, accountable for a responsible-ai gate, with no handle.
    assert done.err == ("<command line>: warning[MLC311]: 'Cy' owns lifecycle/overlays/"
                        "responsible-ai.yaml but has no GitHub handle in mlcycle.yaml; add it "
                        "with `mlcycle team add ROLE 'Cy' --github HANDLE`\n")


def test_an_overlay_status_file_points_at_its_own_json_schema(tmp_path: Path) -> None:
    ok("init", "p", "--no-input", "--playbook", "product", "--team=pm=Ana", cwd=tmp_path)
    root = tmp_path / "p"
    assert not (root / ".mlcycle/overlay.schema.json").exists()  # init: no overlay yet
    ok("overlay", "add", "responsible-ai", "--by", "Ana", cwd=root)
    status = root / "lifecycle/overlays/responsible-ai.yaml"
    assert status.read_text().startswith(
        "# yaml-language-server: $schema=../../.mlcycle/overlay.schema.json\n"
        "# The responsible-ai 1.0.0 overlay (Responsible AI): its items,\n")
    written = (root / ".mlcycle/overlay.schema.json").read_text()
    assert json.loads(written) == json.loads(ok("schema", cwd=root))["overlay.schema.json"]
    ok("schema", "-o", "fresh", cwd=tmp_path)
    assert written == (tmp_path / "fresh/overlay.schema.json").read_text()

    def validate(schema: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile",
                               str(root / ".mlcycle" / schema), str(status)],
                              capture_output=True, text=True, timeout=120, check=False)

    done = validate("overlay.schema.json")
    assert done.returncode == 0, done.stdout + done.stderr
    # The phase files' schema does not fit it: `overlay:` where they have `phase:`.
    assert "'overlay' was unexpected" in validate("phase.schema.json").stdout
    # A schema another mlcycle wrote is refreshed by the next overlay change.
    (root / ".mlcycle/overlay.schema.json").write_text("{}\n")
    rubric(root)
    ok("overlay", "add", "./our-rubric", "--gate-at", "review=modeling", "--by", "Ana",
       cwd=root)
    assert (root / ".mlcycle/overlay.schema.json").read_text() == written
    assert (root / "lifecycle/overlays/our-rubric.yaml").read_text().startswith(
        "# yaml-language-server: $schema=../../.mlcycle/overlay.schema.json\n")
