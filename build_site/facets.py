"""What the search page's filters read: each photo's day, rating, favourite, camera, people."""

from __future__ import annotations

from typing import Any

from .gallery import Entry


def _day(taken: str) -> int:
    """20210612 for a photo taken on 12 June 2021; 0 when undated."""
    digits = taken[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


def facets(entries: list[Entry]) -> dict[str, Any]:
    """The filters' data, in the order of the search data's photos.

    Cameras and people are named once, in `cameras` and `people`, sorted; each photo holds
    their positions (-1: no camera).
    """
    cameras = sorted({str(e.meta["camera"]) for e in entries if e.meta.get("camera")})
    people = sorted({str(n) for e in entries for n in e.meta.get("people", [])})
    camera_at = {name: i for i, name in enumerate(cameras)}
    person_at = {name: i for i, name in enumerate(people)}
    return {
        "taken": [_day(e.date) for e in entries],
        "rating": [int(e.meta.get("rating") or 0) for e in entries],
        "favourite": [int(bool(e.meta.get("favourite"))) for e in entries],
        "cameras": cameras,
        "camera": [camera_at.get(str(e.meta.get("camera")), -1) for e in entries],
        "people": people,
        "person": [sorted(person_at[str(n)] for n in e.meta.get("people", [])) for e in entries],
    }
