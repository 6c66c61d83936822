"""Framework tags on item definitions (``tags: [eu-ai-act:art-10]``): their syntax,
the references of the frameworks mlcycle knows, and the built-in responsible-ai
playbook that uses them (an overlay only: `init` refuses it, `overlay add` adds it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_date

LINE = "    tags: [eu-ai-act:art-10, nist-ai-rmf:govern, nist-ai-rmf:map]\n"


def fork(tmp_path: Path, tags: str) -> Path:
    """A fork of responsible-ai whose first item has ``tags`` (the text after ``tags:``)."""
    result = run("playbooks", "fork", "responsible-ai", tmp_path / "pb")
    assert result.code == 0, result.err
    phase = tmp_path / "pb" / "responsible-ai.yaml"
    text = phase.read_text(encoding="utf-8")
    assert text.count(LINE) == 1
    phase.write_text(text.replace(LINE, f"    tags: {tags}\n"), encoding="utf-8")
    return tmp_path / "pb"


@pytest.mark.parametrize(("tags", "lines"), [
    ("[EU AI Act:10]", [
        "pb/responsible-ai.yaml:41:12: error[MLC012]: items[0].tags[0]: 'EU AI Act:10' is not "
        "allowed here: expected a framework tag <framework>:<ref> in lowercase, such as "
        "eu-ai-act:art-10 or nist-ai-rmf:measure"]),
    ("[eu-ai-act]", [
        "pb/responsible-ai.yaml:41:12: error[MLC012]: items[0].tags[0]: 'eu-ai-act' is not "
        "allowed here: expected a framework tag <framework>:<ref> in lowercase, such as "
        "eu-ai-act:art-10 or nist-ai-rmf:measure"]),
    ("[nist-ai-rmf:mesure]", [
        "pb/responsible-ai.yaml:41:12: error[MLC012]: items[0].tags[0]: 'mesure' is not a "
        "reference of nist-ai-rmf (did you mean 'measure'?): expected a function: govern, "
        "map, measure or manage, optionally with a category or subcategory (measure-2, "
        "measure-2.11)"]),
    ("[eu-ai-act:art-114, eu-ai-act:article-10]", [
        "pb/responsible-ai.yaml:41:12: error[MLC012]: items[0].tags[0]: 'art-114' is not a "
        "reference of eu-ai-act: expected art-N (an article, 1 to 113, optionally art-N.P for "
        "a paragraph) or annex-I to annex-XIII in lowercase (annex-iv)",
        "pb/responsible-ai.yaml:41:31: error[MLC012]: items[0].tags[1]: 'article-10' is not a "
        "reference of eu-ai-act: expected art-N (an article, 1 to 113, optionally art-N.P for "
        "a paragraph) or annex-I to annex-XIII in lowercase (annex-iv)"]),
    ("[eu-ai-act:art-10, eu-ai-act:art-10]", [
        "pb/responsible-ai.yaml:41:11: error[MLC012]: items[0].tags: tag 'eu-ai-act:art-10' is "
        "listed twice"]),
    ("eu-ai-act:art-10", [
        "pb/responsible-ai.yaml:41:11: error[MLC012]: items[0].tags: expected a list, got "
        "'eu-ai-act:art-10'"]),
])
def test_a_malformed_tag_is_a_located_error(tmp_path: Path, tags: str, lines: list[str]) -> None:
    fork(tmp_path, tags)
    result = run("playbooks", "show", "./pb", cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [*lines, f"{len(lines)} error"
                                       f"{'s' if len(lines) > 1 else ''} in 1 file"]


def test_any_framework_name_is_allowed_and_known_references_in_every_form(
        tmp_path: Path) -> None:
    fork(tmp_path, "[iso-42001:6.1, eu-ai-act:art-10.5, eu-ai-act:annex-iv, "
                   "nist-ai-rmf:measure-2.11, nist-ai-rmf:manage-4]")
    result = run("playbooks", "show", "./pb", "--format", "json", cwd=tmp_path)
    assert (result.code, result.err) == (0, "")
    first = json.loads(result.out)["phases"][0]["items"][0]
    assert first["tags"] == ["iso-42001:6.1", "eu-ai-act:art-10.5", "eu-ai-act:annex-iv",
                             "nist-ai-rmf:measure-2.11", "nist-ai-rmf:manage-4"]


EXPECTED_TAGS = {
    "training-data-lawful-basis": ["eu-ai-act:art-10", "nist-ai-rmf:govern", "nist-ai-rmf:map"],
    "personal-data-minimised": ["eu-ai-act:art-10", "nist-ai-rmf:measure", "nist-ai-rmf:manage"],
    "fairness-across-groups": ["eu-ai-act:art-10", "nist-ai-rmf:map", "nist-ai-rmf:measure"],
    "explanation-for-affected-people": ["eu-ai-act:art-13", "eu-ai-act:art-86",
                                        "nist-ai-rmf:measure"],
    "recourse-and-human-review": ["eu-ai-act:art-14", "nist-ai-rmf:measure",
                                  "nist-ai-rmf:manage"],
    "misuse-monitoring": ["eu-ai-act:art-9", "eu-ai-act:art-72", "nist-ai-rmf:map",
                          "nist-ai-rmf:measure", "nist-ai-rmf:manage"],
    "incident-and-rollback-plan": ["eu-ai-act:art-20", "eu-ai-act:art-73", "nist-ai-rmf:govern",
                                   "nist-ai-rmf:manage"],
}


def test_responsible_ai_items_cite_their_frameworks() -> None:
    result = run("playbooks", "show", "responsible-ai", "--format", "json")
    assert (result.code, result.err) == (0, "")
    data = json.loads(result.out)
    assert [p["id"] for p in data["phases"]] == ["responsible-ai"]
    items = data["phases"][0]["items"]
    assert {i["id"]: i["tags"] for i in items} == EXPECTED_TAGS
    fairness = next(i for i in items if i["id"] == "fairness-across-groups")
    assert fairness["metrics"] == [{"id": "max-group-gap", "file": "reports/fairness.json",
                                    "key": "/max_group_gap", "op": "<", "value": 0.05}]


def test_status_files_carry_tags_and_a_changed_tag_is_caught(tmp_path: Path) -> None:
    with init_date():  # dated 2026-12-01, before the overlay's day, whatever the clock says
        result = run("init", tmp_path / "p", "--name", "Churn", "--playbook", "product",
                     "--team", "pm=Ana", "--no-input")
    assert result.code == 0, result.err
    added = run("overlay", "add", "responsible-ai", "--by", "Ana", "--today", "2026-12-10",
                cwd=tmp_path / "p")
    assert (added.code, added.err) == (0, ""), added
    status = tmp_path / "p" / "lifecycle" / "overlays" / "responsible-ai.yaml"
    text = status.read_text(encoding="utf-8")
    block = ("    tags:\n      - eu-ai-act:art-10\n      - nist-ai-rmf:govern\n"
             "      - nist-ai-rmf:map\n    status: todo\n")
    assert block in text
    assert run("validate", tmp_path / "p").code == 0
    status.write_text(text.replace(block, block.replace("      - nist-ai-rmf:map\n", ""), 1),
                      encoding="utf-8")
    result = run("validate", tmp_path / "p")
    assert (result.code, result.err.splitlines()) == (2, [
        "lifecycle/overlays/responsible-ai.yaml:33:7: error[MLC040]: items[0].tags: "
        "[eu-ai-act:art-10, nist-ai-rmf:govern] here, but [eu-ai-act:art-10, "
        "nist-ai-rmf:govern, nist-ai-rmf:map] in overlay responsible-ai 1.0.0; change "
        "definitions in the playbook, not in status files (if you changed the playbook: give "
        "it a new version and run `mlcycle overlay upgrade responsible-ai`)",
        "1 error in 1 file"])


def test_upgrade_names_changed_tags_and_rewrites_them(tmp_path: Path) -> None:
    assert run("playbooks", "fork", "responsible-ai", tmp_path / "pb", "--name",
               "my-rai").code == 0
    with init_date():
        assert run("init", tmp_path / "p", "--name", "P", "--playbook", tmp_path / "pb",
                   "--no-input").code == 0
    book = tmp_path / "pb" / "playbook.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("version: 1.0.0",
                                                             "version: 1.1.0"),
                    encoding="utf-8")
    phase = tmp_path / "pb" / "responsible-ai.yaml"
    phase.write_text(phase.read_text(encoding="utf-8").replace(
        LINE, "    tags: [eu-ai-act:art-10, nist-ai-rmf:govern]\n"), encoding="utf-8")
    dry = run("upgrade", "--dry-run", "--today", "2026-12-10", cwd=tmp_path / "p")
    assert (dry.code, dry.err) == (0, "")
    assert "definition changes (1):\n  training-data-lawful-basis: tags changed\n" in dry.out
    assert run("upgrade", "--today", "2026-12-10", cwd=tmp_path / "p").code == 0
    status = (tmp_path / "p" / "lifecycle" / "01-responsible-ai.yaml").read_text(
        encoding="utf-8")
    assert ("    tags:\n      - eu-ai-act:art-10\n      - nist-ai-rmf:govern\n"
            "    status: todo\n") in status
    assert run("validate", tmp_path / "p").code == 0
