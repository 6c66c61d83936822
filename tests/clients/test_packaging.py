"""The wheel carries the built-in playbooks, the templates and the license;
`mlcycle` and `python -m mlcycle` print the version."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mlcycle import __version__

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel_names(wheelhouse: Path) -> set[str]:
    out = wheelhouse  # built once per session (conftest.py)
    (wheel,) = out.glob("mlcycle_cli-*.whl")
    assert wheel.name.startswith(f"mlcycle_cli-{__version__}-")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_has_every_builtin_playbook(wheel_names: set[str]) -> None:
    builtins = sorted(p.parent.name for p in (REPO / "phases").glob("*/playbook.yaml"))
    assert {"product", "five-phase", "ml-test-score"} <= set(builtins)
    for name in builtins:
        assert f"mlcycle/_data/phases/{name}/playbook.yaml" in wheel_names
        for phase_file in (REPO / "phases" / name).glob("*.yaml"):
            assert f"mlcycle/_data/phases/{name}/{phase_file.name}" in wheel_names


def test_wheel_has_every_template(wheel_names: set[str]) -> None:
    templates = sorted(p.name for p in (REPO / "templates" / "docs").glob("*.md.j2"))
    assert templates
    for name in templates:
        assert f"mlcycle/_data/templates/docs/{name}" in wheel_names


def test_wheel_has_the_license_and_the_code(wheel_names: set[str]) -> None:
    assert any(
        n.startswith(f"mlcycle_cli-{__version__}.dist-info/") and n.endswith("/LICENSE")
        for n in wheel_names
    ), sorted(n for n in wheel_names if ".dist-info/" in n)
    assert "mlcycle/__main__.py" in wheel_names
    assert "mlcycle/resources.py" in wheel_names
    assert not any("/tests/" in n or n.startswith("tests/") for n in wheel_names)


def test_python_dash_m_prints_the_version() -> None:
    done = subprocess.run([sys.executable, "-m", "mlcycle", "--version"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"mlcycle {__version__}\n", "")


def test_console_script_prints_the_version() -> None:
    script = Path(sys.executable).parent / "mlcycle"
    assert script.exists(), "the mlcycle console script is not installed next to python"
    done = subprocess.run([str(script), "--version"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"mlcycle {__version__}\n", "")
