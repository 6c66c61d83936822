"""Judge a loaded project. Pure: a project in, a result out; nothing here
prints, exits or writes.

- ``evaluate``: gates, evidence, waivers, consistency (the engine of ``check``);
- ``metrics``: metric and parity checks against the files they read;
- ``own_files``: the files that run the lifecycle, never evidence;
- ``score``: the ML Test Score;
- ``basecheck``: ``check --base``, what a change is answerable for;
- ``lifediff``: what a change does to the lifecycle, by item id;
- ``dashboard``: the data of ``status``; ``raci``: the RACI matrix;
- ``journey``: the path through the phases; ``report_data``: the data of
  ``report``; ``portfolio``: one row per project under some paths;
- ``framework_index``: ``report --framework``, the items tagged for a framework;
- ``evidence``: what a cited path proves (stubs, prompts, emptiness, hosts);
  ``automation``: which evidence is automation (``done --automated``);
- ``metricdiff``: metric values in ``diff`` and ``check --base``;
  ``provenance``: where a pulled number came from;
- ``workable``: what is ready now and what waits on what (``next``, ``status``);
- ``result``: the result types; ``rules/``: one module per finding rule.
"""
