"""Renderers: one module per output. Each turns core results into text."""
