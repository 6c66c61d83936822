"""Renderers: core results in, text out (one module per output; none prints).

``check_text``, ``check_json``, ``check_markdown``, ``github`` and ``junit``:
``check --format``; ``with_diff``: ``check --base``'s diff added to each;
``diff``: ``mlcycle diff``; ``status``: the terminal dashboard (rich), JSON and
Markdown; ``text``: plain tables; ``raci``, ``score``, ``playbook``,
``portfolio``: their commands' formats; ``next_view``: ``mlcycle next``;
``html``: the Jinja page renderer that ``report_html`` (``mlcycle report``),
``framework`` (``report --framework``, also Markdown) and ``portfolio --format
html`` use.
"""
