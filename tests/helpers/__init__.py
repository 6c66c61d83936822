"""What the tests share, one home each (tests/conftest.py keeps the fixtures):

- ``cli``: ``run`` calls the real entry point in process and returns the exit
  code, stdout and stderr apart (``Result``); ``ok`` runs a command that must
  succeed;
- ``project``: a project made by the real ``init`` (``init_project``), the
  fixed date init records (``init_date``), the fixtures folder, and what a
  test compares a directory with (``snapshot``, ``tree``), and a stub filled as
  a team fills it (``fill_doc``: its prompt lines answered);
- ``git``: git run with no user's or system's settings and a fixed identity
  (``git``, ``git_env``, ``isolate_git`` for the git mlcycle itself runs).

Imported as ``helpers.<module>``: pytest puts ``tests/`` on ``sys.path`` (no
``__init__.py`` there; ``rootdir`` conftest, the default "prepend" import mode),
whether it is run from the repository's root or as the README says.
"""
