"""What the search page's filters read: each photo's day, rating, favourite, camera, people
and place."""

from __future__ import annotations

from typing import Any

from photoseek.facts import PLACE_PARTS

from .gallery import Entry


def _day(taken: str) -> int:
    """20210612 for a photo taken on 12 June 2021; 0 when undated."""
    digits = taken[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


def facets(entries: list[Entry]) -> dict[str, Any]:
    """The filters' data, in the order of the search data's photos.

    Cameras and people are named once, in `cameras` and `people`, sorted; each photo holds
    their positions (-1: no camera). Places likewise, in `places` as [town, region, country,
    population], the largest first, so that a name's largest place comes first.
    """
    named: dict[tuple[str, ...], int] = {}
    for entry in entries:
        key = _place_key(entry)
        if key:
            place = entry.meta["place"]
            named[key] = max(named.get(key, 0), int(place.get("population") or 0))
    places = sorted(named, key=lambda key: (-named[key], key))
    place_at = {key: i for i, key in enumerate(places)}
    cameras = sorted({str(e.meta["camera"]) for e in entries if e.meta.get("camera")})
    people = sorted({str(n) for e in entries for n in e.meta.get("people", [])})
    camera_at = {name: i for i, name in enumerate(cameras)}
    person_at = {name: i for i, name in enumerate(people)}
    found: dict[str, Any] = {
        "taken": [_day(e.date) for e in entries],
        "rating": [int(e.meta.get("rating") or 0) for e in entries],
        "favourite": [int(bool(e.meta.get("favourite"))) for e in entries],
        "cameras": cameras,
        "camera": [camera_at.get(str(e.meta.get("camera")), -1) for e in entries],
        "people": people,
        "person": [sorted(person_at[str(n)] for n in e.meta.get("people", [])) for e in entries],
    }
    if places:
        found["places"] = [[*key, named[key]] for key in places]
        found["place"] = [place_at.get(_place_key(e), -1) for e in entries]
    return found


def _place_key(entry: Entry) -> tuple[str, ...] | None:
    place = entry.meta.get("place")
    if not place:
        return None
    return tuple(str(place.get(part) or "") for part in PLACE_PARTS)
