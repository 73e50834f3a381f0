"""The search page in a real browser: where relevance ends (weaker matches folded), what
matched on each result, the order by date, and messages in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import needs_chromium, run_cli, two_reds

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Forty pictures in greens, blues and greys, and two solid red ones, one of them dated."""
    base = tmp_path_factory.mktemp("search")
    pics = two_reds(base / "pics")
    run_cli("build", str(pics), "--out", str(base / "site"), "--model", "colour", "--no-ocr")
    return base / "site"


def _search(browser, site: Path, query: str) -> None:  # noqa: ANN001 - a selenium driver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get((site / "search.html").as_uri() + "?" + query)
    WebDriverWait(browser, 15).until(
        lambda d: (
            "ms)" in d.find_element(By.ID, "status").text
            or "Nothing" in d.find_element(By.ID, "status").text
        )
    )


def _shown(browser) -> list[tuple[str, str, bool]]:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    return [
        (item.find_element(By.TAG_NAME, "img").get_attribute("alt"),
         item.find_element(By.CLASS_NAME, "why").get_attribute("textContent"),
         item.is_displayed())
        for item in browser.find_elements(By.CSS_SELECTOR, "#results > li:not(.fold)")
    ]  # fmt: skip


def test_weaker_matches_fold_under_a_button_and_each_result_says_what_matched(browser, site):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 900)
    _search(browser, site, "q=red")
    shown = _shown(browser)
    assert sorted(alt for alt, _, _ in shown[:2]) == ["solid-a.jpg", "solid-b.jpg"]
    assert [(why, visible) for _, why, visible in shown[:2]] == [("meaning", True)] * 2
    assert len(shown) == 42 and not any(visible for _, _, visible in shown[2:])
    status = browser.find_element(By.ID, "status").text
    assert status.startswith("42 photos") and "2 strong" in status
    fold = browser.find_element(By.CSS_SELECTOR, "#results li.fold button")
    assert fold.text.startswith("Weaker matches (40)")
    assert fold.get_attribute("aria-expanded") == "false"
    fold.click()
    assert all(visible for _, _, visible in _shown(browser))
    assert fold.get_attribute("aria-expanded") == "true"

    _search(browser, site, "q=p007")
    assert _shown(browser)[0] == ("p007.jpg", "name", True)
    assert browser.find_element(By.ID, "status").text.startswith("1 photo ")


def test_results_come_newest_first_when_asked_and_the_order_lives_in_the_address(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    _search(browser, site, "q=red")
    relevance = [alt for alt, _, _ in _shown(browser)]
    Select(browser.find_element(By.ID, "sort")).select_by_value("new")
    WebDriverWait(browser, 15).until(lambda d: "sort=new" in d.current_url)
    newest = [alt for alt, _, _ in _shown(browser)]
    assert newest[0] == "solid-a.jpg"
    assert sorted(newest[:2]) == sorted(relevance[:2]) and newest[2:] == relevance[2:]
    browser.refresh()
    WebDriverWait(browser, 15).until(lambda d: _shown(d))
    assert Select(browser.find_element(By.ID, "sort")).first_selected_option.text == "newest first"
    assert [alt for alt, _, _ in _shown(browser)] == newest


def test_words_the_gallery_cannot_read_are_said_in_plain_words(browser, site):
    from selenium.webdriver.common.by import By

    _search(browser, site, "q=zebra")
    used = browser.find_element(By.ID, "used").text
    assert "Not among the gallery's words: “zebra”" in used
    assert "no text model to read new words" in used
    assert "Not understood" not in used
