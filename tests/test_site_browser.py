"""The generated gallery in a real browser (headless Chromium), from file:// and over http."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from photoseek import samples

from .conftest import (
    clip_vocab,
    located_takeout,
    needs_chromium,
    rated_inputs,
    requested_urls,
    run_cli,
)

pytestmark = needs_chromium
EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def _inputs(folder: Path) -> list[Path]:
    pictures = samples.demo_pictures(30)
    images = [
        samples.CatalogImage(
            samples.sample_uuid(i),
            samples.sample_digest(i),
            f"IMG_{i}",
            capture_time=f"2020-0{1 + i % 9}-1{i % 9}T08:00:00",
            keywords=["red door"] if i % 5 == 0 else [],
            caption=EVIL if i == 3 else f"picture number {i}",
        )
        for i in range(20)
    ]
    lrdata = samples.lightroom_catalog(folder / "lr", "Test", images, pictures[:20])
    zips = samples.write_zips(folder / "zips", samples.takeout_files(pictures[15:]), parts=2)
    return [lrdata, *zips]


@pytest.fixture(scope="module", params=["colour", "tiny-clip"])
def site(request, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gallery")
    model = "colour"
    if request.param == "tiny-clip":
        from . import reference_models as ref

        model = str(folder / "tiny-clip")
        ref.clip_checkpoint(Path(model), clip_vocab(), ref.CLIP_TINY)
    sources = [str(p) for p in _inputs(folder / "inputs")]
    run_cli("build", *sources, "--out", str(folder / "site"), "--model", model)
    return folder / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        """Requests are checked from the browser's side; the log would only be noise."""


@contextlib.contextmanager
def _serving(folder: Path):  # noqa: ANN202
    """A static file server for `folder`; yields its address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def _file_or_http(scheme: str, folder: Path):  # noqa: ANN202
    """Yields the address `folder` is opened at: file://, or a server's while it runs."""
    if scheme == "file":
        yield folder.as_uri() + "/"
    else:
        with _serving(folder) as address:
            yield address


@pytest.fixture(scope="module")
def server(site):
    with _serving(site) as address:
        yield address


def _wait(driver, condition, timeout: float = 15):  # noqa: ANN001, ANN202
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


@pytest.fixture(params=["file", "http"])
def base(request, site, server) -> str:
    return site.as_uri() + "/" if request.param == "file" else server


def test_gallery_works_as_a_user_would_use_it(browser, base):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get_log("browser")
    browser.get_log("performance")
    browser.get(base + "index.html")
    tiles = browser.find_elements(By.CSS_SELECTOR, ".grid img")
    assert len(tiles) >= 20
    _wait(
        browser,
        lambda d: d.execute_script(
            "return Array.from(document.images).slice(0, 6).every(i => i.complete && "
            "i.naturalWidth > 0)"
        ),
    )

    browser.get(base + "search.html")
    box = browser.find_element(By.ID, "q")
    box.send_keys("red door")
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results img")) > 0)
    assert "photos" in browser.find_element(By.ID, "status").text
    first = browser.find_element(By.CSS_SELECTOR, "#results a")
    first.click()
    _wait(browser, lambda d: "/photo/" in d.current_url)
    page = browser.current_url

    similar = browser.find_elements(By.CSS_SELECTOR, "article section .grid a")
    assert similar, "a photo page lists its similar photos"
    similar[0].click()
    _wait(browser, lambda d: d.current_url != page and "/photo/" in d.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "article.photo h1").text

    here = browser.current_url
    has_next = browser.find_elements(By.ID, "next")
    target = (has_next or browser.find_elements(By.ID, "prev"))[0].get_attribute("href")
    browser.find_element(By.TAG_NAME, "body").send_keys(
        Keys.ARROW_RIGHT if has_next else Keys.ARROW_LEFT
    )
    _wait(browser, lambda d: d.current_url == target != here)

    browser.find_element(By.ID, "more-like-this").click()
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results img")) > 0)

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    outside = [
        u for u in requested_urls(browser) if not (u.startswith(base) or u.startswith("data:"))
    ]
    assert outside == [], "no request may leave the site"


