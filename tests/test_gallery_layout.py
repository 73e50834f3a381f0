"""The gallery's layout in a real browser at 1280 and 390 px: justified grids of uncropped
pictures, a header that links only to pages with something on them and fits a phone, a
viewer that fits a phone with its caption and place in the list, copies told apart, and
near duplicates judged by their pixels among the shared real photographs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from .conftest import SHARED_DATA, needs_chromium, run_cli

pytestmark = needs_chromium
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo's gallery: a Lightroom catalog and a Takeout dump with albums and copies."""
    out = tmp_path_factory.mktemp("demo") / "demo"
    run_cli("demo", "--out", str(out), env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return out / "site"


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> tuple[Path, str]:
    """A plain folder of the 200 shared real photographs, a copy of one turned a quarter and
    another of it halved; the gallery and that photo's file name."""
    photos = SHARED_DATA / "photos"
    if not photos.is_dir():
        pytest.skip(f"real photos not found at {photos} (only present in the project's workspace)")
    folder = tmp_path_factory.mktemp("real")
    pics = folder / "pics"
    pics.mkdir()
    files = sorted(photos.iterdir())
    for path in files:
        (pics / path.name).write_bytes(path.read_bytes())
    original = files[7]
    with Image.open(original) as opened:
        upright = ImageOps.exif_transpose(opened).convert("RGB")
    upright.rotate(90, expand=True).save(pics / "turned.jpg", quality=70)
    upright.resize((upright.width // 2, upright.height // 2)).save(pics / "halved.jpg", quality=70)
    run_cli("build", str(pics), "--out", str(folder / "site"), "--model", "colour", "--no-ocr",
            "--no-full-size", "--no-text-model")  # fmt: skip
    return folder / "site", original.name


def _at(browser, size: str, address: str) -> None:  # noqa: ANN001 - a selenium driver
    browser.set_window_size(*SIZES[size])
    browser.get(address)


GRID = """
const grid = document.querySelector('main ul.grid');
const edge = grid.getBoundingClientRect().right;
return [edge, [...grid.children].map(item => {
  const box = item.getBoundingClientRect();
  const img = item.querySelector('img');
  const shown = img ? img.getBoundingClientRect() : box;
  const own = img ? [+img.getAttribute('width'), +img.getAttribute('height')] : [0, 0];
  return [item.classList.contains('label'), Math.round(box.top), box.right, shown.width,
          shown.height, own[0], own[1]];
})];
"""


@pytest.mark.parametrize("size", list(SIZES))
def test_grids_show_whole_pictures_in_full_rows_of_one_height(browser, demo, real, size):
    for site in (demo, real[0]):
        _at(browser, size, (site / "index.html").as_uri())
        edge, items = browser.execute_script(GRID)
        rows: dict[int, list] = {}
        for label, top, right, width, height, own_width, own_height in items:
            rows.setdefault(top, []).append((label, right, width, height, own_width, own_height))
            if not label:
                # Uncropped: shown at the picture's own shape (the shapes are hundredths apart).
                assert width / height == pytest.approx(own_width / own_height, rel=0.012)
        assert len(rows) > 1
        for top in sorted(rows)[:-1]:
            row = rows[top]
            assert max(right for _, right, *_ in row) == pytest.approx(edge, abs=2), (site, top)
            heights = [height for label, _, _, height, *_ in row if not label]
            assert max(heights) - min(heights) < 2, (site, top, heights)


NAV = """
return [...document.querySelectorAll('header nav a')].map(link => {
  const box = link.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return [link.textContent, link.href, box.left >= 0 && box.right <= innerWidth, hit === link];
});
"""


@pytest.mark.parametrize("size", list(SIZES))
def test_the_header_links_only_to_pages_with_something_and_each_link_can_be_reached(
    browser, demo, real, size
):
    from selenium.webdriver.common.by import By

    labels = {}
    for name, site in (("demo", demo), ("real", real[0])):
        _at(browser, size, (site / "index.html").as_uri())
        links = browser.execute_script(NAV)
        labels[name] = [label for label, *_ in links]
        assert all(inside and on_top for _, _, inside, on_top in links), links
        for _label, href, *_ in links:
            browser.get(href)
            notes = [n.text for n in browser.find_elements(By.CSS_SELECTOR, "main .note")]
            assert not any(note.startswith("No ") for note in notes), (href, notes)
    assert labels["demo"][:4] == ["Timeline", "Albums", "Places", "People"]
    assert "Duplicates" in labels["demo"]
    assert not {"Albums", "People", "Favourites", "Ratings", "Keywords"} & set(labels["real"])


def _open_viewer(browser) -> None:  # noqa: ANN001 - a selenium driver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 15).until(
        lambda d: (
            d.execute_script("return document.querySelector('article').dataset.list")
            or "?in=" not in d.current_url
        )
    )
    browser.find_element(By.CSS_SELECTOR, "a.view").click()
    WebDriverWait(browser, 15).until(
        lambda d: d.execute_script("return document.getElementById('viewer').open")
    )


VIEWER = """
const dialog = document.getElementById('viewer');
const parts = [...dialog.querySelectorAll('.controls button, .controls a, .info span')];
return [parts.map(part => {
  const box = part.getBoundingClientRect();
  return [box.left, box.right, box.bottom];
}), document.documentElement.clientWidth, innerHeight,
dialog.querySelector('.caption').textContent, dialog.querySelector('.position').textContent];
"""


@pytest.mark.parametrize("size", list(SIZES))
def test_the_viewer_fits_the_screen_with_its_caption_and_place_in_the_list(browser, demo, size):
    from selenium.webdriver.common.by import By

    _at(browser, size, (demo / "albums" / "index.html").as_uri())
    album = browser.find_element(By.CSS_SELECTOR, ".groups a")
    count = int(album.find_element(By.TAG_NAME, "small").text)
    album.click()
    tiles = browser.find_elements(By.CSS_SELECTOR, "ul.grid li:not(.label) a")
    assert len(tiles) == count > 1
    browser.get(tiles[1].get_attribute("href"))
    caption = browser.find_element(By.CSS_SELECTOR, "figcaption, .meta h1").text
    _open_viewer(browser)
    controls, width, height, shown, position = browser.execute_script(VIEWER)
    assert len(controls) == 10, "eight buttons, the caption and the place"
    assert all(
        left >= 0 and right <= width and bottom <= height for left, right, bottom in controls
    )
    assert position == f"2 / {count}"
    assert shown == caption
    # Opened from the home grid, the place is in the whole gallery.
    _at(browser, size, (demo / "index.html").as_uri())
    browser.get(browser.find_elements(By.CSS_SELECTOR, "ul.grid li:not(.label) a")[2]
                .get_attribute("href"))  # fmt: skip
    _open_viewer(browser)
    assert browser.execute_script(VIEWER)[4] == "3 / 12"


def test_copies_are_told_apart_by_where_they_were_found(browser, demo):
    from selenium.webdriver.common.by import By

    _at(browser, "desktop", (demo / "duplicates.html").as_uri())
    found = [
        [li.text for li in section.find_elements(By.CSS_SELECTOR, "ul li")]
        for section in browser.find_elements(By.CSS_SELECTOR, "section.dup")
        if "found in" in section.text
    ]
    assert found and all(len(places) == len(set(places)) > 1 for places in found), found
    assert any(" in takeout-" in place for places in found for place in places), found


def test_near_duplicates_are_the_turned_and_halved_copies_alone(browser, real):
    from selenium.webdriver.common.by import By

    site, original = real
    _at(browser, "desktop", (site / "duplicates.html").as_uri())
    groups = browser.find_elements(By.CSS_SELECTOR, "section.dup")
    near = [g for g in groups if g.find_elements(By.CSS_SELECTOR, "ul.grid")]
    assert len(near) == 1, [g.text for g in near]
    assert "Judged by their pixels alone" in browser.page_source
    assert "one turned or mirrored" in near[0].text
    names = {img.get_attribute("alt") for img in near[0].find_elements(By.TAG_NAME, "img")}
    assert names == {f"Photo {original}", "Photo turned.jpg", "Photo halved.jpg"}
