"""Site generation at library scale, search data size and quality, and search in Chromium.

Builds a synthetic library of N photos (small generated pictures, extracted as
a folder; vectors generated like photo embeddings, dimension 512, stored under
a random-weight ViT-B/32 CLIP whose text tower embeds the vocabulary), then
times `build_site`, measures the search data, compares the browser's int8
ranking with exact float ranking, and times queries in headless Chromium.

Then (search_scale.py) a gallery of a few thousand pictures gets the search data of N
generated photos, and Chromium measures what each kind of query downloads, how soon it
answers and how closely, from file:// and over http. Above 200,000 photos only that part
runs: this machine cannot make and render a million pictures.

    .venv/bin/python benchmarks/bench_site.py [--photos 100000] [--search-only | --build-only]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_index import vectors as synthetic_vectors  # noqa: E402

from photoseek import samples  # noqa: E402
from photoseek.build_site.searchdata import Projection, exact_top, quantise_rows  # noqa: E402

K = 24


CAMERAS = ("X100V", "EOS R6", "Pixel 8", "iPhone 15", "D850")


def _exif(i: int) -> bytes:
    """A date over ten years, one of five cameras, and for every other photo a place."""
    import piexif

    rng = np.random.default_rng(i)
    day = time.gmtime(1_400_000_000 + int(rng.integers(0, 3650)) * 86400)
    exif = {
        "0th": {piexif.ImageIFD.Model: CAMERAS[i % len(CAMERAS)].encode()},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: time.strftime("%Y:%m:%d 10:00:00", day)},
    }
    if i % 2:
        lat, lon = rng.uniform(-60, 70), rng.uniform(-180, 180)

        def dms(value: float) -> tuple:
            return ((int(abs(value) * 1e4), 10_000), (0, 1), (0, 1))

        exif["GPS"] = {
            piexif.GPSIFD.GPSLatitudeRef: b"N" if lat >= 0 else b"S",
            piexif.GPSIFD.GPSLatitude: dms(lat),
            piexif.GPSIFD.GPSLongitudeRef: b"E" if lon >= 0 else b"W",
            piexif.GPSIFD.GPSLongitude: dms(lon),
        }
    return piexif.dump(exif)


def _write_pictures(args: tuple[Path, int, int]) -> None:
    folder, start, stop = args
    for i in range(start, stop):
        target = folder / f"{i // 1000:03d}" / f"IMG_{i:06d}.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        samples.picture(i, (64, 48)).save(target, quality=70, exif=_exif(i))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def agreement(projection, photo_vectors: np.ndarray, queries: np.ndarray) -> float:  # noqa: ANN001
    """Mean share of the exact top K that the browser's int8 ranking also puts in its top K."""
    codes = projection.decode(projection.codes(photo_vectors))
    # Queries go through the same int8 rows the browser reads concepts from.
    rows, scales = quantise_rows(projection.queries(queries))
    shipped = rows.astype(np.float32) * scales[:, None]
    shared = []
    for query, approx_query in zip(queries, shipped, strict=True):
        exact = np.argsort(-(photo_vectors @ query))[:K]
        approx = np.argsort(-(codes @ approx_query))[:K]
        shared.append(len(set(exact) & set(approx)) / K)
    return float(np.mean(shared))


def headless_chromium(*flags: str, network_log: bool = False):  # noqa: ANN201 - a driver
    """Debian's Chromium, headless and quiet, with `flags` added (and its requests in the
    "performance" log with `network_log`)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    if network_log:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    options.binary_location = shutil.which("chromium")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        *flags,
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def browser_latency(site: Path, queries: list[str]) -> tuple[float, list[float]]:
    """Seconds to load the search data, and each query's time as the page reports it."""
    import functools
    import http.server

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            """No request log."""

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    driver = headless_chromium()
    try:
        driver.get(f"http://127.0.0.1:{httpd.server_address[1]}/search.html")
        box = driver.find_element(By.ID, "q")
        status = driver.find_element(By.ID, "status")
        started = time.perf_counter()
        box.send_keys(queries[0])
        WebDriverWait(driver, 120).until(lambda d: re.search(r"\((\d+) ms\)", status.text))
        load = time.perf_counter() - started
        times = []
        for query in queries[1:]:
            box.clear()
            box.send_keys(query)
            WebDriverWait(driver, 60).until(
                lambda d, q=query: (
                    d.find_element(By.ID, "used").text and re.search(r"\((\d+) ms\)", status.text)
                )
            )
            times.append(float(re.search(r"\((\d+) ms\)", status.text).group(1)))
            time.sleep(0.3)
    finally:
        driver.quit()
        httpd.shutdown()
    return load, times


