#!/usr/bin/env python3
"""mlcycle performance benchmark: start-up, init, check and scale, side by side.

Run from the repository root with the interpreter mlcycle is installed in:

    python benchmarks/run.py            # full run (~2 minutes on 2 cores)
    python benchmarks/run.py --quick    # fewer repeats, sizes up to 10,000 items

Every figure is the wall time of a child process (fork + exec + exit), the best
(minimum) of N runs after one warm-up run, with commands of a group run
round-robin so that a slow moment of the machine hits all of them alike. Peak
memory is the child's own ``ru_maxrss`` (from ``os.wait4``). The output is
Markdown, ready to paste into benchmarks/README.md.

Standard library only; the peers (check-jsonschema, yamllint) are used when the
interpreter has them. See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PYTHON = sys.executable
ENV = {
    # PYTHONDONTWRITEBYTECODE would make every child compile mlcycle from source
    # (no __pycache__ in a fresh checkout): ~40 % of `check`, not what users pay.
    **{k: v for k, v in os.environ.items()
       if k not in ("GITHUB_ACTIONS", "MLCYCLE_DEBUG", "PYTHONDONTWRITEBYTECODE")},
    "SOURCE_DATE_EPOCH": "1700000000",  # reproducible init output
    "MLCYCLE_TODAY": "2025-06-01",  # reproducible due / expiry evaluation
    "NO_COLOR": "1",
}

# --- targets (issues 4 and 5) -------------------------------------------------
HELP_MAX_RATIO = 6.0
INIT_MAX_RATIO = 20.0
CHECK_MAX_RATIO = 12.0
# issue 14: against the peers, in the same run
CHECK_VS_YAMLLINT = 1.0  # `check` faster than yamllint on the same status files
CHECK_VS_FLOOR = 1.15  # issue 23: `check` at most 1.15x a minimal typer app (floor_typer.py)
INIT_VS_COOKIECUTTER = 1.0  # `init` faster than cookiecutter rendering as many files
FLOOR = Path(__file__).resolve().parent / "floor_typer.py"
# items: (max s, max MiB); issue 23 tightened 100,000 items to 6 s and 512 MiB
SCALE_TARGETS = {10_000: (1.0, None), 100_000: (6.0, 512.0)}
LINEAR_SPREAD = 0.2  # issue 23: items/s at 1k, 10k and 100k within 20 % of each other
LINEAR_SIZES = (1_000, 10_000, 100_000)
BASE_SIZE = 100  # its time stands for start-up in the linearity row
HEAVY = ("jinja2", "rich", "pydantic")
SCALE_BUDGET_S = 20.0  # timed seconds per project size at most (after the warm-up)


# --- measuring ----------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    maxrss_mib: float
    code: int
    # User + system CPU seconds of the child and the workers it forked and waited
    # for (wait4 reports both): the work done, whichever core did it.
    cpu: float = 0.0


def run_once(cmd: list[str], cwd: Path | None = None, capture: Path | None = None) -> Run:
    """Wall time, peak RSS and exit code of one child process."""
    out = open(capture, "wb") if capture else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT if capture else out)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    finally:
        if capture:
            out.close()  # type: ignore[union-attr]
    return Run(elapsed, usage.ru_maxrss / 1024.0, proc.returncode,  # ru_maxrss: KiB on Linux
               usage.ru_utime + usage.ru_stime)


@dataclass
class Case:
    label: str
    make: Callable[[int], list[str]]  # run number -> command (init needs a fresh dir each run)
    cwd: Path | None = None
    ok_codes: tuple[int, ...] = (0,)
    runs: list[Run] = field(default_factory=list)
    warm: Run | None = None
    output: str = ""

    @property
    def best(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def median(self) -> float:
        times = sorted(r.seconds for r in self.runs)
        return times[len(times) // 2]

    @property
    def best_cpu(self) -> float:
        return min(r.cpu for r in self.runs)

    @property
    def peak_mib(self) -> float:
        return max(r.maxrss_mib for r in self.runs)

    @property
    def ok(self) -> bool:
        return self.warm is not None and self.warm.code in self.ok_codes


def measure(cases: list[Case], repeat: int, scratch: Path,
            budget: float | None = None) -> list[Case]:
    """One warm-up run each (output kept, exit code checked), then ``repeat``
    rounds, round-robin over the cases; with a ``budget`` (seconds), fewer rounds
    (at least one) when the warm-up says they would not fit."""
    for case in cases:
        log = scratch / f"warm-{abs(hash(case.label))}.log"
        case.warm = run_once(case.make(0), case.cwd, capture=log)
        case.output = log.read_text("utf-8", "replace")
        if not case.ok:
            print(f"<!-- warning: {case.label!r} exited {case.warm.code}:\n"
                  f"{case.output[-800:].strip()}\n-->", flush=True)
    if budget is not None:
        per_round = sum(c.warm.seconds for c in cases if c.warm)
        repeat = max(1, min(repeat, int(budget / max(per_round, 1e-3))))
    for n in range(1, repeat + 1):
        for case in cases:
            case.runs.append(run_once(case.make(n), case.cwd))
    return cases


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def paired(a: Case, b: Case) -> float:
    """The median of a/b over the rounds: the two ran back to back in each round,
    so a slow moment of a shared machine hits both (steadier than best / best)."""
    ratios = sorted(x.seconds / y.seconds for x, y in zip(a.runs, b.runs, strict=True))
    return ratios[len(ratios) // 2]


def versus(a: Case, b: Case, limit: float, strict: bool) -> tuple[str, str, str, bool]:
    """(best ratio, paired median ratio, target, met) of a against b."""
    best, pair = a.best / b.best, paired(a, b)
    ok = a.ok and b.ok and (pair < limit if strict else pair <= limit)
    return f"{best:.2f}x", f"{pair:.2f}x", f"{'<' if strict else '<='} {limit:g}x", ok


def met(ok: bool | None) -> str:
    return "not measured" if ok is None else "met" if ok else "**not met**"


_NUMERIC = re.compile(r"^[\d.,]+( ?\([\d.,]+\))?x?$|^[\d/]+$|^-$")


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; columns of figures are right-aligned."""
    align = ["---:" if rows and all(_NUMERIC.match(r[i]) for r in rows) else "---"
             for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# --- import analysis ----------------------------------------------------------


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_profile(args: list[str], cwd: Path | None = None) -> tuple[dict[str, int], int]:
    """What each top-level package costs ``python -X importtime -m mlcycle ARGS``:
    name -> microseconds, and the exit code.

    A package's cost is the sum of the cumulative times of its entry points: its
    modules imported from outside the package (a lazily imported
    ``pydantic.types`` counts for pydantic as much as ``import pydantic``).
    Whatever a package imports in turn is included, as it is for the user."""
    proc = subprocess.run([PYTHON, "-X", "importtime", "-m", "mlcycle", *args], cwd=cwd,
                          env=ENV, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, errors="replace")
    lines = []
    for line in proc.stderr.splitlines():
        m = _IMPORT_LINE.match(line)
        if m:
            lines.append((len(m.group(3)) // 2, m.group(4).split(".")[0], int(m.group(2))))
    cost: dict[str, int] = {}
    ancestors: list[str] = []  # packages of the enclosing imports
    # -X importtime prints an import after everything it imported: reversed, the
    # lines come parent first, with their depth.
    for depth, package, cumulative in reversed(lines):
        del ancestors[depth:]
        if package not in ancestors:
            cost[package] = cost.get(package, 0) + cumulative
        ancestors.append(package)
    return cost, proc.returncode


# --- synthetic projects ---------------------------------------------------------

PHASES = ["problem", "data", "features", "modeling", "evaluation", "productionization",
          "quality", "online", "operations", "retirement"]
ROLES = {"pm": "Product manager", "mlm": "ML manager", "ds": "Data scientist",
         "mle": "ML engineer", "devops": "DevOps engineer"}
TEAM = {"pm": ["ana"], "mlm": ["bo"], "ds": ["chen", "dana"], "mle": ["eli"], "devops": ["fay"]}
DESCRIPTION = [
    "Synthetic item of a benchmark project: what done means for it is written",
    "down, agreed by the accountable role and linked from the phase's documents,",
    "so that a reviewer can tell from the pull request whether it is finished.",
]
EVIDENCE_FILE = "docs/evidence/report.md"


def _definition(lines: list[str], item_id: str, i: int, previous: str | None) -> None:
    """The definition part of an item, block style as `mlcycle init` renders it."""
    lines += [f"  - id: {item_id}",
              f"    title: Synthetic item {i}",
              "    description: >-"]
    lines += [f"      {text}" for text in DESCRIPTION]
    lines += ["    raci:", "      responsible:", "        - ds"]
    if i % 2:
        lines.append("        - mle")
    lines += ["      accountable: mlm", "      consulted:", "        - pm"]
    if i % 4 == 0:
        lines += ["      informed:", "        - devops"]
    lines.append(f"    gate: {'true' if i % 3 == 0 else 'false'}")
    lines.append(f"    evidence_required: {'true' if i % 3 == 0 else 'false'}")
    if previous is not None and i % 4 == 1:
        lines += ["    depends_on:", f"      - {previous}"]


def _state(lines: list[str], i: int, closed: bool = False) -> None:
    """A realistic mix of states (see README): mostly closed, some open; every item
    done (with its evidence) when ``closed``."""
    slot = 0 if closed else i % 20
    person = ["ana", "bo", "chen", "dana", "eli", "fay"][i % 6]
    if slot < 14:  # 70 % done; evidence for those that need it (1 in 10 a URL)
        lines += ["    status: done", f"    owner: {person}"]
        if i % 3 == 0:
            ev = (f"https://example.org/reports/{i}" if i % 30 == 0 else EVIDENCE_FILE)
            lines += ["    evidence:", f"      - {ev}"]
    elif slot < 16:  # 10 % waived, waiver valid for years
        lines += ["    status: waived", f"    owner: {person}", "    waiver:",
                  "      reason: >-", "        Not relevant to this synthetic release.",
                  "      approved_by: bo", "      expires: 2099-12-31"]
    elif slot < 18:  # 10 % doing, with a due date in the future
        lines += ["    status: doing", f"    owner: {person}", "    due: 2099-01-31"]
    elif slot == 18:  # 5 % todo, unowned
        lines += ["    status: todo", "    owner:"]
    else:  # 5 % blocked, with a reason
        lines += ["    status: blocked", f"    owner: {person}",
                  "    notes: >-", "      Waiting for the data platform team."]


def make_synthetic(root: Path, items: int, phases: int = 10, current: int | None = None
                   ) -> Path:
    """Write a playbook of ``phases`` phases and ``items`` items to root/playbook and
    a project using it (every phase status file) to root/project; return the project.

    ``current`` (1-based) puts the project in that phase, with every item of the
    phases before it done and a history that advanced there; default: the last."""
    playbook, project = root / "playbook", root / "project"
    (project / "lifecycle").mkdir(parents=True)
    (project / "docs" / "evidence").mkdir(parents=True)
    playbook.mkdir()
    ids = PHASES[:phases] if phases <= len(PHASES) else [f"phase{n:02d}" for n in range(phases)]
    meta = ["name: synthetic", "version: 1.0.0", "title: Synthetic benchmark playbook",
            "description: >-", "  Generated by benchmarks/run.py.", "roles:"]
    for rid, name in ROLES.items():
        meta += [f"  - id: {rid}", f"    name: {name}"]
    meta += ["phases:"] + [f"  - {p}" for p in ids]
    (playbook / "playbook.yaml").write_text("\n".join(meta) + "\n", "utf-8")
    counter = 0
    for number, phase in enumerate(ids, 1):
        count = items // phases + (1 if number <= items % phases else 0)
        pb = [f"id: {phase}", f"title: Phase {phase}", "purpose: >-",
              "  A synthetic phase of the benchmark playbook.", "items:"]
        st = ["# yaml-language-server: $schema=../.mlcycle/phase.schema.json",
              f"# Phase {number} of {phases} of the synthetic 1.0.0 playbook.", "---",
              f"phase: {phase}", f"title: Phase {phase}", "items:"]
        previous = None
        for _ in range(count):
            counter += 1
            item_id = f"{phase}-{counter:06d}"
            if previous is not None:
                pb.append("")
                st.append("")
            _definition(pb, item_id, counter, previous)
            _definition(st, item_id, counter, previous)
            _state(st, counter, closed=current is not None and number < current)
            previous = item_id
        (playbook / f"{phase}.yaml").write_text("\n".join(pb) + "\n", "utf-8")
        (project / "lifecycle" / f"{number:02d}-{phase}.yaml").write_text(
            "\n".join(st) + "\n", "utf-8")
    team = ["team:"] + [f"  {r}:" + "".join(f"\n    - {p}" for p in TEAM[r]) for r in ROLES]
    (project / "mlcycle.yaml").write_text("\n".join([
        "# yaml-language-server: $schema=.mlcycle/project.schema.json", "---",
        "format: 1", "name: synthetic", "slug: synthetic", "playbook:", "  name: synthetic",
        "  version: 1.0.0", "  path: ../playbook",
        f"current_phase: {ids[-1] if current is None else ids[current - 1]}", *team,
        "history:", "  - date: 2023-11-14", "    event: init", f"    to: {ids[0]}",
        "    by: mlcycle init",
        *(line for n in range(1, len(ids) if current is None else current) for line in (
            "  - date: 2023-11-15", "    event: advance", f"    from: {ids[n - 1]}",
            f"    to: {ids[n]}", "    by: mlcycle benchmark"))]) + "\n", "utf-8")
    (project / EVIDENCE_FILE).write_text("# Report\n\nThe synthetic evidence.\n", "utf-8")
    return project


# --- the benchmark ------------------------------------------------------------------


def _linearity(name: str, rates: dict[int, float]) -> tuple[str, str, bool]:
    """A verdict row: the rates at LINEAR_SIZES within LINEAR_SPREAD of each other."""
    low, high = min(rates.values()), max(rates.values())
    return (f"{name} {', '.join(f'{size:,}' for size in LINEAR_SIZES)} items within "
            f"{LINEAR_SPREAD:.0%}",
            " / ".join(f"{rates[size]:,.0f}" for size in LINEAR_SIZES)
            + f" (spread {1 - low / high:.0%})" if high else "-",
            low > 0 and 1 - low / high <= LINEAR_SPREAD)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return (f"- date: {_dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}\n"
            f"- machine: {cpu}, {os.cpu_count()} cores ({usable} usable), "
            f"{platform.system()} {platform.release()}\n"
            f"- Python {platform.python_version()} ({platform.python_implementation()}) at "
            f"`{PYTHON}`")


def source_state() -> str:
    """Which code was measured: the commit, and whether the tree had local changes."""
    repo = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "source: not a git checkout"
    changed = f" + uncommitted changes in {len(dirty)} file(s) under src/" if dirty else ""
    return f"source: commit {head}{changed}"


def mlcycle_version(mlcycle: str) -> str:
    proc = subprocess.run([mlcycle, "--version"], env=ENV, capture_output=True, text=True)
    return proc.stdout.strip() or "?"


def has_module(name: str) -> bool:
    return subprocess.run([PYTHON, "-c", f"import {name}"], env=ENV,
                          capture_output=True).returncode == 0


def find_mlcycle() -> str:
    beside = Path(PYTHON).parent / "mlcycle"
    if beside.is_file():
        return str(beside)
    found = shutil.which("mlcycle")
    if not found:
        sys.exit("benchmarks/run.py: no `mlcycle` next to this python or on PATH; install it "
                 "(pip install -e .) and run with that interpreter")
    return found


EDIT_ITEMS = 1_000
EDIT_MAX_RATIO = 1.5
LIGHT_MAX_RATIO = 1.2  # issue 23: next, assign, codeowners, metrics pull (no MLflow) vs check
PULL_NO_MLFLOW = "`mlcycle metrics pull` (MLflow not installed: up to its import, exit 2)"
LIGHT_LABELS = ("`mlcycle next`", "`mlcycle assign --phase data --from-raci --dry-run`",
                "`mlcycle codeowners --dry-run`", PULL_NO_MLFLOW)


def edit_commands_available(mlcycle: str) -> bool:
    return subprocess.run([mlcycle, "set", "--help"], env=ENV,
                          capture_output=True).returncode == 0


def edit_benchmark(mlcycle: str, scratch: Path, repeat: int) -> list[tuple[str, str, bool | None]]:
    """Each editing command, with a real write on every run, beside `check` on the
    same project: 1,000 items in 10 phases, in phase 2 (phase 1 closed). Runs
    alternate where a command would otherwise have nothing left to change."""
    project = make_synthetic(scratch / "edit", EDIT_ITEMS, current=2)
    # Items of the last phase that no done item depends on (item i depends on i - 1
    # when i % 4 == 1), one per command so that every run changes something.
    last, gate, todo, waived = (f"{PHASES[-1]}-{i:06d}" for i in (1000, 999, 998, 995))
    evidence = ["-e", EVIDENCE_FILE]
    # The same project with one data scientist: `assign --from-raci` has an owner for
    # every unowned open item of phase 2 (with two, it would only list them).
    single = make_synthetic(scratch / "assign", EDIT_ITEMS, current=2)
    yaml = single / "mlcycle.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("    - dana\n", ""),
                    encoding="utf-8")
    cases = [
        Case("`mlcycle check`", lambda n: [mlcycle, "check"], cwd=project, ok_codes=(0, 1)),
        Case("`mlcycle set ITEM doing` / `set ITEM done`",
             lambda n: [mlcycle, "set", last, "doing" if n % 2 == 0 else "done"], cwd=project),
        Case("`mlcycle start ITEM` / `done ITEM -e PATH`",
             lambda n: [mlcycle, "start", gate] if n % 2 == 0 else
             [mlcycle, "done", gate, *evidence], cwd=project),
        Case("`mlcycle block ITEM --reason TEXT`",
             lambda n: [mlcycle, "block", todo, "--reason", f"waiting {n}"], cwd=project),
        Case("`mlcycle waive ITEM --reason --by --until`",
             lambda n: [mlcycle, "waive", waived, "--reason", "benchmark", "--by", "bo",
                        "--until", f"2099-12-{n % 28 + 1:02d}"], cwd=project),
        Case("`mlcycle team add ROLE PERSON`",
             lambda n: [mlcycle, "team", "add", "ds", f"person {n}"], cwd=project),
        Case("`mlcycle reopen PHASE --reason` / `advance`",
             lambda n: [mlcycle, "reopen", PHASES[0], "--reason", "benchmark", "--by", "bo"]
             if n % 2 == 0 else [mlcycle, "advance", "--by", "bo"], cwd=project),
        Case("`mlcycle next`", lambda n: [mlcycle, "next"], cwd=project),
        # --dry-run: every run does the same work (pick, edit, judge, diff) but the write
        Case("`mlcycle assign --phase data --from-raci --dry-run`",
             lambda n: [mlcycle, "assign", "--phase", PHASES[1], "--from-raci", "--dry-run"],
             cwd=single),
        Case("`mlcycle codeowners --dry-run`", lambda n: [mlcycle, "codeowners", "--dry-run"],
             cwd=project),
    ]
    if not has_module("mlflow"):
        # Everything `metrics pull` does before it imports MLflow (which is not here):
        # its options, the project, the target file; then MLC080, exit 2.
        cases.append(Case(PULL_NO_MLFLOW, lambda n: [
            mlcycle, "metrics", "pull", "--from", "mlflow", "--run", "0" * 32, "--to",
            "reports/eval.json", "--tracking-uri", f"sqlite:///{scratch / 'none.db'}"],
            cwd=project, ok_codes=(2,)))
    measure(cases, repeat, scratch)
    base = cases[0].best
    print(f"\n## Editing commands next to `check`\n\nOne synthetic project of {EDIT_ITEMS:,} "
          "items (10 phases, current phase 2); every run of an editing command writes "
          "(alternating where it would otherwise have nothing to change).\n")
    print(table(["command", "best ms (median)", "x `check`", "peak MiB", "exit"],
                [[c.label, f"{ms(c.best)} ({ms(c.median)})", f"{c.best / base:.2f}x",
                  f"{c.peak_mib:.0f}", str(c.warm.code if c.warm else "?")] for c in cases]))
    editing = [c for c in cases[1:] if c.label not in LIGHT_LABELS]
    worst = max(editing, key=lambda c: c.best)
    ratio = worst.best / base
    verdicts = [(f"each editing command <= {EDIT_MAX_RATIO:g}x `check` ({EDIT_ITEMS:,} items)",
                 f"{ratio:.2f}x (slowest: {worst.label})",
                 ratio <= EDIT_MAX_RATIO
                 and all(c.ok and all(r.code == 0 for r in c.runs) for c in editing))]
    # issue 23: the commands that read the project and change nothing, each paired with check
    for case in cases[1:]:
        if case.label in LIGHT_LABELS:
            best, pair, target, ok = versus(case, cases[0], LIGHT_MAX_RATIO, strict=False)
            verdicts.append((f"{case.label} {target} `check` ({EDIT_ITEMS:,} items)",
                             f"{pair} (paired median; best {best})", ok))
    if has_module("mlflow"):
        verdicts.append((f"{PULL_NO_MLFLOW} <= {LIGHT_MAX_RATIO:g}x `check`",
                         "not measured: MLflow is installed here (see the pull row)", None))
    return [*verdicts, cascade_benchmark(mlcycle, scratch, repeat)]


def cascade_benchmark(mlcycle: str, scratch: Path, repeat: int) -> tuple[str, str, bool]:
    """`reopen --reset ... --cascade` (issue 20) beside `check` on one project of
    1,000 items in 10 phases, in phase 3 (phases 1 and 2 done): back to phase 1,
    two items reset and the two done items resting on them reset with them. Every
    run starts from a fresh copy of the project (copied before the clock starts),
    so each one computes the dependents in every phase and writes."""
    pristine = make_synthetic(scratch / "cascade", EDIT_ITEMS, current=3)
    work = pristine.parent / "run"  # beside it: ../playbook is the same playbook

    def fresh(n: int) -> list[str]:
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(pristine, work)
        # item i depends on item i - 1 when i % 4 == 1: 5 rests on 4, 9 on 8
        return [mlcycle, "reopen", PHASES[0], "--reason", "benchmark", "--by", "bo",
                "--reset", f"{PHASES[0]}-000004", "--reset", f"{PHASES[0]}-000008",
                "--cascade"]

    cases = [Case("`mlcycle check`", lambda n: [mlcycle, "check"], cwd=pristine,
                  ok_codes=(0, 1)),
             Case("`mlcycle reopen PHASE --reset ITEM... --cascade`", fresh, cwd=work)]
    measure(cases, repeat, scratch)
    check, cascade = cases
    best, pair, target, ok = versus(cascade, check, EDIT_MAX_RATIO, strict=False)
    print(f"\n## `reopen --cascade` next to `check`\n\nOne synthetic project of "
          f"{EDIT_ITEMS:,} items (10 phases, current phase 3); each run reopens phase 1 "
          "with two items reset and the two done items resting on them (--cascade), on a "
          "fresh copy of the project.\n")
    print(table(["command", "best ms (median)", "x `check`", "x `check`, paired median",
                 "peak MiB", "exit"],
                [[c.label, f"{ms(c.best)} ({ms(c.median)})", f"{c.best / check.best:.2f}x",
                  f"{paired(c, check):.2f}x", f"{c.peak_mib:.0f}",
                  str(c.warm.code if c.warm else "?")] for c in cases]))
    ok = ok and all(r.code == 0 for r in cascade.runs) and "--cascade" in cascade.output
    return (f"`reopen --cascade` {target} `check` ({EDIT_ITEMS:,} items)",
            f"{pair} paired median ({best} best)", ok)


PORTFOLIO_PROJECTS = 1_000
PORTFOLIO_ITEMS = 50
PORTFOLIO_MAX_S = 3.0  # issue 23 (issue 13: 5 s)


def make_portfolio(root: Path, projects: int = PORTFOLIO_PROJECTS,
                   items: int = PORTFOLIO_ITEMS) -> Path:
    """A monorepo: ``projects`` copies of one synthetic project (``items`` items, in
    phase 3) on one shared team playbook, under root/mono; return root/mono."""
    first = make_synthetic(root / "seed", items, current=3)
    mono = root / "mono"
    mono.mkdir()
    text = (first / "mlcycle.yaml").read_text("utf-8").replace(
        "path: ../playbook", "path: ../../seed/playbook")
    for n in range(projects):
        target = mono / f"p{n:04d}"
        shutil.copytree(first, target)
        (target / "mlcycle.yaml").write_text(text, "utf-8")
    return mono


def portfolio_benchmark(mlcycle: str, scratch: Path, repeat: int
                        ) -> list[tuple[str, str, bool]]:
    mono = make_portfolio(scratch / "portfolio")
    case = Case(f"`mlcycle portfolio` ({PORTFOLIO_PROJECTS:,} projects x "
                f"{PORTFOLIO_ITEMS} items)", lambda n: [mlcycle, "portfolio", str(mono)])
    measure([case], repeat, scratch)
    print(f"\n## Portfolio\n\n{PORTFOLIO_PROJECTS:,} projects of {PORTFOLIO_ITEMS} items "
          "each, one shared team playbook.\n")
    print(table(["command", "best s (median)", "projects/s", "peak MiB"],
                [[case.label, f"{case.best:.2f} ({case.median:.2f})",
                  f"{PORTFOLIO_PROJECTS / case.best:,.0f}", f"{case.peak_mib:.0f}"]]))
    return [(f"portfolio of {PORTFOLIO_PROJECTS:,} x {PORTFOLIO_ITEMS} items < "
             f"{PORTFOLIO_MAX_S:g} s", f"{case.best:.2f} s",
             case.ok and case.best < PORTFOLIO_MAX_S)]


METRICS_MAX_RATIO = 1.1
BASE_METRICS_MAX_RATIO = 1.2  # issue 21: check --base with metric deltas vs without checks
METRIC_PHASES = ("quality", "online", "operations")  # product's phases that read numbers
METRIC_FILES = {
    "reports/eval.json": '{"eval": {"auc": 0.86, "auc.macro": 0.84}, "accuracy": 0.912}\n',
    "reports/eval.yaml": "eval:\n  val/loss: 0.31\n",
    "reports/serve.toml": "[latency]\np99_ms = 120\n",
    "reports/prod-eval.json": '{"accuracy": 0.909}\n',
}
# Per item of those phases: one threshold and one parity check, as a product
# playbook's evaluation items would carry; the files cover JSON, YAML and TOML.
METRIC_BLOCKS = ("""\
    metrics:
      - id: auc-floor
        file: reports/eval.json
        key: /eval/auc
        op: ">="
        value: 0.80
""", """\
    metrics:
      - id: val-loss
        file: reports/eval.yaml
        key: [eval, val/loss]
        op: "<"
        value: 0.5
""", """\
    metrics:
      - id: latency
        file: reports/serve.toml
        key: /latency/p99_ms
        op: between
        value: {min: 1, max: 250}
""")
PARITY_BLOCK = """\
    parity:
      - id: accuracy-parity
        experiment: {file: reports/eval.json, key: /accuracy}
        production: {file: reports/prod-eval.json, key: /accuracy}
        tolerance: {abs: 0.005, rel: 0.01}
"""


# What the built-in product (3.0.0) checks read, all passing (its stubs explain them),
# for a project whose primary metric is precision_at_50>=0.30.
BUILTIN_PRIMARY = "precision_at_50>=0.30"
BUILTIN_METRIC_FILES = {
    "reports/eval.json": '{"precision_at_50": 0.412}\n',
    "reports/prod-eval.json": '{"precision_at_50": 0.409}\n',
    "reports/baseline-eval.json": '{"precision_at_50": 0.305}\n',
    "reports/offline-impact.json": '{"estimated_lift": 0.021}\n',
    "reports/ab-test.json": '{"sample_ratio": 1.02, "guardrails_breached": 0, '
                            '"effect": {"ci_low": 0.004, "ci_high": 0.019}}\n',
    "reports/rollout.json": '{"segments_below_target": 0}\n',
    "reports/drift.json": '{"max_psi": 0.08}\n',
}
OLD_PRODUCT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "old" / "product-1.0.0"


def _without_checks(text: str) -> str:
    """A phase file with every item's `metrics:` and `parity:` block cut out."""
    out, cutting = [], False
    for line in text.splitlines(keepends=True):
        if line.rstrip("\n") in ("    metrics:", "    parity:"):
            cutting = True
            continue
        if cutting and (line.startswith("      ") or not line.strip()):
            if line.strip():
                continue
        cutting = False
        out.append(line)
    return "".join(out)


def _write_files(project: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)


def metrics_benchmark(mlcycle: str, scratch: Path, repeat: int) -> list[tuple[str, str, bool]]:
    """The issue's case: `check --all` on a fresh built-in `product` project (3.0.0,
    whose items carry metric and parity checks, on its primary metric) with the
    metric files its checks read, next to the same project on product 1.0.0 (the
    same items, no checks; tests/fixtures/old/). Then a heavier case: a team fork
    whose quality, online and operations items carry many more checks over JSON,
    YAML and TOML files, next to the same fork with every check cut out."""
    verdicts = []
    builtin = {"with": scratch / "builtin-with-metrics", "without": scratch / "builtin-without"}
    subprocess.run([mlcycle, "init", str(builtin["with"]), "--no-input", "--primary-metric",
                    BUILTIN_PRIMARY], env=ENV, capture_output=True, check=True)
    shutil.copytree(OLD_PRODUCT, builtin["without"])
    for project in builtin.values():
        _write_files(project, BUILTIN_METRIC_FILES)
    cases = [Case(f"`mlcycle check --all`, product {'3.0.0' if label == 'with' else '1.0.0'}"
                  f" ({label} metric checks)",
                  lambda n: [mlcycle, "check", "--all"], cwd=builtin[label], ok_codes=(1,))
             for label in ("without", "with")]
    measure(cases, repeat, scratch)
    base = cases[0].best
    print("\n## Metric checks\n\nA fresh built-in `product` 3.0.0 project with the metric "
          "files its 10 checks read (all passing), next to the same project on product 1.0.0 "
          "(the same items without checks); `check --all` (open gates: exit 1).\n")
    print(table(["command", "best ms (median)", "x without", "peak MiB", "exit"],
                [[c.label, f"{ms(c.best)} ({ms(c.median)})", f"{c.best / base:.2f}x",
                  f"{c.peak_mib:.0f}", str(c.warm.code if c.warm else "?")] for c in cases]))
    verdicts.append(base_metrics_case(mlcycle, scratch, repeat, builtin))
    ratio = cases[1].best / base
    verdicts.append((f"`check --all` on product 3.0.0 with its metric files <= "
                     f"{METRICS_MAX_RATIO:g}x product 1.0.0", f"{ratio:.2f}x (10 checks)",
                     ratio <= METRICS_MAX_RATIO and all(c.ok for c in cases)))

    phases = Path(subprocess.run(
        [PYTHON, "-c", "import mlcycle.resources as r; print(r.data_dir('phases'))"],
        env=ENV, capture_output=True, text=True, check=True).stdout.strip())
    projects = {}
    checks = 0
    for label in ("without", "with"):
        book = scratch / f"product-{label}-metrics"
        shutil.copytree(phases / "product", book)
        for path in book.glob("*.yaml"):
            path.write_text(_without_checks(path.read_text()))
        if label == "with":
            for phase in METRIC_PHASES:
                path = book / f"{phase}.yaml"
                lines = path.read_text().splitlines(keepends=True)
                out = []
                for line in lines:
                    out.append(line)
                    if line.startswith("    evidence_required:"):
                        out.append(METRIC_BLOCKS[checks // 2 % 3] + PARITY_BLOCK)
                        checks += 2
                path.write_text("".join(out))
        project = scratch / f"project-{label}-metrics"
        subprocess.run([mlcycle, "init", str(project), "--no-input", "--playbook", str(book)],
                       env=ENV, capture_output=True, check=True)
        _write_files(project, METRIC_FILES)
        projects[label] = project
    cases = [Case(f"`mlcycle check --all`, fork {label} metric checks",
                  lambda n, p=projects[label]: [mlcycle, "check", "--all"], cwd=projects[label],
                  ok_codes=(1,)) for label in ("without", "with")]
    measure(cases, repeat, scratch)
    base = cases[0].best
    print(f"\nHeavier: a team fork of `product` whose {', '.join(METRIC_PHASES)} items carry "
          f"{checks} metric and parity checks in all (JSON, YAML and TOML files, all passing), "
          "next to the same fork with every check cut out.\n")
    print(table(["command", "best ms (median)", "x without", "peak MiB", "exit"],
                [[c.label, f"{ms(c.best)} ({ms(c.median)})", f"{c.best / base:.2f}x",
                  f"{c.peak_mib:.0f}", str(c.warm.code if c.warm else "?")] for c in cases]))
    # The same two projects loaded and judged inside one process, alternately: the
    # part metric checks add to, without start-up noise (a shared machine's).
    inproc = subprocess.run([PYTHON, "-c", _IN_PROCESS, str(projects["without"]),
                             str(projects["with"]), str(max(repeat, 20))],
                            env=ENV, capture_output=True, text=True, check=True).stdout.split()
    without_ms, with_ms = float(inproc[0]), float(inproc[1])
    print(f"\nInside one process (load + evaluate, best of {max(repeat, 20)}): "
          f"{without_ms:.1f} ms without, {with_ms:.1f} ms with metric checks "
          f"({with_ms / without_ms:.2f}x).")
    ratio = cases[1].best / base
    verdicts.append((f"fork: `check --all` with {checks} metric checks vs none (no target)",
                     f"{ratio:.2f}x (in process {with_ms / without_ms:.2f}x)",
                     all(c.ok for c in cases)))
    return verdicts


def base_metrics_case(mlcycle: str, scratch: Path, repeat: int, builtin: dict[str, Path]
                      ) -> tuple[str, str, bool]:
    """Issue 21: `check --base HEAD` on the fresh product 2.0.0 project whose
    change moves every metric value (the base's files read from git, each value
    compared on both sides), next to the same on product 1.0.0 (no checks)."""
    git_env = {**ENV, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
               "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}
    for project in builtin.values():
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
            subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=project,
                           env=git_env, capture_output=True, check=True)
        _write_files(project, {rel: text.replace("0.", "0.0")
                               for rel, text in BUILTIN_METRIC_FILES.items()})
    cases = [Case(f"`mlcycle check --all --base HEAD`, product "
                  f"{'2.0.0' if label == 'with' else '1.0.0'} ({label} metric checks)",
                  lambda n: [mlcycle, "check", "--all", "--base", "HEAD"], cwd=builtin[label],
                  ok_codes=(1,)) for label in ("without", "with")]
    measure(cases, repeat, scratch)
    base = cases[0].best
    print("\n`check --all --base HEAD` with every metric value changed since HEAD (product "
          "2.0.0: the values, deltas and verdicts of both sides), next to product 1.0.0.\n")
    print(table(["command", "best ms (median)", "x without", "peak MiB", "exit"],
                [[c.label, f"{ms(c.best)} ({ms(c.median)})", f"{c.best / base:.2f}x",
                  f"{c.peak_mib:.0f}", str(c.warm.code if c.warm else "?")] for c in cases]))
    ratio = cases[1].best / base
    return (f"`check --base` with metric deltas on product 2.0.0 <= "
            f"{BASE_METRICS_MAX_RATIO:g}x without checks", f"{ratio:.2f}x",
            ratio <= BASE_METRICS_MAX_RATIO and all(c.ok for c in cases))


_IN_PROCESS = """
import sys, time
from datetime import date
from pathlib import Path
from mlcycle.judge import evaluate
from mlcycle.load import project
roots, runs = [Path(a) for a in sys.argv[1:3]], int(sys.argv[3])
best = [float("inf")] * 2
for n in range(runs + 1):
    for i, root in enumerate(roots):
        start = time.perf_counter()
        loaded, _ = project.load_partial(root)
        evaluate.evaluate(loaded, evaluate.Options(date(2025, 6, 1), "all"))
        if n:
            best[i] = min(best[i], time.perf_counter() - start)
print(*(f"{b * 1000:.3f}" for b in best))
"""


UPGRADE_ITEMS = 10_000
UPGRADE_MAX_S = 2.0
UPGRADE_VS_CHECK = 1.5  # issue 23: `upgrade` at most 1.5x `check` (paired median)


OVERLAY_MAX_RATIO = 1.3  # issue 22: `check` with overlays within 1.3x `check` without them
OVERLAYS = ("ml-test-score", "responsible-ai")  # the built-in overlays, both added


def overlay_available(mlcycle: str) -> bool:
    return subprocess.run([mlcycle, "overlay", "--help"], env=ENV,
                          capture_output=True).returncode == 0


def overlay_benchmark(mlcycle: str, scratch: Path, repeat: int) -> list[tuple[str, str, bool]]:
    """`check` on a fresh `product` project, and on the same project with the
    `ml-test-score` and `responsible-ai` overlays (28 + 7 more items in their own
    status files), as issue 22 asks."""
    plain, overlaid = scratch / "overlay-plain", scratch / "overlay-with"
    for root in (plain, overlaid):
        subprocess.run([mlcycle, "init", str(root), "--no-input", "--team", "pm=Ana",
                        "--primary-metric", "precision_at_50>=0.30"], env=ENV, check=True,
                       capture_output=True)
    for name in OVERLAYS:
        subprocess.run([mlcycle, "overlay", "add", name, "--by", "Ana"], cwd=overlaid,
                       env=ENV, check=True, capture_output=True)
    cases = [Case(f"`mlcycle check{flag}`, product{label}", lambda n, f=flag: [mlcycle, "check",
                                                                               *f.split()],
                  cwd=root, ok_codes=(0, 1))
             for flag in ("", " --all") for label, root in (("", plain),
                                                            (" + both overlays", overlaid))]
    measure(cases, repeat, scratch)
    print("\n## Overlays\n\n`check` on a fresh `product` project, without and with the "
          "`ml-test-score` and `responsible-ai` overlays.\n")
    print(table(["command", "best s (median)", "peak MiB", "exit"],
                [[c.label, f"{c.best:.3f} ({c.median:.3f})", f"{c.peak_mib:.0f}",
                  str(c.warm.code if c.warm else "?")] for c in cases]))
    out = []
    for without, with_ in (cases[0:2], cases[2:4]):
        ratio = paired(with_, without)
        out.append((f"{with_.label.split(',')[0]} with overlays <= {OVERLAY_MAX_RATIO:g}x "
                    "without", f"{ratio:.2f}x (paired median; best "
                    f"{with_.best / without.best:.2f}x)",
                    ratio <= OVERLAY_MAX_RATIO and with_.ok and without.ok))
    return out


def upgrade_available(mlcycle: str) -> bool:
    return subprocess.run([mlcycle, "upgrade", "--help"], env=ENV,
                          capture_output=True).returncode == 0


def upgrade_benchmark(mlcycle: str, scratch: Path, repeat: int) -> list[tuple[str, str, bool]]:
    """`mlcycle upgrade` of a 10,000-item project onto a new version of its team
    playbook. Every run is a real upgrade: before it the playbook's version is
    bumped (the first, warm-up run also re-renders every definition)."""
    project = make_synthetic(scratch / "upgrade", UPGRADE_ITEMS)
    meta = project.parent / "playbook" / "playbook.yaml"
    first = project.parent / "playbook" / f"{PHASES[0]}.yaml"

    def bumped(n: int) -> list[str]:
        # A new version that rewords one item of the first phase: its status file
        # (1,000 items) is rendered again and written, the nine others keep their bytes.
        text = re.sub(r"(?m)^version: .*$", f"version: 1.{n + 1}.0", meta.read_text("utf-8"))
        meta.write_text(text, "utf-8")
        phase = re.sub(r"(?m)^    title: Synthetic item 1( \(v\d+\))?$",
                       f"    title: Synthetic item 1 (v{n + 1})", first.read_text("utf-8"))
        first.write_text(phase, "utf-8")
        return [mlcycle, "upgrade", "--by", "bench", "--today", "2026-01-01"]

    cases = [Case("`mlcycle check --all` (same project)", lambda n: [mlcycle, "check", "--all"],
                  cwd=project, ok_codes=(0, 1, 2)),
             Case(f"`mlcycle upgrade` ({UPGRADE_ITEMS:,} items)", bumped, cwd=project)]
    measure(cases, repeat, scratch)
    check, case = cases
    print(f"\n## Upgrade\n\nOne synthetic project of {UPGRADE_ITEMS:,} items (10 phases) "
          "moved to a new version of its playbook on every run (one item of the first phase "
          "reworded), next to `check` on the same project.\n")
    print(table(["command", "best s (median)", "x `check`", "peak MiB", "exit"],
                [[c.label, f"{c.best:.3f} ({c.median:.3f})", f"{c.best / check.best:.2f}x",
                  f"{c.peak_mib:.0f}", str(c.warm.code if c.warm else "?")] for c in cases]))
    ratio = paired(case, check)
    return [(f"`upgrade` of {UPGRADE_ITEMS:,} items < {UPGRADE_MAX_S:g} s",
             f"{case.best:.2f} s ({case.best / check.best:.2f}x `check`)",
             case.ok and case.best < UPGRADE_MAX_S),
            (f"`upgrade` <= {UPGRADE_VS_CHECK:g}x `check` on the same project",
             f"{ratio:.2f}x (paired median; best {case.best / check.best:.2f}x)",
             case.ok and ratio <= UPGRADE_VS_CHECK)]


def commands_benchmark(mlcycle: str, scratch: Path, repeat: int) -> None:
    """Every command added since the first benchmark, next to `check`, on a fresh
    `product` project in a git repository (one commit): what each costs on the
    project a team starts with, start-up included. Editing rows write on every run
    (alternating); `score` runs on a fresh `ml-test-score` project (product's
    items have no `section`, so it has no score)."""
    project = scratch / "commands" / "product"
    scored = scratch / "commands" / "scored"
    for path, book in ((project, "product"), (scored, "ml-test-score")):
        subprocess.run([mlcycle, "init", str(path), "--no-input", "--playbook", book],
                       env=ENV, capture_output=True, check=True)
    git = shutil.which("git")
    if git:
        ident = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
        for argv in (["init", "-q"], ["add", "-A"], [*ident, "commit", "-qm", "init"]):
            subprocess.run([git, *argv], cwd=project, env=ENV, capture_output=True, check=True)
    item = "problem-statement"  # product's first item: a gate that wants evidence
    report = scratch / "commands" / "report.html"
    cases = [
        Case("`mlcycle check`", lambda n: [mlcycle, "check"], cwd=project),
        Case("`mlcycle status`", lambda n: [mlcycle, "status"], cwd=project),
        Case(f"`mlcycle set {item} doing` / `done {item} -e README.md`",
             lambda n: [mlcycle, "set", item, "doing"] if n % 2 == 0 else
             [mlcycle, "done", item, "-e", "README.md"], cwd=project),
        Case("`mlcycle upgrade --check` (up to date)", lambda n: [mlcycle, "upgrade", "--check"],
             cwd=project),
        Case("`mlcycle upgrade --dry-run` (nothing to do)",
             lambda n: [mlcycle, "upgrade", "--dry-run"], cwd=project),
        Case("`mlcycle report -o report.html`",
             lambda n: [mlcycle, "report", "-o", str(report)], cwd=project),
        Case("`mlcycle portfolio .` (one project)", lambda n: [mlcycle, "portfolio", "."],
             cwd=project),
        Case("`mlcycle score` (fresh `ml-test-score` project)", lambda n: [mlcycle, "score"],
             cwd=scored),
    ]
    if git:
        cases.insert(4, Case("`mlcycle diff --base HEAD` (one item closed)",
                             lambda n: [mlcycle, "diff", "--base", "HEAD"], cwd=project))
    measure(cases, repeat, scratch)
    base = cases[0].best
    print("\n## Every command on a fresh `product` project\n\nStart-up dominates: a fresh "
          "project in a git repository (one commit); editing rows write on every run "
          "(alternating); a real `upgrade` of 10,000 items and the editing commands on "
          "1,000 items have tables of their own below.\n")
    print(table(["command", "best ms (median)", "x `check`", "peak MiB", "exit"],
                [[c.label, f"{ms(c.best)} ({ms(c.median)})", f"{c.best / base:.2f}x",
                  f"{c.peak_mib:.0f}", str(c.warm.code if c.warm else "?")] for c in cases]))


PULL_MAX_S = 2.0
_MLFLOW_STORE = """
import sys, warnings
warnings.simplefilter("ignore")
from mlflow import MlflowClient
client = MlflowClient(sys.argv[1])
run = client.create_run(client.create_experiment("bench"))
for name, value in (("accuracy", 0.912), ("auc", 0.85), ("val/loss", 0.31)):
    client.log_metric(run.info.run_id, name, value)
print(run.info.run_id)
"""


def pull_benchmark(mlcycle: str, scratch: Path, repeat: int) -> list[tuple[str, str, bool | None]]:
    """`mlcycle metrics pull --from mlflow` from a local SQLite store (MLflow's
    import and its store's set-up included), next to importing MLflow alone."""
    if not has_module("mlflow"):
        return [(f"`metrics pull` from a local MLflow store < {PULL_MAX_S:g} s",
                 'not measured: pip install -e ".[mlflow]"', None)]
    store = f"sqlite:///{scratch / 'mlflow.db'}"
    run_id = subprocess.run([PYTHON, "-c", _MLFLOW_STORE, store], env=ENV, capture_output=True,
                            text=True, check=True).stdout.split()[-1]
    project = scratch / "pull"
    subprocess.run([mlcycle, "init", str(project), "--no-input"], env=ENV, capture_output=True,
                   check=True)
    cases = [Case("`python -c \"from mlflow import MlflowClient\"`",
                  lambda n: [PYTHON, "-c", "from mlflow import MlflowClient"]),
             Case("`mlcycle metrics pull --from mlflow --run ID --to reports/eval.json`",
                  lambda n: [mlcycle, "metrics", "pull", "--from", "mlflow", "--run", run_id,
                             "--to", "reports/eval.json", "--tracking-uri", store],
                  cwd=project)]
    measure(cases, repeat, scratch)
    imported, pull = cases
    print("\n## `metrics pull` from MLflow\n\nA local SQLite store holding one run of "
          "three metrics; MLflow's import alone next to the whole pull.\n")
    print(table(["command", "best ms (median)", "peak MiB", "exit"],
                [[c.label, f"{ms(c.best)} ({ms(c.median)})", f"{c.peak_mib:.0f}",
                  str(c.warm.code if c.warm else "?")] for c in cases]))
    return [(f"`metrics pull` from a local MLflow store < {PULL_MAX_S:g} s",
             f"{pull.best:.2f} s (importing MLflow alone: {imported.best:.2f} s)",
             pull.ok and pull.best < PULL_MAX_S)]


def cookiecutter_template(root: Path, rendered: Path) -> tuple[Path, Path]:
    """A cookiecutter template of exactly the files ``mlcycle init`` wrote into
    ``rendered`` (same paths, same bytes, kept literal with ``{% raw %}``), each
    starting with one line that uses a variable; and a config file that keeps
    cookiecutter's replay and cache out of the user's home. Returns both paths."""
    template = root / "template"
    body = template / "{{ cookiecutter.project_slug }}"
    for path in sorted(p for p in rendered.rglob("*") if p.is_file()):
        target = body / path.relative_to(rendered)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text("utf-8")
        head = "# {{ cookiecutter.project_name }}\n"
        target.write_text(head + (text if "{%" not in text and "{{" not in text
                                  and "{#" not in text
                                  else "{% raw %}" + text + "{% endraw %}"), "utf-8")
    (template / "cookiecutter.json").write_text(
        '{"project_name": "Project", '
        '"project_slug": "{{ cookiecutter.project_name.lower().replace(\' \', \'-\') }}"}\n',
        "utf-8")
    config = root / "config.yaml"
    config.write_text(f"cookiecutters_dir: {root / 'cache'}\nreplay_dir: {root / 'replay'}\n",
                      "utf-8")
    return template, config


def scale_benchmark(mlcycle: str, scratch: Path, repeat: int, sizes: list[int],
                    has_check: bool) -> list[tuple[str, str, bool | None]]:
    """`check --all` (or `validate`) on synthetic projects of each size: the scale
    table, the 10,000 and 100,000-item targets and the linearity rows."""
    verdicts: list[tuple[str, str, bool | None]] = []
    command = ["check", "--all"] if has_check else ["validate"]
    shown = "`mlcycle check --all`" if has_check else \
        "`mlcycle validate` (`check` is not available yet)"
    print(f"\n## Scale: {shown} on synthetic projects\n")
    print("10 phases, 5 roles; the playbook directory holds the same item definitions. "
          "State mix: 70 % done (gates with evidence: a file, 1 in 10 a URL), 10 % waived, "
          "10 % doing, 5 % todo, 5 % blocked; a third of the items are gates; 1 in 4 "
          "depends on the previous item. `MLCYCLE_TODAY=2025-06-01`.\n")
    rows = []
    took: dict[int, float] = {}  # size -> best seconds
    cpu: dict[int, float] = {}  # size -> least CPU seconds (all processes)
    for size in sizes:
        root = scratch / f"scale-{size}"
        gen_start = time.perf_counter()
        # In a child: the benchmark process must stay small, since a child's
        # ru_maxrss starts at its parent's peak (fork/vfork share the memory).
        subprocess.run([PYTHON, __file__, "--generate", str(root), str(size)],
                       env=ENV, check=True)
        project = root / "project"
        gen = time.perf_counter() - gen_start
        mib_on_disk = sum(p.stat().st_size for p in root.rglob("*.yaml")) / 2**20
        case = Case(f"{size}", lambda n, p=project: [mlcycle, *command, str(p)],
                    ok_codes=(0, 1))
        measure([case], repeat, scratch, budget=SCALE_BUDGET_S)
        reps = len(case.runs)
        summary = case.output.strip().splitlines()[-1] if case.output.strip() else ""
        found = re.search(r"(\d+) errors?, (\d+) warnings?, (\d+) notes?", summary)
        findings = "/".join(found.groups()) if found else "-"
        rows.append([f"{size:,}", f"{case.best:.3f} ({case.median:.3f})",
                     f"{size / case.best:,.0f}", f"{case.best_cpu:.3f}",
                     f"{case.peak_mib:.0f}", findings,
                     str(case.warm.code if case.warm else "?"), f"{mib_on_disk:.1f}",
                     str(reps)])
        print(f"<!-- generated {size:,} items in {gen:.1f} s -->", flush=True)
        target = SCALE_TARGETS.get(size)
        if target:
            max_s, max_mib = target
            measured = f"{case.best:.2f} s"
            ok = case.ok and case.best < max_s
            name = f"{size:,} items < {max_s:g} s"
            if max_mib:
                name += f" and < {max_mib:g} MiB"
                measured += f", {case.peak_mib:.0f} MiB"
                ok = ok and case.peak_mib < max_mib
            if not has_check:
                name += " (measured with `validate`)"
            verdicts.append((name, measured, ok))
        took[size] = case.best if case.ok else 0.0  # seconds
        cpu[size] = case.best_cpu if case.ok else 0.0
        shutil.rmtree(root, ignore_errors=True)
    print(table(["items", "best s (median)", "items/s", "CPU s", "peak MiB",
                 "errors/warnings/notes", "exit", "YAML MiB", "runs"], rows))
    if all(size in took for size in (BASE_SIZE, *LINEAR_SIZES)):
        # Items per second of the work alone: over the 100-item run's time
        # (start-up, ~0.3 s, in every figure), else the small sizes read slower.
        marginal = {size: (size - BASE_SIZE) / (took[size] - took[BASE_SIZE])
                    if took[size] > took[BASE_SIZE] else 0.0 for size in LINEAR_SIZES}
        verdicts.append(_linearity("cost linear: items/s beyond start-up at", marginal))
        # The same in CPU seconds (every process): the work per item, apart
        # from how many cores took part (files above PARALLEL_BYTES parse on two).
        per_cpu = {size: (size - BASE_SIZE) / (cpu[size] - cpu[BASE_SIZE])
                   if cpu[size] > cpu[BASE_SIZE] else 0.0 for size in LINEAR_SIZES}
        verdicts.append(_linearity("work linear: items per CPU second beyond "
                                   "start-up at", per_cpu))
    for size in SCALE_TARGETS:
        if size not in sizes:
            verdicts.append((f"{size:,} items target", "not in this run (--quick/--sizes)",
                             None))
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 repeats, scale up to 10,000 items (about a minute)")
    parser.add_argument("--repeat", type=int, help="timed runs per command (default 10, quick 3)")
    parser.add_argument("--sizes", help="comma-separated item counts for the scale table "
                        "(default 100,1000,10000,100000; quick 100,1000,10000)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--edits-only", action="store_true",
                        help="only the editing commands next to check (1,000 items)")
    parser.add_argument("--portfolio-only", action="store_true",
                        help="only portfolio over 1,000 projects of 50 items")
    parser.add_argument("--scale-only", action="store_true",
                        help="only `check --all` on synthetic projects (--sizes)")
    parser.add_argument("--metrics-only", action="store_true",
                        help="only check --all with and without metric checks")
    parser.add_argument("--pull-only", action="store_true",
                        help="only `metrics pull` from a local MLflow store")
    parser.add_argument("--overlay-only", action="store_true",
                        help="only `check` without and with the ml-test-score and "
                             "responsible-ai overlays")
    parser.add_argument("--upgrade-only", action="store_true",
                        help="only `upgrade` of a 10,000-item project")
    parser.add_argument("--startup-only", action="store_true",
                        help="only start-up, init, check and the peers, and every command "
                        "on a fresh project (no scale, editing, portfolio, metrics, upgrade)")
    parser.add_argument("--generate", nargs=2, metavar=("DIR", "ITEMS"),
                        help="only write a synthetic playbook and project into DIR")
    args = parser.parse_args()
    if args.generate:
        make_synthetic(Path(args.generate[0]), int(args.generate[1]))
        return 0
    repeat = args.repeat or (3 if args.quick else 10)
    sizes = ([int(s.replace("_", "")) for s in args.sizes.split(",")] if args.sizes
             else [100, 1_000, 10_000] if args.quick else [100, 1_000, 10_000, 100_000])

    mlcycle = find_mlcycle()
    scratch = Path(tempfile.mkdtemp(prefix="mlcycle-bench-"))
    started = time.perf_counter()
    verdicts: list[tuple[str, str, bool | None]] = []  # (target, measured, met)
    try:
        print("# mlcycle benchmark\n")
        print(machine())
        print(f"- {mlcycle_version(mlcycle)}, {source_state()}")
        print(f"- best of {repeat} runs after one warm-up (median in brackets); wall time "
              "of the whole child process; peak MiB is the child's maximum resident set "
              f"(never shown below this script's own, "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)\n")

        # One part alone (the first flag given): its own tables, then its verdicts.
        parts: dict[str, Callable[[str, Path, int], Sequence[tuple[str, str, bool | None]]]] = {
            "portfolio_only": portfolio_benchmark,
            "scale_only": lambda m, s, r: scale_benchmark(m, s, r, sizes, has_check=True),
            "metrics_only": metrics_benchmark, "pull_only": pull_benchmark,
            "upgrade_only": upgrade_benchmark, "overlay_only": overlay_benchmark,
            "edits_only": edit_benchmark,
        }
        chosen = next((part for flag, part in parts.items() if getattr(args, flag)), None)
        if chosen is not None:
            verdicts = list(chosen(mlcycle, scratch, repeat))
            print("\n" + table(["target", "measured", "verdict"],
                               [[t, m, met(ok)] for t, m, ok in verdicts]))
            return 0

        # 1. start-up -------------------------------------------------------------
        pass_case = Case("`python -c pass`", lambda n: [PYTHON, "-c", "pass"])
        startup = [
            pass_case,
            Case("`python -c \"import typer\"`", lambda n: [PYTHON, "-c", "import typer"]),
            Case("`mlcycle --help`", lambda n: [mlcycle, "--help"]),
            Case("`mlcycle --version`", lambda n: [mlcycle, "--version"]),
        ]
        measure(startup, repeat, scratch)
        base = pass_case.best
        print("## Start-up\n")
        print(table(["command", "best ms (median)", "x `python -c pass`", "peak MiB"],
                    [[c.label, f"{ms(c.best)} ({ms(c.median)})", f"{c.best / base:.1f}x",
                      f"{c.peak_mib:.0f}"] for c in startup]))
        help_ratio = startup[2].best / base
        verdicts.append((f"`mlcycle --help` <= {HELP_MAX_RATIO:g}x `python -c pass`",
                         f"{help_ratio:.1f}x", help_ratio <= HELP_MAX_RATIO))

        # a fresh product project for the import analysis and the check table
        product = scratch / "product"
        init = subprocess.run([mlcycle, "init", str(product), "--no-input",
                               "--playbook", "product"], env=ENV, capture_output=True, text=True)
        if init.returncode != 0:
            print(f"\n`mlcycle init` failed ({init.returncode}): {init.stderr.strip()}")
            return 1
        has_check = subprocess.run([mlcycle, "check", "--help"], env=ENV,
                                   capture_output=True).returncode == 0

        print("\n### Heavy imports (`python -X importtime -m mlcycle ...`)\n")
        rows = []
        profiles = {}
        for label, argv in (("`--help`", ["--help"]), ("`check`", ["check", str(product)]),
                            ("`check --format json`",
                             ["check", "--format", "json", str(product)]),
                            ("`validate`", ["validate", str(product)])):
            if "check" in argv and not has_check:
                continue
            top, _ = import_profile(argv)
            profiles[label] = top
            heavy = [f"{name} ({top[name] / 1000:.0f} ms)" if name in top else f"no {name}"
                     for name in HEAVY]
            biggest = sorted(top.items(), key=lambda kv: -kv[1])[:4]
            rows.append([label, ", ".join(heavy),
                         ", ".join(f"{k} {v / 1000:.0f}" for k, v in biggest)])
        print(table(["mlcycle", "jinja2 / rich / pydantic (import ms)",
                     "largest packages, import ms"], rows))
        print("\nFrom `-X importtime` (which inflates times somewhat). A package's figure is "
              "the cumulative time of its modules imported from outside it, including what "
              "they import in turn, so figures overlap: `mlcycle` includes everything, and "
              "typer 0.29 imports pydantic (for its parameter adapters) when a command runs.")
        verdicts.append(("`--help` never imports jinja2", "imported" if "jinja2" in
                         profiles["`--help`"] else "not imported",
                         "jinja2" not in profiles["`--help`"]))
        if has_check:
            check_top = profiles["`check`"]
            verdicts.append(("`check` never imports jinja2",
                             "imported" if "jinja2" in check_top else "not imported",
                             "jinja2" not in check_top))
            verdicts.append(("`check` (text, no table) does not import rich",
                             "imported" if "rich" in check_top else "not imported",
                             "rich" not in check_top))

        # 2. init, and cookiecutter rendering as many files ------------------------------
        targets = scratch / "init"
        targets.mkdir()
        init_case = Case("`mlcycle init --no-input` (product, new dir)",
                         lambda n: [mlcycle, "init", str(targets / f"p{n}"), "--no-input",
                                    "--playbook", "product"])
        pass_again = Case("`python -c pass`", lambda n: [PYTHON, "-c", "pass"])
        files = sum(1 for p in product.rglob("*") if p.is_file())
        init_cases = [pass_again, init_case]
        cookie_case = None
        if has_module("cookiecutter"):
            template, config = cookiecutter_template(scratch / "cookiecutter", product)
            cookie_case = Case(
                f"cookiecutter `--no-input` ({files} files, new dir)",
                lambda n: [PYTHON, "-m", "cookiecutter", "--no-input", "--config-file",
                           str(config), "-o", str(targets / f"c{n}"), str(template),
                           f"project_name=Project {n}"])
            init_cases.append(cookie_case)
        measure(init_cases, repeat, scratch)
        written = sum(1 for p in (targets / "p0").rglob("*") if p.is_file())
        base = pass_again.best
        ratio = init_case.best / base
        print(f"\n## `mlcycle init`\n\nThe `product` skeleton ({written} files) into a new "
              "directory each run; cookiecutter (when installed: the `bench` extra) renders "
              f"a template of as many files ({files}: the same paths and bytes, each with a "
              "variable) into a new directory each run.\n")
        print(table(["command", "best ms (median)", "x `python -c pass`", "peak MiB"],
                    [[c.label, f"{ms(c.best)} ({ms(c.median)})", f"{c.best / base:.1f}x",
                      f"{c.peak_mib:.0f}"] for c in init_cases]))
        verdicts.append((f"`init` <= {INIT_MAX_RATIO:g}x `python -c pass`", f"{ratio:.1f}x",
                         ratio <= INIT_MAX_RATIO and init_case.ok))
        peer_rows: list[list[str]] = []
        if cookie_case is not None:
            best, pair, target, ok = versus(init_case, cookie_case, INIT_VS_COOKIECUTTER, True)
            peer_rows.append(["`init` / cookiecutter", best, pair, target, met(ok)])
            verdicts.append((f"`init` faster than cookiecutter ({files} files)",
                             f"{pair} (paired median; best {best})", ok))

        # 3. check on a fresh product project, and the peers ---------------------------
        schema_dir = scratch / "schema"
        subprocess.run([mlcycle, "schema", "--output", str(schema_dir)], env=ENV,
                       capture_output=True)
        status_files = sorted(str(p.relative_to(product))
                              for p in (product / "lifecycle").glob("*.yaml"))
        items = sum(Path(product, f).read_text().count("\n  - id: ") for f in status_files)
        cases = [Case("`python -c pass`", lambda n: [PYTHON, "-c", "pass"])]
        if has_check:
            cases += [
                Case("`mlcycle check`", lambda n: [mlcycle, "check"], cwd=product),
                # Exit 2: product's metric checks read the primary metric, which a
                # project made with --no-input has not declared yet (MLC045).
                Case("`mlcycle check --all` (27 open gates, no primary metric: exit 2)",
                     lambda n: [mlcycle, "check", "--all"], cwd=product, ok_codes=(1, 2)),
            ]
        cases.append(Case("`mlcycle validate`", lambda n: [mlcycle, "validate"], cwd=product))
        jsonschema_case = None
        if has_module("check_jsonschema") and (schema_dir / "phase.schema.json").is_file():
            jsonschema_case = Case(
                "check-jsonschema (`--schemafile phase.schema.json lifecycle/*.yaml`)",
                lambda n: [PYTHON, "-m", "check_jsonschema", "--schemafile",
                           str(schema_dir / "phase.schema.json"), *status_files], cwd=product)
            cases.append(jsonschema_case)
        yamllint_case = None
        if has_module("yamllint"):
            yamllint_case = Case("yamllint (default rules, `lifecycle/*.yaml`)",
                                 lambda n: [PYTHON, "-m", "yamllint", *status_files],
                                 cwd=product)
            cases.append(yamllint_case)
        floor_case = Case("floor: typer app loading one status file (`benchmarks/floor_typer.py`)",
                          lambda n: [PYTHON, str(FLOOR), "."], cwd=product)
        cases.append(floor_case)
        measure(cases, repeat, scratch)
        base = cases[0].best
        print(f"\n## `mlcycle check` on a fresh `product` project\n\n{len(status_files)} "
              f"status files, {items} items; current phase `problem`, so the default "
              "`check` evaluates no gate but validates everything and applies every "
              "consistency rule.\n")
        print(table(["command", "best ms (median)", "x `python -c pass`", "peak MiB", "exit"],
                    [[c.label, f"{ms(c.best)} ({ms(c.median)})", f"{c.best / base:.1f}x",
                      f"{c.peak_mib:.0f}", str(c.warm.code if c.warm else "?")]
                     for c in cases]))
        if has_check:
            check_case = cases[1]
            ratio = check_case.best / base
            verdicts.append((f"`check` (fresh product) <= {CHECK_MAX_RATIO:g}x "
                             "`python -c pass`", f"{ratio:.1f}x",
                             ratio <= CHECK_MAX_RATIO and check_case.ok))
            if jsonschema_case is not None:
                verdicts.append(("`check` faster than check-jsonschema on the same files",
                                 f"{ms(check_case.best)} vs {ms(jsonschema_case.best)} ms",
                                 check_case.best < jsonschema_case.best and check_case.ok))
            for label, peer, limit, strict in (
                    ("`check` / yamllint", yamllint_case, CHECK_VS_YAMLLINT, True),
                    ("`check` / typer floor", floor_case, CHECK_VS_FLOOR, False),
                    ("`check` / check-jsonschema", jsonschema_case, 1.0, True)):
                if peer is None:
                    continue
                best, pair, target, ok = versus(check_case, peer, limit, strict)
                peer_rows.append([label, best, pair, target, met(ok)])
                if peer is not jsonschema_case:
                    verdicts.append((f"{label} {target}", f"{pair} (paired median; best {best})",
                                     ok))
        if peer_rows:
            print("\n### Against the peers (issue 14)\n")
            print("Each pair ran back to back in every round of the same run; *paired* is the "
                  "median over the rounds of the ratio of the two runs of one round, steadier "
                  "than the ratio of the bests on a busy machine.\n")
            print(table(["ratio", "best / best", "paired median", "target", "verdict"],
                        peer_rows))
        if not has_check:
            verdicts.append(("`check` (fresh product) <= 12x `python -c pass`",
                             "no `check` command yet", False))

        # 3b. every other command on a fresh product project ---------------------------
        if has_check and upgrade_available(mlcycle):
            commands_benchmark(mlcycle, scratch, repeat)

        if not args.startup_only:
            # 4. scale ------------------------------------------------------------------------
            verdicts += scale_benchmark(mlcycle, scratch, repeat, sizes, has_check)

            # 5. editing commands next to check, on one 1,000-item project -----------------
            if has_check and edit_commands_available(mlcycle):
                verdicts += edit_benchmark(mlcycle, scratch, repeat)

            # 6. portfolio over a monorepo of 1,000 projects --------------------------------
            if subprocess.run([mlcycle, "portfolio", "--help"], env=ENV,
                              capture_output=True).returncode == 0:
                verdicts += portfolio_benchmark(mlcycle, scratch, repeat)


            # 6. metric checks: check --all with and without them ---------------------------
            if has_check:
                verdicts += metrics_benchmark(mlcycle, scratch, repeat)


            # 6. upgrade of a 10,000-item project ------------------------------------------
            if upgrade_available(mlcycle):
                verdicts += upgrade_benchmark(mlcycle, scratch, repeat)

            # 6. check with both built-in overlays ----------------------------------------
            if overlay_available(mlcycle):
                verdicts += overlay_benchmark(mlcycle, scratch, repeat)

            # 7. metrics pull from a local MLflow store (when MLflow is installed) ----------
            verdicts += pull_benchmark(mlcycle, scratch, repeat)

        # targets ----------------------------------------------------------------------------
        print("\n## Targets\n")
        print(table(["target", "measured", "verdict"],
                    [[t, m, met(ok)] for t, m, ok in verdicts]))
        print(f"\n<!-- benchmark took {time.perf_counter() - started:.0f} s -->")
    finally:
        if args.keep:
            print(f"<!-- scratch kept in {scratch} -->")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
