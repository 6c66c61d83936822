"""``check --base``: the lifecycle diff added to the check report, in every format."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from mlcycle.judge.lifediff import Diff
from mlcycle.render import diff as render_diff


def attach(format: str, report: str, changes: Diff, at_base: int) -> str:
    one = at_base == 1
    note = (f"{at_base} error finding{'' if one else 's'} already present at the base "
            f"{'is' if one else 'are'} listed as {'a note' if one else 'notes'} (not counted)"
            ) if at_base else ""
    if format == "json":
        data = json.loads(report)
        data["base"] = {**render_diff.data(changes), "findings_at_base": at_base}
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if format == "junit":
        body = render_diff.text(changes) + (note + "\n" if note else "")
        suite = ('  <testsuite name="lifecycle diff" tests="0" failures="0" errors="0">\n'
                 f"    <system-out>{escape(body)}</system-out>\n  </testsuite>\n")
        return report.replace("</testsuites>", suite + "</testsuites>", 1)
    if format == "markdown":
        return report + "\n" + render_diff.markdown(changes) + (f"\n_{note}_\n" if note else "")
    return report + "\n" + render_diff.text(changes) + (note + "\n" if note else "")
