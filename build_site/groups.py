"""Group pages: a page per keyword, album, tag, period, person, rating and camera, the
favourites, and an index page for each kind."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from .gallery import Entry, Tile, slug
from .grids import DATE_PREFIX, MONTH, UNDATED, page_name, period, write_grid
from .pages import PageWriter

# Each kind's index heading, and the words before a group's name on its page.
GROUP_HEADINGS = {
    "keywords": ("Keywords", "Keyword:"),
    "albums": ("Albums", "Album:"),
    "tags": ("Automatic tags", "Tag:"),
    "timeline": ("Timeline", "Taken in"),
    "people": ("People", "Person:"),
    "favourites": ("Favourites", ""),
    "ratings": ("Ratings", "Rated"),
    "cameras": ("Cameras", "Camera:"),
}
GROUP_EMPTY = {
    "keywords": "No keywords in this library.",
    "albums": "No albums.",
    "tags": "No automatic tags: every photo needs a vector.",
    "timeline": "No photos.",
    "people": "No named people in this library.",
    "favourites": "No favourites.",
    "ratings": "No rated photos.",
    "cameras": "No camera is known.",
}
FAVOURITES = "Favourites"


@dataclass(frozen=True)
class GroupLink:
    """A group as its kind's index page lists it: name, size and its first photo."""

    name: str
    href: str
    count: int
    month: bool
    cover: Tile


def groups(entries: list[Entry]) -> dict[str, dict[str, list[Entry]]]:
    """The members of every group, by kind and key, in the entries' order."""
    found: dict[str, dict[str, list[Entry]]] = {kind: defaultdict(list) for kind in GROUP_HEADINGS}
    for entry in entries:
        for person in entry.meta.get("people", []):
            found["people"][str(person)].append(entry)
        if entry.meta.get("favourite"):
            found["favourites"][FAVOURITES].append(entry)
        if entry.meta.get("rating"):
            found["ratings"][str(entry.meta["rating"])].append(entry)
        if entry.meta.get("camera"):
            found["cameras"][str(entry.meta["camera"])].append(entry)
        for keyword in entry.meta.get("keywords", []):
            found["keywords"][str(keyword)].append(entry)
        for album in entry.meta.get("albums", []):
            found["albums"][str(album)].append(entry)
        for tag in entry.tags:
            found["tags"][tag].append(entry)
        if DATE_PREFIX.match(entry.date):
            found["timeline"][entry.date[:4]].append(entry)
            found["timeline"][entry.date[:7]].append(entry)
        else:
            found["timeline"][UNDATED].append(entry)
    return found


# The header's links, in order: each kind's index page, the map and the duplicates.
NAV = (
    ("Timeline", "timeline"),
    ("Albums", "albums"),
    ("Places", "places"),
    ("People", "people"),
    ("Favourites", "favourites"),
    ("Ratings", "ratings"),
    ("Cameras", "cameras"),
    ("Keywords", "keywords"),
    ("Tags", "tags"),
    ("Duplicates", "duplicates"),
)


def navigation(
    found: dict[str, dict[str, list[Entry]]], *, places: str | None, duplicates: bool
) -> list[tuple[str, str]]:
    """The header's links (label, page): only to pages that show something. `places` is the
    page the Places link opens (the place names, else the map), None for none."""
    shown = {kind for kind, members in found.items() if members}
    shown |= {name for name, there in (("places", places), ("duplicates", duplicates)) if there}
    pages = {"places": places or "", "duplicates": "duplicates.html"}
    return [(label, pages.get(kind, f"{kind}/index.html")) for label, kind in NAV if kind in shown]


def group_name(kind: str, key: str) -> tuple[str, str]:
    """A group's page name (never from metadata alone) and the name people read."""
    if kind == "timeline":
        return key, period(key)
    if kind == "ratings":
        stars = int(key)
        return f"stars-{stars}", "★" * stars + "☆" * (5 - stars)
    if kind == "favourites":
        return "favourites", key
    return slug(key), key


def _ordered(kind: str, members: dict[str, list[Entry]]) -> list[tuple[str, list[Entry]]]:
    """A kind's groups in the order its index lists them."""
    if kind == "timeline":
        # Newest year first, each year before its months, newest first; undated last.
        return sorted(
            members.items(),
            reverse=True,
            key=lambda item: (
                item[0] != UNDATED,
                item[0][:4],
                not MONTH.fullmatch(item[0]),
                item[0],
            ),
        )
    if kind == "ratings":
        return sorted(members.items(), reverse=True)
    return sorted(members.items(), key=lambda item: item[0].lower())


def write_group_pages(
    writer: PageWriter,
    found: dict[str, dict[str, list[Entry]]],
    faces: dict[str, Tile] | None = None,
) -> None:
    """Every group's grid pages, and each kind's index page, from what groups() found;
    a person with a face in `faces` is shown by it on the People page."""
    for kind, members_by_key in found.items():
        listing = []
        for key, members in _ordered(kind, members_by_key):
            page_slug, name = group_name(kind, key)
            label = GROUP_HEADINGS[kind][1]
            write_grid(
                writer,
                members,
                functools.partial(page_name, f"{kind}/{page_slug}"),
                f"{kind}/{page_slug}",
                heading=name if key == UNDATED or not label else f"{label} {name}",
                note="",
            )
            listing.append(
                GroupLink(
                    name=name,
                    href=f"{page_slug}.html",
                    count=len(members),
                    month=kind == "timeline" and MONTH.fullmatch(key) is not None,
                    cover=(faces or {}).get(key, members[0].tile())
                    if kind == "people"
                    else members[0].tile(),
                )
            )
        writer.page(
            f"{kind}/index.html",
            "index_page.html",
            heading=GROUP_HEADINGS[kind][0],
            groups=listing,
            empty=GROUP_EMPTY[kind],
        )
