"""Grids of photos: pages of PER_PAGE tiles, under the month they were taken when dated."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import searchdata
from .gallery import Entry, Tile
from .pages import PageWriter

PER_PAGE = 200
# Timeline page names are made of these digits alone, never of other metadata.
DATE_PREFIX = re.compile(r"^\d{4}-\d{2}")
MONTH = re.compile(r"\d{4}-\d{2}")
UNDATED = "Undated"


@dataclass(frozen=True)
class Section:
    """A run of tiles under one heading ("July 2010", "Undated", or none)."""

    heading: str
    tiles: list[Tile]


def period(key: str) -> str:
    """A timeline key as people say it: "2010", "July 2010"."""
    if MONTH.fullmatch(key):
        return f"{calendar.month_name[int(key[5:])]} {key[:4]}"
    return key


def sections(entries: list[Entry], dated: bool) -> list[Section]:
    """Runs of tiles under a heading each: the month they were taken, when `dated`."""
    runs: list[Section] = []
    for entry in entries:
        heading = (
            (period(entry.date[:7]) if DATE_PREFIX.match(entry.date) else UNDATED) if dated else ""
        )
        if not runs or runs[-1].heading != heading:
            runs.append(Section(heading, []))
        runs[-1].tiles.append(entry.tile())
    return runs


def home_page(page: int) -> str:
    """The file of page `page` of the home grid."""
    return "index.html" if page == 1 else f"page-{page}.html"


def page_name(stem: str, page: int) -> str:
    """The file of page `page` of a paged group: the first has no number."""
    return f"{stem}.html" if page == 1 else f"{stem}-{page}.html"


def write_grid(
    writer: PageWriter,
    entries: list[Entry],
    name: Callable[[int], str],
    context: str = "",
    dated: bool = False,
    **view: Any,
) -> None:
    """A list of photos as grid pages of PER_PAGE, under month headings when `dated`. A named
    `context` (a group) also gets the list itself as data, so that its photos step through
    it and Escape comes back to it."""
    pages = max(1, -(-len(entries) // PER_PAGE))
    for page in range(1, pages + 1):
        chunk = entries[(page - 1) * PER_PAGE : page * PER_PAGE]
        writer.page(
            name(page),
            "grid_page.html",
            sections=sections(chunk, dated),
            page=page,
            pages=pages,
            link=lambda n: name(n).rsplit("/", 1)[-1],
            context=context,
            **view,
        )
    if context:
        payload = {"ids": [e.sid for e in entries], "per_page": PER_PAGE}
        writer.write(f"data/in/{context}.js", searchdata.js_payload(f"in/{context}", payload))
