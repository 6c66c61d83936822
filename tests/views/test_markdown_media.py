"""One escaping rule per medium (issue 17, item 6): hostile-but-legal names in
the generated Markdown (stubs, LIFECYCLE.md, README.md), in every Markdown
output, and in the GitHub Actions log of ``check --format github``.

Exact bytes through the real CLI; a real Markdown linter (pymarkdown) over
every generated document and output; a real GFM renderer (cmarkgfm, GitHub's
own cmark fork) to prove tables stay tables and names stay text.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from helpers.cli import run
from helpers.git import git
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mlcycle import escape

ROOT = Path(__file__).parents[2]
TODAY = "2025-01-01"

NAME = "Tom & Jerry | <img src=x onerror=alert(1)> ##[error]x"
NAME_MD = "Tom \\& Jerry \\| \\<img src=x onerror=alert(1)\\> \\#\\#\\[error\\]x"
PHASE = "Define & ##[error]x | <b>bold</b>"
PHASE_MD = "Define \\& \\#\\#\\[error\\]x \\| \\<b\\>bold\\</b\\>"
DOC = "Problem `statement` | *now* ~~gone~~"
DOC_MD = "Problem \\`statement\\` \\| \\*now\\* \\~\\~gone\\~\\~"
ROLE = "Product & <i>manager</i> | lead"
ROLE_MD = "Product \\& \\<i\\>manager\\</i\\> \\| lead"
NOTE = "Tom & Jerry <img src=x onerror=alert(1)> ##[error]x ##[add-mask]y `tick` *star* _u_"
NOTE_MD = ("Tom \\& Jerry \\<img src=x onerror=alert(1)\\> \\#\\#\\[error\\]x "
           "\\#\\#\\[add-mask\\]y \\`tick\\` \\*star\\* \\_u\\_")
TEAM = ["pm=A|B", "pm=##[add-mask]y", "ds=<img src=x onerror=alert(1)>", "mlm=Tom & Jerry",
        "mle=`code` *star* _under_", "pe=- 1. #x", "qa=2024. year"]
EVIDENCE = "docs/::error::forged ##[error]x.md"

# Rules of pymarkdown left off, and why. Nothing else is.
DISABLED = {
    "md013": "line length: a table row or a TODO prompt is one line by design (a "
             "wrapped cell breaks its table), and names are as long as users make them",
    "md041": "first line a top-level heading: a stub's first line is its marker "
             "<!-- mlcycle:stub --> (what `check` looks for), and a command's Markdown "
             "output is a fragment for a pull-request comment or job summary (## or ###)",
}


def _html(markdown: str) -> str:
    """What GitHub renders (cmark-gfm with its extensions), raw HTML kept as
    GitHub's sanitiser would see it: so a tag that got through shows here."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def _tables(html: str) -> list[list[int]]:
    """Per table: the number of cells in each row (header row first)."""
    out = []
    for table in re.findall(r"<table>(.*?)</table>", html, re.S):
        out.append([len(re.findall(r"<t[hd][ >]", row))
                    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)])
    return out


