"""A page per photo, with its facts, groups, similar photos and near duplicates; and the
duplicates page that lists every photo found in several places and every near-duplicate group."""

from __future__ import annotations

from dataclasses import dataclass

from .gallery import Entry, Tile, slug
from .grids import PER_PAGE, home_page
from .pages import PageWriter

SIMILAR = 12
# Cosine similarity above which two different files count as near duplicates.
NEAR_DUPLICATE = {"colour": 0.985}
NEAR_DUPLICATE_DEFAULT = 0.95
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
    text: str
    facts: list[tuple[str, str]]
    place: tuple[float, float] | None
    keywords: list[Chip]
    albums: list[Chip]
    people: list[Chip]
    tags: list[Chip]
    links: list[tuple[str, str]]
    sources: list[str]
    similar: list[Tile]
    duplicates: list[Tile]
    medium: Tile
    large: Tile
    full: Tile


@dataclass(frozen=True)
class ExactDuplicate:
    """A picture found in several places, stored once."""

    tile: Tile
    title: str
    places: list[str]


def near_threshold(model: str) -> float:
    """The similarity above which the model's vectors call two files near duplicates."""
    return NEAR_DUPLICATE.get(model, NEAR_DUPLICATE_DEFAULT)


def _view(
    entry: Entry,
    by_id: dict[str, Entry],
    similar: list[tuple[Entry, float]],
    near: float,
) -> PhotoView:
    meta = entry.meta
    return PhotoView(
        index=entry.index,
        sid=entry.sid,
        home=home_page(entry.index // PER_PAGE + 1),
        title=entry.heading,
        alt=entry.alt,
        caption=meta.get("caption"),
        text=entry.text,
        facts=entry.facts(),
        place=entry.place,
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
        similar=[e.tile() for e, score in similar if score < near],
        duplicates=[e.tile() for e, score in similar if score >= near],
        medium=entry.tile("medium"),
        large=entry.tile("large"),
        full=entry.tile("full"),
    )


def write_photo_pages(
    writer: PageWriter,
    entries: list[Entry],
    neighbours: dict[str, list[tuple[str, float]]],
    near: float,
) -> list[list[Tile]]:
    """A page per photo; returns the groups of near duplicates, each listed once."""
    by_id = {e.photo.id: e for e in entries}
    near_groups = []
    for position, entry in enumerate(entries):
        similar = [
            (by_id[pid], score) for pid, score in neighbours.get(entry.photo.id, []) if pid in by_id
        ]
        duplicates = [e for e, score in similar if score >= near]
        # A group is listed from its first photo only.
        if duplicates and all(e.index > entry.index for e in duplicates):
            near_groups.append([entry.tile()] + [e.tile() for e in duplicates])
        writer.page(
            f"photo/{entry.sid}.html",
            "photo.html",
            p=_view(entry, by_id, similar, near),
            prev=entries[position - 1].sid if position else None,
            next=entries[position + 1].sid if position + 1 < len(entries) else None,
        )
    return near_groups


def write_duplicates_page(
    writer: PageWriter, entries: list[Entry], near_groups: list[list[Tile]]
) -> None:
    """The photos found in several places, and the groups of near duplicates."""
    exact = [
        ExactDuplicate(e.tile(), e.title, e.sources()) for e in entries if len(e.photo.sources) > 1
    ]
    writer.page("duplicates.html", "duplicates.html", exact=exact, near=near_groups)
