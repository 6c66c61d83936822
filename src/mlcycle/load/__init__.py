"""Read and verify: the strict YAML reader (``yamlio``, ``bounded``), the models
(``model``, ``numbertext``, ``metrickeys``; ``frameworks``: the frameworks of
items' tags), located validation (``validation``, ``source``), the cross-file
rules (``rules``, ``history``, ``hosts``), playbooks (``playbooks``,
``definitions``, ``releases``), overlays (``overlays``), the primary metric
(``primary``), evidence digests for ``reopen`` (``digest``) and projects
(``project``, ``inputs``, ``schemas``, with ``_schemas`` as generated), git
(``gitcmd``, ``gitbase``, ``githistory``) and the commit journal a killed write
leaves (``journal``). Nothing here writes a user's file, prints or exits
(``journal`` completes or removes a pending change).
"""
