"""The README's tour runs as written: each line of its `sh` block in one bash
shell, in a fresh directory, with the installed `mlcycle`; a line exits 0
unless its comment says `(exit N)`. The one step a person does by hand, filling
the document the `done` line cites (a stub is not evidence, as the README says
under the block), is done here just before that line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def tour() -> list[str]:
    section = README.split("## A tour in ten commands", 1)[1]
    block = re.search(r"^```sh\n(.*?)^```$", section, flags=re.S | re.M)
    assert block is not None
    return [line for line in block[1].splitlines() if line.strip()]


def test_the_tour_has_ten_commands() -> None:
    assert len(tour()) == 10


def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "MLCYCLE_TODAY": "2026-12-06", "NO_COLOR": "1"}
    script = ["set -u"]
    for number, line in enumerate(tour()):
        expected = re.search(r"\(exit (\d)\)", line)
        if " done " in f" {line} ":
            evidence = line.split("--evidence ", 1)[1].split()[0]
            script.append(f"printf '# Problem\\n\\nSmall accounts churn in 90 days.\\n' > "
                          f"{evidence}")
        script.append(f"{line}\ncode=$?; [ $code -eq {expected[1] if expected else 0} ] || "
                      f"{{ echo 'line {number + 1} exited '$code >&2; exit 99; }}")
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "churn" / "lifecycle.html").is_file()
