"""Render a skeleton: checked options (``plan``), the Jinja environment
(``templating``) and the all-or-nothing write (``scaffold``)."""
