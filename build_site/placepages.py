"""Where the photos were taken, in words: a page of countries, a page per country listing its
towns, and a page per town of its photos; and the place line of a photo's page."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from .gallery import Entry, slug
from .grids import page_name, write_grid
from .groups import GroupLink
from .pages import PageWriter

INDEX = "places/index.html"


@dataclass(frozen=True)
class Town:
    """A town as the pages name it: its name, region and country."""

    city: str
    region: str
    country: str

    @property
    def label(self) -> str:
        """ "Kyoto, Japan"; a town named only by its region or country is named so."""
        return ", ".join(part for part in (self.city or self.region, self.country) if part)


def town(entry: Entry) -> Town | None:
    """The town a photo was taken in, when its place may be published."""
    place = entry.meta.get("place")
    if not place:
        return None
    return Town(place.get("city", ""), place.get("region", ""), place.get("country", ""))


def country_page(country: str) -> str:
    """The page of a country's towns."""
    return f"places/{slug(country or 'Unknown country')}.html"


def town_stem(where: Town) -> str:
    """The page of a town's photos, without .html (the region tells apart towns of one name)."""
    return f"places/{slug(where.country or 'Unknown country')}/" + slug(
        f"{where.city}, {where.region}"
    )


def towns(entries: list[Entry]) -> dict[str, dict[Town, list[Entry]]]:
    """Each country's towns and their photos, in the entries' order."""
    found: dict[str, dict[Town, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        where = town(entry)
        if where:
            found[where.country][where].append(entry)
    return found


def write_place_pages(
    writer: PageWriter, found: dict[str, dict[Town, list[Entry]]], *, with_map: bool = True
) -> None:
    """The countries page, each country's page of towns and each town's grid of photos; the
    most photographed first. `with_map`: the map page exists (a source can name a place
    without coordinates), and these pages link to it."""
    to_map = [("The map", "../places.html")] if with_map else []
    countries = []
    for country, members in sorted(found.items(), key=lambda item: (-_count(item[1]), item[0])):
        listing = []
        for where, photos in sorted(
            members.items(), key=lambda item: (-len(item[1]), item[0].label)
        ):
            stem = town_stem(where)
            write_grid(
                writer,
                photos,
                functools.partial(page_name, stem),
                stem,
                heading=f"Taken in {where.label}",
                note=f"In {where.region}." if where.region and where.region != where.city else "",
                links=[
                    (
                        where.country or "Unknown country",
                        "../" + country_page(country).split("/")[1],
                    ),
                    ("All countries", "../index.html"),
                ],
            )
            listing.append(
                GroupLink(
                    where.city or where.region or where.country,
                    f"{stem.removeprefix('places/')}.html",
                    len(photos),
                    False,
                    photos[0].tile(),
                )
            )
        page = country_page(country)
        writer.page(
            page,
            "index_page.html",
            heading=f"Places in {country}" if country else "Places",
            groups=listing,
            empty="",
            links=[("All countries", "index.html"), *to_map],
        )
        countries.append(
            GroupLink(
                country or "Unknown country",
                page.rsplit("/", 1)[1],
                _count(members),
                False,
                listing[0].cover,
            )
        )
    writer.page(
        INDEX,
        "index_page.html",
        heading="Places",
        groups=countries,
        empty="No photo has a place.",
        links=to_map,
    )


def _count(members: dict[Town, list[Entry]]) -> int:
    return sum(len(photos) for photos in members.values())
