"""Jinja2 rendering into the site folder, writing only files whose content changed."""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from photoseek.ownership import write_whole

from .output import SiteFolder
from .shapes import stylesheet

ASSETS = (
    "core.js",
    "site.js",
    "search.js",
    "wordindex.js",
    "textmodel.js",
    "photo.js",
    "viewer.js",
    "places.js",
    "world.js",
    "site.css",
    "icon.svg",
)


class PageWriter:
    """Renders templates to files below the site root."""

    def __init__(self, folder: SiteFolder, common: dict[str, Any]) -> None:
        self.folder = folder
        self.common = common
        self.env = Environment(
            loader=PackageLoader("photoseek.templates", "."),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.written = 0
        self.unchanged = 0

    def write(self, relative: str, data: str) -> None:
        """Write a file if its content differs; renamed into place, never half-written."""
        path = self.folder.path(relative)
        encoded = data.encode("utf-8")
        if path.is_file() and path.stat().st_size == len(encoded) and path.read_bytes() == encoded:
            self.unchanged += 1
            return
        write_whole(path, encoded)
        self.written += 1

    def page(self, relative: str, template: str, **context: Any) -> None:
        """Render a template to `relative`; links inside are relative to it, for file://."""
        root = "../" * relative.count("/")
        html = self.env.get_template(template).render(**self.common, root=root, **context)
        self.write(relative, html)

    def copy_assets(self) -> None:
        """The browser code and styles, from the installed package."""
        folder = resources.files("photoseek.site")
        for name in ASSETS:
            self.write(f"assets/{name}", (folder / name).read_text(encoding="utf-8"))
        self.write("assets/shapes.css", stylesheet())
