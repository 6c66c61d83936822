"""``mlcycle check --format junit``: JUnit XML for CI test reports.

- one ``<testsuite>`` per evaluated phase, one ``<testcase>`` per gate item,
  failing (``<failure>``) when the gate is not closed or has an error finding;
- a ``consistency`` suite: one failing testcase per item (anywhere) with error
  findings that is not an evaluated gate, or one passing testcase when there is
  none; warnings and notes go to its ``<system-out>``;
- on invalid input, an ``input`` suite with one ``<error>`` testcase per invalid file.

Built with ElementTree, so markup characters are escaped; every value passes
``escape.xml`` first, so no control, bidi or separator character (nor anything
XML 1.0 cannot carry) reaches the document.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from mlcycle.errors import Problem
from mlcycle.escape import xml as _x
from mlcycle.judge.evaluate import Finding, Result


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", {"name": _x(name)})


def _case(suite: ET.Element, classname: str, name: str, path: str) -> ET.Element:
    return ET.SubElement(suite, "testcase",
                         {"classname": _x(classname), "name": _x(name), "file": _x(path)})


def _fail(case: ET.Element, tag: str, kind: str, message: str, lines: list[str]) -> None:
    element = ET.SubElement(case, tag, {"type": _x(kind), "message": _x(message)})
    element.text = "\n".join(_x(text) for text in lines)


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    suite.set("skipped", "0")


def render(result: Result) -> str:
    """One suite per evaluated phase's gates, then metrics, consistency and input."""
    root = ET.Element("testsuites", {"name": "mlcycle check"})
    errors_by_item: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.severity == "error":
            errors_by_item[finding.item].append(finding)
    _gate_suites(root, result, errors_by_item)  # takes the findings of gates out
    if result.metrics:
        _metric_suite(root, result)
    _consistency_suite(root, result, errors_by_item)
    if result.problems:
        _input_suite(root, result.problems)
    suites = root.findall("testsuite")
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _gate_suites(root: ET.Element, result: Result,
                 errors_by_item: dict[str, list[Finding]]) -> None:
    paths = {s.id: s.path for s in result.phases}
    for phase_id in result.evaluated:
        suite = _suite(root, f"gates: {phase_id}")
        for gate in (g for g in result.gates if g.phase == phase_id):
            item = gate.item
            case = _case(suite, f"mlcycle.gates.{phase_id}", f"{item.id}: {item.title}",
                         paths[phase_id])
            found = errors_by_item.pop(item.id, [])
            if found or not gate.closed:
                message = found[0].message if found else f"gate '{item.id}' is not closed"
                _fail(case, "failure", found[0].code if found else "open", message,
                      [str(f.problem) for f in found] or [gate.why_open])
        _count(suite)


def _metric_suite(root: ET.Element, result: Result) -> None:
    """One testcase per check: a failure when violated, an error when it could
    not be evaluated (file, key or value), as CI test reports expect."""
    suite = _suite(root, "metrics")
    for m in result.metrics:
        o = m.outcome
        case = _case(suite, f"mlcycle.metrics.{m.phase}", f"{m.item}: {o.kind} {o.id}",
                     m.path)
        if m.findings:
            _fail(case, "failure" if o.verdict == "fail" else "error", m.findings[0].code,
                  m.findings[0].message, [str(f.problem) for f in m.findings])
    _count(suite)


def _consistency_suite(root: ET.Element, result: Result,
                       errors_by_item: dict[str, list[Finding]]) -> None:
    suite = _suite(root, "consistency")
    if errors_by_item:
        for item_id, found in sorted(errors_by_item.items(), key=lambda kv: kv[1][0].problem):
            case = _case(suite, f"mlcycle.consistency.{found[0].phase}", item_id,
                         found[0].location.path)
            _fail(case, "failure", found[0].code, found[0].message,
                  [str(f.problem) for f in found])
    elif result.project is not None:
        _case(suite, "mlcycle.consistency", "all items consistent", "lifecycle/")
    others = [str(f.problem) for f in result.findings if f.severity != "error"]
    if others:
        ET.SubElement(suite, "system-out").text = "\n".join(_x(text) for text in others)
    _count(suite)


def _input_suite(root: ET.Element, problems: list[Problem]) -> None:
    suite = _suite(root, "input")
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.location.path].append(problem)
    for path, in_file in sorted(by_file.items()):
        case = _case(suite, "mlcycle.input", path, path)
        _fail(case, "error", in_file[0].code, in_file[0].message, [str(p) for p in in_file])
    _count(suite)
