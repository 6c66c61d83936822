"""report: one self-contained, deterministic HTML page, checked as bytes and in a
real headless Chromium (rendered DOM, no console errors, a hostile title creates
no element, a 1280 px screenshot)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers.cli import ok, run
from helpers.git import git, isolate_git
from helpers.project import FIXTURES, snapshot

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
SCREENSHOT = Path(__file__).parents[2] / "docs" / "report.png"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLCYCLE_TODAY", "2026-01-20")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    isolate_git(monkeypatch)


def demo(tmp_path: Path, name: str = "Fraud scoring", in_git: bool = True) -> Path:
    """A tiny project with a history: four commits that close, waive, advance,
    reopen and block items."""
    top = tmp_path / "repo"
    top.mkdir(parents=True)
    shutil.copytree(FIXTURES / "playbooks" / "tiny", top / "tiny")
    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"  # init records 2026-01-01
    ok(top, "init", "proj", "--no-input", "--playbook", "./tiny", "--name", name,
       "--team", "pm=Ana Lima", "--team", "ds=Bo Li")
    del os.environ["SOURCE_DATE_EPOCH"]
    proj = top / "proj"
    if in_git:
        git(top, "init", "-q", "-b", "main")
        git(top, "add", "-A")
        git(top, "commit", "-q", "-m", "init", when="2026-01-01T12:00:00+00:00")
    (proj / "docs").mkdir()
    (proj / "docs" / "problem.md").write_text("# Problem\n\nFraud costs us money.\n")

    def one() -> None:
        ok(proj, "done", "problem", "-e", "docs/problem.md", "--today", "2026-01-02")
        ok(proj, "waive", "framing", "--reason", "rules tried", "--by", "Ana Lima", "--until",
           "2026-01-25", "--today", "2026-01-02")

    def two() -> None:
        ok(proj, "advance", "--by", "Ana Lima", "--today", "2026-01-05")
        ok(proj, "set", "sources", "done", "--owner", "Bo Li", "--today", "2026-01-05")

    def three() -> None:
        ok(proj, "reopen", "frame", "--reason", "label leakage in feature X", "--by", "Bo Li",
           "--reset", "problem", "--today", "2026-01-08")
        ok(proj, "block", "leakage", "--reason", "waiting for the data contract",
           "--today", "2026-01-08")
        ok(proj, "set", "baseline", "--owner", "Bo Li", "--due", "2026-01-15",
           "--today", "2026-01-08")

    for number, step in enumerate((one, two, three), 1):
        step()
        if in_git:
            git(top, "add", "-A")
            git(top, "commit", "-q", "-m", f"step {number}",
                when=f"2026-01-0{2 + 3 * (number - 1)}T12:00:00+00:00")
    return proj


def test_page_is_self_contained_deterministic_and_escaped(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    proj = demo(tmp_path, name=HOSTILE)
    assert not (proj / "out").exists()  # created, as CI needs for reports/
    result = run("report", "--output", "out/report.html", cwd=proj)
    assert (result.code, result.err) == (0, "")
    page = (proj / "out" / "report.html").read_bytes()
    assert result.out == f"wrote out/report.html ({len(page):,} bytes)\n"
    assert sorted(p.name for p in (proj / "out").iterdir()) == ["report.html"]  # atomic
    assert run("report", "-o", "out/report.html", cwd=proj).code == 0
    assert (proj / "out" / "report.html").read_bytes() == page  # same input, same bytes
    text = page.decode()
    assert "generated" not in text
    assert "<script" not in text and "<img" not in text and "<link" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in text
    assert re.findall(r"<[^>]*\s(?:src|href)=", text) == []  # nothing fetched, nothing linked
    assert [u for u in re.findall(r"https?://[^\s\"'<>]+", text)
            if u != "http://www.w3.org/2000/svg"] == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert run("report", "-o", "out/dated.html", cwd=proj).code == 0
    assert "; generated 2026-01-01 00:00 UTC." in (proj / "out" / "dated.html").read_text()


def test_outside_git_the_page_says_there_is_no_history(tmp_path: Path) -> None:
    proj = demo(tmp_path, in_git=False)
    assert run("report", "-o", "r.html", cwd=proj).code == 0
    text = (proj / "r.html").read_text()
    assert "Not inside a git repository: no history to chart." in text
    assert "<svg" not in text


def test_burn_up_counts_work_committed_with_the_file(tmp_path: Path) -> None:
    # A project whose status files reached git only after work was done: the
    # first commit already closes an item, which the burn-up counts from todo.
    proj = demo(tmp_path, in_git=False)
    top = proj.parent
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "everything at once", when="2026-01-09T12:00:00+00:00")
    assert run("report", "-o", "r.html", cwd=proj).code == 0
    text = (proj / "r.html").read_text()
    now = re.search(r'<p class="meta" id="burn-up-now">([^<]*)</p>', text)
    assert now is not None
    assert now.group(1) == "2 of 6 items closed now; 1 commit changed an item's status."


def test_without_output_the_page_goes_to_stdout(tmp_path: Path) -> None:
    # As `portfolio --format html`: `mlcycle report > r.html` is the same page.
    proj = demo(tmp_path, in_git=False)
    before = snapshot(proj)
    result = run("report", cwd=proj)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("<!DOCTYPE html>\n")
    assert snapshot(proj) == before  # nothing written
    assert run("report", "-o", "r.html", cwd=proj).code == 0
    assert (proj / "r.html").read_text() == result.out


# --- in a real browser ------------------------------------------------------------


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    why = "Chromium is not installed (apt-get install chromium); the browser tests need it"
    if os.environ.get("CI") == "true":
        pytest.fail(why + ", and CI=true makes them mandatory")
    print(f"SKIPPED: {why}")
    pytest.skip(why)


def browse(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)


class Elements(HTMLParser):
    """Every element of the rendered DOM: (tag, attributes, text inside it)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        ident = dict(attrs).get("id")
        if ident:
            self.ids[ident] = []
        self._open.append(ident or "")

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for ident in self._open:
            if ident:
                self.ids[ident].append(data)

    def text(self, ident: str) -> str:
        return " ".join(" ".join(self.ids[ident]).split())


