"""``mlcycle report``: one self-contained HTML page (see ``render.html``)."""

from __future__ import annotations

from mlcycle.judge.report_data import Report
from mlcycle.render.html import render_page


def render(r: Report) -> str:
    assert r.result.project is not None
    return render_page("report.html.j2", r=r, p=r.result.project, zip=zip)
