"""`mlcycle schema`: JSON Schemas from the models, usable by check-jsonschema."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cli import run
from helpers.project import FIXTURES, snapshot

NAMES = ["project.schema.json", "phase.schema.json", "overlay.schema.json", "playbook.schema.json"]
VALID = FIXTURES / "valid" / "handwritten"
PHASES = Path(__file__).resolve().parents[2] / "phases"


def test_schema_prints_json() -> None:
    result = run("schema")
    assert (result.code, result.err) == (0, "")
    data = json.loads(result.out)
    assert sorted(data) == sorted(NAMES)
    for schema in data.values():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["type"] == "object"
        assert schema["additionalProperties"] is False


def test_schema_output_writes_four_files_and_rewrites_nothing(tmp_path: Path) -> None:
    first = run("schema", "--output", "out", cwd=tmp_path)
    assert (first.code, first.err) == (0, "")
    assert first.out == "".join(f"wrote out/{name}\n" for name in NAMES)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(NAMES)
    before = snapshot(tmp_path / "out")
    mtimes = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()}
    second = run("schema", "--output", "out", cwd=tmp_path)
    assert (second.code, second.err) == (0, "")
    assert second.out == "".join(f"unchanged out/{name}\n" for name in NAMES)
    assert snapshot(tmp_path / "out") == before
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()} == mtimes
    printed = json.loads(run("schema").out)
    for name in NAMES:
        raw = (tmp_path / "out" / name).read_bytes()
        assert raw.endswith(b"}\n") and b"\r" not in raw
        assert json.loads(raw) == printed[name]


def _check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "check-jsonschema"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "check_jsonschema"]
    return subprocess.run(
        [*command, "--schemafile", str(schema), *map(str, files)],
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("schemas")
    assert run("schema", "--output", str(out)).code == 0
    return out


def test_handwritten_project_passes_check_jsonschema(schemas: Path) -> None:
    project = _check_jsonschema(schemas / "project.schema.json", VALID / "mlcycle.yaml")
    assert project.returncode == 0, project.stdout + project.stderr
    phases = sorted((VALID / "lifecycle").glob("*.yaml"))
    assert len(phases) == 5
    phase = _check_jsonschema(schemas / "phase.schema.json", *phases)
    assert phase.returncode == 0, phase.stdout + phase.stderr


def test_builtin_playbook_files_pass_check_jsonschema(schemas: Path) -> None:
    files = sorted(PHASES.glob("*/playbook.yaml"))
    assert files
    done = _check_jsonschema(schemas / "playbook.schema.json", *files)
    assert done.returncode == 0, done.stdout + done.stderr


def _break(tmp_path: Path, rel: str, old: str, new: str) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(VALID, root)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rel", "old", "new", "schema", "code"),
    [
        # a typo key: both reject it
        ("mlcycle.yaml", "current_phase: data", "curent_phase: data", "project", "MLC010"),
        ("lifecycle/02-data.yaml", "    owner: Olu Adeyemi\n    due:",
         "    ownr: Olu Adeyemi\n    due:", "phase", "MLC010"),
        # dates: YAML parses them as dates; both tools agree on what is a real one
        ("mlcycle.yaml", "date: 2025-03-03", "date: 2025-02-30", "project", "MLC013"),
        ("lifecycle/02-data.yaml", "due: 2025-04-04", "due: 2025-4-4", "phase", "MLC013"),
        ("lifecycle/02-data.yaml", "status: doing", "status: finished", "phase", "MLC012"),
    ],
    ids=["project-typo", "item-typo", "impossible-date", "short-date", "bad-status"],
)
def test_mlcycle_and_check_jsonschema_both_reject(
    tmp_path: Path, schemas: Path, rel: str, old: str, new: str, schema: str, code: str
) -> None:
    path = _break(tmp_path, rel, old, new)
    done = _check_jsonschema(schemas / f"{schema}.schema.json", path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Schema validation errors were encountered" in done.stdout
    result = run("validate", tmp_path / "proj")
    assert result.code == 2
    assert f"error[{code}]" in result.err


def test_valid_dates_pass_both(tmp_path: Path, schemas: Path) -> None:
    # An unquoted date (a date object to check-jsonschema) and a quoted one (a string).
    path = _break(tmp_path, "lifecycle/02-data.yaml", "due: 2025-04-04", 'due: "2025-04-04"')
    done = _check_jsonschema(schemas / "phase.schema.json", path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert run("validate", tmp_path / "proj").code == 0


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert run("schema", "--output", tmp_path / "s").code == 0
        existing = tmp_path / "s" / "phase.schema.json"
        existing.write_text("{}\n")
        existing.chmod(0o640)
        assert run("schema", "--output", tmp_path / "s").code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "s" / "project.schema.json").stat().st_mode) == 0o644
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640  # a file that existed keeps its mode
    assert existing.read_text().startswith("{\n  \"$schema\"")
