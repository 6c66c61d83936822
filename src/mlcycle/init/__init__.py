"""``mlcycle init``: render a lifecycle skeleton.

- ``plan``: what init was asked, turned into checked options and a plan;
- ``scaffold``: the files of a skeleton rendered in memory, then written all or
  nothing;
- ``templating``: the Jinja environment (sandboxed, bounded) and its filters;
- ``_compiled`` / ``precompile``: mlcycle's own templates compiled ahead of time;
- ``stubs``: a team's document templates must render stub markers;
- ``metric_guide``: what a document stub says about its items' metric checks;
- ``pristine``: what init would render today for the files it writes only where
  none exists (so that ``check`` can tell an untouched one), and the stub of
  each document (whose prompt lines ``check`` looks for).
"""