def test_rendered_in_chromium(tmp_path: Path) -> None:
    browser = chromium()
    assert browser
    proj = demo(tmp_path, name=HOSTILE)
    assert run("report", "-o", "report.html", cwd=proj).code == 0
    page = proj / "report.html"
    done = browse(page, tmp_path / "profile-dom", "--dump-dom")
    assert done.returncode == 0, done.stderr
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    assert console == []
    dom = Elements()
    dom.feed(done.stdout)
    tags = [tag for tag, _ in dom.tags]
    assert "script" not in tags and "img" not in tags  # the hostile title is text
    assert dom.text("title") == HOSTILE
    assert [i for i in ("phases", "open-gates", "blocked", "overdue", "waivers", "raci", "path",
                        "burn-up") if i not in dom.ids] == []
    assert dom.text("current-phase") == "frame"
    assert dom.text("open-gates") == (  # problem, reset by the reopen
        "Open gates (1) phase gate status owner why open frame problem Problem statement doing "
        "(nobody) status is doing")
    assert dom.text("blocked") == ("Blocked items (1) phase item owner reason data leakage "
                                   "Leakage review (nobody) waiting for the data contract")
    assert dom.text("overdue") == ("Overdue items (1) phase item owner due model baseline "
                                   "Baseline Bo Li due 2026-01-15, 5 days late")
    assert dom.text("waivers") == ("Waivers (1) phase item reason approved by expires frame "
                                   "framing ML framing rules tried Ana Lima 2026-01-25 "
                                   "(in 5 days)")
    assert dom.text("raci").startswith(
        "RACI per phase role name people pm Product manager Ana Lima ds Data scientist Bo Li "
        "1. Frame the problem item gate pm ds Problem statement G R, A C ML framing A, I R "
        "2. Data item gate pm ds Data sources G R, A Leakage review A R")
    assert dom.text("path") == (
        "Path through the phases frame -> data -> frame (reopened 2026-01-08: label leakage in "
        "feature X) date move by reason 2026-01-01 started in frame mlcycle init 2026-01-05 "
        "frame \u2192 data Ana Lima 2026-01-08 reopened frame (from data) Bo Li label leakage "
        "in feature X")
    assert dom.text("burn-up-now") == ("2 of 6 items closed now; 3 commits changed an item's "
                                       "status.")
    circles = [attrs for tag, attrs in dom.tags if tag == "circle"]
    assert len(circles) == 4  # three commits and the working tree
    # The README's picture: the same project under a plain name.
    nice = demo(tmp_path / "nice")
    assert run("report", "-o", "report.html", cwd=nice).code == 0
    shot = tmp_path / "shot.png"
    done = browse(nice / "report.html", tmp_path / "profile-shot", f"--screenshot={shot}",
                  "--window-size=1280,2000", "--hide-scrollbars")
    assert done.returncode == 0, done.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 1280  # the IHDR width
    if os.environ.get("MLCYCLE_REGEN_GOLDEN") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)


