"""A page per photo, with its facts, groups, similar photos and near duplicates; and the
duplicates page that lists every photo found in several places and every group of near
duplicates (judged by their pixels: nearcopies.py)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

import numpy as np

from .gallery import Entry, Tile, slug
from .grids import PER_PAGE, home_page
from .nearcopies import BITS, NearGroup
from .pages import PageWriter
from .placepages import town, town_stem

SIMILAR = 12
# A photo's page shows this many of its near duplicates; the duplicates page shows them all.
NEAR_SHOWN = 24
LINK_LABELS = {"edited_from": "Edited from", "virtual_copy_of": "Virtual copy of"}


@dataclass(frozen=True)
class Chip:
    """A group a photo belongs to, linked from its page."""

    name: str
    slug: str


def chips(names: list) -> list[Chip]:
    """The chips of a photo's keywords, albums, people or tags."""
    return [Chip(str(name), slug(str(name))) for name in names]


@dataclass(frozen=True)
class PhotoView:
    """What a photo's page shows."""

    index: int
    sid: str
    # The page of the home grid that shows this photo, for Escape.
    home: str
    title: str
    alt: str
    caption: str | None
    # What a model wrote of the photo, and which model.
    description: tuple[str, str] | None
    text: str
    facts: list[tuple[str, str]]
    place: tuple[float, float] | None
    # "Kyoto, Japan" and the page of the town's photos.
    town: tuple[str, str] | None
    keywords: list[Chip]
    albums: list[Chip]
    people: list[Chip]
    tags: list[Chip]
    links: list[tuple[str, str]]
    sources: list[str]
    similar: list[Tile]
    duplicates: list[Tile]
    # Near duplicates beyond those shown.
    more_duplicates: int
    medium: Tile
    large: Tile
    full: Tile


@dataclass(frozen=True)
class ExactDuplicate:
    """A picture found in several places, stored once."""

    tile: Tile
    title: str
    places: list[str]


@dataclass(frozen=True)
class DuplicateGroup:
    """A group of near duplicates as the duplicates page shows it, with how it was judged."""

    tiles: list[Tile]
    judged: str


def judged(group: NearGroup) -> str:
    """How a group's pixels agree, in words."""
    apart = "equal" if group.bits == 0 else f"at most {group.bits} of {BITS} bits apart"
    return f"pixel hashes {apart}" + (", one turned or mirrored" if group.turned else "")


def _view(
    entry: Entry,
    by_id: dict[str, Entry],
    similar: list[Entry],
    copies: list[Entry],
    more_copies: int = 0,
) -> PhotoView:
    meta = entry.meta
    return PhotoView(
        index=entry.index,
        sid=entry.sid,
        home=home_page(entry.index // PER_PAGE + 1),
        title=entry.heading,
        alt=entry.alt,
        caption=meta.get("caption"),
        description=entry.description,
        text=entry.text,
        facts=entry.facts(),
        place=entry.place,
        town=(where.label, town_stem(where) + ".html") if (where := town(entry)) else None,
        keywords=chips(meta.get("keywords", [])),
        albums=chips(meta.get("albums", [])),
        people=chips(meta.get("people", [])),
        tags=chips(entry.tags),
        links=[
            (LINK_LABELS.get(rel, rel), by_id[target].sid)
            for rel, targets in entry.photo.links.items()
            for target in targets
            if target in by_id
        ],
        sources=entry.sources(),
        similar=[e.tile() for e in similar],
        duplicates=[e.tile() for e in copies],
        more_duplicates=more_copies,
        medium=entry.tile("medium"),
        large=entry.tile("large"),
        full=entry.tile("full"),
    )


def write_photo_pages(
    writer: PageWriter,
    entries: list[Entry],
    similar: np.ndarray,
    groups: list[NearGroup],
) -> None:
    """A page per photo: its near duplicates (its group, by position in `entries`), then the
    similar photos by meaning that are not among them (`similar`: a row of positions in
    `entries` a photo, best first, -1 past its end)."""
    by_id = {e.photo.id: e for e in entries}
    # Each group's members once (a group can hold thousands: never copied per page).
    group_of = {member: at for at, group in enumerate(groups) for member in group.members}
    inside = [frozenset(group.members) for group in groups]
    for position, entry in enumerate(entries):
        at = group_of.get(position)
        members = groups[at].members if at is not None else ()
        shown = list(islice((i for i in members if i != position), NEAR_SHOWN))
        copies = [entries[i] for i in shown]
        same = inside[at] if at is not None else frozenset()
        alike = [entries[i] for i in similar[position].tolist() if i >= 0 and i not in same]
        writer.page(
            f"photo/{entry.sid}.html",
            "photo.html",
            p=_view(entry, by_id, alike, copies, max(0, len(members) - 1 - len(copies))),
            prev=entries[position - 1].sid if position else None,
            next=entries[position + 1].sid if position + 1 < len(entries) else None,
        )


def write_duplicates_page(
    writer: PageWriter, entries: list[Entry], groups: list[NearGroup]
) -> None:
    """The photos found in several places, and the groups of near duplicates."""
    exact = [
        ExactDuplicate(e.tile(), e.title, e.sources()) for e in entries if len(e.photo.sources) > 1
    ]
    near = [DuplicateGroup([entries[i].tile() for i in g.members], judged(g)) for g in groups]
    writer.page("duplicates.html", "duplicates.html", exact=exact, near=near)


def has_duplicates(entries: list[Entry], groups: list[NearGroup]) -> bool:
    """Whether the duplicates page lists anything: a photo found in several places, or a
    group of near duplicates."""
    return bool(groups) or any(len(e.photo.sources) > 1 for e in entries)
