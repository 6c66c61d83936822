"""One error type that knows where: file, line, column, code and message.

The core collects these instead of printing; only the CLI turns them into
output and exit codes. Every code is defined in ``mlcycle.codes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from mlcycle import codes, escape
from mlcycle.codes import MLC009


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
MAX_PROBLEMS_PER_FILE = codes.MAX_PROBLEMS_PER_FILE
MORE = MLC009  # the code of the one line that counts the problems not listed


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
