"""Every built-in playbook version stays verifiable, and its content never
changes without a new version.

``phases/_released/<name>-<version>.json`` records what each released version
defines; ``check`` verifies projects against that record. Run with
MLCYCLE_REGEN_GOLDEN=1 to record a NEW version; an existing record is never
rewritten (that would hide a content change from every project pinned to it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import releasepolicy
from helpers.cli import run

from mlcycle.load import definitions, playbooks, releases

PHASES = Path(__file__).resolve().parents[2] / "phases"
BUILTINS = sorted(p.parent.name for p in PHASES.glob("*/playbook.yaml"))


def current_record(name: str) -> dict[str, object]:
    book = playbooks.load(name)
    return definitions.record(book.name, book.version, [(r.id, r.name) for r in book.roles],
                              [(p.id, p.title, p.items) for p in book.phases])


@pytest.mark.parametrize("name", BUILTINS)
def test_content_changes_only_with_a_new_version(name: str) -> None:
    record = current_record(name)
    version = str(record["version"])
    path = PHASES / "_released" / f"{name}-{version}.json"
    text = releasepolicy.record_text(record)
    if not path.exists() and os.environ.get("MLCYCLE_REGEN_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), (f"{name} {version} has no record: run the tests with "
                           "MLCYCLE_REGEN_GOLDEN=1 to record this version")
    assert path.read_text(encoding="utf-8") == text, (
        f"the definitions of built-in playbook {name} changed, but its version is still "
        f"{version}: give it a new version in phases/{name}/playbook.yaml")


def test_every_record_names_itself_and_loads() -> None:
    records = sorted((PHASES / "_released").glob("*.json"))
    assert {p.name for p in records} >= {f"{n}-{current_record(n)['version']}.json"
                                         for n in BUILTINS}
    for path in records:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert path.name == f"{data['name']}-{data['version']}.json"
        assert data["version"] in releases.versions(data["name"])
        loaded = definitions.Definitions.from_record(data, "x")
        assert loaded.phase_ids and all(loaded.items[p] for p in loaded.phase_ids)


def test_a_version_never_released_is_exit_2_naming_the_known_ones(tmp_path: Path) -> None:
    assert run("init", tmp_path / "p", "--no-input").code == 0
    project = tmp_path / "p" / "mlcycle.yaml"
    text = project.read_text()
    project.write_text(text.replace("version: 3.1.0", "version: 9.9.9"))
    result = run("check", tmp_path / "p")
    assert result.code == 2
    line = text.splitlines().index("  version: 3.1.0") + 1
    from mlcycle import __version__

    assert result.err.splitlines() == [
        f"mlcycle.yaml:{line}:12: error[MLC043]: playbook.version: product 9.9.9 is not a "
        f"version this mlcycle ({__version__}) can verify; it knows product 1.0.0, 2.0.0, 3.0.0, "
        "3.1.0. A project made by a newer mlcycle needs that mlcycle (pip install -U "
        "mlcycle-cli)",
    ]


@pytest.mark.parametrize("name", BUILTINS)
def test_a_new_version_bumps_as_much_as_the_policy_asks(name: str) -> None:
    record = current_record(name)
    version = str(record["version"])
    previous = releasepolicy.previous_version(name, version)
    if previous is None:
        assert releases.versions(name)[0] == version  # the first release
        return
    old = releases.load_record(name, previous)
    assert old is not None
    wanted = releasepolicy.required_bump(old, record)
    made = releasepolicy.bump_of(previous, version)
    assert wanted is not None, f"{name} {version} defines exactly what {previous} did"
    bumps = releasepolicy.BUMPS
    assert made is not None and bumps.index(made) >= bumps.index(wanted), (
        f"{name} {previous} -> {version} is a {made} step, but its changes need a {wanted} "
        "one (README: Versions of built-in playbooks)")


def _fixture_record() -> dict[str, object]:
    book = playbooks.load_directory(Path(__file__).parents[1] / "fixtures" / "playbooks"
                                    / "product-1.1.0")
    return definitions.record(book.name, book.version, [(r.id, r.name) for r in book.roles],
                              [(p.id, p.title, p.items) for p in book.phases])


def test_the_policy_on_real_changes() -> None:
    old = releases.load_record("product", "1.0.0")
    assert old is not None
    new = _fixture_record()  # product 1.1.0: one item added
    assert releasepolicy.required_bump(old, new) == "minor"
    assert releasepolicy.bump_of("1.0.0", "1.1.0") == "minor"
    assert releasepolicy.required_bump(old, old) is None
    reworded = json.loads(json.dumps(old))
    reworded["phases"][0]["items"][0]["title"] = "Problem statement, reworded"
    assert releasepolicy.required_bump(old, reworded) == "patch"
    gated = json.loads(json.dumps(old))
    gated["phases"][1]["items"][0]["gate"] = True
    assert releasepolicy.required_bump(old, gated) == "major"
    assert releasepolicy.required_bump(new, old) == "major"  # an item removed
    assert releasepolicy.bump_of("1.1.0", "1.1.1") == "patch"
    assert releasepolicy.bump_of("1.1.0", "2.0.0") == "major"
    assert releasepolicy.bump_of("1.1.0", "1.0.9") is None


@pytest.mark.parametrize("name", BUILTINS)
def test_each_builtin_has_a_changelog_with_its_version(name: str) -> None:
    result = run("playbooks", "show", name, "--changes")
    assert result.code == 0
    assert result.out == (PHASES / name / "CHANGES.md").read_text(encoding="utf-8")
    version = str(current_record(name)["version"])
    assert f"\n## {version}\n" in result.out
