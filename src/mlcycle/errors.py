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
    path: str  # project-relative, POSIX separators
    line: int = 0  # 1-based; 0 when the problem concerns the whole file
    column: int = 0

    def __str__(self) -> str:
        # A path may hold any character a directory name can (newlines, escapes).
        if self.line:
            return escape.line(f"{self.path}:{self.line}:{self.column or 1}")
        return escape.line(self.path)


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem. Sorted by location, then code, then message."""

    location: Location
    code: str
    message: str
    severity: str = field(default="error", compare=False)

    def __str__(self) -> str:
        """The problem as one visible line: messages carry user text raw, and this
        sink escapes it, so no message can forget to (see ``mlcycle.escape``)."""
        return escape.line(f"{self.location}: {self.severity}[{self.code}]: {self.message}")


class MlcycleError(Exception):
    """A user error: the input could not be read or is invalid (exit code 2).

    Carries every problem found, so the CLI can print them all at once.
    """

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = sorted(problems)

    def __reduce__(self) -> tuple[type[MlcycleError], tuple[list[Problem]]]:
        # Crosses process boundaries (parallel loading): rebuild from the problems.
        return (MlcycleError, (self.problems,))

    @classmethod
    def at(
        cls, code: str, message: str, path: str, line: int = 0, column: int = 0
    ) -> MlcycleError:
        return cls([Problem(Location(path, line, column), code, message)])


def relpath(path: object) -> str:
    """A path as shown to users: POSIX separators."""
    return str(PurePosixPath(*PurePosixPath(str(path).replace("\\", "/")).parts))


# Every input error code, its meaning. The README's table is checked against this.
CODES: dict[str, str] = {
    "MLC001": "a file or directory cannot be read (missing, not a regular file, too large)",
    "MLC002": "a file is not valid UTF-8",
    "MLC003": "YAML syntax error",
    "MLC004": "duplicate mapping key",
    "MLC005": "forbidden YAML feature: an alias, a tag other than a core one on its own kind "
              "of value, or nesting too deep",
    "MLC006": "wrong document shape: empty file, several documents, or not a mapping",
    "MLC010": "unknown key",
    "MLC011": "missing required key",
    "MLC012": "wrong value or type",
    "MLC013": "invalid date",
    "MLC020": "duplicate id",
    "MLC021": "RACI rule broken: no responsible role",
    "MLC022": "unknown role",
    "MLC023": "unknown item in depends_on",
    "MLC024": "dependency cycle",
    "MLC025": "phase files do not match the playbook "
              "(unknown, missing, misnamed or duplicated phase)",
    "MLC026": "team entry is not a non-empty person name",
    "MLC027": "unknown phase or item named on the command line or in mlcycle.yaml",
    "MLC028": "no mlcycle project here (mlcycle.yaml not found)",
    "MLC029": "evidence path leaves the project (absolute, '..' or a symlink outside)",
    "MLC030": "playbook cannot be used (not found, undeclared doc, missing or broken template)",
    "MLC031": "invalid command-line value",
    "MLC032": "a rendered path would leave the project or write through a symlink",
}