def test_metadata_is_shown_as_text_and_never_runs(browser, base, site):
    from selenium.webdriver.common.by import By

    page = next(
        p for p in (site / "photo").iterdir() if "<figcaption>&lt;script&gt;" in p.read_text()
    )
    browser.get(base + f"photo/{page.name}")
    assert browser.find_element(By.TAG_NAME, "figcaption").text == EVIL
    assert browser.execute_script("return window.__pwned === undefined")
    browser.get(base + "search.html?q=pwned")
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results img")) > 0)
    assert browser.execute_script("return window.__pwned === undefined")


@pytest.mark.parametrize("like", ["abc", "-1", "99999", "1.5"])
def test_a_hand_edited_more_like_this_address_is_answered(browser, base, like):
    from selenium.webdriver.common.by import By

    browser.get_log("browser")
    browser.get(base + f"search.html?like={like}")
    _wait(browser, lambda d: "No photo number" in d.find_element(By.ID, "status").text)
    assert browser.find_element(By.ID, "status").text == f"No photo number {like} in this gallery."
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_a_search_lives_in_the_address_and_comes_back(browser, base):
    from selenium.webdriver.common.by import By

    browser.get(base + "search.html")
    browser.find_element(By.ID, "q").send_keys("red door")
    _wait(browser, lambda d: "q=red+door" in d.current_url)
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results img")) > 0)
    shown = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results a")]
    browser.find_element(By.CSS_SELECTOR, "#results a").click()
    _wait(browser, lambda d: "/photo/" in d.current_url)
    browser.back()
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results a")) == len(shown))
    assert browser.find_element(By.ID, "q").get_attribute("value") == "red door"
    assert [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results a")] \
        == shown  # fmt: skip
    # Clearing the box brings the hint back, never "Nothing found."
    hint = browser.execute_script("return document.getElementById('q').form.q.value = ''")
    assert hint == ""
    browser.execute_script(
        "document.getElementById('q').dispatchEvent(new Event('input', {bubbles: true}))"
    )
    _wait(browser, lambda d: d.find_element(By.ID, "results").text == "")
    status = browser.find_element(By.ID, "status").text
    assert status.startswith(("Type what", "This gallery")) and "Nothing found" not in status
    assert browser.current_url.endswith("search.html")


def test_a_single_result_is_one_photo(browser, base, site):
    from selenium.webdriver.common.by import By

    browser.get(base + "search.html?q=number+7")
    _wait(browser, lambda d: "ms)" in d.find_element(By.ID, "status").text)
    status = browser.find_element(By.ID, "status").text
    count = len(browser.find_elements(By.CSS_SELECTOR, "#results a"))
    assert status.startswith(f"{count} photo " if count == 1 else f"{count} photos ")
    first = browser.find_element(By.CSS_SELECTOR, "#results a").get_attribute("title")
    assert first == "matches the text"


@pytest.mark.parametrize("page", ["index.html", "search.html?q=red", "timeline/index.html",
                                  "albums/index.html", "duplicates.html", "photo",
                                  "search.html?person=Ana", "places.html"])  # fmt: skip
def test_a_phone_never_scrolls_sideways(browser, base, site, page):
    from selenium.webdriver.common.by import By

    if page == "photo":
        page = "photo/" + sorted((site / "photo").iterdir())[0].name
    browser.set_window_size(390, 844)
    try:
        browser.get(base + page)
        if "person=" in page:
            _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results img"))
        width = browser.execute_script("return document.documentElement.clientWidth")
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
        header = browser.execute_script(
            "return document.querySelector('header').getBoundingClientRect().height"
        )
        viewport = browser.execute_script("return window.innerHeight")
    finally:
        browser.set_window_size(1200, 900)
    assert scroll <= width, (page, scroll, width)
    assert header <= viewport / 5, (page, header, viewport)


@pytest.fixture(scope="module")
def trip(tmp_path_factory) -> Path:
    """A gallery of a small and a large picture, dated over two years, named by --title."""
    import piexif

    folder = tmp_path_factory.mktemp("trip")
    pics = folder / "pics"
    pics.mkdir()
    dates = {"small": "2019:07:04", "large": "2020:01:02", "long": "2019:12:31"}
    sizes = {"small": (86, 108), "large": (1000, 750), "long": (300, 200)}
    for name, size in sizes.items():
        exif = piexif.dump({"Exif": {piexif.ExifIFD.DateTimeOriginal: f"{dates[name]} 10:00:00"}})
        file = "x" * 90 + ".jpg" if name == "long" else f"{name}.jpg"
        samples.picture(len(name), size).save(pics / file, exif=exif)
    samples.picture(9, (120, 90)).save(pics / "undated.jpg")
    run_cli("build", str(pics), "--out", str(folder / "site"), "--model", "colour",
            "--title", "Our trip")  # fmt: skip
    return folder / "site"


def test_pictures_are_never_shown_larger_than_themselves(browser, trip):
    from selenium.webdriver.common.by import By

    for page in sorted((trip / "photo").iterdir()):
        browser.get(page.as_uri())
        image = browser.find_element(By.CSS_SELECTOR, "img.large")
        _wait(browser, lambda d, image=image: d.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0", image))  # fmt: skip
        own = int(re.search(r"(\d+) × \d+ px", browser.page_source).group(1))
        shown = browser.execute_script("return arguments[0].getBoundingClientRect().width", image)
        assert shown <= own + 0.5, (page.name, shown, own)
    assert browser.title.endswith("· Our trip")
    assert browser.find_element(By.CSS_SELECTOR, ".brand").text == "Our trip"


def test_the_timeline_reads_years_then_named_months_and_undated_last(trip):
    text = (trip / "timeline" / "index.html").read_text()
    names = re.findall(r"<span>([^<]+)</span>", text)
    assert names == ["2020", "January 2020", "2019", "December 2019", "July 2019", "Undated"]
    month = (trip / "timeline" / "2019-07.html").read_text()
    assert "<h1>Taken in July 2019</h1>" in month
    home = (trip / "index.html").read_text()
    headings = re.findall(r'<h2 class="date">([^<]+)</h2>', home)
    assert headings == ["January 2020", "December 2019", "July 2019", "Undated"]
    # Each heading stands right above its own photos: one a month here.
    parts = home.split('<h2 class="date">')[1:]
    assert [len(re.findall(r'<li class="s\d+" id="p-', part)) for part in parts] == [1, 1, 1, 1]


def test_a_photo_steps_through_the_list_it_was_opened_from(browser, base, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    (group,) = [p for p in (site / "keywords").glob("red-door-*.html")]
    browser.get(base + f"keywords/{group.name}")
    tiles = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".grid a")]
    assert len(tiles) >= 3 and all("?in=keywords" in t for t in tiles)
    browser.find_elements(By.CSS_SELECTOR, ".grid a")[1].click()
    _wait(browser, lambda d: d.current_url == tiles[1])
    _wait(browser, lambda d: d.find_element(By.ID, "next").get_attribute("href") == tiles[2])
    assert browser.find_element(By.ID, "prev").get_attribute("href") == tiles[0]
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    _wait(browser, lambda d: d.current_url == tiles[2])
    sid = tiles[2].split("?")[0].rsplit("/", 1)[1].removesuffix(".html")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "article[data-list]"))
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    _wait(browser, lambda d: d.current_url.endswith(f"keywords/{group.name}#p-{sid}"))
    # The last photo of the list has no next, whatever follows it on the home grid.
    browser.get(tiles[-1])
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "article[data-list]"))
    assert browser.find_elements(By.ID, "next") == []

    browser.get(base + "search.html?q=picture+number")
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results a")) > 2)
    found = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results a")]
    browser.find_element(By.CSS_SELECTOR, "#results a").click()
    _wait(browser, lambda d: d.current_url == found[0])
    _wait(browser, lambda d: d.find_element(By.ID, "next").get_attribute("href") == found[1])
    assert browser.find_elements(By.ID, "prev") == []
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    _wait(browser, lambda d: d.current_url.endswith("search.html?q=picture+number"))