def test_browser_tests_fail_under_ci_and_skip_elsewhere_without_chromium(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)  # a machine without Chromium
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true makes them mandatory"):
        chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        chromium()
    assert capsys.readouterr().out.startswith("SKIPPED: Chromium is not installed")


@pytest.mark.parametrize("epoch", ["yesterday", "1.5", "99999999999999999999"])
def test_an_invalid_source_date_epoch_is_refused_as_init_refuses_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str) -> None:
    """Not silently left out of the page: the build asked for a fixed date."""
    proj = demo(tmp_path, in_git=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    done = run("report", "-o", "r.html", cwd=proj)
    assert (done.code, done.out) == (2, "")
    assert done.err == ("<environment>: error[MLC031]: SOURCE_DATE_EPOCH must be a whole number "
                        f"of seconds since 1970, not '{epoch}'\n")
    assert not (proj / "r.html").exists()
    init_done = run("init", str(tmp_path / "other"), "--no-input")
    assert (init_done.code, init_done.err) == (2, done.err)


def test_items_outside_the_profile_count_closed_and_overlay_items_name_their_overlay(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: the report counts what `status` counts (an item the profile leaves
    out is not applicable, so closed, in the header and the burn-up alike) and
    shows an overlay's items in the phase they join, named by their overlay."""
    top = tmp_path / "repo"
    top.mkdir()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # init records 2026-01-01
    ok(top, "init", "p", "--no-input", "--playbook", "product", "--profile", "poc",
       "--team", "pm=Ana Lima", "--team", "ds=Bo Li")
    proj = top / "p"
    ok(proj, "overlay", "add", "responsible-ai", "--by", "Ana Lima")
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "init", when="2026-01-01T12:00:00+00:00")
    ok(proj, "waive", "training-data-lawful-basis", "--reason", "public data only", "--by",
       "Ana Lima", "--until", "2026-06-30")
    git(top, "commit", "-q", "-am", "waive", when="2026-01-02T12:00:00+00:00")
    assert run("report", "-o", "r.html", cwd=proj).code == 0
    text = (proj / "r.html").read_text()
    # 13 items of product 3.1.0 apply to production or pilot only; 1 waived.
    assert "; current phase <strong id=\"current-phase\">problem</strong>; 14 of 60 items " \
        "closed;" in text
    assert re.findall(r'<circle [^>]*><title>([^<]*)</title>', text) == [
        "2026-01-02 " + git(top, "rev-parse", "--short=7", "HEAD").strip() + ": 14 closed",
        "2026-01-20 working tree: 14 closed"]
    assert '<p class="meta" id="burn-up-now">14 of 60 items closed now; 1 commit changed ' \
        "an item's status.</p>" in text
    assert ("<tr><td>quality (responsible-ai)</td><td><strong>training-data-lawful-basis"
            "</strong> Consent and lawful basis for the training data</td><td>public data "
            "only</td><td>Ana Lima</td>") in text
    raci = re.search(r'<table class="raci" data-phase="quality">.*?</table>', text, re.S)
    assert raci is not None
    rows = re.findall(r"<tr( data-overlay=\"[^\"]+\")?><td>([^<]*)", raci.group(0))
    assert rows[-7:] == [(' data-overlay="responsible-ai"', title) for title in (
        "Consent and lawful basis for the training data ",
        "Personal data minimised and protected ",
        "Fairness across the groups the product affects ",
        "Explanation available to the people affected ",
        "Recourse and human review for contested predictions ",
        "Misuse and abuse monitoring ", "Incident and rollback plan ")]
    assert len(rows) == 13  # the product's own 6 items first, with no overlay named
    assert all(overlay == "" for overlay, _ in rows[:6])
    assert '<span class="meta">(responsible-ai)</span>' in raci.group(0)
