"""Which evidence paths are automation: what lets an ML Test Score test count as
automated (``mlcycle done ITEM --automated``, scored 1).

The list, kept small on purpose (each is something that runs by itself, not a
document about running):

- a CI workflow or configuration: ``.github/workflows/*`` (except the
  ``mlcycle.yml`` that ``init`` rendered), ``.gitlab-ci.yml``, ``Jenkinsfile``,
  ``azure-pipelines.yml``, ``bitbucket-pipelines.yml``, ``.travis.yml``,
  ``.circleci/``, ``.buildkite/``;
- a test file: ``test_*.py``, ``*_test.py``, ``*_test.go``, ``*.test.js``/``.ts``
  (and ``.spec``), or any file under a ``tests/`` or ``test/`` directory;
- a scheduled job or pipeline definition: ``crontab``, ``*.cron``, ``dvc.yaml``,
  anything under ``dags/`` (Airflow), ``schedules/`` or ``cronjobs/``.

A ``Makefile`` or a notebook is not on it: they run when someone runs them.
Whether the path exists is judged with the other evidence rules.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from mlcycle.load.project import is_url

_CI_FILES = frozenset({".gitlab-ci.yml", "Jenkinsfile", "azure-pipelines.yml",
                       "bitbucket-pipelines.yml", ".travis.yml", "crontab", "dvc.yaml"})
_CI_DIRS = (".github/workflows/", ".circleci/", ".buildkite/")
_TEST_NAME = re.compile(r"^(test_.+\.py|.+_test\.(py|go)|.+\.(test|spec)\.[jt]sx?)$")
_JOB_DIRS = frozenset({"tests", "test", "dags", "schedules", "cronjobs"})
_JOB_NAME = re.compile(r".+\.cron$")
OWN_WORKFLOW = ".github/workflows/mlcycle.yml"
WHAT = ("a CI workflow under .github/workflows/ or a CI configuration such as .gitlab-ci.yml, "
        "a test file (test_*.py, *_test.py, under tests/), or a scheduled job or pipeline "
        "definition (dvc.yaml, a DAG under dags/, a crontab)")


def automation_evidence(path: str) -> bool:
    """Does this evidence path point at automation?"""
    if is_url(path) or path == OWN_WORKFLOW:
        return False
    pure = PurePosixPath(path)
    if pure.name in _CI_FILES or any(path.startswith(d) for d in _CI_DIRS):
        return True
    if _TEST_NAME.match(pure.name) or _JOB_NAME.match(pure.name):
        return True
    return bool(_JOB_DIRS.intersection(pure.parts[:-1]))