def test_more_results_come_on_demand(browser, tmp_path):
    from selenium.webdriver.common.by import By

    pics = tmp_path / "pics"
    pics.mkdir()
    for seed in range(120):
        samples.picture(seed, (40, 30)).save(pics / f"match-{seed:03d}.jpg")
    run_cli("build", str(pics), "--out", str(tmp_path / "site"), "--model", "colour")
    browser.get((tmp_path / "site" / "search.html").as_uri() + "?q=match")
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results a")) == 96)
    assert browser.find_element(By.ID, "status").text.startswith("96 photos")
    button = browser.find_element(By.ID, "more")
    assert button.is_displayed()
    button.click()
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results a")) == 120)
    assert not browser.find_element(By.ID, "more").is_displayed()


@pytest.fixture(scope="module")
def album(tmp_path_factory) -> Path:
    """Four dated pictures, the second larger than the site's 1600 px renditions."""
    import piexif

    folder = tmp_path_factory.mktemp("album")
    pics = folder / "pics"
    pics.mkdir()
    sizes = [(640, 480), (2400, 1800), (500, 700), (800, 600)]
    for i, size in enumerate(sizes):
        taken = f"2021:0{9 - i}:01 10:00:00"
        exif = piexif.dump({"Exif": {piexif.ExifIFD.DateTimeOriginal: taken}})
        samples.picture(i, size).save(pics / f"p{i}.jpg", exif=exif, quality=90)
    run_cli("build", str(pics), "--out", str(folder / "site"), "--model", "colour")
    return folder / "site"


