"""``mlcycle report --framework NAME``: the evidence index of the items tagged for
a framework (here those of the responsible-ai overlay on a ``product`` project,
each listed in the lifecycle phase its gates close), as exact Markdown, as HTML,
written with ``-o``; its usage errors; a project with no tagged item. The
Markdown is linted (pymarkdown) and rendered (cmarkgfm) as the other Markdown
outputs are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import init_date, snapshot
from test_markdown_media import _html, _lint, _tables

TODAY = "2026-12-10"

WARNING = (
    "> **Passing is not compliance.** This is an index of evidence, not a compliance "
    "assessment: it lists the items of this project tagged for {short} and what each one "
    "points to. Closed items and a passing `mlcycle check` do not mean that the product "
    "complies with {short}; only an assessment of the product against the framework itself "
    "can say that.\n")
HEAD = "| Item | Phase | State | Owner | Evidence |\n|---|---|---|---|---|\n"
LAWFUL = ("| `training-data-lawful-basis` Consent and lawful basis for the training data "
          "| `quality` | done | Ana | `docs/responsible-ai/data-protection.md` |\n")
PERSONAL = ("| `personal-data-minimised` Personal data minimised and protected "
            "| `quality` | todo | (nobody) | (none) |\n")
FAIRNESS = ("| `fairness-across-groups` Fairness across the groups the product affects "
            "| `quality` | done, but open: its metric checks fail | Cy "
            "| `docs/responsible-ai/fairness-report.md`, `reports/fairness.json` |\n")
EXPLAIN = ("| `explanation-for-affected-people` Explanation available to the people affected "
           "| `quality` | done | Ana "
           "| `https://wiki.example.com/explain`, `docs/responsible-ai/data-protection.md` |\n")
RECOURSE = ("| `recourse-and-human-review` Recourse and human review for contested "
            "predictions | `quality` | todo | (nobody) | (none) |\n")
MISUSE = ("| `misuse-monitoring` Misuse and abuse monitoring | `quality` "
          "| waived until 2027-06-30 | (nobody) | (none) |\n")
INCIDENT = ("| `incident-and-rollback-plan` Incident and rollback plan | `quality` "
            "| doing | Bo | (none) |\n")


def top(title: str, short: str, summary: str) -> str:
    return (f"# Evidence index: {title}\n\n"
            f"Project **Churn \\& co**, playbook product 3.1.0 (overlays: responsible-ai 1.0.0), "
            f"as of {TODAY}.\n\n"
            + WARNING.format(short=short) + f"\n{summary}\n")


EU_AI_ACT = (
    top("EU AI Act (Regulation (EU) 2024/1689)", "the EU AI Act",
        "7 items tagged for eu-ai-act, 3 closed.")
    + "\n## Article 9: Risk management system\n\n" + HEAD + MISUSE
    + "\n## Article 10: Data and data governance\n\n" + HEAD + LAWFUL + PERSONAL + FAIRNESS
    + "\n## Article 13: Transparency and provision of information to deployers\n\n"
    + HEAD + EXPLAIN
    + "\n## Article 14: Human oversight\n\n" + HEAD + RECOURSE
    + "\n## Article 20: Corrective actions and duty of information\n\n" + HEAD + INCIDENT
    + "\n## Article 72: Post-market monitoring by providers and post-market monitoring plan "
      "for high-risk AI systems\n\n" + HEAD + MISUSE
    + "\n## Article 73: Reporting of serious incidents\n\n" + HEAD + INCIDENT
    + "\n## Article 86: Right to explanation of individual decision-making\n\n"
    + HEAD + EXPLAIN)

NIST_AI_RMF = (
    top("NIST AI Risk Management Framework (AI RMF 1.0)", "the NIST AI RMF",
        "7 items tagged for nist-ai-rmf, 3 closed.")
    + "\n## Govern\n\n" + HEAD + LAWFUL + INCIDENT
    + "\n## Map\n\n" + HEAD + LAWFUL + FAIRNESS + MISUSE
    + "\n## Measure\n\n" + HEAD + PERSONAL + FAIRNESS + EXPLAIN + RECOURSE + MISUSE
    + "\n## Manage\n\n" + HEAD + PERSONAL + RECOURSE + MISUSE + INCIDENT)


def ok(*args: str | Path, cwd: Path | None = None) -> str:
    result = run(*args, cwd=cwd)
    assert (result.code, result.err) == (0, ""), result
    return result.out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A product project with the responsible-ai overlay: its items done (one whose
    metric check now fails), one waived, one in progress, the rest untouched."""
    with init_date():
        ok("init", tmp_path / "p", "--name", "Churn & co", "--playbook", "product",
           "--team", "pm=Ana", "--team", "mlm=Bo", "--team", "ds=Cy", "--no-input")
    root = tmp_path / "p"
    assert ok("overlay", "add", "responsible-ai", "--by", "Ana", "--today", TODAY,
              cwd=root) == ("overlay added: responsible-ai 1.0.0 (responsible-ai -> quality; "
                            f"by Ana, {TODAY})\nLIFECYCLE.md: updated\n")
    docs = root / "docs" / "responsible-ai"
    (docs / "data-protection.md").write_text(
        "# Data protection\n\nWe train on usage logs collected under our customer contract, "
        "clause 4.\n", encoding="utf-8")
    (docs / "fairness-report.md").write_text(
        "# Fairness\n\nWe compare recall across age bands and regions on the March "
        "hold-out.\n", encoding="utf-8")
    (root / "reports").mkdir()
    gap = root / "reports" / "fairness.json"
    gap.write_text(json.dumps({"max_group_gap": 0.03}), encoding="utf-8")
    for args in (
        ("training-data-lawful-basis", "done", "-e", "docs/responsible-ai/data-protection.md",
         "--owner", "Ana"),
        ("fairness-across-groups", "done", "-e", "docs/responsible-ai/fairness-report.md",
         "-e", "reports/fairness.json", "--owner", "Cy"),
        ("explanation-for-affected-people", "done", "-e", "https://wiki.example.com/explain",
         "-e", "docs/responsible-ai/data-protection.md", "--owner", "Ana"),
        ("incident-and-rollback-plan", "doing", "--owner", "Bo"),
    ):
        ok("set", *args, "--today", TODAY, cwd=root)
    ok("waive", "misuse-monitoring", "--reason", "Internal pilot only, no external users yet",
       "--by", "Bo", "--until", "2027-06-30", "--today", TODAY, cwd=root)
    gap.write_text(json.dumps({"max_group_gap": 0.08}), encoding="utf-8")  # now above 0.05
    return root


