"""Places and dates in search, as a user meets them: `photoseek search` and the gallery's
search box held to one table of queries on a library of real photos with known places and
dates; the photo, country and town pages in Chromium at a desktop's and a phone's width; and a
--strip-location build that names no place."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from photoseek import samples

from .conftest import CHROMIUM, DRIVER, axe_violations, ls_json, run_cli

# Real photos (the shared set, one per ImageNet class), each at a known place and date.
KYOTO = (34.9949, 135.7850)
ZURICH = (47.3780, 8.5400)
SAO_PAULO = (-23.5614, -46.6559)
PARIS = (48.8584, 2.2945)
PARIS_TX = (33.6600, -95.5550)
PHOTOS = {
    "kyoto-a.jpg": (KYOTO, "2019-04-05"),
    "kyoto-b.jpg": (KYOTO, "2019-11-20"),
    "kyoto-c.jpg": (KYOTO, "2022-04-02"),
    "zurich.jpg": (ZURICH, "2021-07-14"),
    "saopaulo.jpg": (SAO_PAULO, "2021-07-03"),
    "paris-fr.jpg": (PARIS, "2018-12-24"),
    "paris-tx.jpg": (PARIS_TX, "2020-03-01"),
    "home-july.jpg": (None, "2021-07-20"),
    "home-jan.jpg": (None, "2020-01-10"),
}
# Query -> the photos found, in order (before any photo found by meaning alone).
TABLE = [
    ("kyoto", ["kyoto-c.jpg", "kyoto-b.jpg", "kyoto-a.jpg"]),
    ("Kyoto 2019", ["kyoto-b.jpg", "kyoto-a.jpg"]),
    ("zurich", ["zurich.jpg"]),
    ("Zürich", ["zurich.jpg"]),
    ("são paulo", ["saopaulo.jpg"]),
    ("sao paulo 2021", ["saopaulo.jpg"]),
    ("japan", ["kyoto-c.jpg", "kyoto-b.jpg", "kyoto-a.jpg"]),
    ("2019", ["kyoto-b.jpg", "kyoto-a.jpg"]),
    ("july 2021", ["home-july.jpg", "zurich.jpg", "saopaulo.jpg"]),
    ("luglio 2021", ["home-july.jpg", "zurich.jpg", "saopaulo.jpg"]),
    ("julio 2021", ["home-july.jpg", "zurich.jpg", "saopaulo.jpg"]),
    ("juillet 2021", ["home-july.jpg", "zurich.jpg", "saopaulo.jpg"]),
    ("Juli 2021", ["home-july.jpg", "zurich.jpg", "saopaulo.jpg"]),
    ("april", ["kyoto-c.jpg", "kyoto-a.jpg"]),
    ("primavera", ["kyoto-c.jpg", "paris-tx.jpg", "kyoto-a.jpg"]),
    ("winter 2019", ["home-jan.jpg"]),
    ("hiver", ["home-jan.jpg", "paris-fr.jpg"]),
    # The largest Paris first, then the one in Texas.
    ("paris", ["paris-fr.jpg", "paris-tx.jpg"]),
    ("texas", ["paris-tx.jpg"]),
    ("kyoto 2030", []),
]
# Place and date words with words for meaning: the meaning is searched within the narrowing.
WITH_MEANING = [("red july 2021", ["home-july.jpg", "zurich.jpg", "saopaulo.jpg"]),
                ("green kyoto", ["kyoto-a.jpg", "kyoto-b.jpg", "kyoto-c.jpg"])]  # fmt: skip


def _stamp(day: str) -> int:
    return int(dt.datetime.fromisoformat(day + "T12:00:00+00:00").timestamp())


@pytest.fixture(scope="module")
def built(tmp_path_factory, request) -> tuple[Path, Path, Path, dict[str, str]]:
    """A Takeout dump of real photos, its library, its site, and each photo's name by id."""
    folder = Path(__file__).resolve().parents[2] / "shared" / "data" / "photos"
    if not folder.is_dir():
        pytest.skip(f"real photos not found at {folder}")
    real = sorted(folder.iterdir())
    base = tmp_path_factory.mktemp("wherewhen")
    files = {}
    for n, (name, (place, day)) in enumerate(PHOTOS.items()):
        lat, lon = place or (0.0, 0.0)
        files[f"Takeout/Google Photos/Trips/{name}"] = real[n * 7].read_bytes()
        files[f"Takeout/Google Photos/Trips/{name}.json"] = samples.sidecar(
            name, _stamp(day), lat=lat, lon=lon
        )
    (dump,) = samples.write_zips(base / "zips", files, parts=1)
    site = base / "site"
    run_cli("build", str(dump), "--out", str(site), "--model", "colour", "--no-ocr")
    library = site.parent / "site-library" if (site.parent / "site-library").exists() else None
    library = library or next(p.parent for p in base.rglob("library.db"))
    names = {p["id"]: p["meta"]["original_name"] for p in ls_json(library)}
    return dump, library, site, names


def _cli(library: Path, names: dict[str, str], query: str) -> list[str]:
    result = run_cli("search", query, "--library", str(library), "--json", "-k", "50", check=False)
    if result.returncode:
        assert "no photo matches" in result.stderr
        return []
    return [names[json.loads(line)["id"]] for line in result.stdout.splitlines()]


@pytest.mark.parametrize(("query", "expected"), TABLE, ids=[q for q, _ in TABLE])
def test_photoseek_search_reads_places_and_dates(built, query, expected):
    _, library, _, names = built
    assert _cli(library, names, query)[: len(expected)] == expected
    if expected:
        assert len(_cli(library, names, query)) == len(expected), "nothing outside the narrowing"