def _viewer_state(driver) -> dict:  # noqa: ANN001
    return driver.execute_script(
        "const v = document.getElementById('viewer'), i = v.querySelector('img');"
        "const r = i.getBoundingClientRect();"
        "const s = v.querySelector('.stage').getBoundingClientRect();"
        "return {open: v.open, scale: Number(v.dataset.scale), width: r.width, left: r.left,"
        " top: r.top, stage: s.width, src: i.getAttribute('src'), complete: i.complete,"
        " natural: i.naturalWidth, url: location.href};"
    )


def _photo_page(site: Path, name: str, base: str) -> str:
    """The address under `base` of the page of the photo recovered from pics/`name`."""
    for page in (site / "photo").glob("*.html"):
        if f"<h1>{name}</h1>" in page.read_text():
            return f"{base}photo/{page.name}"
    raise AssertionError(name)


@pytest.fixture(params=["file", "http"])
def album_base(request, album) -> str:
    yield from _file_or_http(request.param, album)


def _drag(driver, element, dx: int, dy: int = 0) -> None:  # noqa: ANN001
    from selenium.webdriver.common.action_chains import ActionChains

    chain = ActionChains(driver).move_to_element(element).click_and_hold()
    for _ in range(4):
        chain = chain.move_by_offset(dx // 4, dy // 4)
    chain.release().perform()


def test_the_viewer_zooms_to_the_pictures_own_pixels_and_pans_with_the_hand(
    browser, album, album_base
):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.set_window_size(1200, 900)
    browser.get(_photo_page(album, "p1.jpg", album_base))
    full = browser.find_element(By.ID, "full-size")
    assert "2400 × 1800" in full.text
    path = album / full.get_attribute("href").removeprefix(album_base)
    with Image.open(path) as picture:
        # Its own size, and nothing of the original's metadata.
        assert picture.size == (2400, 1800) and "exif" not in picture.info
    browser.find_element(By.CSS_SELECTOR, "a.view").click()
    state = _viewer_state(browser)
    assert state["open"] and state["scale"] == 1 and state["width"] <= state["stage"]
    assert "view=1" in state["url"]
    stage = browser.find_element(By.CSS_SELECTOR, "#viewer .stage")
    zoom_in = browser.find_element(By.CSS_SELECTOR, "button[data-act=zoom-in]")
    while zoom_in.is_enabled():
        zoom_in.click()
    _wait(browser, lambda d: _viewer_state(d)["natural"] == 2400)
    state = _viewer_state(browser)
    # Zoomed all the way in, one pixel of the picture is one pixel of the screen, from the
    # full-size rendition; never more.
    assert "img/full/" in state["src"] and abs(state["width"] - 2400) < 1
    _drag(browser, stage, -200, 120)
    moved = _viewer_state(browser)
    assert abs(moved["left"] - (state["left"] - 200)) < 2
    assert abs(moved["top"] - (state["top"] + 120)) < 2
    keys = ActionChains(browser)
    keys.send_keys("0").perform()
    assert _viewer_state(browser)["scale"] == 1
    url = browser.current_url
    keys.send_keys(Keys.ESCAPE).perform()
    # Escape closes the viewer and stays on the photo; a second one returns to the list.
    _wait(browser, lambda d: "view=" not in d.current_url)
    assert not _viewer_state(browser)["open"] and url.startswith(browser.current_url)
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    _wait(browser, lambda d: "/index.html#p-" in d.current_url)

    # A picture smaller than the screen is never blown up, in the viewer either.
    browser.get(_photo_page(album, "p2.jpg", album_base))
    browser.find_element(By.CSS_SELECTOR, "a.view").click()
    state = _viewer_state(browser)
    assert state["width"] == 500
    assert not browser.find_element(By.CSS_SELECTOR, "button[data-act=zoom-in]").is_enabled()


def test_the_viewer_swipes_and_plays_through_the_list(browser, album, album_base):
    from selenium.webdriver.common.by import By

    first, second, third = (_photo_page(album, f"p{i}.jpg", album_base) for i in range(3))
    for width in (1200, 390):
        browser.set_window_size(width, 800)
        browser.get(second)
        after = browser.find_element(By.ID, "next").get_attribute("href")
        before = browser.find_element(By.ID, "prev").get_attribute("href")
        assert after == third and before == first
        browser.find_element(By.CSS_SELECTOR, "a.view").click()
        stage = browser.find_element(By.CSS_SELECTOR, "#viewer .stage")
        # Swiping right to left brings the next photo, and the viewer opens there again.
        _drag(browser, stage, -160)
        _wait(browser, lambda d, after=after: d.current_url == after + "?view=1")
        _wait(browser, lambda d: _viewer_state(d)["open"])
        assert _viewer_state(browser)["width"] <= width
        _drag(browser, browser.find_element(By.CSS_SELECTOR, "#viewer .stage"), 160)
        _wait(browser, lambda d: d.current_url == second + "?view=1")
    browser.set_window_size(1200, 900)

    browser.find_element(By.CSS_SELECTOR, "button[data-act=play]").click()
    _wait(browser, lambda d: d.current_url == third + "?view=play", 10)
    _wait(browser, lambda d: _viewer_state(d)["open"])
    play = browser.find_element(By.CSS_SELECTOR, "button[data-act=play]")
    assert play.get_attribute("aria-pressed") == "true"
    play.click()
    assert browser.current_url.endswith("?view=1")


PLACES = {"paris-a": (48.8566, 2.3522), "paris-b": (48.8600, 2.3400),
          "sydney": (-33.8688, 151.2093), "new-york": (40.7128, -74.0060)}  # fmt: skip


@pytest.fixture(scope="module")
def travels(tmp_path_factory) -> Path:
    """Photos taken in Paris (two), Sydney and New York, and one with no place."""
    folder = tmp_path_factory.mktemp("travels")
    zips = located_takeout(folder, PLACES)
    run_cli("build", *map(str, zips), "--out", str(folder / "site"), "--model", "colour")
    return folder / "site"


def _marks(driver) -> list[dict]:  # noqa: ANN001
    return driver.execute_script(
        "const f = document.getElementById('map').getBoundingClientRect();"
        "return Array.from(document.querySelectorAll('.mark')).map(m => {"
        " const r = m.getBoundingClientRect();"
        " return {count: Number(m.textContent), x: (r.left + r.right) / 2 - f.left,"
        " y: (r.top + r.bottom) / 2 - f.top, w: f.width, h: f.height}; });"
    )


def _expected(mark: dict, zoom: float, centre: tuple[float, float], lat: float, lon: float):  # noqa: ANN202
    """Where the map must draw (lat, lon): equirectangular, north up, east right."""
    per_px = 360 / 2**zoom / mark["w"]
    return (mark["w"] / 2 + (lon - centre[1]) / per_px, mark["h"] / 2 - (lat - centre[0]) / per_px)


@pytest.fixture(params=["file", "http"])
def travels_base(request, travels) -> str:
    yield from _file_or_http(request.param, travels)


def test_the_places_map_puts_each_photo_where_it_was_taken(browser, travels, travels_base):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1200, 900)
    browser.get_log("performance")
    browser.get(travels_base + "places.html")
    _wait(browser, lambda d: len(_marks(d)) == 3)
    marks = sorted(_marks(browser), key=lambda m: m["x"])
    # West to east: New York, the two Paris photos as one mark, Sydney.
    assert [m["count"] for m in marks] == [1, 2, 1]
    paris = [PLACES["paris-a"], PLACES["paris-b"]]
    wanted = [PLACES["new-york"], tuple(np.mean(paris, axis=0)), PLACES["sydney"]]
    for mark, (lat, lon) in zip(marks, wanted, strict=True):
        x, y = _expected(mark, 0, (20, 0), lat, lon)
        assert abs(mark["x"] - x) < 2 and abs(mark["y"] - y) < 2, (mark, lat, lon)
    assert "4 photos in view" in browser.find_element(By.ID, "listed-heading").text

    # The Paris mark zooms into Paris, and the view lives in the address.
    browser.find_elements(By.CSS_SELECTOR, ".mark")[
        [m["count"] for m in _marks(browser)].index(2)
    ].click()
    _wait(browser, lambda d: len(_marks(d)) == 2)
    at, zoom = re.search(r"at=([-\d.]+)%2C([-\d.]+)&z=([\d.]+)", browser.current_url).group(1, 3)
    assert abs(float(at) - 48.858) < 0.01 and float(zoom) > 8
    found = sorted(
        a.get_attribute("href").rsplit("/", 1)[1]
        for a in browser.find_elements(By.CSS_SELECTOR, "#listed a")
    )
    pages = sorted(
        p.name for p in (travels / "photo").glob("*.html") if "<h1>paris-" in p.read_text()
    )
    assert found == pages and len(pages) == 2
    browser.refresh()
    _wait(browser, lambda d: len(_marks(d)) == 2)
    browser.find_element(By.CSS_SELECTOR, ".mark").click()
    _wait(browser, lambda d: "taken here" in d.find_element(By.ID, "listed-heading").text)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#listed a")) == 1
    assert [u for u in requested_urls(browser) if not u.startswith((travels_base, "data:"))] == []


