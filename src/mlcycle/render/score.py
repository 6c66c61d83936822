"""``mlcycle score`` output: a plain table, Markdown or JSON (no rich: plain
columns read as well in a terminal as in a CI log)."""

from __future__ import annotations

import json
from collections.abc import Callable

from mlcycle.escape import line as printable
from mlcycle.escape import markdown as md_escape
from mlcycle.escape import markdown_code as md_code
from mlcycle.judge.score import SECTIONS, Score, held_down_by, shown
from mlcycle.load.project import Project
from mlcycle.render.text import md_table


def _counts(found: Score, section: str) -> tuple[int, int, int]:
    points = [t.points for t in found.tests if t.section == section]
    return points.count(1.0), points.count(0.5), points.count(0.0)


def _final_lines(found: Score) -> list[str]:
    label, text = found.band
    return [f"Final score: {shown(found.final)} (the lowest section; {held_down_by(found)})",
            f"Band {label}: {text}"]


def table(project: Project, found: Score) -> str:
    out = [f"ML Test Score of {printable(project.file.name)} (playbook "
           f"{printable(project.playbook.name)} {project.file.playbook.version})", ""]
    width = max(len(t.item) for t in found.tests)
    for section in [*SECTIONS, *found.others]:
        value = found.sections.get(section, found.others.get(section, 0.0))
        ones, halves, zeros = _counts(found, section)
        note = "" if section in SECTIONS else " (not one of the four sections; not counted)"
        out.append(f"{section}: {shown(value)} ({ones} automated, {halves} by hand, {zeros} "
                   f"not done){note}")
        for t in (t for t in found.tests if t.section == section):
            out.append(f"  {shown(t.points):>3}  {t.item:<{width}}  {printable(t.why)}")
        out.append("")
    return "\n".join([*out, *_final_lines(found)]) + "\n"


def markdown(project: Project, found: Score) -> str:
    rows = [[md_escape(s), shown(found.sections[s]), *map(str, _counts(found, s))]
            for s in SECTIONS]
    tests = [[md_escape(t.section), f"{md_code(t.item)}", md_escape(t.title),
              shown(t.points), md_escape(t.why)] for t in found.tests]
    return "\n".join([
        f"## ML Test Score: {shown(found.final)}\n",
        md_table(["Section", "Score", "Automated (1)", "By hand (0.5)", "Not done (0)"], rows),
        md_escape(_final_lines(found)[0]) + "\n",
        md_escape(_final_lines(found)[1]) + "\n",
        "### Tests\n",
        md_table(["Section", "Item", "Title", "Points", "Why"], tests),
    ])


def data(project: Project, found: Score) -> str:
    label, text = found.band
    out = {
        "version": 1,
        "project": {"name": project.file.name, "playbook": project.playbook.name,
                    "playbook_version": project.file.playbook.version},
        "final": found.final,
        "weakest": found.weakest,
        "band": {"range": label, "text": text},
        "sections": [{"section": s, "score": found.sections[s]} for s in SECTIONS],
        "other_sections": [{"section": s, "score": v} for s, v in found.others.items()],
        "tests": [{"phase": t.phase, "item": t.item, "title": t.title, "section": t.section,
                   "points": t.points, "why": t.why} for t in found.tests],
    }
    return json.dumps(out, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[Project, Score], str]] = {
    "table": table, "markdown": markdown, "json": data}