def _lint(*paths: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pymarkdown", "--disable-rules", ",".join(DISABLED), "scan",
         *map(str, paths)], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), result


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A team playbook (five-phase) whose phase, document and role carry hostile
    names, a project made from it with a hostile name and team, committed, then
    an item blocked with a hostile note and owner and one waived with a hostile
    reason and approver."""
    where = tmp_path_factory.mktemp("hostile")
    pb = where / "pb"
    shutil.copytree(ROOT / "phases" / "five-phase", pb)
    define = pb / "define.yaml"
    text = define.read_text(encoding="utf-8")
    for old, new in (("title: Define the problem", f"title: {json.dumps(PHASE)}"),
                     ("    title: Problem statement\n    template:",
                      f"    title: {json.dumps(DOC)}\n    template:")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    define.write_text(text, encoding="utf-8")
    book = pb / "playbook.yaml"
    text = book.read_text(encoding="utf-8")
    book.write_text(text.replace("name: Product manager", f"name: {json.dumps(ROLE)}"),
                    encoding="utf-8")
    team = [arg for pair in TEAM for arg in ("--team", pair)]
    made = run("init", "proj", "--no-input", "--playbook", "./pb", "--name", NAME, *team,
               cwd=where)
    assert made.code == 0, made
    proj = where / "proj"
    git(proj, "init", "-q", "-b", "main")
    git(proj, "add", "-A")
    git(proj, "commit", "-qm", "start")
    done = run("set", "problem-statement", "blocked", "--owner", "A|B", "--note", NOTE,
               "--today", TODAY, cwd=proj)
    assert done.code == 0, done
    done = run("waive", "problem-to-model", "--reason", NOTE, "--by", "Tom & Jerry",
               "--until", "2025-01-10", "--today", TODAY, cwd=proj)
    assert done.code == 0, done
    yield proj


def test_every_template_value_passes_the_markdown_filter() -> None:
    """In our Markdown templates every ``{{ }}`` is escaped by ``md`` (or
    Mermaid's ``mermaid``), or is one of the values below, which the schema
    or mlcycle's own code makes safe."""
    safe = {
        '"%02d"|format(loop.index)': "a number",
        "loop.index": "a number",
        'items | length if items else "TODO"': "a number",
        "doc.path": "schema: docs/<slug>/<name>.md",
        "item.id": "schema: [a-z0-9][a-z0-9._-]*, in a code span",
        "phase.id": "schema: a slug",
        "role.id": "schema: a slug",
        "playbook.name": "schema: a slug, in a code span",
        "playbook.version": "schema: semantic version",
        "overlay.name": "schema: a slug, in a code span",
        "overlay.version": "schema: semantic version",
        "overlay.file": "lifecycle/overlays/<slug>.yaml",
        "phase.attached": "schema: a phase id (slug) of the lifecycle",
        "phases.index(target) + 1": "a number",
        "row.item": "escaped by init/metric_guide.py",
        "row.check": "escaped by init/metric_guide.py",
        "row.kind": "metric or parity",
        "row.reads": "escaped by init/metric_guide.py",
        "row.passes": "escaped by init/metric_guide.py",
        "guide.fence": "backticks",
        "guide.primary_spec": "escaped by init/metric_guide.py (a code span)",
        "guide.primary_direction": "schema: higher or lower",
        "file.literal": "Python literal inside a fence longer than any backtick run",
        "file.path_literal": "Python repr inside that fence",
        "person(role)": "macro of values escaped with md",
        "person(item.raci.accountable)": "macro of values escaped with md",
        "items_list(items)": "macro of values escaped with md",
        "item|lifecycle_row(roles)": "escaped by init/templating.py (md on the title)",
        "item|lifecycle_row(overlay.roles)": "escaped by init/templating.py (md on the title)",
    }
    found: set[str] = set()
    templates = [*sorted((ROOT / "templates" / "docs").glob("*.md.j2")),
                 *sorted((ROOT / "templates" / "project").glob("*.md.j2"))]
    assert len(templates) > 30
    for path in templates:
        for expr in re.findall(r"\{\{-?\s*(.*?)\s*-?\}\}", path.read_text(encoding="utf-8")):
            found.add(expr)
            if expr.startswith("phase_node("):
                continue  # p1, p2, ...: mlcycle's own node ids
            escaped = re.search(r'\|\s*md\b|map\("md"\)|\|\s*mermaid\b', expr)
            assert escaped or expr in safe, f"{path.name}: {{{{ {expr} }}}} is not escaped"
    assert set(safe) <= found  # no stale entry


def test_generated_documents_show_hostile_names_as_written(hostile: Path) -> None:
    readme = (hostile / "README.md").read_text(encoding="utf-8")
    assert readme.splitlines()[0] == f"# {NAME_MD}"
    lifecycle = (hostile / "LIFECYCLE.md").read_text(encoding="utf-8").splitlines()
    assert lifecycle[0] == f"# {NAME_MD}: lifecycle"
    assert '    p1["1. Define #amp; #35;#35;[error]x | #lt;b#gt;bold#lt;/b#gt;"]' in lifecycle
    people = lifecycle[lifecycle.index("| Role | Id | People |") + 2:][:7]
    assert people == [
        f"| {ROLE_MD} | `pm` | A\\|B, \\#\\#\\[add-mask\\]y |",
        "| ML manager | `mlm` | Tom \\& Jerry |",
        "| Data scientist | `ds` | \\<img src=x onerror=alert(1)\\> |",
        "| ML engineer | `mle` | \\`code\\` \\*star\\* \\_under\\_ |",
        "| Product engineer | `pe` | \\- 1. \\#x |",
        "| DevOps engineer | `devops` | _unassigned_ |",
        "| QA engineer | `qa` | 2024\\. year |",
    ]
    assert f"## 1. {PHASE_MD}" in lifecycle
    assert f"- [{DOC_MD}](docs/define/problem-statement.md)" in lifecycle
    stub = (hostile / "docs/define/problem-statement.md").read_text(encoding="utf-8")
    assert stub.splitlines()[3:10] == [
        f"# {DOC_MD}",
        "",
        f"Project: {NAME_MD} · Phase: {PHASE_MD}",
        "",
        "## Checklist items this document closes",
        "",
        f"- `problem-statement` Problem statement (R: {ROLE_MD} (A\\|B, \\#\\#\\[add-mask\\]y), "
        f"A: {ROLE_MD} (A\\|B, \\#\\#\\[add-mask\\]y))",
    ]
    charter = (hostile / "docs/define/ml-framing.md").read_text(encoding="utf-8")
    assert f"Project: {NAME_MD} · Phase: {PHASE_MD}" in charter


def _outputs(hostile: Path) -> dict[str, str]:
    """Every Markdown output of every command, on the hostile project."""
    out = {}
    for name, args in {
        "status": ["status", "--format", "markdown", "--today", TODAY],
        "status all": ["status", "--format", "markdown", "--today", TODAY, "--all-items"],
        "check": ["check", "--all", "--format", "markdown", "--today", TODAY],
        "check base": ["check", "--all", "--format", "markdown", "--today", TODAY,
                       "--base", "main"],
        "diff": ["diff", "--base", "main", "--format", "markdown", "--today", TODAY],
        "raci": ["raci", "--format", "markdown"],
        "playbooks show": ["playbooks", "show", "../pb", "--format", "markdown"],
        "portfolio": ["portfolio", ".", "--format", "markdown", "--today", TODAY],
    }.items():
        result = run(*args, cwd=hostile)
        assert result.code in (0, 1) and result.err == "", (name, result)
        out[name] = result.out
    return out


def test_markdown_outputs_show_hostile_text_as_written(hostile: Path) -> None:
    out = _outputs(hostile)
    status = out["status"].splitlines()
    assert status[0] == (f"## {NAME_MD} · playbook five-phase 2.0.0 · current phase: define "
                         f"· as of {TODAY}")
    assert (f"| `define` | `problem-statement` | Problem statement | A\\|B | {NOTE_MD} |  |"
            in status)
    assert f"| 1. {PHASE_MD} **(current)** | 50% | 1/2 | 1/2 | `problem-statement` |" in status
    check = out["check"].splitlines()
    assert check[2].startswith(f"Project **{NAME_MD}**, playbook `five-phase` 2.0.0")
    assert ("| `define` | `problem-statement` | Problem statement | A\\|B | status is blocked |"
            in check)
    diff = out["diff"].splitlines()
    assert "- `define/problem-statement`: owner: (none) → A\\|B" in diff
    assert "#### Item changes" in diff
    assert f"| `pm` | {ROLE_MD} | A\\|B, \\#\\#\\[add-mask\\]y |" in out["raci"].splitlines()
    assert f"## {PHASE_MD}" in out["playbooks show"].splitlines()
    assert out["portfolio"].splitlines()[4].startswith(f"| {NAME_MD} | . | five-phase 2.0.0 |")


def test_gfm_renders_hostile_names_as_text_and_tables_as_tables(hostile: Path) -> None:
    out = _outputs(hostile)
    documents = {
        "README.md": (hostile / "README.md").read_text(encoding="utf-8"),
        "LIFECYCLE.md": (hostile / "LIFECYCLE.md").read_text(encoding="utf-8"),
        "stub": (hostile / "docs/define/problem-statement.md").read_text(encoding="utf-8"),
        **out,
    }
    html = {name: _html(text) for name, text in documents.items()}
    for name, page in html.items():
        for tag in ("<img", "<b>", "<i>", "<h1>x", "<ol start"):
            assert tag not in page, (name, tag)
        # The only <del>: none; the only code spans and emphasis: mlcycle's own.
        for made in ("<del>", "<code>tick</code>", "<em>star</em>", "<em>u</em>"):
            assert made not in page, (name, made)
    assert "<h1>Tom &amp; Jerry | &lt;img src=x onerror=alert(1)&gt; ##[error]x</h1>" \
        in html["README.md"]
    # Tables: how many, and each row's cells (a '|' in a name splits none).
    assert _tables(html["LIFECYCLE.md"]) == [
        [3] * 8, *([[9] * (n + 1) for n in (2, 6, 3, 8, 5)])]
    assert "<td>A|B, ##[add-mask]y</td>" in html["LIFECYCLE.md"]
    assert "<td>&lt;img src=x onerror=alert(1)&gt;</td>" in html["LIFECYCLE.md"]
    assert "<td>Tom &amp; Jerry</td>" in html["LIFECYCLE.md"]
    stub = html["stub"]
    assert "<h1>Problem <code>statement</code>" not in stub
    assert "<h1>Problem `statement` | *now* ~~gone~~</h1>" in stub
    assert "<p>Project: Tom &amp; Jerry | &lt;img src=x onerror=alert(1)&gt; ##[error]x" in stub
    assert _tables(stub) == [[2, 2, 2], [3] * 6, [4, 4]]
    # the phase table, then the lists of the current phase (6 columns: "Waits on")
    assert _tables(html["status"]) == [[5] * 6, [6, 6], [6, 6], [6, 6]]
    assert ("<td>Tom &amp; Jerry &lt;img src=x onerror=alert(1)&gt; ##[error]x ##[add-mask]y "
            "`tick` *star* _u_</td>") in html["status"]
    assert _tables(html["check"])[:2] == [[6] * 6, [5] * 12]
    assert _tables(html["raci"]) == [[10] * 25, [3] * 8]
    assert _tables(html["portfolio"]) == [[10] * 3]
    assert "<td>Tom &amp; Jerry | &lt;img src=x onerror=alert(1)&gt; ##[error]x</td>" \
        in html["portfolio"]


def test_markdown_lints_clean_for_every_builtin_playbook_and_output(
        hostile: Path, tmp_path: Path) -> None:
    listed = run("playbooks")
    assert listed.code == 0, listed
    # The lifecycles: the first table, up to the blank line before the overlays.
    names = [row.split()[0] for row in listed.out.split("\n\n")[0].splitlines()[2:]]
    assert len(names) >= 6
    files: list[Path] = []
    for name in names:
        made = run("init", tmp_path / name, "--no-input", "--playbook", name, "--name", NAME,
                   *[arg for pair in ("pm=A|B", "pm=##[add-mask]y") for arg in ("--team", pair)
                     if name == "product"])
        assert made.code == 0, (name, made)
        files += sorted((tmp_path / name).rglob("*.md"))
    files += sorted(hostile.rglob("*.md"))
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    for label, text in _outputs(hostile).items():
        (outputs / f"{label.replace(' ', '-')}.md").write_text(text, encoding="utf-8")
    scored = run("score", tmp_path / "ml-test-score", "--format", "markdown", "--today", TODAY)
    assert scored.code == 0, scored
    (outputs / "score.md").write_text(scored.out, encoding="utf-8")
    files += sorted(outputs.glob("*.md"))
    assert len(files) > 100
    _lint(*files)
    assert _tables(_html(scored.out)) == [[5] * 5, [5] * 29]


def test_the_linter_is_real(tmp_path: Path) -> None:
    """The same run fails on what the escaping prevents: a name unescaped."""
    bad = tmp_path / "bad.md"
    bad.write_text("# x\n\n- # heading in a list\n\nTom & Jerry <img src=x>\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pymarkdown", "--disable-rules",
                             ",".join(DISABLED), "scan", str(bad)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert [line.split(": ")[1] for line in result.stdout.splitlines()] == ["MD025", "MD033"]


def test_github_log_neutralises_workflow_commands_in_user_text(hostile: Path,
                                                               tmp_path: Path) -> None:
    shutil.copytree(hostile.parent, tmp_path / "where")
    copy = tmp_path / "where" / "proj"
    path = copy / "lifecycle/02-data.yaml"
    text = path.read_text(encoding="utf-8")
    old = "  - id: data-sources\n"
    start = text.index(old)
    state = text.index("    status: todo\n    owner:\n", start)
    text = (text[:state] + "    status: done\n    owner: A|B\n    evidence:\n"
            f"      - {json.dumps(EVIDENCE)}\n"
            + text[state + len("    status: todo\n    owner:\n"):])
    path.write_text(text, encoding="utf-8")
    line = text[:text.index(json.dumps(EVIDENCE))].count("\n") + 1
    result = run("check", "--format", "github", "--today", TODAY, cwd=copy)
    assert result.code == 1, result
    shown = "docs/::error::forged #\\x23[error]x.md"
    assert (f"::error file=lifecycle/02-data.yaml,line={line},col=9,title=mlcycle MLC103%3A "
            f"data-sources::item 'data-sources': evidence '{shown}' does not exist"
            ) in result.out.splitlines()[0]
    plain = [x for x in result.out.splitlines() if not x.startswith("::")]
    assert (f"lifecycle/02-data.yaml:{line}:9: error[MLC103]: item 'data-sources': evidence "
            "'docs/:\\x3aerror:\\x3aforged #\\x23[error]x.md' does not exist") in plain
    for x in plain:
        assert "##[" not in x and "::" not in x, x
    # The same plain line in any other format is the text as written (visible escapes only).
    text_out = run("check", "--today", TODAY, cwd=copy).out
    assert f"evidence '{EVIDENCE}' does not exist" in text_out


def test_mlc028_annotation_names_the_directory_relative_to_the_workspace(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    message = ("no mlcycle.yaml here or in any parent directory; run 'mlcycle init' first or "
               "name the project directory")
    for where, arg, expected in (
        (tmp_path, "nothere", "::error file=nothere/,title=mlcycle MLC028::"),
        (tmp_path, str(tmp_path / "nothere"), "::error file=nothere/,title=mlcycle MLC028::"),
        (tmp_path / "sub", "../nothere", "::error title=mlcycle MLC028::"),  # outside: no file
        (tmp_path / "sub", ".", "::error title=mlcycle MLC028::"),  # the root itself
    ):
        result = run("check", arg, "--format", "github", cwd=where)
        assert result.code == 2, result
        assert result.out.splitlines() == [expected + message,
                                           "mlcycle check: could not evaluate: 1 input error"]
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    result = run("check", "nothere", cwd=tmp_path / "sub")
    assert result.out.splitlines()[0] == "::error file=sub/nothere/,title=mlcycle MLC028::" + \
        message
    result = run("check", "--today", "::error::x", "--format", "github", cwd=tmp_path)
    assert result.out.splitlines()[0] == (
        "::error title=mlcycle MLC031::--today: '::error::x' is not a calendar date YYYY-MM-DD")
    assert result.err == ("<command line>: error[MLC031]: --today: ':\\x3aerror:\\x3ax' is not a "
                          "calendar date YYYY-MM-DD\n")


# Every ASCII punctuation character, spaces, digits, a few letters that cannot
# spell an autolink (www., http://, mailto:, xmpp:) but spell entities (&amp;,
# &lt;, &gt;), and non-ASCII text. No "@":
# GFM links a bare e-mail address, and that is no escaping matter.
_ALPHABET = [c for c in string.punctuation if c != "@"] + list(" \t0123456789abcgélmpt漢\n\x1b")


def _as_cmark_text(text: str) -> str:
    """What cmark-gfm prints for text that means nothing: HTML-escaped, quotes too."""
    return html.escape(text, quote=False).replace('"', "&quot;")


@settings(max_examples=400, deadline=None, derandomize=True)
@given(text=st.text(st.sampled_from(_ALPHABET), min_size=1, max_size=24))
@example(NAME)
@example("Tom &amp; Jerry &#35; &lt;")
@example("2024. year")
@example("- # x #")
@example("##[add-mask]y")
def test_escaped_text_is_the_same_text_in_every_markdown_position(text: str) -> None:
    """The one Markdown rule, judged by GitHub's own renderer: whatever a name
    holds, escaped it renders as exactly its (visible, one-line) text in a
    paragraph, a heading, a list item and a table cell, one cell wide."""
    shown = " ".join(escape.line(text).split())
    md = escape.markdown(text)
    if not shown:
        assert md == ""
        return
    want = _as_cmark_text(shown)
    assert _html(f"{md}\n") == f"<p>{want}</p>\n"
    assert _html(f"# {md}\n") == f"<h1>{want}</h1>\n"
    assert _html(f"- {md}\n") == f"<ul>\n<li>{want}</li>\n</ul>\n"
    table = _html(f"| a | b |\n|---|---|\n| {md} | x |\n")
    assert f"<td>{want}</td>\n<td>x</td>" in table and _tables(table) == [[2, 2]]