def test_a_photos_place_opens_the_map_there(browser, travels, travels_base):
    from selenium.webdriver.common.by import By

    page = next(p for p in (travels / "photo").glob("*.html") if "<h1>sydney.jpg" in p.read_text())
    browser.get(f"{travels_base}photo/{page.name}")
    browser.find_element(By.ID, "place").click()
    _wait(browser, lambda d: len(_marks(d)) == 1)
    (mark,) = _marks(browser)
    assert abs(mark["x"] - mark["w"] / 2) < 2 and abs(mark["y"] - mark["h"] / 2) < 2
    nowhere = next(p for p in (travels / "photo").glob("*.html") if "<h1>home.jpg" in p.read_text())
    assert 'id="place"' not in nowhere.read_text()


@pytest.fixture(scope="module")
def rated(tmp_path_factory) -> Path:
    """The gallery of conftest.rated_inputs: ratings, cameras, dates, people, a favourite."""
    folder = tmp_path_factory.mktemp("rated")
    run_cli("build", *rated_inputs(folder), "--out", str(folder / "site"), "--model", "colour")
    return folder / "site"


def _shown(driver, site: Path) -> list[str]:  # noqa: ANN001
    """The names of the photos the search page shows, in order."""
    from selenium.webdriver.common.by import By

    names = []
    for link in driver.find_elements(By.CSS_SELECTOR, "#results a"):
        sid = link.get_attribute("href").split("/photo/")[1].split(".html")[0]
        page = (site / "photo" / f"{sid}.html").read_text()
        names.append(re.search(r"<h1>([^<.]+)", page).group(1))
    return names


