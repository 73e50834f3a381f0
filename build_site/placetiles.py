"""The places map's data: one file, or for many located photos, tiles the map loads as it is
looked at.

Tiles are the leaves of a quadtree over latitude and longitude, split until each holds at
most `TILE_MAX` photos (photos at one spot stay together however many). The map always
loads the overview (`data/places.js`: each tile's count, the box its photos span and their
mean position), draws a tile that fits in one of its marks from the overview alone, and
loads (`data/places/KEY.js`) every tile of a view that holds few photos, else only the
tiles larger than a mark.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .searchdata import js_payload

# Up to this many located photos, the map loads one file (about 60 bytes a photo).
ONE_FILE_UP_TO = 20_000
TILE_MAX = 2048
# A view loads all its tiles when they hold at most this many photos (about 1.2 MB).
LOAD_IN_VIEW = 20_000
# Quadtree levels: a tile at the deepest is about a metre tall.
DEEPEST = 24


def uses_tiles(located: int) -> bool:
    """Whether a gallery with this many located photos ships its map data as tiles."""
    return located > ONE_FILE_UP_TO


def tiles(lat: np.ndarray, lon: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The quadtree's leaves that hold photos: (key, positions ascending), west to east and
    south to north within each split. A key is "t" and a digit for each level that says
    which quarter (0 south-west, 1 south-east, 2 north-west, 3 north-east)."""
    found: list[tuple[str, np.ndarray]] = []
    stack = [("t", np.arange(len(lat)), -90.0, -180.0, 90.0, 180.0)]
    while stack:
        key, members, south, west, north, east = stack.pop()
        spot = lat[members].min() == lat[members].max() and lon[members].min() == lon[members].max()
        if len(members) <= TILE_MAX or len(key) > DEEPEST or spot:
            found.append((key, members))
            continue
        mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
        north_half = lat[members] >= mid_lat
        east_half = lon[members] >= mid_lon
        quarters = [
            (~north_half & ~east_half, south, west, mid_lat, mid_lon),
            (~north_half & east_half, south, mid_lon, mid_lat, east),
            (north_half & ~east_half, mid_lat, west, north, mid_lon),
            (north_half & east_half, mid_lat, mid_lon, north, east),
        ]
        # Pushed in reverse, so that quarter 0 comes out first.
        for digit in (3, 2, 1, 0):
            inside, s, w, n, e = quarters[digit]
            if inside.any():
                stack.append((key + str(digit), members[inside], s, w, n, e))
    return found


def overview_js(lat: np.ndarray, lon: np.ndarray, leaves: list[tuple[str, np.ndarray]]) -> str:
    """The overview the map always loads: per tile its key, count, the box its photos span
    ([south, west, north, east]) and their mean position ([lat, lon]), and how many photos
    a view loads whole."""
    return js_payload(
        "places",
        {
            "tiles": [key for key, _ in leaves],
            "counts": [len(members) for _, members in leaves],
            "boxes": [
                [
                    round(float(lat[m].min()), 5),
                    round(float(lon[m].min()), 5),
                    round(float(lat[m].max()), 5),
                    round(float(lon[m].max()), 5),
                ]
                for _, m in leaves
            ],
            "centres": [
                [round(float(lat[m].mean()), 5), round(float(lon[m].mean()), 5)] for _, m in leaves
            ],
            "inView": LOAD_IN_VIEW,
        },
    )


def tile_files(
    leaves: list[tuple[str, np.ndarray]], payload: dict[str, list]
) -> Iterator[tuple[str, str]]:
    """Each tile's file: the columns of `payload` (one value per located photo, as the one
    file holds them) for its photos."""
    for key, members in leaves:
        name = f"places/{key}"
        yield (
            name,
            js_payload(
                name, {column: [values[i] for i in members] for column, values in payload.items()}
            ),
        )
