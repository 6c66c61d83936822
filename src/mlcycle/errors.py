"""One error type that knows where: file, line, column, code and message.

The core collects these instead of printing; only the CLI turns them into
output and exit codes. Input errors (exit 2) use codes MLC0nn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from mlcycle import escape


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is. A problem with a whole file is shown at its 1:1, because
    editors' and CI's problem matchers need a line to attach it to; only what has
    no lines keeps none: a directory (its path ends in "/") and a pseudo-path such
    as ``<command line>`` or ``<environment>``."""

    path: str  # project-relative, POSIX separators
    line: int = 0  # 1-based; 0 only for a directory or a pseudo-path (see above)
    column: int = 0

    def __post_init__(self) -> None:
        if not self.line and not self.path.endswith("/") and not self.path.startswith("<"):
            object.__setattr__(self, "line", 1)
            object.__setattr__(self, "column", 1)

    def __str__(self) -> str:
        # A path may hold any character a directory name can (newlines, escapes).
        if self.line:
            return escape.line(f"{self.path}:{self.line}:{self.column or 1}")
        return escape.line(self.path)


# Like a compiler: after this many problems in one file the rest are counted,
# not listed, so a broken file of any size prints a bounded report.
MAX_PROBLEMS_PER_FILE = 100
MORE = "MLC009"  # the code of the one line that counts the problems not listed


@dataclass(frozen=True)
class Problem:
    """One located problem. Sorted by file, then location, code and message; the
    line counting a file's unlisted problems comes last in its file."""

    location: Location
    code: str
    message: str
    severity: str = field(default="error", compare=False)
    hidden: int = field(default=0, compare=False)  # problems this line stands for (MORE)

    def _key(self) -> tuple[str, bool, Location, str, str]:
        return (self.location.path, self.code == MORE, self.location, self.code, self.message)

    def __lt__(self, other: Problem) -> bool:
        return self._key() < other._key()

    def __str__(self) -> str:
        """The problem as one visible line: messages carry user text raw, and this
        sink escapes it, so no message can forget to (see ``mlcycle.escape``)."""
        return escape.line(f"{self.location}: {self.severity}[{self.code}]: {self.message}")


def more_problems(path: str, count: int) -> Problem:
    return Problem(Location(path), MORE, f"... and {count} more problem"
                   f"{'' if count == 1 else 's'} in this file", "note", count)


def capped(problems: list[Problem], limit: int = MAX_PROBLEMS_PER_FILE) -> list[Problem]:
    """``problems`` sorted, at most ``limit`` per file, then one line counting the
    rest (lines that already count some are merged into it)."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.location.path, []).append(problem)
    out: list[Problem] = []
    for path, found in by_file.items():
        listed = [p for p in found if p.code != MORE]
        hidden = sum(p.hidden for p in found if p.code == MORE)
        if len(listed) > limit:
            listed.sort()
            hidden += len(listed) - limit
            del listed[limit:]
        out.extend(listed)
        if hidden:
            out.append(more_problems(path, hidden))
    return sorted(out)


def error_count(problems: list[Problem]) -> int:
    """Errors, the unlisted ones included."""
    return sum(1 if p.severity == "error" else p.hidden for p in problems)


class MlcycleError(Exception):
    """A user error: the input could not be read or is invalid (exit code 2).

    Carries every problem found (at most ``MAX_PROBLEMS_PER_FILE`` listed per
    file), so the CLI can print them all at once.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = capped(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[MlcycleError], tuple[list[Problem]]]:
        # Crosses process boundaries (parallel loading): rebuild from the problems.
        return (MlcycleError, (self.problems,))

    @classmethod
    def at(
        cls, code: str, message: str, path: str, line: int = 0, column: int = 0
    ) -> MlcycleError:
        return cls([Problem(Location(path, line, column), code, message)])


class Refused(Exception):
    """The command was understood and its answer is no (exit code 1): gates still
    open, an edit that would leave errors, a file changed under a write, a move
    past the last phase. Nothing was written.

    ``lines`` go to stderr, one each; ``document`` (when given) to stdout first,
    the report that explains them. ``cli.main`` prints both through the one
    printer: no command catches this.
    """

    def __init__(self, lines: list[object], document: str | None = None) -> None:
        self.lines = [str(text) for text in lines]
        self.document = document
        super().__init__("\n".join(self.lines))


def relpath(path: object) -> str:
    """A path as shown to users: POSIX separators."""
    return str(PurePosixPath(*PurePosixPath(str(path).replace("\\", "/")).parts))


