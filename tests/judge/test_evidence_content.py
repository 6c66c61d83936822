"""Evidence that means something (issue 22): a document init rendered from a
stub is evidence only once its prompts are answered (MLC133 for a gate, MLC170
a warning otherwise); an empty file, a notebook without cells or Markdown with
only headings is not evidence (MLC103); with `evidence: {urls: [...]}` a URL on
another host is not evidence (MLC134 / MLC171), changed with `mlcycle hosts
add|remove` and recorded in the history; without it, unverified URLs are one
note in the summary, not a line per URL on every run.

Projects are real `init`s of the built-in product playbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from helpers.cli import run
from helpers.project import fill_doc, init_date, snapshot

TODAY = ("--today", "2026-12-06")
STATEMENT = "docs/problem/problem-statement.md"
FRAMING = "docs/problem/ml-framing.md"
STATUS = "lifecycle/01-problem.yaml"


def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    with init_date():
        assert run("init", root, "--no-input", "--team", "pm=Ana", "--team", "ds=Bo",
                   "--team", "mlm=Cy").code == 0
    return root


def done(root: Path, item: str, *evidence: str) -> tuple[int, list[str], list[str]]:
    args = [a for cited in evidence for a in ("-e", cited)]
    result = run("done", item, *args, *TODAY, cwd=root)
    return result.code, result.out.splitlines(), result.err.splitlines()


def evidence_line(root: Path, item: str) -> int:
    """The line of ``item``'s first evidence entry in its status file (1-based),
    as ``done`` writes it: after `status:` and `owner:`, under `evidence:`."""
    lines = (root / STATUS).read_text().splitlines()
    start = lines.index(f"  - id: {item}")
    status = next(n for n in range(start, len(lines)) if lines[n].startswith("    status:"))
    return status + 1 + 3


def with_statement_done(tmp_path: Path) -> Path:
    root = project(tmp_path)
    fill_doc(root / STATEMENT)
    assert done(root, "problem-statement", STATEMENT)[0] == 0
    return root


# --- prompts of the stub ---------------------------------------------------------


def test_deleting_the_marker_alone_leaves_the_prompts_and_closes_no_gate(
        tmp_path: Path) -> None:
    root = project(tmp_path)
    stub = (root / STATEMENT).read_text()
    (root / STATEMENT).write_text(stub.replace("<!-- mlcycle:stub -->\n", "", 1))
    before = snapshot(root)
    code, out, err = done(root, "problem-statement", STATEMENT)
    assert (code, out) == (1, [])
    assert err == [
        f"{STATEMENT}:1:1: error[MLC133]: item 'problem-statement': evidence '{STATEMENT}' is "
        "not answered yet: 22 unanswered prompt lines of the stub remain (the first here); "
        "answer them in the team's words, or delete those that do not apply",
        "mlcycle done refused: it would leave 1 error (listed above); nothing written",
        "to fix MLC133: answer each prompt in your own words (or delete the ones that do not "
        "apply to the project), then run `mlcycle check` again"]
    assert snapshot(root) == before


def test_white_space_added_to_the_prompts_answers_nothing(tmp_path: Path) -> None:
    """Found by trying to make check pass: spaces appended to every prompt line (or
    doubled between words) made them different bytes, and the gate closed."""
    root = project(tmp_path)
    stub = (root / STATEMENT).read_text()
    padded = "".join(line.replace(" ", "  ") + " \t\n" if "TODO" in line else line + "\n"
                     for line in stub.replace("<!-- mlcycle:stub -->\n", "", 1).splitlines())
    (root / STATEMENT).write_text(padded)
    before = snapshot(root)
    code, out, err = done(root, "problem-statement", STATEMENT)
    assert (code, out) == (1, [])
    assert err[0] == (
        f"{STATEMENT}:1:1: error[MLC133]: item 'problem-statement': evidence '{STATEMENT}' is "
        "not answered yet: 22 unanswered prompt lines of the stub remain (the first here); "
        "answer them in the team's words, or delete those that do not apply")
    assert snapshot(root) == before


def test_one_unfilled_table_row_is_located_at_its_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    fill_doc(root / STATEMENT)
    # The assumptions table left as the stub has it.
    answered = "| answered by the team | answered by the team | answered by the team | " \
               "answered by the team |"
    lines = (root / STATEMENT).read_text().splitlines()
    row = lines.index(answered) + 1
    lines[row - 1] = "| TODO | TODO | TODO | TODO |"
    (root / STATEMENT).write_text("\n".join(lines) + "\n")
    before = snapshot(root)
    code, _, err = done(root, "problem-statement", STATEMENT)
    assert code == 1
    assert err[0] == (
        f"{STATEMENT}:{row}:1: error[MLC133]: item 'problem-statement': evidence '{STATEMENT}' "
        "is not answered yet: 1 unanswered prompt line of the stub remains (the first here); "
        "answer them in the team's words, or delete those that do not apply")
    assert snapshot(root) == before


def test_prose_of_the_team_that_mentions_todo_is_answered(tmp_path: Path) -> None:
    root = project(tmp_path)
    fill_doc(root / STATEMENT)
    with (root / STATEMENT).open("a") as handle:
        handle.write("\nTODO for the next quarter: retrain monthly.\n- TODO\n")
    code, out, err = done(root, "problem-statement", STATEMENT)
    assert (code, err) == (0, [])
    assert out == [f"problem-statement: todo -> done (evidence: {STATEMENT})"]
    result = run("check", "--phase", "problem", *TODAY, cwd=root)
    assert "MLC133" not in result.out and "MLC103" not in result.out


def test_a_stub_line_written_with_crlf_is_still_unanswered(tmp_path: Path) -> None:
    root = project(tmp_path)
    fill_doc(root / STATEMENT, keep=2)
    text = (root / STATEMENT).read_text()
    (root / STATEMENT).write_bytes(text.replace("\n", "\r\n").encode())
    code, _, err = done(root, "problem-statement", STATEMENT)
    assert code == 1
    assert "2 unanswered prompt lines of the stub remain" in err[0]


def test_check_locates_unanswered_prompts_of_a_done_gate(tmp_path: Path) -> None:
    root = with_statement_done(tmp_path)
    # Written by hand (not through `done`): the document lost its answers afterwards.
    (root / STATEMENT).write_text((root / STATEMENT).read_text() + "\n| TODO | TODO |\n")
    result = run("check", "--phase", "problem", *TODAY, cwd=root)
    assert result.code == 1
    row = len((root / STATEMENT).read_text().splitlines())
    assert result.out.splitlines()[0] == (
        f"{STATEMENT}:{row}:1: error[MLC133]: item 'problem-statement': evidence '{STATEMENT}' "
        "is not answered yet: 1 unanswered prompt line of the stub remains (the first here); "
        "answer them in the team's words, or delete those that do not apply")
    data = json.loads(run("check", "--phase", "problem", "--format", "json", *TODAY,
                          cwd=root).out)
    gate = next(g for g in data["gates"] if g["item"] == "problem-statement")
    assert gate["closed"] is False


def test_a_non_gate_item_is_warned_and_stays_closed(tmp_path: Path) -> None:
    root = with_statement_done(tmp_path)
    stub = (root / FRAMING).read_text()
    (root / FRAMING).write_text(stub.replace("<!-- mlcycle:stub -->\n", "", 1))
    code, out, _ = done(root, "why-ml", FRAMING)
    assert (code, out) == (0, [f"why-ml: todo -> done (evidence: {FRAMING})"])
    result = run("check", "--phase", "problem", *TODAY, cwd=root)
    assert result.out.splitlines()[0] == (
        f"{FRAMING}:1:1: warning[MLC170]: item 'why-ml': evidence '{FRAMING}' is not answered "
        "yet: 25 unanswered prompt lines of the stub remain (the first here); answer them in "
        "the team's words, or delete those that do not apply")
    # The gate citing the same document is refused, located at the same line.
    code, _, err = done(root, "problem-to-model", FRAMING)
    assert code == 1
    assert f"{FRAMING}:1:1: error[MLC133]: item 'problem-to-model'" in err[0]


def test_a_document_at_another_path_is_not_compared_with_a_stub(tmp_path: Path) -> None:
    root = project(tmp_path)
    # Only the stub rendered at a path is compared with that path's document.
    (root / "notes.md").write_text("# Notes\n\n| TODO | TODO | TODO | TODO |\n")
    code, _, err = done(root, "problem-statement", "notes.md")
    assert (code, err) == (0, [])


# --- empty and near-empty evidence -----------------------------------------------

EMPTY = [
    ("zero-bytes", "report.md", "", "is an empty file; write the work into it"),
    ("whitespace", "report.txt", " \n\t\n", "holds only whitespace; write the work into it"),
    ("notebook-without-cells", "eda.ipynb", '{"cells": []}',
     "is a Jupyter notebook without cells; commit the notebook with its work"),
    ("notebook-of-empty-cells", "eda.ipynb",
     json.dumps({"cells": [{"cell_type": "code", "source": ["", "  \n"]},
                           {"cell_type": "markdown", "source": ""}],
                 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
     "is a Jupyter notebook whose cells are all empty; commit the notebook with its work"),
    ("markdown-headings-only", "report.md",
     "# Report\n\n## Findings\n<!-- to do:\nwrite -->\n\n### More\n",
     "is a Markdown file with nothing but headings, blank lines and comments; write what the "
     "item found under the headings"),
]


@pytest.mark.parametrize(("case", "name", "content", "why"), EMPTY, ids=[e[0] for e in EMPTY])
def test_empty_evidence_is_not_evidence(tmp_path: Path, case: str, name: str, content: str,
                                        why: str) -> None:
    root = project(tmp_path)
    (root / name).write_text(content)
    before = snapshot(root)
    code, out, err = done(root, "problem-statement", name)
    assert (code, out) == (1, [])
    line = evidence_line(root, "problem-statement")
    assert err == [
        f"{STATUS}:{line}:9: error[MLC103]: item 'problem-statement': evidence '{name}' {why}",
        "mlcycle done refused: it would leave 1 error (listed above); nothing written",
        "to fix MLC103: commit the document with its content (or fix the path); a directory "
        "needs at least one file that holds something"]
    assert snapshot(root) == before


@pytest.mark.parametrize(("name", "content"), [
    ("eda.ipynb", json.dumps({"cells": [{"cell_type": "code", "source": ["df.describe()"]}]})),
    ("eda.ipynb", "not json, but something"),
    ("report.md", "# Report\n\nChurn is 4% a month.\n"),
    ("report.md", "Setext heading\n==============\n"),
])
def test_content_is_evidence(tmp_path: Path, name: str, content: str) -> None:
    root = project(tmp_path)
    (root / name).write_text(content)
    code, _, err = done(root, "problem-statement", name)
    assert (code, err) == (0, [])


def test_a_directory_of_near_empty_files_is_not_evidence(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "results").mkdir()
    (root / "results" / "a.md").write_text("# A\n")
    (root / "results" / "b.ipynb").write_text('{"cells": []}')
    code, _, err = done(root, "problem-statement", "results")
    assert code == 1
    assert err[0].endswith("evidence 'results' is a directory without any file that holds "
                           "something (empty, whitespace, headings only, a notebook without "
                           "cells)")
    (root / "results" / "c.md").write_text("# C\n\nAUC 0.81 on March.\n")
    assert done(root, "problem-statement", "results")[0] == 0


# --- URL evidence -----------------------------------------------------------------


def test_without_a_host_list_urls_are_one_note_per_item_in_the_summary(tmp_path: Path) -> None:
    root = with_statement_done(tmp_path)
    fill_doc(root / FRAMING)
    assert done(root, "why-ml", "https://a.example.com/x", "https://b.example.com/y")[0] == 0
    result = run("check", "--phase", "problem", *TODAY, cwd=root)
    notes = [text for text in result.out.splitlines() if "MLC152" in text]
    assert notes == [
        "note[MLC152]: URL evidence not verified (check works offline; list the hosts the team "
        "trusts with `mlcycle hosts add HOST`): 'why-ml'"]
    assert result.out.splitlines()[-1].endswith("3 errors, 0 warnings, 1 note")
    data = json.loads(run("check", "--phase", "problem", "--format", "json", *TODAY,
                          cwd=root).out)
    assert [f["message"] for f in data["findings"] if f["code"] == "MLC152"] == [
        "item 'why-ml': URL evidence 'https://a.example.com/x' and 1 more was not verified "
        "(check works offline)"]


def hosts(root: Path, *args: str) -> tuple[int, str, str]:
    result = run("hosts", *args, "--by", "Cy", *TODAY, cwd=root)
    return result.code, result.out, result.err


def test_hosts_add_records_the_change_in_the_history(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert hosts(root, "add", "github.com") == (
        0, "hosts: += github.com (by Cy, 2026-12-06); listed: github.com\n", "")
    assert hosts(root, "add", "mlflow.example.com", "--reason", "our tracker") == (
        0, "hosts: += mlflow.example.com (by Cy, 2026-12-06); listed: github.com, "
           "mlflow.example.com\n", "")
    text = (root / "mlcycle.yaml").read_text()
    assert text.endswith(
        "  - date: 2026-12-06\n"
        "    event: evidence\n"
        "    to: problem\n"
        "    added_host: github.com\n"
        "    by: Cy\n"
        "  - date: 2026-12-06\n"
        "    event: evidence\n"
        "    to: problem\n"
        "    added_host: mlflow.example.com\n"
        "    reason: our tracker\n"
        "    by: Cy\n"
        "evidence:\n"
        "  urls:\n"
        "    - github.com\n"
        "    - mlflow.example.com\n")
    assert hosts(root, "remove", "mlflow.example.com")[0] == 0
    data = yaml.safe_load((root / "mlcycle.yaml").read_text())
    assert data["evidence"] == {"urls": ["github.com"]}
    assert data["history"][-1] == {"date": data["history"][-1]["date"], "event": "evidence",
                                   "to": "problem", "removed_host": "mlflow.example.com",
                                   "by": "Cy"}
    assert run("validate", cwd=root).code == 0
    assert run("log", cwd=root).out.splitlines()[2:5] == [
        "  2026-12-06  evidence  at problem: hosts += github.com  (by Cy)",
        "  2026-12-06  evidence  at problem: hosts += mlflow.example.com: our tracker  (by Cy)",
        "  2026-12-06  evidence  at problem: hosts -= mlflow.example.com  (by Cy)"]


def test_a_team_adopting_the_list_adds_every_cited_host_at_once(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert done(root, "problem-statement", "https://github.com/acme/churn/pull/7",
                "https://wiki.example.com/churn")[0] == 0
    before = snapshot(root)
    code, out, err = hosts(root, "add", "github.com")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == ("or list every host the done gates cite in one change: "
                                    "mlcycle hosts add github.com wiki.example.com")
    assert snapshot(root) == before
    assert hosts(root, "add", "github.com", "wiki.example.com") == (
        0, "hosts: += github.com, wiki.example.com (by Cy, 2026-12-06); listed: github.com, "
           "wiki.example.com\n", "")
    data = yaml.safe_load((root / "mlcycle.yaml").read_text())
    assert [h.get("added_host") for h in data["history"][1:]] == ["github.com",
                                                                  "wiki.example.com"]
    assert run("check", *TODAY, cwd=root).code == 0


@pytest.mark.parametrize(("host", "why"), [
    ("https://github.com", "is a URL; list its host only (github.com)"),
    ("github.com/org", "holds a path; list the host name only"),
    ("github.com:443", "holds a port; list the host name only"),
    ("me@github.com", "holds a user name; list the host name only"),
    ("*.github.com", "holds a wildcard (a listed host admits its subdomains already); list the "
                     "host name only"),
    ("GitHub.com", "has upper case; write host names in lower case"),
    ("git_hub.com", "is not a host name (dot-separated labels of letters, digits and inner "
                    "hyphens)"),
])
def test_hosts_add_refuses_what_is_not_a_host(tmp_path: Path, host: str, why: str) -> None:
    root = project(tmp_path)
    before = snapshot(root)
    assert hosts(root, "add", host) == (
        2, "", f"<command line>: error[MLC048]: HOST: '{host}' {why}\n")
    assert snapshot(root) == before


def test_hosts_add_twice_and_remove_unlisted_write_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert hosts(root, "add", "github.com")[0] == 0
    before = snapshot(root)
    assert hosts(root, "add", "github.com") == (
        1, "", "mlcycle hosts add: github.com is listed already; nothing written\n")
    assert hosts(root, "remove", "gitlab.com", "github.com", "gitea.com") == (
        1, "", "mlcycle hosts remove: gitlab.com, gitea.com are not listed (listed: github.com); "
               "nothing written\nsee the list: mlcycle.yaml `evidence.urls`\n")
    assert snapshot(root) == before


def test_a_url_on_another_host_is_not_evidence_for_a_gate(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert hosts(root, "add", "github.com")[0] == 0
    tricks = ["https://github.com@evil.com/x", "https://evil.com/github.com",
              "https://github.com.evil.com/", "https://evilgithub.com/",
              "https://evil.com\\@github.com/"]
    before = snapshot(root)
    code, _, err = done(root, "problem-statement", *tricks)
    assert code == 1
    line = evidence_line(root, "problem-statement")
    shown = ["'evil.com'", "'evil.com'", "'github.com.evil.com'", "'evilgithub.com'"]
    assert err[:5] == [
        *(f"{STATUS}:{line + n}:9: error[MLC134]: item 'problem-statement': URL evidence "
          f"'{url}' is on host {host}, which evidence.urls in mlcycle.yaml does not list "
          "(listed: github.com); cite the work where the team keeps it, or run `mlcycle hosts "
          "add HOST`" for n, (url, host) in enumerate(zip(tricks, shown, strict=False))),
        f"{STATUS}:{line + 4}:9: error[MLC134]: item 'problem-statement': URL evidence "
        "'https://evil.com\\@github.com/' has no host that can be told safely (a backslash, a "
        "blank or a control character before its path), so it is on no listed host (listed: "
        "github.com); cite the work where the team keeps it, or run `mlcycle hosts add HOST`"]
    assert err[5] == "mlcycle done refused: it would leave 5 errors (listed above); nothing written"
    assert snapshot(root) == before
    # The listed host and its subdomains are evidence, and need no note.
    code, out, err = done(root, "problem-statement", "https://github.com/acme/churn/pull/7",
                          "https://gist.github.com/a/1")
    assert (code, err) == (0, [])
    result = run("check", "--phase", "problem", *TODAY, cwd=root)
    assert "MLC152" not in result.out and "MLC134" not in result.out


def test_a_single_label_host_admits_only_itself(tmp_path: Path) -> None:
    """A listed host admits its subdomains; listed, `com` admitted every .com site,
    so a gate closed on https://evil.com/x. A single label (an intranet name such
    as `wiki`) admits only itself."""
    root = project(tmp_path)
    assert hosts(root, "add", "com", "wiki")[0] == 0
    before = snapshot(root)
    code, _, err = done(root, "problem-statement", "https://evil.com/x")
    line = evidence_line(root, "problem-statement")
    assert (code, err) == (1, [
        f"{STATUS}:{line}:9: error[MLC134]: item 'problem-statement': URL evidence "
        "'https://evil.com/x' is on host 'evil.com', which evidence.urls in mlcycle.yaml does "
        "not list (listed: com, wiki); cite the work where the team keeps it, or run `mlcycle "
        "hosts add HOST`",
        "mlcycle done refused: it would leave 1 error (listed above); nothing written",
        "to fix MLC134: cite the work where the team keeps it (a listed host), or add the host "
        "with `mlcycle hosts add HOST`"])
    assert snapshot(root) == before
    assert done(root, "problem-statement", "https://wiki/framing")[0] == 0


def test_a_url_on_another_host_is_a_warning_for_another_item(tmp_path: Path) -> None:
    root = with_statement_done(tmp_path)
    assert hosts(root, "add", "github.com")[0] == 0
    assert done(root, "why-ml", "https://wiki.example.com/framing")[0] == 0
    result = run("check", "--phase", "problem", *TODAY, cwd=root)
    line = evidence_line(root, "why-ml")
    assert result.out.splitlines()[0] == (
        f"{STATUS}:{line}:9: warning[MLC171]: item 'why-ml': URL evidence "
        "'https://wiki.example.com/framing' is on host 'wiki.example.com', which evidence.urls "
        "in mlcycle.yaml does not list (listed: github.com); cite the work where the team keeps "
        "it, or run `mlcycle hosts add HOST`")


def test_removing_a_host_a_done_gate_cites_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert hosts(root, "add", "github.com")[0] == 0
    assert done(root, "problem-statement", "https://github.com/acme/churn/pull/7")[0] == 0
    before = snapshot(root)
    code, out, err = hosts(root, "remove", "github.com")
    assert (code, out) == (1, "")
    line = evidence_line(root, "problem-statement")
    assert err.splitlines() == [
        f"{STATUS}:{line}:9: error[MLC134]: item 'problem-statement': URL evidence "
        "'https://github.com/acme/churn/pull/7' is on host 'github.com', which evidence.urls in "
        "mlcycle.yaml does not list (listed: none); cite the work where the team keeps it, or "
        "run `mlcycle hosts add HOST`",
        "mlcycle hosts remove refused: it would leave 1 error (listed above); nothing written",
        "to fix MLC134: cite the work where the team keeps it (a listed host), or add the host "
        "with `mlcycle hosts add HOST`"]
    assert snapshot(root) == before


def test_a_malformed_host_in_mlcycle_yaml_is_a_located_input_error(tmp_path: Path) -> None:
    root = project(tmp_path)
    with (root / "mlcycle.yaml").open("a") as handle:
        handle.write("evidence:\n  urls:\n    - github.com\n    - https://mlflow.example.com\n"
                     "    - github.com\n")
    lines = (root / "mlcycle.yaml").read_text().splitlines()
    at = len(lines) - 1
    result = run("validate", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        # Written by hand, not by `mlcycle hosts`: no history entry added these hosts.
        f"mlcycle.yaml:{at - 1}:5: error[MLC047]: evidence.urls: mlcycle.yaml lists github.com, "
        "https://mlflow.example.com, github.com, but no history entry added a host; change it "
        "with `mlcycle hosts add|remove HOST --by PERSON` (it records each host in the history)",
        f"mlcycle.yaml:{at}:7: error[MLC048]: evidence.urls[1]: 'https://mlflow.example.com' is "
        "a URL; list its host only (github.com); change the list with `mlcycle hosts "
        "add|remove HOST`",
        f"mlcycle.yaml:{at + 1}:7: error[MLC048]: evidence.urls[2]: 'github.com' is listed "
        "twice; keep one; change the list with `mlcycle hosts add|remove HOST`",
        "3 errors in 1 file"]


def test_a_hand_written_evidence_entry_names_one_host(tmp_path: Path) -> None:
    root = project(tmp_path)
    text = (root / "mlcycle.yaml").read_text()
    (root / "mlcycle.yaml").write_text(
        text + "  - date: 2026-12-06\n    event: evidence\n    to: problem\n")
    result = run("validate", cwd=root)
    assert result.code == 2
    assert "error[MLC044]: history[1]: an evidence entry names one host: 'added_host: HOST' " \
           "or 'removed_host: HOST'" in result.err


def test_the_schema_describes_the_host_list(tmp_path: Path) -> None:
    root = project(tmp_path)
    schema = json.loads((root / ".mlcycle" / "project.schema.json").read_text())
    text = json.dumps(schema)
    assert "evidence" in schema["properties"]
    assert "the hosts URL evidence may be on" in text
    assert "added_host" in text and "removed_host" in text


@pytest.mark.parametrize(("setting", "code"), [("evidence: {}\n", 0),
                                               ("evidence:\n  urls: []\n", 1)])
def test_an_empty_list_admits_no_url_and_no_list_admits_all(tmp_path: Path, setting: str,
                                                             code: int) -> None:
    root = project(tmp_path)
    assert done(root, "problem-statement", "https://github.com/acme/churn/pull/7")[0] == 0
    with (root / "mlcycle.yaml").open("a") as handle:
        handle.write(setting)
    result = run("check", "--phase", "problem", "--format", "json", *TODAY, cwd=root)
    found = {f["code"] for f in json.loads(result.out)["findings"]
             if f["item"] == "problem-statement"}
    assert found == ({"MLC152"} if code == 0 else {"MLC134"})


def test_a_host_listed_by_hand_is_refused_until_the_history_records_it(tmp_path: Path) -> None:
    """Adding a host by hand would admit URL evidence nobody recorded deciding on
    (as a profile or a primary metric edited by hand)."""
    root = project(tmp_path)
    assert run("hosts", "add", "github.com", "--by", "Ana", cwd=root).code == 0
    text = (root / "mlcycle.yaml").read_text(encoding="utf-8")
    assert "      - github.com\n" in text or "    - github.com\n" in text
    forged = text.replace("- github.com\n", "- github.com\n    - evil.example\n", 1) \
        if "    - github.com\n" in text else \
        text.replace("      - github.com\n", "      - github.com\n      - evil.example\n", 1)
    (root / "mlcycle.yaml").write_text(forged, encoding="utf-8")
    at = forged.splitlines().index(next(line for line in forged.splitlines()
                                        if line.strip() == "urls:")) + 2  # its first host
    before = snapshot(root)
    result = run("validate", cwd=root)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        f"mlcycle.yaml:{at}:5: error[MLC047]: evidence.urls: mlcycle.yaml lists github.com, "
        "evil.example, but the history's evidence entries leave github.com; change it with "
        "`mlcycle hosts add|remove HOST --by PERSON` (it records each host in the history)",
        "1 error in 1 file"]
    assert snapshot(root) == before
    (root / "mlcycle.yaml").write_text(text, encoding="utf-8")  # as the command left it
    assert run("hosts", "add", "evil.example", "--by", "Ana", cwd=root).code == 0
    assert run("validate", cwd=root).code == 0