def test_filters_narrow_a_search_and_live_in_the_address(browser, rated):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    search = (rated / "search.html").as_uri()
    browser.get(search + "?q=harbour")
    _wait(browser, lambda d: len(_shown(d, rated)) == 5)
    browser.find_element(By.CSS_SELECTOR, "#filters summary").click()
    Select(browser.find_element(By.NAME, "rating")).select_by_value("5")
    _wait(browser, lambda d: sorted(_shown(d, rated)) == ["IMG_0", "IMG_2"])
    assert "rating=5" in browser.current_url and "q=harbour" in browser.current_url
    browser.back()
    _wait(browser, lambda d: len(_shown(d, rated)) == 5)
    assert browser.find_element(By.NAME, "rating").get_attribute("value") == ""

    cases = {
        "camera=X100V&rating=4": ["IMG_0"],
        "rating=3": ["IMG_0", "IMG_1", "IMG_2"],
        "person=Bo": ["a"],
        "fav=1": ["a"],
        "from=2019-05-02&to=2019-05-03": ["IMG_1", "IMG_2"],
        "q=harbour&camera=EOS+R6": ["IMG_2"],
    }
    for query, names in cases.items():
        browser.get(search + "?" + query)
        _wait(browser, lambda d, names=names: sorted(_shown(d, rated)) == names)
        assert browser.find_element(By.ID, "filters").get_attribute("open") is not None
    status = browser.find_element(By.ID, "status").text
    assert status.startswith("1 photo"), status
    browser.get(search + "?camera=X100V&rating=4")
    _wait(browser, lambda d: d.find_element(By.ID, "status").text == "1 photo matches the filters.")
    browser.find_element(By.CSS_SELECTOR, "#filter-form button[type=reset]").click()
    _wait(browser, lambda d: d.current_url == search)
    assert _shown(browser, rated) == []


