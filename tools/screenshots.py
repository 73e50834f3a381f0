"""Take the README's screenshots of the demo gallery in headless Chromium.

    .venv/bin/python tools/screenshots.py docs

builds `photoseek demo` in a temporary folder and writes search.jpg, photo.jpg and
places.jpg into the folder given. Needs the test extra (selenium) and Debian's chromium
and chromium-driver.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WIDTH, HEIGHT = 1280, 800


def _browser(profile: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 f"--window-size={WIDTH},{HEIGHT}", f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def _settled(driver: webdriver.Chrome) -> None:
    """Wait until every picture in the window has loaded."""
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script(
            "return Array.from(document.images).filter(i => i.getAttribute('src') &&"
            " i.getBoundingClientRect().top < innerHeight)"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
    )
    time.sleep(0.3)


def _save(driver: webdriver.Chrome, target: Path) -> None:
    with Image.open(io.BytesIO(driver.get_screenshot_as_png())) as shot:
        shot.convert("RGB").save(target, "JPEG", quality=85, optimize=True)


def take(out: Path) -> list[Path]:
    """Build the demo and write the screenshots into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        demo = Path(scratch) / "demo"
        subprocess.run([sys.executable, "-m", "photoseek", "demo", "--out", str(demo)],
                       check=True, capture_output=True)  # fmt: skip
        site = (demo / "site").as_uri()
        driver = _browser(Path(scratch) / "chromium")
        try:
            driver.get(site + "/search.html?q=space")
            WebDriverWait(driver, 20).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "#results img")
            )
            _settled(driver)
            _save(driver, out / "search.jpg")
            rocket = next(
                page
                for page in (demo / "site" / "photo").glob("*.html")
                if "<h1>DSCOVR on the pad</h1>" in page.read_text()
            )
            driver.get(rocket.as_uri())
            _settled(driver)
            _save(driver, out / "photo.jpg")
            driver.get(site + "/places.html")
            WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".mark"))
            _settled(driver)
            _save(driver, out / "places.jpg")
        finally:
            driver.quit()
    return [out / name for name in ("search.jpg", "photo.jpg", "places.jpg")]


if __name__ == "__main__":
    for path in take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(path)
