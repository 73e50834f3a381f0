"""Search at a scale whose pictures this machine cannot make: a real gallery of a few
thousand synthetic pictures whose search data is then written, by the gallery's own code,
for N generated photos (vectors as bench_index makes them, a name, a date and a camera
each). Chromium then searches it from file:// and over http: bytes each kind of query
downloads, time to the first answer and once loaded, and top-24 agreement with exact float
ranking. Used by bench_site.py for --photos above what it builds whole.
"""

from __future__ import annotations

import functools
import http.server
import itertools
import json
import re
import shutil
import threading
import time
from pathlib import Path

import numpy as np
from bench_index import vectors as synthetic_vectors

from photoseek.build_site import datafiles, placetiles, searchdata, searchlists
from photoseek.build_site.words import search_words
from photoseek.embed import Embedder

K = 24
CAMERAS = ("X100V", "EOS R6", "Pixel 8", "iPhone 15", "D850")
FREE_TEXTS = (
    "two dogs fighting over a tennis ball in the snow",
    "an old man reading a newspaper on a bench",
    "the view from a mountain hut at sunrise",
    "children building a sandcastle",
    "a red bicycle against a yellow wall",
    "fireworks over the harbour at new year",
    "a plate of pasta with basil",
    "rain on the window of a train",
    "a black cat asleep on a piano",
    "surfers waiting for a wave",
    "a wedding dance in a barn",
)


def _fresh_peak() -> None:
    """Start this process's peak resident memory (Linux's VmHWM) afresh."""
    Path("/proc/self/clear_refs").write_text("5")


def scaled_data(
    site: Path, library: Path, embedder: Embedder, photos: int, layout: str = "auto"
) -> tuple[np.ndarray, list[str], int, float, float]:
    """Write the search data of `photos` generated photos into the built `site`, as lists or
    one file (`layout` "lists", "one-file", or "auto": as a build would); returns (vectors,
    ids, bytes of one file of codes and its residuals, seconds and peak resident MB of the
    writing, its generated vectors held as a build holds them)."""
    from bench_site import peak_rss_mb

    vectors = synthetic_vectors(photos, embedder.dim, "clustered", seed=11)
    ids = [f"{i:012x}" for i in range(photos)]
    _fresh_peak()
    started = time.perf_counter()
    data = site / "data"
    for folder in ("lists", "fine", "places", "photos", "words", "facets"):
        shutil.rmtree(data / folder, ignore_errors=True)
    projection = searchdata.Projection.fit(vectors)
    as_lists = searchlists.uses_lists(photos) if layout == "auto" else layout == "lists"
    lists = searchlists.PhotoLists.fit(vectors) if as_lists else None
    words = search_words(library, embedder, [], (), progress=False)
    top, strong = searchdata.exact_best(words.vectors, vectors)
    rng = np.random.default_rng(5)
    # Newest first, as a build orders the photos.
    days = np.sort(1_400_000_000 + rng.integers(0, 3650, photos) * 86400)[::-1]
    cameras = sorted(CAMERAS)
    files = datafiles.photo_files(
        {
            "ids": ids,
            "text": [f"IMG_{i:07d}.jpg" for i in range(photos)],
            "kinds": ["n"] * photos,
            "shape": [133] * photos,
        },
        {
            "taken": [int(time.strftime("%Y%m%d", time.gmtime(d))) for d in days],
            "rating": [0] * photos,
            "favourite": [0] * photos,
            "cameras": cameras,
            "camera": [cameras.index(CAMERAS[i % 5]) for i in range(photos)],
            "people": [],
            "person": [[] for _ in range(photos)],
        },
        large=as_lists,
    )
    files |= {
        "concepts": searchdata.concepts_js(
            projection, words.texts, words.vectors, words.kinds, top, strong
        ),
        "fine": searchdata.fine_js(projection, vectors, with_codes=lists is None),
        "vectors": searchlists.vectors_js(projection, lists, vectors)
        if lists
        else searchdata.photo_vectors_js(projection, vectors),
    }
    (data / "ocr.js").unlink(missing_ok=True)
    files.update(places(ids))
    listed = searchlists.list_files(projection, lists, vectors, fine=True) if lists else ()
    for name, text in itertools.chain(files.items(), listed):
        target = data / f"{name}.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    seconds, peak = time.perf_counter() - started, peak_rss_mb()
    whole = len(searchdata.photo_vectors_js(projection, vectors)) + len(
        searchdata.fine_js(projection, vectors)
    )
    return vectors, ids, whole, seconds, peak


