"""What the commands share, kept apart from ``commands/`` so that every module
there is one command (``commands.MODULES`` maps each command name to one):

- ``output``: the one printer (every line and document through ``mlcycle.escape``);
- ``options``: the typer options and arguments several commands take
  (``ProjectDir``, ``Format``, ``Today``);
- ``editing``: the editing commands' options (``--project``, ``--dry-run``,
  ``--today``) and how an outcome becomes output;
- ``usage``: click's usage errors as one located line, exit 2;
- ``completion``: shell completion of ids, roles and people (imported only when
  the shell asks);
- ``names``: the table of commands and groups (``commands.MODULES``).

It sits above the core (it may import typer) and below ``commands``.
"""