# Every input error code, its meaning. The README's table is checked against this.
CODES: dict[str, str] = {
    "MLC001": "a file or directory cannot be read (missing, not a regular file, too large) or "
              "written (disk full, a file-size limit, no permission)",
    "MLC002": "a file is not valid UTF-8",
    "MLC003": "YAML syntax error",
    "MLC004": "duplicate mapping key",
    "MLC005": "forbidden YAML feature: an alias, a tag other than a core one on its own kind "
              "of value, or nesting too deep",
    "MLC006": "wrong document shape: empty file, several documents, or not a mapping",
    "MLC009": f"more than {MAX_PROBLEMS_PER_FILE} problems in one file: the rest are "
              "counted on one line, not listed",
    "MLC010": "unknown key",
    "MLC011": "missing required key",
    "MLC012": "wrong value or type",
    "MLC013": "invalid date",
    "MLC020": "duplicate id (an item, role or document declared twice, or a dependency "
              "listed twice)",
    "MLC021": "RACI rule broken: no responsible role",
    "MLC022": "unknown role",
    "MLC023": "unknown item in depends_on",
    "MLC024": "dependency cycle (one line per group of items that depend on each other, "
              "naming a shortest cycle)",
    "MLC025": "phase files do not match the playbook "
              "(unknown, missing, misnamed or duplicated phase)",
    "MLC026": "team entry is not a non-empty person name",
    "MLC027": "unknown phase or item named on the command line or in mlcycle.yaml",
    "MLC028": "no mlcycle project here (mlcycle.yaml not found)",
    "MLC029": "evidence path leaves the project (absolute, '..' or a symlink outside)",
    "MLC030": "playbook cannot be used (not found, undeclared doc, missing or broken template)",
    "MLC031": "invalid command line: an unknown, missing or misused command, option or "
              "argument, or an invalid value",
    "MLC032": "a rendered path would leave the project or write through a symlink",
    "MLC033": "a file changed on disk between read and write; nothing written (exit 1)",
    "MLC034": "a file to edit holds line breaks other than LF or CRLF, or an explicit key "
              "('? key') where the edit goes",
    "MLC035": "--output would overwrite a file a project reads (mlcycle.yaml, a status file, "
              "the journal, .mlcycle/, its playbook, evidence or a metrics file; also through a "
              "symlink or a hard link)",
    "MLC036": "warning: a team's document template has no stub marker "
              "(its documents count as evidence at once)",
    "MLC037": "init: the directory already holds an mlcycle project (mlcycle.yaml); nothing "
              "written, whatever --force says",
    "MLC040": "an item definition in a status file differs from the pinned playbook",
    "MLC041": "an item of the pinned playbook is missing from its status file",
    "MLC042": "a status file holds an item that its phase of the pinned playbook does not define",
    "MLC043": "the pinned playbook version cannot be verified (unknown built-in version, or the "
              "team's playbook directory is at another version)",
    "MLC044": "current_phase and history disagree (a skipped phase, a reopen without reason, "
              "dates going backwards, a phase set by hand)",
    "MLC050": "a playbook item's `replaces` names an id the playbook still has, or one replaced "
              "twice",
    "MLC051": "upgrade refused: it would remove an item or phase that has state (pass --drop)",
    "MLC052": "upgrade refused: the new playbook has no phase the project is in",
    "MLC053": "upgrade: invalid --to or --drop (not the shipped version, nothing to drop)",
    "MLC054": "upgrade: a status file's layout keeps an item's state from being kept byte for "
              "byte (flow style)",
    "MLC055": "playbooks fork: the destination exists, or an invalid --name / --version",
    "MLC060": "portfolio: a path to search is not a directory",
    "MLC061": "portfolio: no mlcycle project under the paths searched",
    "MLC062": "--base: not inside a git repository (or git cannot be run)",
    "MLC063": "--base: the ref is not a known git revision",
    "MLC064": "--base: no merge base with HEAD (a shallow clone: fetch-depth: 0; or unrelated "
              "histories)",
    "MLC070": "the project has no ML Test Score: no item has a `section` (`score`, "
              "`check --min-score`)",
    "MLC080": "metrics pull: the tracker's client is not installed (pip install "
              "\"mlcycle-cli[mlflow]\")",
    "MLC081": "metrics pull: the tracker cannot be reached or read (down, a wrong URI, no "
              "credentials, a local store that does not exist)",
    "MLC082": "metrics pull: no such run, registered model, alias or version (or a model "
              "version registered without a run)",
    "MLC083": "metrics pull: the run has no metrics (or logs one named _source)",
    "MLC084": "metrics pull: --to is not a .json file inside the project, or it holds a file "
              "that metrics pull did not write",
    "MLC090": "the journal of a change an interrupted mlcycle left half done cannot be read, "
              "was not written by mlcycle, is not a small regular file, or is committed to git "
              "(.mlcycle-journal)",
}
