"""The edits mlcycle makes to a project, computed in memory and handed to
``mlcycle.disk`` to write all or nothing.

- ``items``: ``set``/``start``/``done``/``block``/``waive``/``na`` and ``team``;
  ``advice``: what an edit says when it refuses;
- ``phases``: ``advance`` and ``reopen``; ``cascade``: ``reopen --cascade``;
- ``assign``: ``assign``; ``codeowners``: the CODEOWNERS block;
- ``primary``: ``metric set``; ``profile``: ``profile set``; ``overlay``:
  ``overlay add|remove|upgrade``; ``pulled``: ``metrics pull``'s files;
- ``session``: one editing command's files, validated before a byte is written;
- ``yamledit`` / ``scalars`` / ``statekeep``: exact byte edits of YAML text;
- ``lifecycle``: ``render`` (LIFECYCLE.md from the current state);
- ``upgrade`` / ``upgrade_summary``: ``upgrade`` to another playbook version;
- ``fork``: ``playbooks fork``;
- ``hosts``: ``hosts add|remove`` (the hosts URL evidence may be on);
- ``output``: every ``--output`` file, one policy.
"""
