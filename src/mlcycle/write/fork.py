"""``playbooks fork``: a built-in playbook copied into the repository as a team
playbook, ready to edit.

Copied: ``playbook.yaml`` (renamed and re-versioned when asked, by an exact
span edit, so its comments stay), every phase file, ``CHANGES.md`` and the
document templates the phases use (with the templates they include) into
``DEST/templates/docs/``. Never ``phases/_released/``: those records belong to
mlcycle. Everything is staged in a directory beside DEST and renamed into place
at the end (``disk.transaction.new_directory``); on a failure or Ctrl-C the
staging directory is removed and DEST does not exist.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from mlcycle.codes import MLC055
from mlcycle.disk import transaction
from mlcycle.errors import MlcycleError
from mlcycle.load import playbooks
from mlcycle.load.model import PATTERN_MEANINGS
from mlcycle.resources import data_dir
from mlcycle.write.scalars import Verbatim
from mlcycle.write.yamledit import YamlText

ARGS = "<command line>"
_SLUG = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
_SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$"
_INCLUDE = re.compile(r"""{%-?\s*(?:include|extends|import|from)\s+["']([^"']+)["']""")


def fork(name: str, dest: Path, new_name: str | None, version: str | None) -> Path:
    """Copy built-in ``name`` to ``dest``; returns ``dest``."""
    if playbooks.looks_like_path(name):
        raise MlcycleError.at(MLC055, f"'{name}': fork copies a built-in playbook (see "
                              "`mlcycle playbooks`); copy a directory with cp", ARGS)
    playbook = playbooks.load(name)
    for option, value, pattern in (("--name", new_name, _SLUG), ("--version", version, _SEMVER)):
        if value is not None and (not re.match(pattern, value) or len(value) > 64):
            raise MlcycleError.at(MLC055, f"{option} '{value}': expected "
                                  f"{PATTERN_MEANINGS[pattern]}", ARGS)
    shown = (dest.as_posix().rstrip("/") or ".") + "/"  # a directory: no line to point at
    if os.path.lexists(dest):
        raise MlcycleError.at(MLC055, "exists; fork never overwrites (choose a new "
                              "directory)", shown)
    parent = dest.absolute().parent
    if not parent.is_dir():
        raise MlcycleError.at(MLC055, "the parent directory does not exist", shown)
    # Staged beside DEST and renamed into place as a whole (disk.transaction):
    # the copy is read back as a playbook first, from the staged directory.
    with transaction.new_directory(dest, MlcycleError.at(
            MLC055, "exists; fork never overwrites", shown)) as staging:
        source = playbook.directory
        meta = YamlText((source / "playbook.yaml").read_bytes(), "playbook.yaml")
        if new_name is not None:
            meta.set(("name",), new_name)
        if version is not None:
            meta.set(("version",), Verbatim(version))
        (staging / "playbook.yaml").write_bytes(meta.render())
        for phase_id in playbook.phase_ids:
            shutil.copyfile(source / f"{phase_id}.yaml", staging / f"{phase_id}.yaml")
        if (source / "CHANGES.md").is_file():
            shutil.copyfile(source / "CHANGES.md", staging / "CHANGES.md")
        templates = data_dir("templates")
        wanted = [f"docs/{doc.template}" for _, doc in playbook.docs()]
        copied: set[str] = set()
        while wanted:
            relative = wanted.pop()
            if relative in copied or not (templates / relative).is_file():
                continue
            copied.add(relative)
            target = staging / "templates" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(templates / relative, target)
            wanted.extend(_INCLUDE.findall((templates / relative).read_text(encoding="utf-8")))
        playbooks.load_directory(staging)  # what `playbooks show DEST` will read
    return dest
