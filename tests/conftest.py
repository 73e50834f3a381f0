"""Shared fixtures: sample inputs written from the format descriptions, and the real data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def clip_vocab() -> Path:
    """The real CLIP vocabulary, or on a clone without ../shared one learned here."""
    from .clip_vocab import real_or_generated

    return real_or_generated()


def run_cli(
    *args: str, cwd: Path | None = None, check: bool = True, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the real `photoseek` command in a child process, as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "photoseek", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"photoseek {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def machine_without(module: str, folder: Path) -> tuple[dict, Path]:
    """An environment in which `module` cannot be imported (a machine without the extra that
    brings it), and a library of one picture made in `folder`."""
    blocker = folder / "blocker"
    blocker.mkdir()
    (blocker / f"{module}.py").write_text(f"raise ImportError('no {module} here')\n")
    env = {**os.environ, "PYTHONPATH": str(blocker), "HF_HUB_OFFLINE": "1"}
    inputs = folder / "in"
    inputs.mkdir()
    from PIL import Image

    Image.new("RGB", (64, 48), "red").save(inputs / "a.jpg")
    run_cli("extract", str(inputs), "--library", str(folder / "library"))
    return env, inputs


def rated_inputs(folder: Path) -> list[str]:
    """Four rated Lightroom photos of a harbour (X100V, X100V, EOS R6, no camera; 5, 3, 5 and
    0 stars; 1 to 4 May 2019), and a Takeout favourite of Ana and Bo: build SOURCES."""
    from photoseek import samples

    pictures = [samples.picture(i, (300, 200)) for i in range(4)]
    images = [
        samples.CatalogImage(samples.sample_uuid(i), samples.sample_digest(i), f"IMG_{i}",
                             capture_time=f"2019-05-0{i + 1}T10:00:00", caption=f"harbour {i}",
                             rating=[5, 3, 5, 0][i], camera=["X100V", "X100V", "EOS R6", None][i])
        for i in range(4)
    ]  # fmt: skip
    lrdata = samples.lightroom_catalog(folder / "lr", "Cat", images, pictures)
    zips = samples.write_zips(folder / "zips", {
        "Takeout/Google Photos/Photos from 2019/a.jpg": samples.jpeg_bytes(samples.picture(9)),
        "Takeout/Google Photos/Photos from 2019/a.jpg.json": samples.sidecar(
            "a.jpg", 1560000000, description="harbour", people=["Ana", "Bo"], favorited=True),
    }, parts=1)  # fmt: skip
    return [str(lrdata), *map(str, zips)]


def two_reds(folder: Path) -> Path:
    """Forty pictures in greens, blues and greys, none of them red, and two solid red ones
    (solid-a.jpg dated 12 June 2021, solid-b.jpg undated): "red" has two strong matches."""
    import random

    import piexif
    from PIL import Image

    folder.mkdir(parents=True)
    rng = random.Random(3)
    for n in range(40):
        image = Image.new("RGB", (64, 48), (rng.randrange(60), rng.randrange(80, 200), 150))
        image.paste((rng.randrange(40), 90, rng.randrange(120, 250)), (0, 0, 32, 24))
        image.save(folder / f"p{n:03d}.jpg")
    exif = piexif.dump({"Exif": {piexif.ExifIFD.DateTimeOriginal: b"2021:06:12 10:00:00"}})
    Image.new("RGB", (64, 48), (220, 10, 10)).save(folder / "solid-a.jpg", exif=exif)
    Image.new("RGB", (64, 48), (230, 20, 15)).save(folder / "solid-b.jpg")
    return folder


def pictures(folder: Path, count: int, size: tuple[int, int] = (48, 32)) -> Path:
    """A new folder of `count` generated pictures, p000.jpg onwards (seeds 0 onwards)."""
    from photoseek import samples

    folder.mkdir(parents=True)
    for seed in range(count):
        samples.picture(seed, size).save(folder / f"p{seed:03d}.jpg", quality=80)
    return folder


def ls_json(library: Path) -> list[dict]:
    """The library as `photoseek ls --json` prints it."""
    out = run_cli("ls", "--library", str(library), "--json").stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture(autouse=True, scope="session")
def _private_caches(tmp_path_factory):
    """Converted weights and hub files go to a temporary folder, never the user's cache."""
    patch = pytest.MonkeyPatch()
    patch.setenv("PHOTOSEEK_CACHE", str(tmp_path_factory.mktemp("photoseek-cache")))
    patch.setenv("HF_HUB_OFFLINE", "1")
    yield
    patch.undo()


@pytest.fixture
def shared_photos() -> list[Path]:
    """The 200 real photos, or a skip saying why they are missing."""
    folder = SHARED_DATA / "photos"
    if not folder.is_dir():
        pytest.skip(f"real photos not found at {folder} (only present in the project's workspace)")
    return sorted(folder.iterdir())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true a skipped test fails the run: CI has everything every test needs."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        reporter.write_line(f"CI=true: {len(skipped)} tests were skipped; every test must run")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
needs_chromium = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


def requested_urls(driver) -> list[str]:  # noqa: ANN001 - a selenium driver
    """Every address the browser asked for since the performance log was last read."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def located_takeout(folder: Path, spots: dict[str, tuple[float, float]]) -> list[Path]:
    """A Takeout zip of one photo per spot, named after it and taken there, and one more
    (home.jpg) at 0, 0: no place."""
    from photoseek import samples

    files = {}
    for i, (name, (lat, lon)) in enumerate([*spots.items(), ("home", (0.0, 0.0))]):
        rel = f"Takeout/Google Photos/Photos from 2022/{name}.jpg"
        files[rel] = samples.jpeg_bytes(samples.picture(i))
        files[rel + ".json"] = samples.sidecar(f"{name}.jpg", 1650000000 + i, lat=lat, lon=lon)
    return samples.write_zips(folder / "zips", files, parts=1)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium with its console and network logs, one per test module."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(driver) -> list[tuple[str, int, str]]:  # noqa: ANN001 - a selenium driver
    """axe-core's WCAG 2.2 A/AA violations on the page the driver shows: (rule, nodes, first)."""
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE} (npm install --prefix tests/js)")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => [v.id, v.nodes.length,"
        " v.nodes[0].target.join(' ')])), e => done([['axe failed', 0, String(e)]]));",
        WCAG,
    )
    return [tuple(v) for v in found]


def mount(*args: str) -> None:
    """Mount as root does; the tests that need real read-only media or a full disk use it."""
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip()}); needs root")


@contextmanager
def read_only_media(folder: Path, media: Path) -> Iterator[Path]:
    """`folder` seen at `media` through a real read-only mount.

    Unmounted afterwards; if anything photoseek opened still holds it, the mount is detached
    anyway (so that no failure leaks one) and the test fails.
    """
    media.mkdir()
    mount("--bind", str(folder), str(media))
    try:
        mount("-o", "remount,ro,bind", str(media))
        yield media
    finally:
        unmounted = subprocess.run(["umount", str(media)], capture_output=True, check=False)
        if unmounted.returncode != 0:
            subprocess.run(["umount", "--lazy", str(media)], check=False)
    assert unmounted.returncode == 0, unmounted.stderr


def processes_naming(text: str) -> list[str]:
    """The ids of running processes whose command line holds `text`."""
    alive = []
    for proc in Path("/proc").iterdir():
        try:
            if text.encode() in (proc / "cmdline").read_bytes():
                alive.append(proc.name)
        except OSError:
            continue
    return alive


def open_files_under(folder: Path) -> list[str]:
    """The files below `folder` this process holds open."""
    held = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            held.append(target)
    return held