def _run_async(driver, script: str, *args):  # noqa: ANN001, ANN202
    """A promise-returning expression's value (or the error's text, prefixed)."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"({script}).then(done, e => done('error: ' + e));",
        *args,
    )


def test_the_text_model_reads_words_the_vocabulary_lacks(browser, base, site):
    from selenium.webdriver.common.by import By
    from transformers import CLIPModel, CLIPTokenizer

    browser.get_log("browser")
    browser.get_log("performance")
    browser.get(base + "search.html")
    policy = browser.find_element(
        By.CSS_SELECTOR, "meta[http-equiv=Content-Security-Policy]"
    ).get_attribute("content")
    if not (site / "data" / "text" / "model.js").exists():
        # The colour model has no text tower: no model, and no WebAssembly allowed.
        assert "wasm" not in policy
        assert not browser.find_elements(By.ID, "load-model")
        return
    assert "script-src 'self' file: 'wasm-unsafe-eval';" in policy

    box = browser.find_element(By.ID, "q")
    box.send_keys("red door")
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results img")) > 0)
    assert not [u for u in requested_urls(browser) if "/data/text/" in u], "the model loads lazily"

    text = "two dogs fighting over a tennis ball in the snow"
    box.clear()
    box.send_keys(text)
    _wait(browser, lambda d: "read by the text model" in d.find_element(By.ID, "used").text, 60)
    assert "ready" in browser.find_element(By.ID, "model-note").text
    assert any("/data/text/part-000.js" in u for u in requested_urls(browser))
    shown = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results a")]

    vector = np.array(_run_async(browser, "photoseek.textVector(arguments[0])", text))
    folder = site.parent / "tiny-clip"
    model = CLIPModel.from_pretrained(str(folder)).eval()
    ids = CLIPTokenizer.from_pretrained(str(folder))(text, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        out = model.get_text_features(input_ids=ids)
    expected = (out if isinstance(out, torch.Tensor) else out.pooler_output)[0].numpy()
    assert vector @ expected / np.linalg.norm(expected) >= 0.995

    # The order is exact float ranking's (photoseek search), up to near-ties.
    hits = [
        json.loads(line)
        for line in run_cli(
            "search", "--library", f"{site}-library", text, "--json", "-k", "100"
        ).stdout.splitlines()
    ]
    score = {h["id"][:12]: h["score"] for h in hits}
    got = [score[re.search(r"photo/(\w+)\.html", href).group(1)] for href in shown]
    assert got[0] >= max(score.values()) - 0.01
    assert all(a >= b - 0.01 for a, b in zip(got, got[1:], strict=False)), got
    listed = _run_async(browser, "photoseek.search(arguments[0])", text)
    assert [base + h for h in listed] == shown

    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    outside = [
        u for u in requested_urls(browser) if not (u.startswith(base) or u.startswith("data:"))
    ]
    assert outside == []


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_type_passes_axe(browser, site, width):
    from selenium.webdriver.common.by import By

    from .conftest import axe_violations

    photo = next((site / "photo").glob("*.html")).name
    album = next(p.name for p in (site / "albums").glob("*.html") if p.name != "index.html")
    pages = [
        "index.html",
        f"photo/{photo}",
        "search.html?q=red+door",
        "search.html?person=Ana",
        "albums/index.html",
        f"albums/{album}",
        "timeline/index.html",
        "duplicates.html",
        "people/index.html",
        "tags/index.html",
        "keywords/index.html",
        "ratings/index.html",
        "cameras/index.html",
        "favourites/index.html",
        "places.html",
    ]
    browser.set_window_size(width, 900)
    found = {}
    for page in pages:
        browser.get(site.as_uri() + "/" + page)
        if page.startswith("search"):
            _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results img"))
        found[page] = axe_violations(browser)
    browser.get(site.as_uri() + f"/photo/{photo}?view=1")
    _wait(browser, lambda d: d.execute_script("return document.getElementById('viewer').open"))
    found["the photo viewer"] = axe_violations(browser)
    if (site / "data" / "text" / "model.js").exists():
        # The search page with the text model loaded and its answer shown.
        browser.get(site.as_uri() + "/search.html")
        _run_async(browser, "photoseek.search(arguments[0])", "two dogs fighting in the snow")
        found["search.html, model loaded"] = axe_violations(browser)
    browser.set_window_size(1200, 900)
    assert {page: v for page, v in found.items() if v} == {}


def test_the_readme_screenshots_are_taken_from_the_demo(tmp_path):
    import subprocess
    import sys

    repo = Path(__file__).parents[1]
    done = subprocess.run(
        [sys.executable, str(repo / "tools" / "screenshots.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    readme = (repo / "README.md").read_text()
    for name in ("search.jpg", "photo.jpg", "places.jpg"):
        with Image.open(tmp_path / name) as shot:
            assert shot.format == "JPEG" and shot.width == 1280
        assert f"(docs/{name})" in readme and (repo / "docs" / name).is_file()
