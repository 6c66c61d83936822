"""The span-edit engine on its own, by property: whatever text a user types, the
value written reads back as exactly that text (through mlcycle's strict reader
and a YAML 1.1 reader alike), and the lines an edit does not concern keep every
byte, in block and flow style, LF and CRLF."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcycle.load.yamlio import parse_mapping
from mlcycle.write.scalars import Verbatim, scalar
from mlcycle.write.yamledit import YamlText

# Text as users type it, plus YAML's troublemakers.
TEXT = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(["no", "on", "Yes", "~", "null", "1.10", "0755", "12:30", "2025-01-01",
                     "- x", "a: b", "#x", "x #y", "'q'", '"q"', "[a]", "{a: 1}", "*alias",
                     "&anchor", "!tag", "%x", "@x", "`x", " lead", "trail ", "a\tb",
                     "\u2028", "\x85", "\ufeff", "ünï", "😀", "\x1b[31m"]),
)

DOC = """\
# head comment
team:
  pm: [Ana]   # flow
  ds:
    - Bo      # block
items:
  - id: a
    status: 'todo'   # quoted
    owner:   # empty
    notes: >-
      folded
      text

  - {id: b, status: todo, evidence: []}
  - {}
tail: x
"""


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_every_scalar_reads_back_as_written(text: str) -> None:
    written = scalar(text)
    assert parse_mapping(f"k: {written}\n", "t.yaml") == {"k": text}
    assert yaml.safe_load(f"k: {written}\n") == {"k": text}
    assert parse_mapping(f"k: [{written}, x]\n", "t.yaml") == {"k": [text, "x"]}


@settings(max_examples=150, deadline=None)
@given(TEXT, TEXT, st.booleans())
def test_edits_touch_only_their_lines(owner: str, person: str, crlf: bool) -> None:
    nl = "\r\n" if crlf else "\n"
    source = DOC.replace("\n", nl)
    doc = YamlText(source.encode(), "t.yaml")
    doc.set(("items", 0, "owner"), owner)
    doc.set(("items", 0, "notes"), owner)
    doc.append(("items", 1, "evidence"), [owner, person])
    doc.set(("items", 2, "owner"), owner)
    doc.append(("items", 2, "evidence"), [person])
    doc.append(("team", "ds"), [person])
    doc.append(("team", "pm"), [person])
    doc.set(("items", 1, "status"), "done")
    new = doc.render().decode()  # render() itself refuses a result that reads back wrong
    data = parse_mapping(new, "t.yaml")
    assert data["items"][0]["owner"] == owner and data["items"][0]["notes"] == owner
    assert data["items"][1] == {"id": "b", "status": "done", "evidence": [owner, person]}
    assert data["items"][2] == {"owner": owner, "evidence": [person]}
    assert data["team"] == {"pm": ["Ana", person], "ds": ["Bo", person]}
    old_lines, new_lines = source.split(nl), new.split(nl)
    untouched = [line for line in old_lines if not any(
        key in line for key in ("owner", "notes", "folded", "text", "{id: b", "pm:", "{}"))]
    assert [line for line in new_lines if line in untouched] == untouched
    assert "\n" not in new.replace("\r\n", "") if crlf else "\r" not in new


def test_quoted_keys_multiline_plain_nested_last_value_and_document_end() -> None:
    source = (
        "---\n"
        "items:\n"
        "- id: a\n"
        '  "status": todo\n'
        "  owner: ~\n"
        "  notes: this is\n"
        "    continued\n"
        "  waiver:\n"
        "    reason: r\n"
        "    approved_by: x\n"
        "    expires: 2025-01-01\n"
        "\n"
        "\n"
        "- id: b\n"
        "  evidence: [ ]\n"
        "...\n")
    doc = YamlText(source.encode(), "t.yaml")
    doc.set(("items", 0, "status"), "done")
    doc.set(("items", 0, "owner"), "Ana")
    doc.set(("items", 0, "notes"), "one")
    doc.set(("items", 0, "due"), Verbatim("2026-01-01"))
    doc.set(("items", 0, "waiver", "expires"), Verbatim("2027-01-01"))
    doc.append(("items", 1, "evidence"), ["x", "y"])
    doc.set(("items", 1, "status"), "doing")
    assert doc.render().decode() == (
        "---\n"
        "items:\n"
        "- id: a\n"
        '  "status": done\n'
        "  owner: Ana\n"
        "  notes: one\n"
        "  waiver:\n"
        "    reason: r\n"
        "    approved_by: x\n"
        "    expires: 2027-01-01\n"
        "  due: 2026-01-01\n"
        "\n"
        "\n"
        "- id: b\n"
        "  evidence: [ x, y]\n"
        "  status: doing\n"
        "...\n")
