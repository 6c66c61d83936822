"""The strict YAML reader, through `mlcycle validate` (the path users hit).

Each negative case copies the hand-written fixture project, breaks one file,
and asserts exit code 2, the exact stderr and that no byte changed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.edits import VALID, assert_invalid, make, replace, write
from helpers.project import snapshot

from mlcycle.errors import MlcycleError
from mlcycle.load import project
from mlcycle.load.yamlio import MAX_BYTES, parse_mapping

MODELING = "lifecycle/03-modeling.yaml"


# --- safety ------------------------------------------------------------------


def test_python_tag_is_refused_and_nothing_is_constructed(tmp_path: Path) -> None:
    root = make(tmp_path, replace(
        "mlcycle.yaml", "name: Duplicate record finder",
        "name: !!python/object/apply:os.system ['touch pwned']"))
    assert_invalid(
        root,
        "mlcycle.yaml:3:7: error[MLC005]: YAML tag 'tag:yaml.org,2002:python/object/apply:"
        "os.system' is not allowed; mlcycle files hold only plain mappings, lists, strings, "
        "numbers and booleans",
        "1 error in 1 file",
    )
    assert not (root / "pwned").exists()


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/02-data.yaml", "[data-sources]\n    status: todo\n",
                                  "[data-sources]\n    status: todo\n    status: done\n"))
    assert_invalid(
        root,
        "lifecycle/02-data.yaml:51:5: error[MLC004]: duplicate key 'status' (first defined on "
        "line 50); a YAML reader would silently keep only the last one",
        "1 error in 1 file",
    )


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    # "Billion laughs": 9 ** 9 strings if expanded.
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    root = make(tmp_path, write(MODELING, "\n".join(rows) + "\n"))
    assert_invalid(
        root,
        "lifecycle/03-modeling.yaml:2:8: error[MLC005]: alias '*a': anchors and aliases are "
        "not supported in mlcycle files",
        "1 error in 1 file",
    )


def test_anchor_and_alias_point_at_the_alias(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        replace(MODELING, "    raci: {responsible: [ds], accountable: mlm}\n    depends_on: [eda]",
                "    raci: &r {responsible: [ds], accountable: mlm}\n    depends_on: [eda]"),
        replace(MODELING, "    raci: {responsible: [ds], accountable: mlm}\n    depends_on: "
                "[modeling-approaches]", "    raci: *r\n    depends_on: [modeling-approaches]"),
    )
    assert_invalid(
        root,
        "lifecycle/03-modeling.yaml:13:11: error[MLC005]: alias '*r': anchors and aliases are "
        "not supported in mlcycle files",
        "1 error in 1 file",
    )


def test_size_cap_is_checked_before_parsing(tmp_path: Path) -> None:
    def grow(root: Path) -> None:
        with open(root / MODELING, "r+b") as f:
            f.truncate(MAX_BYTES + 1)  # sparse: cheap to make, never read

    root = make(tmp_path, grow)
    assert_invalid(
        root,
        f"lifecycle/03-modeling.yaml:1:1: error[MLC001]: file is {MAX_BYTES + 1} bytes; "
        f"the limit is {MAX_BYTES}",
        "1 error in 1 file",
    )


def test_absurd_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    # In a subprocess: a C stack overflow would kill it, and show as a wrong return code.
    root = make(tmp_path, write(MODELING, "phase: " + "[" * 100_000 + "\n"))
    before = snapshot(root)
    done = subprocess.run(
        [sys.executable, "-m", "mlcycle", "validate", "."], cwd=root, capture_output=True,
        text=True, timeout=60, check=False,
    )
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "lifecycle/03-modeling.yaml:1:71: error[MLC005]: nesting deeper than 64 levels",
        "1 error in 1 file",
    ]
    assert snapshot(root) == before


def test_deep_block_nesting_is_an_error(tmp_path: Path) -> None:
    text = "phase: modeling\nitems:\n" + "".join(
        "  " * (i + 1) + f"k{i}:\n" for i in range(70)
    )
    root = make(tmp_path, write(MODELING, text))
    assert_invalid(
        root,
        "lifecycle/03-modeling.yaml:66:129: error[MLC005]: nesting deeper than 64 levels",
        "1 error in 1 file",
    )


# --- encoding ----------------------------------------------------------------


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    def latin1(root: Path) -> None:
        path = root / "mlcycle.yaml"
        path.write_bytes(path.read_bytes().replace(b"Priya Nair", b"Priya N\xe9ir"))

    assert_invalid(
        make(tmp_path, latin1),
        "mlcycle.yaml:11:15: error[MLC002]: invalid UTF-8 byte 0xe9",
        "1 error in 1 file",
    )


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    def windows(root: Path) -> None:
        for path in [root / "mlcycle.yaml", *(root / "lifecycle").glob("*.yaml")]:
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))

    root = make(tmp_path, windows)
    before = snapshot(root)
    result = run("validate", ".", cwd=root)
    assert (result.code, result.err) == (0, "")
    assert result.out == "Duplicate record finder: 5 phase files, 24 items, all valid\n"
    assert snapshot(root) == before
    loaded = project.load(root)
    assert loaded.file.format == 1  # the BOM is not part of the first key
    assert loaded.phases[1].file.items[1].description == (
        "Data gaps found with product engineering; every field we rely on is\n"
        "really published to the warehouse.\n"
    )


def test_control_character_is_located(tmp_path: Path) -> None:
    root = make(tmp_path, replace(MODELING, "title: Modeling\n", "title: Mode\x07ling\n"))
    assert_invalid(
        root,
        "lifecycle/03-modeling.yaml:2:12: error[MLC003]: YAML syntax error: control characters "
        "are not allowed",
        "1 error in 1 file",
    )


# --- YAML 1.1 guessing -------------------------------------------------------

GUESSES = ["no", "on", "NO", "Off", "y", "1.10", "0755", "12:30", "1e3", "0x1F", ".inf", "1_000"]


@pytest.mark.parametrize("text", GUESSES)
def test_yaml11_lookalikes_stay_strings(text: str) -> None:
    assert parse_mapping(f"v: {text}\n", "x.yaml") == {"v": text}


def test_plain_scalars_that_do_resolve() -> None:
    data = parse_mapping("a: true\nb: false\nc: ~\nd:\ne: 12\nf: -3\ng: '12'\n", "x.yaml")
    assert data == {"a": True, "b": False, "c": None, "d": None, "e": 12, "f": -3, "g": "12"}


def test_yaml11_lookalikes_keep_their_text_in_a_project(tmp_path: Path) -> None:
    # Booleans and sexagesimals of YAML 1.1 only: no YAML 1.2 reader takes them
    # for anything but text, so they stay what was typed.
    owners = ["no", "on", "NO", "Off", "y", "12:30"]
    edits = [
        replace("lifecycle/04-productionization.yaml", "    owner: Jo Park\n",
                f"    owner: {owners[0]}\n"),
        replace("lifecycle/02-data.yaml", "    owner: Kenji Sato\n    evidence: []",
                f"    owner: {owners[1]}\n    evidence: []"),
        replace("lifecycle/02-data.yaml", "    title: Cleaning scripts",
                f"    title: {owners[2]}"),
        # A definition: the playbook is where it changes (the status file copies it).
        replace("playbook/data.yaml", "  title: Cleaning scripts", f"  title: {owners[2]}"),
        replace("lifecycle/02-data.yaml", "    owner: Ana Lima\n    waiver:",
                f"    owner: {owners[3]}\n    waiver:"),
        replace("lifecycle/02-data.yaml", "      approved_by: Marco Rossi",
                f"      approved_by: {owners[4]}"),
        replace("mlcycle.yaml", "  qa: [Tom Becker]", f"  qa: [{owners[5]}]"),
    ]
    root = make(tmp_path, *edits)
    result = run("validate", ".", cwd=root)
    assert (result.code, result.err) == (0, ""), result
    loaded = project.load(root)
    productionization = loaded.phases[3].file.items
    data = {item.id: item for item in loaded.phases[1].file.items}
    assert productionization[0].owner == "no"
    assert data["data-sources"].owner == "on"
    assert data["cleaning-scripts"].title == "NO"
    assert data["manual-verification"].owner == "Off"
    waiver = data["manual-verification"].waiver
    assert waiver is not None and waiver.approved_by == "y"
    assert loaded.file.team["qa"] == ["12:30"]


def test_numbers_in_text_fields_are_refused_with_the_fix(tmp_path: Path) -> None:
    # check-jsonschema, yaml-language-server and every YAML 1.2 library read these
    # bytes as numbers: mlcycle refuses them where text is wanted rather than
    # read them differently from every other tool.
    root = make(
        tmp_path,
        replace("lifecycle/02-data.yaml", "    owner: Ana Lima\n    waiver:",
                "    owner: 1.10\n    waiver:"),
        replace("lifecycle/02-data.yaml", "      approved_by: Marco Rossi",
                "      approved_by: 0755"),
        replace("mlcycle.yaml", "  qa: [Tom Becker]", "  qa: [1e3, .5, 0x1F, 1_000]"),
    )
    hint = "which YAML 1.2 readers (check-jsonschema, editors) read as a number; quote it"
    assert_invalid(
        root,
        f'lifecycle/02-data.yaml:59:12: error[MLC012]: items[4].owner: expected text, got 1.10, '
        f'{hint}: "1.10"',
        f'lifecycle/02-data.yaml:62:20: error[MLC012]: items[4].waiver.approved_by: expected '
        f'text, got 0755, {hint}: "0755"',
        f'mlcycle.yaml:18:8: error[MLC012]: team.qa[0]: expected text, got 1e3, {hint}: "1e3"',
        f'mlcycle.yaml:18:13: error[MLC012]: team.qa[1]: expected text, got .5, {hint}: ".5"',
        f'mlcycle.yaml:18:17: error[MLC012]: team.qa[2]: expected text, got 0x1F, {hint}: '
        f'"0x1F"',
        f'mlcycle.yaml:18:23: error[MLC012]: team.qa[3]: expected text, got 1_000, {hint}: '
        f'"1_000"',
        "6 errors in 2 files",
    )
    quoted = make(tmp_path / "quoted",
                  replace("lifecycle/02-data.yaml", "    owner: Ana Lima\n    waiver:",
                          '    owner: "1.10"\n    waiver:'),
                  replace("mlcycle.yaml", "  qa: [Tom Becker]", "  qa: ['0755', \"1e3\"]"))
    assert run("validate", ".", cwd=quoted).code == 0
    loaded = project.load(quoted)
    assert loaded.file.team["qa"] == ["0755", "1e3"]


def test_integer_where_text_is_expected_says_to_quote(tmp_path: Path) -> None:
    root = make(tmp_path, replace("mlcycle.yaml", "  qa: [Tom Becker]", "  qa: [1234]"))
    assert_invalid(
        root,
        "mlcycle.yaml:18:8: error[MLC012]: team.qa[0]: expected a string, got 1234 (quote "
        "it if you mean the text)",
        "1 error in 1 file",
    )


def test_non_text_key_is_an_error(tmp_path: Path) -> None:
    root = make(tmp_path, replace("mlcycle.yaml", "format: 1\n", "format: 1\nno: x\n1: y\n"))
    assert_invalid(
        root,
        "mlcycle.yaml:4:1: error[MLC012]: a mapping key must be text, not '1' (quote it if you "
        "mean the text)",
        "1 error in 1 file",
    )


# --- dates -------------------------------------------------------------------


def test_impossible_date_is_located(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/02-data.yaml", "due: 2025-04-04", "due: 2025-02-30"))
    assert_invalid(
        root,
        "lifecycle/02-data.yaml:28:10: error[MLC013]: items[1].due: '2025-02-30' is not a real "
        "calendar date",
        "1 error in 1 file",
    )


def test_date_in_another_form_is_located(tmp_path: Path) -> None:
    root = make(tmp_path, replace("mlcycle.yaml", "date: 2025-03-03", "date: 3/3/2025"))
    assert_invalid(
        root,
        "mlcycle.yaml:20:11: error[MLC013]: history[0].date: expected a calendar date "
        "YYYY-MM-DD, got '3/3/2025'",
        "1 error in 1 file",
    )


# --- document shape ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "lifecycle/03-modeling.yaml:1:1: error[MLC006]: file is empty: expected a mapping"),
        ("# nothing yet\n\n# really\n",
         "lifecycle/03-modeling.yaml:1:1: error[MLC006]: file is empty: expected a mapping"),
        ("{}\n", "lifecycle/03-modeling.yaml:1:1: error[MLC006]: file holds an empty mapping: "
         "nothing to read"),
        ("- phase: modeling\n- items: []\n", "lifecycle/03-modeling.yaml:1:1: error[MLC006]: "
         "expected a mapping at the top of the file, found a list"),
        ("modeling\n", "lifecycle/03-modeling.yaml:1:1: error[MLC006]: expected a mapping at "
         "the top of the file, found a single value"),
        ("phase: modeling\nitems: []\n---\nphase: modeling\nitems: []\n",
         "lifecycle/03-modeling.yaml:3:1: error[MLC006]: several YAML documents in one file; "
         "expected one"),
    ],
    ids=["empty", "comment-only", "empty-mapping", "top-level-list", "scalar", "two-documents"],
)
def test_document_shape(tmp_path: Path, text: str, message: str) -> None:
    assert_invalid(make(tmp_path, write(MODELING, text)), message, "1 error in 1 file")


def test_truncated_file_does_not_pass(tmp_path: Path) -> None:
    text = (VALID / MODELING).read_text(encoding="utf-8")
    root = make(tmp_path, write(MODELING, text[: text.index("Modeling approaches") + 3]))
    assert_invalid(
        root,
        "lifecycle/03-modeling.yaml:4:5: error[MLC011]: items[0].description: required key "
        "'description' is missing",
        "lifecycle/03-modeling.yaml:4:5: error[MLC011]: items[0].raci: required key 'raci' is "
        "missing",
        "2 errors in 1 file",
    )


def test_syntax_error_is_located(tmp_path: Path) -> None:
    root = make(tmp_path, replace(MODELING, "title: Modeling\n", "title: Modeling\n\tx: 1\n"))
    assert_invalid(
        root,
        "lifecycle/03-modeling.yaml:3:1: error[MLC003]: YAML syntax error: found a tab character "
        "that violates indentation (while scanning a plain scalar)",
        "1 error in 1 file",
    )


# --- schema errors, mapped back to the node ----------------------------------


def test_unknown_key_with_did_you_mean(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/02-data.yaml", "    owner: Kenji Sato\n    evidence",
                                  "    ownr: Kenji Sato\n    evidence"))
    assert_invalid(
        root,
        "lifecycle/02-data.yaml:14:5: error[MLC010]: items[0].ownr: unknown key 'ownr' (did you "
        "mean 'owner'?); allowed: id, title, description, raci, gate, evidence_required, doc, "
        "depends_on, section, automated, metrics, parity, replaces, tags, recurs, profiles, "
        "status, owner, evidence, due, notes, waiver, waivers_before, na, reopened, done_on",
        "1 error in 1 file",
    )


def test_bad_status_with_did_you_mean(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/02-data.yaml", "status: doing", "status: doign"))
    assert_invalid(
        root,
        "lifecycle/02-data.yaml:26:13: error[MLC012]: items[1].status: 'doign' is not one of "
        "todo, doing, blocked, done, waived, na (did you mean 'doing'?)",
        "1 error in 1 file",
    )


def test_missing_key(tmp_path: Path) -> None:
    root = make(tmp_path, replace(MODELING, "    title: Model iteration\n", ""))
    assert_invalid(
        root,
        "lifecycle/03-modeling.yaml:10:5: error[MLC011]: items[1].title: required key 'title' "
        "is missing",
        "1 error in 1 file",
    )


def test_wrong_types(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        replace(MODELING, "    gate: true\n", "    gate: yes\n"),
        replace(MODELING, "depends_on: [eda]", "depends_on: eda"),
        replace("mlcycle.yaml", "format: 1", 'format: "1"'),
        replace("mlcycle.yaml", "  pm: [Priya Nair]", "  pm: Priya Nair"),
    )
    assert_invalid(
        root,
        "lifecycle/03-modeling.yaml:8:17: error[MLC012]: items[0].depends_on: expected a "
        "list, got 'eda'",
        "lifecycle/03-modeling.yaml:21:11: error[MLC012]: items[2].gate: expected true or "
        "false, got 'yes'",
        "mlcycle.yaml:2:9: error[MLC012]: format: '1' is not one of 1 (write it without "
        "quotes)",
        "mlcycle.yaml:11:7: error[MLC012]: team.pm: expected a list, got 'Priya Nair'",
        "4 errors in 2 files",
    )


def test_waiver_errors(tmp_path: Path) -> None:
    root = make(tmp_path, replace("lifecycle/02-data.yaml", "      expires: 2030-06-30",
                                  "      expires: someday\n      by: Marco"))
    assert_invalid(
        root,
        "lifecycle/02-data.yaml:63:16: error[MLC013]: items[4].waiver.expires: expected a "
        "calendar date YYYY-MM-DD, got 'someday'",
        "lifecycle/02-data.yaml:64:7: error[MLC010]: items[4].waiver.by: unknown key 'by'; "
        "allowed: reason, approved_by, expires",
        "2 errors in 1 file",
    )


def test_reader_errors_raise_the_one_error_type() -> None:
    with pytest.raises(MlcycleError) as caught:
        parse_mapping("a: 1\na: 2\n", "x.yaml")
    (problem,) = caught.value.problems
    assert (str(problem.location), problem.code) == ("x.yaml:2:1", "MLC004")


@pytest.mark.parametrize("person", ["0o17", ".5e3", "1_000", "0755", "1.10"])
def test_editing_commands_quote_a_name_that_reads_as_a_number(tmp_path: Path,
                                                                person: str) -> None:
    # PyYAML's YAML 1.1 resolver leaves 0o17, .5e3 plain; written plain, the file
    # would no longer validate (a number where text is wanted).
    root = make(tmp_path)
    result = run("team", "add", "qa", person, "-C", root)
    assert (result.code, result.err) == (0, ""), result
    assert f'  qa: [Tom Becker, "{person}"]\n' in (root / "mlcycle.yaml").read_text()
    assert run("validate", root).code == 0
    assert project.load(root).file.team["qa"] == ["Tom Becker", person]
