"""`photoseek build`, `site` and `demo`: incremental rebuilds, privacy, pages and data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import piexif
from PIL import Image

from photoseek import demo, samples

from .conftest import rated_inputs, run_cli


def _catalog(folder: Path, count: int, start: int = 0) -> Path:
    pictures = [samples.picture(start + i, (300, 200)) for i in range(count)]
    images = [
        samples.CatalogImage(
            samples.sample_uuid(start + i),
            samples.sample_digest(start + i),
            f"IMG_{start + i}",
            keywords=["harbour"],
            collections=["Trip ☀"],
            gps=(46.123456, 6.654321),
            capture_time="2022-03-04T05:06:07",
        )
        for i in range(count)
    ]
    return samples.lightroom_catalog(folder, f"Cat{start}", images, pictures)


def _mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*.jpg")}


def test_rebuild_redoes_only_what_changed(tmp_path):
    first = _catalog(tmp_path / "a", 6)
    out = tmp_path / "site"
    result = run_cli("build", str(first), "--out", str(out), "--model", "colour")
    assert "colour: 6 embedded" in result.stdout
    before = _mtimes(out / "img")
    # Pictures of 320 px: a thumbnail each, and no larger rendition repeating it.
    assert len(before) == 6 and all(name.startswith("thumb/") for name in before)
    second = _catalog(tmp_path / "b", 3, start=100)
    again = run_cli("build", str(first), str(second), "--out", str(out), "--model", "colour")
    assert "9 found: 3 new, 0 updated, 6 unchanged" in again.stdout
    assert "colour: 3 embedded, 6 already embedded" in again.stdout
    after = _mtimes(out / "img")
    assert len(after) == 9
    assert {k: after[k] for k in before} == before, "no picture is made twice"
    steady = run_cli("build", str(first), str(second), "--out", str(out), "--model", "colour")
    assert "0 pages written" in steady.stdout


def test_pages_groups_and_policy(tmp_path):
    lrdata = _catalog(tmp_path / "a", 4)
    out = tmp_path / "site"
    run_cli("build", str(lrdata), "--out", str(out), "--model", "colour")
    pages = list(out.rglob("*.html"))
    assert {p.parent.name for p in pages} >= {"photo", "keywords", "albums", "timeline", "tags"}
    for page in pages:
        html = page.read_text()
        assert 'http-equiv="Content-Security-Policy"' in html
        assert "<script>" not in html, "no inline script: the policy forbids it"
        assert not re.search(r'(src|href)="(https?:)?//', html), f"{page} links outside the site"
    keyword = (out / "keywords" / "index.html").read_text()
    assert "harbour" in keyword
    album = next((out / "albums").glob("trip-*.html")).read_text()
    assert "Trip ☀" in album and album.count('loading="lazy"') == 4
    assert (out / "timeline" / "2022-03.html").is_file()
    assert (out / "timeline" / "2022.html").is_file()
    photo = next((out / "photo").iterdir()).read_text()
    assert "46.12346, 6.65432" in photo
    # A picture no wider than the medium rendition is shown at its own size, without srcset.
    width, height = map(int, re.search(r"(\d+) × (\d+) px", photo).groups())
    assert width <= 720
    assert f'width="{width}" height="{height}" alt="' in photo and 'srcset="' not in photo


def test_strip_location_leaves_no_trace_of_gps(tmp_path):
    lrdata = _catalog(tmp_path / "a", 4)
    out = tmp_path / "site"
    run_cli("build", str(lrdata), "--out", str(out), "--model", "colour", "--strip-location")
    for path in out.rglob("*"):
        if path.suffix in (".html", ".js"):
            text = path.read_text()
            assert "46.12" not in text and "6.654" not in text, path
            # The browser code is the same in every gallery; pages and data show no place.
            assert path.parent.name == "assets" or "Place" not in text, path
        elif path.suffix == ".jpg":
            image = Image.open(path)
            assert "exif" not in image.info or not piexif.load(image.info["exif"])["GPS"]
    assert not (out / "places.html").exists() and not (out / "data" / "places.js").exists()
    assert ">Places</a>" not in (out / "index.html").read_text()
    # The library itself keeps the location; only the published site drops it.
    library = run_cli("ls", "--library", str(tmp_path / "site-library"), "--json").stdout
    assert "46.123456" in library
    # Built again without the option, the places come back: the checks above can fail.
    run_cli("site", "--library", str(tmp_path / "site-library"), "--out", str(out))
    assert "46.12346" in (out / "data" / "places.js").read_text()
    assert ">Places</a>" in (out / "index.html").read_text()


def _world() -> dict:
    text = (Path(__file__).parents[1] / "site" / "world.js").read_text()
    return json.loads(text[text.index("= ") + 2 :].rstrip().rstrip(";"))


def _on_land(world: dict, lat: float, lon: float) -> bool:
    """Even-odd rule over every ring of the shipped outline: lakes inside land are water."""
    inside = False
    step = world["step"]
    for ring in world["rings"]:
        xs = np.cumsum(ring[0::2]) * step
        ys = np.cumsum(ring[1::2]) * step
        for (x0, y0), (x1, y1) in zip(
            zip(xs, ys, strict=True), zip(np.roll(xs, 1), np.roll(ys, 1), strict=True), strict=True
        ):
            if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def test_the_world_outline_has_land_and_sea_where_they_are():
    world = _world()
    land = {"Paris": (48.86, 2.35), "Sydney": (-33.87, 151.0), "Cape Town": (-33.93, 18.86),
            "Denver": (39.74, -104.99), "Buenos Aires": (-34.6, -58.6), "Tokyo": (35.68, 139.69),
            "Chukotka": (66.0, -175.0), "Fiji": (-17.8, 178.0)}  # fmt: skip
    sea = {"Atlantic": (30.0, -40.0), "Pacific": (0.0, -140.0), "Indian Ocean": (-30.0, 80.0),
           "Mediterranean": (35.0, 18.0), "Caspian": (42.0, 50.5),
           "Tasman Sea": (-40.0, 160.0)}  # fmt: skip
    assert {name: _on_land(world, *at) for name, at in land.items()} == dict.fromkeys(land, True)
    assert {name: _on_land(world, *at) for name, at in sea.items()} == dict.fromkeys(sea, False)


def test_demo_runs_offline_and_says_which_model(tmp_path):
    result = run_cli("demo", "--out", str(tmp_path / "demo"))
    assert "using the model-free 'colour' embedding" in result.stdout
    assert "open file://" in result.stdout
    assert "generated pictures" not in result.stdout
    site = tmp_path / "demo" / "site"
    assert (site / "data" / "vectors.js").stat().st_size > 0
    again = run_cli("demo", "--out", str(tmp_path / "demo"))
    assert "0 new" in again.stdout


def test_demo_shows_real_credited_photographs_in_their_own_colours(tmp_path):
    run_cli("demo", "--out", str(tmp_path / "demo"))
    site = tmp_path / "demo" / "site"
    pages = sorted((site / "photo").glob("*.html"))
    assert len(pages) == len(demo.LIGHTROOM) + len(demo.TAKEOUT)
    for page in pages:
        html = page.read_text()
        caption = re.search(r"<figcaption>(.*?)</figcaption>", html).group(1)
        assert re.search(r"(public domain|CC0|no known copyright restrictions)\.$", caption, re.I)
        assert "<script>x" not in html and "&lt;b&gt;" not in html
    # The astronaut went through Lightroom as an AdobeRGB preview: the gallery shows her in
    # the colours of the original, not AdobeRGB numbers read as sRGB (washed out).
    page = next(p for p in pages if "<h1>Eileen Collins</h1>" in p.read_text())
    large = re.search(r'src="\.\./(img/medium/[^"]+)"', page.read_text()).group(1)
    with Image.open(demo.photos_folder() / "astronaut.png") as original:
        expected = np.asarray(original.convert("RGB").resize((64, 64)), dtype=float)
    with Image.open(site / large) as shown:
        got = np.asarray(shown.convert("RGB").resize((64, 64)), dtype=float)
    assert np.abs(got - expected).mean() < 4


def test_demo_without_its_photographs_generates_plain_pictures(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "photos_folder", lambda: None)
    sources, real = demo.make_sample(tmp_path / "inputs", count=6)
    assert not real
    assert sources[0].name == "Demo Previews.lrdata" and len(sources) == 3
    assert demo.make_sample(tmp_path / "inputs")[1] is False
    # A demo run again over those inputs says where its photographs went, and keeps them.
    result = run_cli("demo", "--out", str(tmp_path))
    assert "holds the generated pictures of an earlier demo" in result.stdout
    assert (tmp_path / "inputs" / "lightroom").is_dir()


def test_people_favourites_ratings_and_cameras_have_pages(tmp_path):
    out = tmp_path / "site"
    run_cli("build", *rated_inputs(tmp_path), "--out", str(out), "--model", "colour")

    def members(page: str) -> int:
        return len(re.findall(r'<li class="s\d+" id="p-', (out / page).read_text()))

    assert members("ratings/stars-5.html") == 2 and members("ratings/stars-3.html") == 1
    assert not (out / "ratings" / "stars-0.html").exists()
    ratings = (out / "ratings" / "index.html").read_text()
    assert ratings.index("★★★★★") < ratings.index("★★★☆☆")
    assert members("favourites/favourites.html") == 1
    cameras = {p.name.rsplit("-", 1)[0]: members(f"cameras/{p.name}")
               for p in (out / "cameras").glob("*-*.html")}  # fmt: skip
    assert cameras == {"x100v": 2, "eos-r6": 1}
    people = sorted(p.name.rsplit("-", 1)[0] for p in (out / "people").glob("*-*.html"))
    assert people == ["ana", "bo"]
    photo = next(p for p in (out / "photo").iterdir() if "Ana" in p.read_text()).read_text()
    assert 'href="../people/ana-' in photo