# Where the located photos cluster (a home, a holiday town...), and how widely.
HOMES = ((48.86, 2.35), (35.68, 139.76), (40.71, -74.0), (-33.87, 151.21), (52.52, 13.4))


def places(ids: list[str]) -> dict[str, str]:
    """The map's data files for every other photo: seven in ten of them about five homes
    (a tenth of a degree across), the rest anywhere."""
    rng = np.random.default_rng(6)
    located = ids[1::2]
    home = rng.random(len(located)) < 0.7
    centres = np.array(HOMES)[rng.integers(0, len(HOMES), len(located))]
    lat = np.where(home, centres[:, 0] + rng.normal(0, 0.05, len(located)), 0)
    lon = np.where(home, centres[:, 1] + rng.normal(0, 0.05, len(located)), 0)
    lat[~home] = rng.uniform(-60, 70, (~home).sum())
    lon[~home] = rng.uniform(-180, 180, (~home).sum())
    lat, lon = lat.round(5), lon.round(5)
    columns = {
        "ids": located,
        "lat": lat.tolist(),
        "lon": lon.tolist(),
        "alt": [f"IMG_{2 * i + 1:07d}.jpg" for i in range(len(located))],
        "shape": [133] * len(located),
    }
    if not placetiles.uses_tiles(len(located)):
        return {"places": searchdata.js_payload("places", columns)}
    leaves = placetiles.tiles(lat, lon)
    return {"places": placetiles.overview_js(lat, lon, leaves)} | dict(
        placetiles.tile_files(leaves, columns)
    )


def _serve(site: Path):  # noqa: ANN202
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            """No request log."""

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def _driver():  # noqa: ANN202
    from bench_site import headless_chromium

    return headless_chromium("--window-size=1280,900", network_log=True)


class Page:
    """The search page in Chromium, with the bytes of data files it asks for."""

    def __init__(self, driver, site: Path, address: str) -> None:  # noqa: ANN001
        self.driver, self.site, self.address = driver, site, address

    def requested(self) -> int:
        """Bytes of the data files requested since the last call (the files' sizes)."""
        total = 0
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                url = message["params"]["request"]["url"]
                if "/data/" in url and "/data/text/" not in url:
                    total += (self.site / "data" / url.split("/data/", 1)[1]).stat().st_size
        return total

    def open(self, query: str = "") -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.get(self.address + "search.html" + query)
        if query:
            WebDriverWait(self.driver, 600).until(
                # A search says its time; filters alone, how many photos they let through.
                lambda d: re.search(r"\(\d+ ms\)|match", d.find_element(By.ID, "status").text)
            )

    def call(self, script: str, *args: object) -> object:
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"({script}).then(done, e => done('error: ' + e));",
            *args,
        )

    def map(self, view: str) -> tuple[int, float]:
        """Bytes the places map loads for a view, and seconds until its marks settle."""
        from selenium.webdriver.common.by import By

        self.requested()
        started = time.perf_counter()
        self.driver.get(self.address + "places.html" + view)
        shown, settled = "", time.perf_counter()
        while time.perf_counter() - started < 60:
            now = self.driver.find_element(By.ID, "map-status").text
            if now != shown:
                shown, settled = now, time.perf_counter()
            elif "in view" in now and time.perf_counter() - settled > 1:
                break
            time.sleep(0.05)
        return self.requested(), settled - started

    def search(self, text: str) -> tuple[list[str], float, float]:
        """Result links, seconds until shown, and the time the page reports (ms)."""
        from selenium.webdriver.common.by import By

        started = time.perf_counter()
        links = self.call("photoseek.search(arguments[0])", text)
        assert isinstance(links, list), links
        seconds = time.perf_counter() - started
        status = self.driver.find_element(By.ID, "status").text
        return links, seconds, float(re.search(r"\((\d+) ms\)", status)[1])


def _positions(links: list[str], position: dict[str, int]) -> list[int]:
    return [position[re.search(r"photo/(\w+)\.html", h)[1]] for h in links]


