"""Fail when a function of src/mlcycle is more complex than MAX (radon's
cyclomatic complexity): a decision that needs more branches than that wants
named steps. Run by .ci/run's lint section from .venv-test (radon is in the
`test` extra).

KNOWN would list functions allowed over MAX (none today: keep it so); an
entry whose function has come down is an error too, so the list only
shrinks.
"""

from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_visit

MAX = 25
KNOWN: set[str] = set()


def main() -> int:
    root = Path(__file__).resolve().parents[1] / "src" / "mlcycle"
    over: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            name = block.fullname if hasattr(block, "fullname") else block.name
            if block.complexity > MAX:
                key = f"{path.relative_to(root).as_posix()}:{name}"
                over.add(key)
                if key not in KNOWN:
                    print(f"src/mlcycle/{path.relative_to(root).as_posix()}:{block.lineno}: "
                          f"{name} has complexity {block.complexity} (at most {MAX})")
    for gone in sorted(KNOWN - over):
        print(f"{gone}: no longer over {MAX}; remove it from KNOWN in {__file__}")
    return 1 if over - KNOWN or KNOWN - over else 0


if __name__ == "__main__":
    sys.exit(main())
