"""HTML pages (``report``, ``portfolio --format html``) from mlcycle's own Jinja
templates in ``templates/views/``, with autoescaping on: every value taken from
a project (titles, notes, names) is escaped by Jinja, never by hand.

The pages are self-contained: inline CSS and SVG, no script, nothing fetched.
"""

from __future__ import annotations

from typing import Any

from mlcycle.resources import data_dir


def render_page(template: str, **context: Any) -> str:
    import jinja2

    from mlcycle import escape

    env = jinja2.Environment(
        # Every plain string a template prints passes the HTML medium's escape
        # first (then autoescape); markup the renderer built itself is left as is.
        finalize=lambda value: escape.html_text(value) if type(value) is str else value,
        loader=jinja2.FileSystemLoader(str(data_dir("templates") / "views")),
        autoescape=True,  # every template here is HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(template).render(**context)