def test_meaning_is_searched_within_the_places_and_dates(built):
    _, library, _, names = built
    for query, inside in WITH_MEANING:
        found = _cli(library, names, query)
        assert sorted(found) == sorted(inside), query


pytestmark_browser = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


def _browser_search(browser, site: Path, names: dict[str, str], query: str) -> list[str]:  # noqa: ANN001
    browser.get((site / "search.html").as_uri())
    hrefs = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.photoseek.search(arguments[0]).then(done, e => done(String(e)));",
        query,
    )
    by_sid = {pid[: len(href.split("/")[-1].split(".")[0])]: name for pid, name in names.items()
              for href in hrefs[:1]}  # fmt: skip
    return [by_sid[href.split("/")[-1].split(".")[0]] for href in hrefs]


@pytestmark_browser
def test_the_gallery_reads_the_same_table(built, browser):
    _, _, site, names = built
    browser.set_window_size(1280, 900)
    for query, expected in TABLE:
        assert _browser_search(browser, site, names, query) == expected, query
    for query, inside in WITH_MEANING:
        assert sorted(_browser_search(browser, site, names, query)) == sorted(inside), query


@pytestmark_browser
def test_the_page_says_how_it_understood_and_the_filters_show_it(built, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _, _, site, names = built
    browser.set_window_size(1280, 900)
    _browser_search(browser, site, names, "red kyoto 2019")
    used = browser.find_element(By.ID, "used").text
    assert used.startswith("Searched: in Kyoto · 2019 · by meaning: red"), used
    value = lambda name: browser.find_element(By.NAME, name).get_attribute("value")  # noqa: E731
    assert (value("from"), value("to"), value("place")) == ("2019-01-01", "2019-12-31", "Kyoto")
    assert "q=red+kyoto+2019" in browser.current_url and "place=" not in browser.current_url
    # The place field offers the gallery's names, the largest places first.
    browser.find_element(By.NAME, "place").click()
    browser.execute_script("return new Promise(r => setTimeout(r, 100))")
    offered = [
        o.get_attribute("value")
        for o in browser.find_elements(By.CSS_SELECTOR, "#place-names option")
    ]
    assert offered[:3] == ["São Paulo", "Brazil", "Paris"] and "Texas" in offered
    # Changing a filter the words set takes those words out of the box; what the filters
    # showed stays, now set by hand: summer of 2019.
    Select(browser.find_element(By.NAME, "month")).select_by_visible_text("Summer")
    browser.execute_script("return new Promise(r => setTimeout(r, 300))")
    assert browser.find_element(By.ID, "q").get_attribute("value") == "red kyoto"
    url = browser.current_url
    assert "from=2019-01-01" in url and "month=6%2C7%2C8" in url and "place=" not in url
    assert value("place") == "Kyoto" and value("month") == "6,7,8"
    marked = lambda name: "from-words" in browser.find_element(By.NAME, name).get_attribute("class")  # noqa: E731
    assert marked("place") and not marked("from") and not marked("month")
    assert browser.find_element(By.ID, "used").text.startswith("Searched: in Kyoto · by meaning")


@pytestmark_browser
@pytest.mark.parametrize("width", [1280, 390])
def test_photo_country_and_town_pages(built, browser, width):
    from selenium.webdriver.common.by import By

    _, _, site, names = built
    browser.set_window_size(width, 900)
    kyoto = next(pid for pid, name in names.items() if name == "kyoto-a.jpg")
    page = next((site / "photo").glob(kyoto[:12] + "*.html"))
    browser.get(page.as_uri())
    town = browser.find_element(By.ID, "town")
    assert town.text == "Kyoto, Japan"
    assert "GeoNames" in browser.find_element(By.CSS_SELECTOR, "footer").text
    town.click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Taken in Kyoto, Japan"
    assert len(browser.find_elements(By.CSS_SELECTOR, "ul.grid img")) == 3
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    browser.get((site / "places" / "index.html").as_uri())
    countries = [
        e.text.split("\n")[0] for e in browser.find_elements(By.CSS_SELECTOR, "ul.groups li span")
    ]
    # The most photographed first, then by name.
    assert countries == ["Japan", "Brazil", "France", "Switzerland", "United States"]
    browser.find_element(By.PARTIAL_LINK_TEXT, "United States").click()
    towns = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.groups li span")]
    assert towns == ["Paris"]
    assert (
        browser.find_element(By.LINK_TEXT, "The map").get_attribute("href").endswith("places.html")
    )
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    assert axe_violations(browser) == []
    browser.find_element(By.PARTIAL_LINK_TEXT, "Paris").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Taken in Paris, United States"
    assert browser.find_element(By.CSS_SELECTOR, "main .note").text == "In Texas."
    browser.find_element(By.LINK_TEXT, "United States").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Places in United States"
    browser.find_element(By.LINK_TEXT, "All countries").click()
    browser.find_element(By.LINK_TEXT, "The map").click()
    browser.find_element(By.LINK_TEXT, "By country and town").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Places"
    header = browser.find_element(By.PARTIAL_LINK_TEXT, "Places")
    assert header.get_attribute("href").endswith("places/index.html")


def test_a_build_without_location_names_no_place(built, tmp_path):
    dump, _, _, _ = built
    site = tmp_path / "site"
    run_cli("build", str(dump), "--out", str(site), "--model", "colour", "--no-ocr",
            "--strip-location")  # fmt: skip
    words = ("Kyoto", "Japan", "Zürich", "Zurich", "Switzerland", "São Paulo", "Sao Paulo",
             "Brazil", "Texas", "Île-de-France", "GeoNames")  # fmt: skip
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js"):
            text = path.read_text(encoding="utf-8")
            found = [w for w in words if w in text and path.parent.name != "assets"]
            assert not found, f"{path.relative_to(site)} names {found}"
    assert not (site / "places").exists()
