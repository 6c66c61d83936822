"""``mlcycle check --format json``: a stable, documented shape (see the README).

Keys are sorted, lists are in a fixed order (phases in playbook order, findings
by file, line, column, code), the text ends with a newline. ``version`` changes
only when a key is removed or changes meaning.
"""

from __future__ import annotations

import json
from typing import Any

from mlcycle.errors import Problem, error_count
from mlcycle.escape import json_safe
from mlcycle.judge.evaluate import MetricResult, Result

VERSION = 1


def _located(problem: Problem) -> dict[str, Any]:
    loc = problem.location
    return {"code": problem.code, "severity": problem.severity, "path": loc.path,
            "line": loc.line, "column": loc.column or (1 if loc.line else 0),
            "message": problem.message}


def _metric(result: MetricResult) -> dict[str, Any]:
    o = result.outcome
    return {"phase": result.phase, "item": result.item, "kind": o.kind, "id": o.id,
            "verdict": o.verdict, "observed": o.observed, "expected": o.expected, "op": o.op,
            "difference": o.difference, "tolerance": o.tolerance, "file": o.file, "key": o.key,
            "findings": [_located(f.problem) for f in result.findings]}


def data(result: Result) -> dict[str, Any]:
    project, options = result.project, result.options
    gates = result.gates
    out: dict[str, Any] = {
        "version": VERSION,
        "result": result.outcome,
        "exit_code": result.exit_code,
        "today": options.today.isoformat() if options else None,
        "project": None,
        "scope": None,
        "summary": {
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "notes": result.count("note"),
            "input_errors": error_count(result.problems),  # the unlisted ones too
            "gates_evaluated": len(gates),
            "gates_closed": sum(1 for g in gates if g.closed),
            "gates_open": sum(1 for g in gates if not g.closed),
        },
        "phases": [],
        "gates": [],
        "findings": [],
        "metrics": [],
        "problems": [_located(p) for p in result.problems],
    }
    if project is not None and options is not None:
        out["project"] = {"name": project.file.name, "slug": project.file.slug,
                          "playbook": project.playbook.name,
                          "playbook_version": project.file.playbook.version,
                          "current_phase": project.file.current_phase,
                          **({"overlays": [{"name": o.name, "version": o.version,
                                            "gate_at": dict(o.gate_at)}
                                           for o in project.file.overlays]}
                             if project.file.overlays else {})}
        out["scope"] = {"mode": options.mode, "phase": options.phase,
                        "phases": list(result.evaluated)}
        out["phases"] = [
            {"id": s.id, "title": s.title, "number": s.number, "path": s.path,
             "current": s.current, "evaluated": s.evaluated, "items": s.items, "done": s.done,
             "waived": s.waived, "na": s.na, "closed": s.closed, "gates": s.gates,
             "gates_closed": s.gates_closed, "gates_open": s.gates_open, "errors": s.errors,
             "warnings": s.warnings, "notes": s.notes}
            for s in result.phases
        ]
        out["gates"] = [
            {"phase": g.phase, "item": g.item.id, "title": g.item.title,
             "status": g.item.status, "owner": g.item.owner, "closed": g.closed,
             "why_open": g.why_open or None, **({"overlay": g.overlay} if g.overlay else {})}
            for g in gates
        ]
        out["findings"] = [{**_located(f.problem), "phase": f.phase, "item": f.item}
                           for f in result.findings]
        out["metrics"] = [_metric(m) for m in result.metrics]
    return out


def render(result: Result) -> str:
    # Messages carry user text as written: json escapes C0 controls, json_safe the rest.
    return json_safe(json.dumps(data(result), indent=2, sort_keys=True,
                                ensure_ascii=False)) + "\n"
