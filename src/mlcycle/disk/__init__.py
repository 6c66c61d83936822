"""How bytes reach the user's disk, below every command that writes:

- ``atomic``: one file written so that a reader sees the old bytes or the new,
  never half (``write_atomic``, ``new_file_mode``);
- ``transaction``: the one all-or-nothing writer. Several files as one change,
  all of them or none, never over a file that changed since it was read, under
  the project's lock, with the journal (``load.journal``) that lets a SIGKILL
  among the renames be completed; the editing commands, ``upgrade`` and
  ``init`` (``commit``/``write``) and ``playbooks fork`` (``new_directory``)
  all write through it.

A layer of its own (above ``load``, below ``init`` and ``write``): ``init``
writes its skeleton and ``write`` its edits through it, and neither has to
import the other to do so.
"""
