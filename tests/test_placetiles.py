"""The places map as tiles: Python splits the located photos into a quadtree's leaves, and
the map draws from the overview what fits in a mark and loads only the tiles it must draw
photo by photo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from photoseek.build_site import placetiles

from .conftest import located_takeout, needs_chromium, requested_urls


def _quarter(key: str) -> tuple[float, float, float, float]:
    """The box a key names: (south, west, north, east)."""
    south, west, north, east = -90.0, -180.0, 90.0, 180.0
    for digit in key[1:]:
        mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
        if int(digit) & 1:
            west = mid_lon
        else:
            east = mid_lon
        if int(digit) & 2:
            south = mid_lat
        else:
            north = mid_lat
    return south, west, north, east


def test_tiles_split_until_each_holds_few_photos_and_keep_one_spot_whole(monkeypatch):
    monkeypatch.setattr(placetiles, "TILE_MAX", 3)
    rng = np.random.default_rng(0)
    # Photos anywhere; next to and on the first splits' lines; four in one third-level
    # quarter; and seven at one spot.
    edges = [(0.3, 0.3), (-0.3, -0.3), (0.3, -0.3), (-0.3, 0.3), (0.0, 0.0), (45.0, 90.0),
             (45.2, 90.2), (44.8, 89.8), (67.3, 157.2), (67.7, 157.7), (50.0, 100.0),
             (80.0, 170.0)]  # fmt: skip
    lat = np.concatenate([rng.uniform(-60, 70, 40), [a for a, _ in edges], np.full(7, 48.8566)])
    lon = np.concatenate([rng.uniform(-180, 180, 40), [b for _, b in edges], np.full(7, 2.3522)])
    leaves = placetiles.tiles(lat, lon)
    held = np.concatenate([m for _, m in leaves])
    assert sorted(held.tolist()) == list(range(len(lat)))
    keys = [k for k, _ in leaves]
    assert len(set(keys)) == len(keys)
    assert not any(a != b and b.startswith(a) for a in keys for b in keys), "leaves only"
    for key, members in leaves:
        assert (np.diff(members) > 0).all()
        south, west, north, east = _quarter(key)
        # A photo on a dividing line belongs to the north or east side.
        assert ((lat[members] >= south) & ((lat[members] < north) | (north == 90))).all(), key
        assert ((lon[members] >= west) & ((lon[members] < east) | (east == 180))).all(), key
        one_spot = len({(lat[i], lon[i]) for i in members}) == 1
        assert len(members) <= 3 or one_spot
    spot = range(len(lat) - 7, len(lat))
    paris = next((k, m) for k, m in leaves if spot[0] in m)
    assert sorted(paris[1].tolist()) == list(spot), "seven photos at one spot, one tile"
    assert len(paris[0]) < 12, "a spot stops the split once it is alone"
    # Photos along one meridian, or along one parallel, are not one spot.
    line = np.linspace(40, 49, 10)
    for lat, lon in ((line, np.full(10, 2.35)), (np.full(10, 2.35), line)):
        assert max(len(m) for _, m in placetiles.tiles(lat, lon)) <= 3


def test_tiles_hold_up_to_the_tile_size_and_split_no_deeper_than_the_deepest_level():
    # The defaults: a tile holds 2,048 photos; one more splits it.
    rng = np.random.default_rng(1)
    lat = np.concatenate([rng.uniform(10, 11, placetiles.TILE_MAX), [-50.0]])
    lon = np.concatenate([rng.uniform(20, 21, placetiles.TILE_MAX), [-100.0]])
    assert placetiles.TILE_MAX == 2048
    assert sorted(len(m) for _, m in placetiles.tiles(lat, lon)) == [1, 2048]
    assert [len(m) for _, m in placetiles.tiles(lat[:-2], lon[:-2])] == [2047]
    # Photos closer than the deepest tile stay in one, DEEPEST levels down.
    lat = 48.8566 + np.arange(2049) * 1e-9
    (key, members), *_ = placetiles.tiles(lat, np.full(2049, 2.3522))
    assert len(members) == 2049 and len(key) == 1 + placetiles.DEEPEST == 25


def test_the_overview_says_each_tiles_count_box_and_centre(monkeypatch):
    monkeypatch.setattr(placetiles, "TILE_MAX", 2)
    lat = np.array([10.1234567, 10.5432109, -30.0, 50.0, 51.0])
    lon = np.array([20.7654321, 21.0123456, 140.0, -5.0, -4.0])
    leaves = placetiles.tiles(lat, lon)
    text = placetiles.overview_js(lat, lon, leaves)
    overview = json.loads(re.fullmatch(r'photoseekData\("places",(.*)\);\n', text, re.S)[1])
    assert overview["tiles"] == [k for k, _ in leaves]
    by_key = dict(leaves)
    for key, count, box, centre in zip(
        overview["tiles"], overview["counts"], overview["boxes"], overview["centres"], strict=True
    ):
        members = by_key[key]
        assert count == len(members)
        m = members
        assert box == [
            round(v, 5) for v in (lat[m].min(), lon[m].min(), lat[m].max(), lon[m].max())
        ]
        assert centre == [round(lat[m].mean(), 5), round(lon[m].mean(), 5)]
    assert overview["inView"] == placetiles.LOAD_IN_VIEW
    columns = {"ids": list("abcde"), "lat": lat.tolist()}
    files = dict(placetiles.tile_files(leaves, columns))
    assert sorted(files) == sorted(f"places/{k}" for k, _ in leaves)
    for key, members in leaves:
        part = json.loads(files[f"places/{key}"].split(",", 1)[1].rsplit(");", 1)[0])
        assert part == {"ids": [columns["ids"][i] for i in members], "lat": lat[members].tolist()}


def test_the_gallery_size_decides_the_layout_as_the_documentation_says():
    assert not placetiles.uses_tiles(20_000)
    assert placetiles.uses_tiles(20_001)
    said = " ".join((Path(__file__).parents[1] / "docs" / "gallery.md").read_text().split())
    assert "above 20,000 located photos" in said and "at most 2,048 photos each" in said
    assert "when they hold at most 20,000 photos" in said and placetiles.LOAD_IN_VIEW == 20_000


# Four photos about Paris, three about Tokyo, one each in Sydney and New York, one nowhere.
SPOTS = {
    "paris-1": (48.8566, 2.3522), "paris-2": (48.87, 2.30), "paris-3": (48.84, 2.40),
    "paris-4": (48.86, 2.33), "tokyo-1": (35.68, 139.76), "tokyo-2": (35.70, 139.70),
    "tokyo-3": (35.66, 139.80), "sydney": (-33.8688, 151.2093), "new-york": (40.7128, -74.006),
}  # fmt: skip


@pytest.fixture(scope="module")
def maps(tmp_path_factory) -> Path:
    """The same library built with the map in one file (`one`) and as tiles of two (`tiles`),
    whose views load all their tiles when they hold four photos or fewer."""
    from photoseek.build_site import SiteOptions, build_site
    from photoseek.embed import embed_library, load_embedder
    from photoseek.extract import extract

    base = tmp_path_factory.mktemp("maps")
    zips = located_takeout(base, SPOTS)
    extract(zips, base / "library", progress=False)
    embedder = load_embedder("colour")
    embed_library(base / "library", embedder, progress=False)
    options = SiteOptions(full_size=False)
    build_site(base / "library", base / "one", embedder, options, progress=False, workers=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(placetiles, "ONE_FILE_UP_TO", 0)
        patch.setattr(placetiles, "TILE_MAX", 2)
        patch.setattr(placetiles, "LOAD_IN_VIEW", 4)
        build_site(base / "library", base / "tiles", embedder, options, progress=False, workers=1)
    return base


def _marks(driver) -> list[tuple[int, int, int]]:  # noqa: ANN001
    """(count, x, y) of every mark, west to east."""
    found = driver.execute_script(
        "const f = document.getElementById('map').getBoundingClientRect();"
        "return Array.from(document.querySelectorAll('.mark')).map(m => {"
        " const r = m.getBoundingClientRect();"
        " return [Number(m.textContent), Math.round((r.left + r.right) / 2 - f.left),"
        " Math.round((r.top + r.bottom) / 2 - f.top)]; });"
    )
    return sorted(tuple(m) for m in found)


def _tiles_requested(driver) -> list[str]:  # noqa: ANN001
    """The keys of the tiles asked for since the log was last read."""
    return [
        url.rsplit("/", 1)[1][: -len(".js")]
        for url in requested_urls(driver)
        if "/data/places/" in url
    ]


def _listed(driver) -> list[str]:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    return sorted(a.get_attribute("href").rsplit("/", 1)[1]
                  for a in driver.find_elements(By.CSS_SELECTOR, "#listed a"))  # fmt: skip


def _settled(driver, site: Path, query: str = "") -> list[tuple[int, int, int]]:  # noqa: ANN001
    """The marks once the map has drawn them and loaded what it needs."""
    import time

    from selenium.webdriver.support.ui import WebDriverWait

    driver.get((site / "places.html").as_uri() + query)
    WebDriverWait(driver, 15).until(lambda d: _marks(d))
    time.sleep(0.5)
    return _marks(driver)


@needs_chromium
def test_the_tiled_map_draws_what_the_one_file_map_draws(browser, maps):
    browser.set_window_size(1200, 900)
    assert (maps / "tiles" / "data" / "places").is_dir()
    assert not (maps / "one" / "data" / "places").exists()
    world = _settled(browser, maps / "one")
    browser.get_log("performance")
    assert _settled(browser, maps / "tiles") == world
    assert sum(count for count, _, _ in world) == 9
    # The whole world draws from the overview: every tile fits in a mark.
    assert _tiles_requested(browser) == []

    # Zoomed into Paris, its tiles are larger than a mark: loaded, and only they.
    where = "?at=48.86,2.35&z=11"
    paris = _settled(browser, maps / "one", where)
    one_listed = _listed(browser)
    browser.get_log("performance")
    assert _settled(browser, maps / "tiles", where) == paris
    assert _listed(browser) == one_listed and len(one_listed) == 4
    loaded = _tiles_requested(browser)
    _, overview = (maps / "tiles" / "data" / "places.js").read_text().split(",", 1)
    overview = json.loads(overview.rsplit(");", 1)[0])
    boxes = dict(zip(overview["tiles"], overview["boxes"], strict=True))
    assert loaded and all(47 < boxes[key][0] < 50 for key in loaded), loaded


@needs_chromium
def test_a_mark_zooms_in_and_the_tiles_of_a_small_view_are_loaded_whole(browser, maps):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.set_window_size(1200, 900)
    listed = {}
    for site in ("one", "tiles"):
        _settled(browser, maps / site)
        tokyo = next(m for m in browser.find_elements(By.CSS_SELECTOR, ".mark") if m.text == "3")
        tokyo.click()
        WebDriverWait(browser, 15).until(lambda d: "z=0&" not in d.current_url + "&")
        WebDriverWait(browser, 15).until(lambda d: len(_listed(d)) == 3)
        listed[site] = _listed(browser), _marks(browser)
    assert listed["tiles"] == listed["one"]
