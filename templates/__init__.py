"""Jinja2 templates of the gallery pages."""