@pytest.mark.parametrize(("name", "expected"), [("eu-ai-act", EU_AI_ACT),
                                                ("nist-ai-rmf", NIST_AI_RMF)])
def test_markdown_index_groups_items_by_reference(project: Path, name: str,
                                                  expected: str) -> None:
    out = ok("report", "--framework", name, "--format", "markdown", "--today", TODAY,
             cwd=project)
    assert out == expected
    target = project.parent / f"{name}.md"
    target.write_text(out, encoding="utf-8")
    _lint(target)
    html = _html(out)
    rows = [sum(line.startswith("| ") for line in t.splitlines())  # the header row and rows
            for t in out.split("\n## ")[1:]]
    assert _tables(html) == [[5] * n for n in rows]
    assert "<strong>Passing is not compliance.</strong>" in html


def test_output_file_html_and_deterministic(project: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796947200")  # 2026-12-11 00:00 UTC
    result = run("report", "--framework", "eu-ai-act", "-o", "out/ai-act.html", "--today",
                 TODAY, cwd=project)
    page = (project / "out" / "ai-act.html").read_text(encoding="utf-8")
    assert (result.code, result.err) == (0, "")
    assert result.out == f"wrote out/ai-act.html ({len(page.encode()):,} bytes)\n"
    assert ("<p class=\"bad\" id=\"not-compliance\"><strong>Passing is not compliance."
            "</strong> This is an index of evidence, not a compliance assessment: it lists "
            "the items of this project tagged for the EU AI Act and what each one points to. "
            "Closed items and a passing mlcycle check do not mean that the product complies "
            "with the EU AI Act; only an assessment of the product against the framework "
            "itself can say that.</p>\n") in page
    assert ("<p class=\"meta\">Project <strong id=\"project\">Churn &amp; co</strong>; "
            "playbook <strong>product 3.1.0 (overlays: responsible-ai 1.0.0)</strong>; as of "
            "2026-12-10; generated "
            "2026-12-11 00:00 UTC.</p>\n") in page
    assert page.count("<h2>") == 8
    assert ("<tr class=\"ok\" data-item=\"explanation-for-affected-people\"><td><strong>"
            "explanation-for-affected-people</strong> Explanation available to the people "
            "affected</td><td>quality</td><td>done</td><td>Ana</td><td><code>"
            "https://wiki.example.com/explain</code><br><code>docs/responsible-ai/"
            "data-protection.md</code></td></tr>\n") in page
    again = run("report", "--framework", "eu-ai-act", "--today", TODAY, cwd=project)
    assert again.out == page


def test_markdown_output_file(project: Path) -> None:
    result = run("report", "--framework", "nist-ai-rmf", "--format", "markdown", "-o",
                 "nist.md", "--today", TODAY, cwd=project)
    assert (result.code, result.err) == (0, "")
    assert (project / "nist.md").read_text(encoding="utf-8") == NIST_AI_RMF


def test_output_never_replaces_an_input(project: Path) -> None:
    before = snapshot(project)
    result = run("report", "--framework", "eu-ai-act", "--format", "markdown", "-o",
                 "docs/responsible-ai/fairness-report.md", "--today", TODAY, cwd=project)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines() == [
        "docs/responsible-ai/fairness-report.md:1:1: error[MLC035]: --output would replace a "
        "file mlcycle reads (evidence of item 'fairness-across-groups'); nothing was written, "
        "write the report elsewhere", "1 error in 1 file"]
    assert snapshot(project) == before


@pytest.mark.parametrize(("args", "message"), [
    (("--framework", "eu-ai"), "mlcycle report: --framework 'eu-ai' is not a framework "
     "mlcycle knows (did you mean 'eu-ai-act'?); known: eu-ai-act, nist-ai-rmf; see "
     "'mlcycle report --help'"),
    (("--framework", "iso-42001", "--format", "markdown"), "mlcycle report: --framework "
     "'iso-42001' is not a framework mlcycle knows; known: eu-ai-act, nist-ai-rmf; see "
     "'mlcycle report --help'"),
    (("--format", "markdown"), "mlcycle report: --format markdown goes with --framework NAME "
     "(the full report is HTML only); see 'mlcycle report --help'"),
    (("--framework", "eu-ai-act", "--format", "pdf"), "mlcycle report: --format / -f: 'pdf' "
     "is not one of html, markdown; see 'mlcycle report --help'"),
])
def test_usage_errors(project: Path, args: tuple[str, ...], message: str) -> None:
    before = snapshot(project)
    result = run("report", *args, "--today", TODAY, cwd=project)
    assert (result.code, result.out, result.err) == (
        2, "", f"<command line>: error[MLC031]: {message}\n")
    assert snapshot(project) == before


def test_a_project_without_tagged_items_says_so(tmp_path: Path) -> None:
    with init_date():
        ok("init", tmp_path / "p", "--name", "Dedup", "--playbook", "five-phase",
           "--team", "pm=Ana", "--no-input")
    out = ok("report", "--framework", "eu-ai-act", "--format", "markdown", "--today", TODAY,
             cwd=tmp_path / "p")
    assert out == (
        "# Evidence index: EU AI Act (Regulation (EU) 2024/1689)\n\n"
        f"Project **Dedup**, playbook five-phase 2.0.0, as of {TODAY}.\n\n"
        + WARNING.format(short="the EU AI Act")
        + "\nNo item of this project is tagged for eu-ai-act (a tag such as eu-ai-act:art-10 "
          "in an item's tags), so there is nothing to index; `mlcycle overlay add "
          "responsible-ai` adds the built-in checks whose items are tagged for eu-ai-act.\n")
    page = ok("report", "--framework", "nist-ai-rmf", "--today", TODAY, cwd=tmp_path / "p")
    assert ("<p id=\"summary\">No item of this project is tagged for nist-ai-rmf (a tag such "
            "as nist-ai-rmf:measure in an item&#39;s tags), so there is nothing to "
            "index; mlcycle overlay add responsible-ai adds the built-in checks whose items "
            "are tagged for nist-ai-rmf.</p>\n") in page
    assert "<h2>" not in page
    # What it says to run gives the index its items.
    ok("overlay", "add", "responsible-ai", "--by", "Ana", "--today", TODAY, cwd=tmp_path / "p")
    out = ok("report", "--framework", "eu-ai-act", "--format", "markdown", "--today", TODAY,
             cwd=tmp_path / "p")
    assert "\n7 items tagged for eu-ai-act, 0 closed.\n" in out


def test_finer_references_fold_into_their_group(tmp_path: Path) -> None:
    """A team's playbook may cite a subcategory, an annex or a framework mlcycle
    does not know: the subcategory is listed under its function and named, the
    annex after the articles, the unknown framework nowhere."""
    ok("playbooks", "fork", "responsible-ai", tmp_path / "pb")
    phase = tmp_path / "pb" / "responsible-ai.yaml"
    text = phase.read_text(encoding="utf-8")
    phase.write_text(text.replace(
        "    tags: [eu-ai-act:art-10, nist-ai-rmf:govern, nist-ai-rmf:map]\n",
        "    tags: [nist-ai-rmf:measure-2.11, iso-42001:6.1, eu-ai-act:annex-iv, "
        "nist-ai-rmf:measure-2.10]\n"), encoding="utf-8")
    with init_date():
        ok("init", tmp_path / "p", "--name", "Churn", "--playbook", tmp_path / "pb",
           "--no-input")
    nist = ok("report", "--framework", "nist-ai-rmf", "--format", "markdown", "--today",
              TODAY, cwd=tmp_path / "p")
    measure = nist.split("## Measure\n\n")[1]
    assert measure.splitlines()[2] == (
        "| `training-data-lawful-basis` Consent and lawful basis for the training data "
        "(measure-2.11, measure-2.10) | `responsible-ai` | todo | (nobody) | (none) |")
    govern = nist.split("## Govern\n\n")[1].split("\n## ")[0]
    assert "incident-and-rollback-plan" in govern
    assert "training-data-lawful-basis" not in govern  # its govern tag was replaced
    eu = ok("report", "--framework", "eu-ai-act", "--format", "markdown", "--today", TODAY,
            cwd=tmp_path / "p")
    assert eu.rsplit("\n## ", 1)[1] == (
        "Annex IV\n\n" + HEAD + "| `training-data-lawful-basis` Consent and lawful basis "
        "for the training data | `responsible-ai` | todo | (nobody) | (none) |\n")


def test_the_html_index_in_chromium(tmp_path: Path) -> None:
    """Rendered by a real browser: no console error, the hostile project name is
    text, the warning and every group are there."""
    from test_report import HOSTILE, Elements, browse, chromium

    assert chromium()
    with init_date():
        ok("init", tmp_path / "p", "--name", HOSTILE, "--playbook", "product",
           "--team", "pm=Ana", "--no-input")
    ok("overlay", "add", "responsible-ai", "--by", "Ana", "--today", TODAY, cwd=tmp_path / "p")
    ok("report", "--framework", "nist-ai-rmf", "-o", "index.html", "--today", TODAY,
       cwd=tmp_path / "p")
    done = browse(tmp_path / "p" / "index.html", tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if "CONSOLE" in line] == []
    dom = Elements()
    dom.feed(done.stdout)
    tags = [tag for tag, _ in dom.tags]
    assert "script" not in tags and "img" not in tags
    assert tags.count("h2") == 4
    assert dom.text("title") == ("Evidence index: NIST AI Risk Management Framework "
                                 "(AI RMF 1.0)")
    assert dom.text("not-compliance").startswith(
        "Passing is not compliance. This is an index of evidence, not a compliance "
        "assessment")
    assert dom.text("summary") == "7 items tagged for nist-ai-rmf, 0 closed."
    assert dom.text("project") == HOSTILE
