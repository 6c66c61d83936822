"""``mlcycle check --format markdown``: for a pull-request comment or
``$GITHUB_STEP_SUMMARY``. Every piece of user text goes through ``escape.markdown``."""

from __future__ import annotations

from mlcycle.escape import markdown as md_escape
from mlcycle.escape import markdown_code as md_code
from mlcycle.judge.evaluate import Result
from mlcycle.load.metrickeys import shown
from mlcycle.render.check_text import scope_text, summary
from mlcycle.render.text import md_table

_VERDICT_ORDER = {"fail": 0, "error": 1, "pass": 2}


def metric_table(result: Result) -> str:
    """One row per metric or parity check, failures first, then the ones that
    could not be evaluated, then the passes (each group in item order)."""
    from mlcycle.judge import metrics

    rows = []
    ordered = sorted(result.metrics, key=lambda m: _VERDICT_ORDER[m.outcome.verdict])
    for m in ordered:
        o = m.outcome
        verdict = o.verdict if not m.findings else \
            f"**{o.verdict}** ({', '.join(sorted({f.code for f in m.findings}))})"
        rows.append([f"{md_code(m.item)} {o.kind} {md_code(o.id)}",
                     "—" if o.observed is None else shown(o.observed),
                     md_escape(metrics.expected_text(o)), metrics.difference_text(o),
                     metrics.tolerance_text(o), verdict])
    return md_table(["Check", "Observed", "Expected", "Difference", "Tolerance", "Verdict"],
                    rows)


_HEAD = {"passed": "passed", "failed": "failed", "invalid": "invalid input"}


def render(result: Result) -> str:
    out = [f"## mlcycle check: {_HEAD[result.outcome]}\n"]
    project, options = result.project, result.options
    if project is not None and options is not None:
        out.append(f"Project **{md_escape(project.file.name)}**, playbook "
                   f"{md_code(project.playbook.name)} {project.file.playbook.version}, "
                   f"current phase {md_code(project.file.current_phase)}, as of "
                   f"{options.today.isoformat()}. Gates evaluated: "
                   f"{md_escape(scope_text(result))}.\n")
        rows = [[f"{s.number}. {md_escape(s.title)} (`{s.id}`)"
                 + (" **current**" if s.current else ""),
                 "yes" if s.evaluated else "", f"{s.closed}/{s.items}",
                 f"{s.gates_closed}/{s.gates}", str(s.errors), str(s.warnings)]
                for s in result.phases]
        out.append(md_table(["Phase", "Gates evaluated", "Items closed", "Gates closed",
                             "Errors", "Warnings"], rows))
        open_gates = [g for g in result.gates if not g.closed]
        if open_gates:
            out.append("### Open gates\n")
            out.append(md_table(
                ["Phase", "Item", "Title", "Owner", "Why"],
                [[f"`{g.phase}`", f"`{g.item.id}`", md_escape(g.item.title),
                  md_escape(g.item.owner or "(nobody)"), md_escape(g.why_open)]
                 for g in open_gates]))
    if result.metrics:
        out.append("### Metric checks\n")
        out.append(metric_table(result))
    if result.problems:
        out.append("### Invalid input\n")
        out.append("".join(f"- {md_escape(str(p))}\n" for p in result.problems))
    if result.findings:
        out.append("### Findings\n")
        out.append("".join(
            f"- **{f.severity}** {f.code} `{f.location}`"
            + (f" ({md_escape(f.item)})" if f.item else "") + ": "
            f"{md_escape(f.message)}\n" for f in result.findings))
    out.append(md_escape(summary(result)) + "\n")
    return "\n".join(out)