def places_and_filters(site: Path) -> tuple[float, float, float]:
    """Seconds until the places map shows its marks, milliseconds to redraw it after a zoom,
    and milliseconds for a search with filters, as the page reports it (file://)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = headless_chromium("--window-size=1280,900")
    try:
        started = time.perf_counter()
        driver.get((site / "places.html").as_uri())
        WebDriverWait(driver, 120).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".mark"))
        shown = time.perf_counter() - started
        zoom = driver.execute_script(
            "const t = performance.now(); document.getElementById('zoom-in').click();"
            "return performance.now() - t;"
        )
        driver.get(
            (site / "search.html").as_uri() + "?q=dog&camera=X100V&from=2015-01-01&to=2022-12-31"
        )
        status = driver.find_element(By.ID, "status")
        WebDriverWait(driver, 120).until(lambda d: re.search(r"\((\d+) ms\)", status.text))
        filtered = float(re.search(r"\((\d+) ms\)", status.text).group(1))
    finally:
        driver.quit()
    return shown, zoom, filtered


def place_data_bytes(site: Path) -> tuple[int, str]:
    """Bytes the place names add to the search page's filters data, and the name of its most
    photographed town."""
    import base64
    import json
    import zlib

    def payload(name: str) -> dict:
        text = (site / "data" / f"{name}.js").read_text(encoding="utf-8")
        found = json.loads(text[text.index("{") : text.rindex("}") + 1])
        if "packed" in found:
            found = json.loads(zlib.decompress(base64.b64decode(found["packed"])))
        return found

    facets = payload("facets")
    if "places" not in facets:
        return 0, ""
    # A large gallery keeps each photo's values apart, packed (datafiles.photo_files): the
    # place column is counted as its JSON, before packing, in both layouts.
    place = (payload(facets["columns"]) if "columns" in facets else facets)["place"]
    added = len(json.dumps(facets["places"], ensure_ascii=False, separators=(",", ":")))
    added += len(json.dumps(place, separators=(",", ":")))
    counts = np.bincount([p for p in place if p >= 0])
    return added, facets["places"][int(np.argmax(counts))][0]


def synthetic_library(  # noqa: ANN201
    work: Path, count: int, sharp: bool = True, checkpoint: Path | None = None
):
    """(library folder, embedder, vectors): `count` generated pictures, extracted, with
    synthetic photo vectors stored under a random-weight ViT-B/32 CLIP (made at
    `checkpoint`, by default in `work`)."""
    from photoseek.embed import load_embedder
    from photoseek.extract import extract
    from photoseek.library import Library
    from tests import reference_models as ref
    from tests.clip_vocab import real_or_generated

    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PHOTOSEEK_CACHE", str(work / "cache"))
    pictures = work / "pictures"
    started = time.perf_counter()
    if not pictures.is_dir():
        step = 2000
        with ProcessPoolExecutor(2) as pool:
            list(
                pool.map(
                    _write_pictures,
                    [(pictures, s, min(s + step, count)) for s in range(0, count, step)],
                )
            )
    library = work / "library"
    extract([pictures], library, progress=False)
    print(f"inputs and extraction: {time.perf_counter() - started:.0f} s")

    checkpoint = checkpoint or work / "clip-b32"
    if not checkpoint.is_dir():
        ref.clip_checkpoint(checkpoint, real_or_generated(), ref.CLIP_B32, sharp=sharp)
    embedder = load_embedder(str(checkpoint))
    with Library(library) as lib:
        ids = lib.photo_ids()
        vectors = synthetic_vectors(len(ids), embedder.dim, "clustered")
        lib.register_model(embedder.name, embedder.dim, embedder.info)
        for start in range(0, len(ids), 10_000):
            lib.put_vectors(
                embedder.name, ids[start : start + 10_000], vectors[start : start + 10_000]
            )
    return library, embedder, vectors


# The most photos whose pictures this benchmark makes and builds a whole gallery of.
BUILT_UP_TO = 200_000
# The pictures of the gallery that carries the search data of more photos.
CARRIER = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", "--count", type=int, default=100_000)
    parser.add_argument(
        "--search-only", action="store_true", help="only the search data at scale, no build"
    )
    parser.add_argument(
        "--build-only", action="store_true", help="only the whole build, not search at scale"
    )
    parser.add_argument("--texts", type=int, default=11, help="free texts searched at scale")
    parser.add_argument(
        "--layout",
        choices=("auto", "lists", "one-file"),
        default="auto",
        help="the search data's layout at scale (auto: as a build chooses)",
    )
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: temporary)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp())
    if args.search_only or args.photos > BUILT_UP_TO:
        print(f"{args.photos} photos: the search data only (whole builds up to {BUILT_UP_TO})")
    else:
        whole_build(work, args.photos)
    if shutil.which("chromium") and shutil.which("chromedriver") and not args.build_only:
        scaled_search(work, args.photos, args.texts, args.layout)
    if not args.keep:
        shutil.rmtree(work)


def scaled_search(work: Path, photos: int, texts: int, layout: str) -> None:
    """The search data of `photos` generated photos in a small built gallery, in Chromium."""
    import search_scale

    from photoseek.build_site import build_site

    library, embedder, _ = synthetic_library(
        work / "scaled", min(CARRIER, photos), checkpoint=work / "clip-b32"
    )
    site = work / "scaled" / "site"
    build_site(library, site, embedder, progress=False)
    vectors, ids, whole, seconds, peak = search_scale.scaled_data(
        site, library, embedder, photos, layout
    )
    shown = "lists" if (site / "data" / "lists").is_dir() else "one file"
    print(
        f"search data of {photos} photos written in {seconds:.0f} s (peak RSS while writing "
        f"{peak:.0f} MB, the photos' {vectors.nbytes / 2**20:.0f} MB of vectors included)"
    )
    for scheme in ("file", "http"):
        found = search_scale.measure(site, vectors, ids, scheme, texts)
        search_scale.report(photos, whole, scheme, found, shown)


def whole_build(work: Path, count: int) -> None:
    """Build a whole gallery of `count` synthetic photos; time, size, quality, Chromium."""
    from photoseek.build_site import build_site

    library, embedder, vectors = synthetic_library(work, count)
    site = work / "site"
    started = time.perf_counter()
    summary = build_site(library, site, embedder, progress=False)
    first = time.perf_counter() - started
    peak = peak_rss_mb()
    started = time.perf_counter()
    build_site(library, site, embedder, progress=False)
    second = time.perf_counter() - started

    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    data = summary.data_bytes
    # With lists (searchlists.py), the codes and residuals are in many small files.
    coded = data["vectors"] + data.get("lists", 0)
    as_lists = ", as lists with their residuals" if "lists" in data else ""
    per_photo = (coded + data["photos"]) / summary.photos
    projection = Projection.fit(vectors)
    rng = np.random.default_rng(3)
    words = ("dog", "beach", "sunset", "red car", "snow", "birthday cake", "bokeh", "people")
    concept_vectors = embedder.embed_texts([f"a photo of {w}" for w in words])
    # Compositions ("dog + beach", "sunset - people") are ranked from the codes alone.
    pairs = [
        (a, b, sign)
        for a in range(len(words))
        for b in range(a + 1, len(words))
        for sign in (1, -1)
    ]
    composed = np.stack([concept_vectors[a] + sign * concept_vectors[b] for a, b, sign in pairs])
    single = np.mean(
        [
            set(searchdata_top) == set(np.argsort(-(vectors @ q))[:K])
            for q, searchdata_top in zip(
                concept_vectors, exact_top(concept_vectors, vectors), strict=True
            )
        ]
    )
    photo_queries = vectors[rng.choice(len(vectors), min(100, len(vectors)), replace=False)]
    print(f"{summary.photos} photos, dimension {embedder.dim}, {os.cpu_count()} cores")
    print(
        f"site generation: {first:.0f} s (peak RSS {peak:.0f} MB); "
        f"again with nothing changed: {second:.0f} s"
    )
    print(f"site size: {size / 1e6:.0f} MB; pictures {summary.photos} x 3 sizes")
    places_page = sum((site / p).stat().st_size for p in ("places.html", "assets/world.js"))
    print(
        f"filters' data {data['facets'] / summary.photos:.1f} bytes per photo; places data "
        f"{data.get('places', 0) / 1e6:.1f} MB for the located half; places page and map "
        f"{places_page / 1e3:.0f} KB"
    )
    print(
        f"search data: {per_photo:.0f} bytes per photo (vectors "
        f"{coded / summary.photos:.0f}{as_lists}, ids and text "
        f"{data['photos'] / summary.photos:.0f}); concepts {data['concepts'] / 1e6:.1f} MB, "
        f"{summary.concepts} entries"
    )
    print(
        f"top-{K} agreement with exact float ranking (target >= 0.95): single concepts "
        f"{single:.3f} (precomputed), compositions of two "
        f"{agreement(projection, vectors, composed):.3f}, more like this "
        f"{agreement(projection, vectors, photo_queries):.3f}"
    )
    if shutil.which("chromium") and shutil.which("chromedriver"):
        load, times = browser_latency(
            site,
            [
                "dog",
                "beach",
                "sunset",
                "red car",
                "snow",
                "birthday cake",
                "bokeh - people",
                "city at night",
            ],
        )
        print(
            f"Chromium: search data loaded and first query in {load:.1f} s; "
            f"query median {np.median(times):.0f} ms, max {max(times):.0f} ms "
            "(target < 100 ms)"
        )
        added, town = place_data_bytes(site)
        print(
            f"place names: {added / summary.photos:.1f} bytes per photo added to the filters' "
            f"data ({added / 1e6:.2f} MB)"
        )
        if town:
            _, where_when = browser_latency(
                site, ["dog", town, f"{town} 2019", "july 2021", f"sunset {town} summer"]
            )
            print(
                f"Chromium: place and date queries ({town!r}, '{town} 2019', 'july 2021', "
                f"'sunset {town} summer') {', '.join(f'{t:.0f}' for t in where_when)} ms "
                "(target < 100 ms)"
            )
        shown, zoom, filtered = places_and_filters(site)
        print(
            f"Chromium: places map ready in {shown:.1f} s, a zoom redrawn in {zoom:.0f} ms; "
            f"a search filtered by camera and dates in {filtered:.0f} ms"
        )


if __name__ == "__main__":
    main()
