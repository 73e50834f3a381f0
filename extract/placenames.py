"""Place names for located photos: what the sources did not name, the gazetteer does, for the
photos' present coordinates (a photo moved on the map is named again)."""

from __future__ import annotations

import numpy as np

from photoseek.gazetteer import GazetteerUnavailable, gazetteer
from photoseek.library import Library


def name_places(library: Library) -> tuple[int, str | None]:
    """Name every located photo that has no place name yet; returns how many were named, and
    why none could be (the gazetteer unreadable), or None."""
    unnamed = library.unnamed_places()
    if not unnamed:
        return 0, None
    try:
        places = gazetteer().name(
            np.array([lat for _, lat, _ in unnamed]), np.array([lon for _, _, lon in unnamed])
        )
    except GazetteerUnavailable as err:
        return 0, f"place names are not given: {err}"
    library.put_places(
        [
            (pid, lat, lon, place.as_fact() if place else None)
            for (pid, lat, lon), place in zip(unnamed, places, strict=True)
        ]
    )
    return sum(place is not None for place in places), None