def measure(site: Path, vectors: np.ndarray, ids: list[str], scheme: str, texts: int) -> dict:
    """Bytes, times and agreement for concept, filtered and the first `texts` free-text
    queries."""
    httpd = _serve(site) if scheme == "http" else None
    address = f"http://127.0.0.1:{httpd.server_address[1]}/" if httpd else site.as_uri() + "/"
    driver = _driver()
    position = {sid: i for i, sid in enumerate(ids)}
    found: dict = {}
    try:
        page = Page(driver, site, address)
        found["map"] = [page.map(view) for view in ("", "?at=48.86,2.35&z=11")]
        # The vocabulary every search page loads: its concepts' codes and best photos.
        found["vocabulary"] = (site / "data" / "concepts.js").stat().st_size
        # Each query from a fresh page: its bytes count all the page loads for it.
        page.requested()
        page.open()
        _, seconds, _ = page.search("dog")
        found["concept"] = (page.requested(), seconds)
        page.open("?camera=X100V&from=2015-01-01&to=2016-12-31")
        found["filters"] = page.requested()
        page.open("?q=dog&camera=X100V&from=2015-01-01&to=2016-12-31")
        found["filtered"] = page.requested()
        page.open()
        page.search("dog")
        base = page.requested()
        started = time.perf_counter()
        page.call("photoseek.textVector('a')")
        found["model"] = time.perf_counter() - started
        # What loads with the model besides it: the axes, and one file's residuals.
        found["with model"] = base + page.requested()
        first, steady, fetched, shared = [], [], [], []
        for text in FREE_TEXTS[:texts]:
            links, seconds, _ = page.search(text)
            fetched.append(page.requested())
            first.append(seconds)
            again, _, shown_ms = page.search(text)
            assert again == links
            steady.append(shown_ms)
            query = np.array(page.call("photoseek.textVector(arguments[0])", text), np.float32)
            exact = set(np.argsort(-(vectors @ query))[:K].tolist())
            shared.append(len(exact & set(_positions(links, position)[:K])) / K)
        found["free"] = (fetched, first, steady, shared)
        # Queries near the photos' own structure, as a trained model's texts are (half a
        # photo's vector, half a random direction): the random-weight tower's texts above
        # point anywhere, the worst case for any index that partitions the photos.
        rng = np.random.default_rng(8)
        near = []
        for pick in rng.choice(len(vectors), 12, replace=False):
            noise = rng.standard_normal(vectors.shape[1]).astype(np.float32)
            query = vectors[pick] + noise / np.linalg.norm(noise)
            query /= np.linalg.norm(query)
            got = page.call("photoseek.nearest(arguments[0], arguments[1])", query.tolist(), K)
            exact = set(np.argsort(-(vectors @ query))[:K].tolist())
            near.append(len(exact & set(got)) / K)
        found["near"] = near
    finally:
        driver.quit()
        if httpd:
            httpd.shutdown()
    return found


def report(photos: int, whole: int, scheme: str, found: dict, layout: str) -> None:
    """Print one scheme's figures."""
    fetched, first, steady, shared = found["free"]
    print(
        f"{photos} photos ({layout}), Chromium over {scheme}: text model ready in "
        f"{found['model']:.1f} s"
    )
    later = fetched[1:] or fetched
    print(
        f"  free text: photo data of the first query {(found['with model'] + fetched[0]) / 1e6:.1f}"
        f" MB, the vocabulary's {found['vocabulary'] / 1e6:.1f} MB included (target <= 30; one "
        f"file of codes and residuals: {whole / 1e6:.0f} MB), of each "
        f"later one {np.median(later) / 1e6:.1f} MB median, {max(later) / 1e6:.1f} max; first "
        f"answer median {np.median(first):.2f} s, max {max(first):.2f}; once loaded median "
        f"{np.median(steady):.0f} ms, max {max(steady):.0f} (target < 300); top-{K} agreement "
        f"{np.mean(shared):.3f} (min {min(shared):.2f}; target >= 0.95)"
    )
    print(
        f"  queries half a photo's vector, half a random direction: top-{K} agreement "
        f"{np.mean(found['near']):.3f} (min {min(found['near']):.2f})"
    )
    (world, world_s), (city, city_s) = found["map"]
    print(
        f"  places map: the world {world / 1e6:.1f} MB, marks in {world_s:.1f} s; a city at zoom "
        f"11 {city / 1e6:.1f} MB, {city_s:.1f} s (target <= 5 MB)"
    )
    print(
        f"  a concept query: {found['concept'][0] / 1e6:.1f} MB, answered in "
        f"{found['concept'][1]:.1f} s; filters alone (a camera and two years): "
        f"{found['filters'] / 1e6:.1f} MB (target <= 5 each); the concept with those filters: "
        f"{found['filtered'] / 1e6:.1f} MB"
    )
