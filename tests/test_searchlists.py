"""The photo vectors as lists (an inverted file): Python groups and writes them, the browser
code opens the best lists for a query and ranks exactly what one file of codes would."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from photoseek.build_site import searchdata, searchlists

from .conftest import clip_vocab, needs_chromium, requested_urls

CORE = Path(__file__).resolve().parents[1] / "site" / "core.js"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def _blobs(count: int, groups: int, dim: int = 32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors in `groups` tight, well-apart groups, and each one's group."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((groups, dim))
    group = rng.integers(0, groups, count)
    data = centres[group] + 0.05 * rng.standard_normal((count, dim))
    return (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32), group


def _spread(count: int, dim: int = 48, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    data = rng.standard_normal((count, dim)) * np.linspace(2, 0.2, dim)
    return (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32)


def _reach(vectors: np.ndarray, lists: searchlists.PhotoLists, opened: int) -> float:
    """Share of each photo's 20 nearest photos that lie in the `opened` lists its centroid
    order reaches first."""
    scores = vectors @ vectors.T
    near = np.argsort(-scores, axis=1)[:, :20]
    first = np.argsort(-(vectors @ lists.centroids.T), axis=1)[:, :opened]
    return float(
        np.mean([np.isin(lists.of[n], f).mean() for n, f in zip(near, first, strict=True)])
    )


def test_lists_gather_near_photos_and_hold_every_photo_once():
    vectors, _ = _blobs(800, 8)
    lists = searchlists.PhotoLists.fit(vectors, size=100)
    assert lists.centroids.shape == (8, 32)
    assert len(searchlists.PhotoLists.fit(vectors[:701], size=100).centroids) == 8, "rounded up"
    np.testing.assert_allclose(np.linalg.norm(lists.centroids, axis=1), 1, atol=1e-5)
    # A photo's neighbours are in the two lists it reaches first (a group may have been
    # split in two, or two groups joined), where lists drawn at random would hold a quarter.
    assert _reach(vectors, lists, 2) == 1.0
    scattered = searchlists.PhotoLists(
        lists.centroids, np.random.default_rng(0).permutation(lists.of)
    )
    assert _reach(vectors, scattered, 2) < 0.4
    # Every photo sits in the list whose centroid is nearest.
    assert (lists.of == np.argmax(vectors @ lists.centroids.T, axis=1)).all()
    members = lists.members()
    assert sorted(np.concatenate(members).tolist()) == list(range(800))
    assert all((np.diff(m) > 0).all() and (lists.of[m] == n).all() for n, m in enumerate(members))
    again = searchlists.PhotoLists.fit(vectors, size=100)
    assert (again.of == lists.of).all() and (again.centroids == lists.centroids).all()


def test_every_photo_of_a_large_library_goes_to_its_nearest_list():
    # More photos than the nearest-list search takes at once (16,384), twice over.
    vectors = _spread(40_000, dim=8, seed=9)
    lists = searchlists.PhotoLists.fit(vectors, size=4000)
    assert (lists.of == np.argmax(vectors @ lists.centroids.T, axis=1)).all()
    assert np.bincount(lists.of).min() > 0


def test_lists_are_learnt_from_a_sample_when_the_library_is_large(monkeypatch):
    vectors, _ = _blobs(3000, 6, seed=4)
    monkeypatch.setattr(searchlists, "TRAINING_PER_LIST", 40)
    lists = searchlists.PhotoLists.fit(vectors, size=500)
    assert _reach(vectors, lists, 2) == 1.0


def test_gallery_size_decides_the_layout_as_the_documentation_says():
    assert not searchlists.uses_lists(10_000)
    assert searchlists.uses_lists(10_001)
    said = " ".join((Path(__file__).parents[1] / "docs" / "gallery.md").read_text().split())
    for claim, value in (
        ("Above 10,000 photos the codes are not one file", searchlists.SINGLE_FILE_UP_TO),
        ("into lists of about 512", searchlists.LIST_SIZE),
        ("with a sample of 2,048 photos' codes", searchlists.SAMPLE),
        ("until it has scanned 80,000 photos", searchlists.SCAN),
        ("loaded in blocks of 32 photos", searchlists.FINE_BLOCK),
    ):
        assert claim in said and f"{value:,}" in claim, claim
    search = (Path(__file__).parents[1] / "site" / "search.js").read_text()
    assert "const LIST_CANDIDATES = 256;" in search and "its 256 best candidates" in said


def _payload(text: str) -> tuple[str, dict]:
    found = re.fullmatch(r'photoseekData\("([\w/-]+)",(.*)\);\n', text, re.S)
    return found[1], json.loads(found[2])


def records_of(site: Path) -> dict[str, list]:
    """Every photo's record (ids, text, kinds, shape), from one file or the record blocks."""
    _, header = _payload((site / "data" / "photos.js").read_text())
    if "block" not in header:
        return header
    found: dict[str, list] = {}
    for number in range(-(-header["count"] // header["block"])):
        _, part = _payload((site / "data" / "photos" / f"{number}.js").read_text())
        for column, values in part.items():
            found.setdefault(column, []).extend(values)
    return found


def _written(tmp_path: Path, vectors: np.ndarray, size: int) -> tuple:
    projection = searchdata.Projection.fit(vectors, high=12, low=20)
    lists = searchlists.PhotoLists.fit(vectors, size=size)
    data = tmp_path / "data"
    (data / "lists").mkdir(parents=True)
    (data / "fine").mkdir()
    (data / "vectors.js").write_text(searchlists.vectors_js(projection, lists, vectors))
    (data / "single.js").write_text(searchdata.photo_vectors_js(projection, vectors))
    (data / "fine.js").write_text(searchdata.fine_js(projection, vectors))
    names = []
    for name, text in searchlists.list_files(projection, lists, vectors, fine=True):
        assert _payload(text)[0] == name
        (data / f"{name}.js").write_text(text)
        names.append(name)
    return projection, lists, names


def _node(data: Path, body: str) -> object:
    script = f"""
        const core = require({json.dumps(str(CORE))});
        const loaded = {{}};
        global.photoseekData = (name, payload) => {{ loaded[name] = payload; }};
        // A file's payload by the name it gives itself.
        const file = (path, name) => {{
            require({json.dumps(str(data))} + "/" + path);
            return loaded[name];
        }};
        const load = (name) => file(name + ".js", name);
        const vectors = load("vectors");
        const lists = vectors.lists;
        const centroids = core.decodeBase64(lists.centroids);
        const sample = core.decodeBase64(vectors.sample);
        const f = load("fine");
        const fine = {{ dim: f.dim, axes: core.decodeFloats(f.axes),
                        scales: core.decodeFloats(f.scales), codes: core.decodeBase64(f.codes) }};
        const open = (n) => {{
            const p = load("lists/" + n);
            return {{ list: n, positions: core.decodePositions(p.positions),
                      codes: core.decodeBase64(p.codes) }};
        }};
        const residual = (hit, blocks) => {{
            const b = lists.block;
            const p = load("fine/" + blocks[hit.block].list + "-" + Math.floor(hit.row / b));
            return [core.decodeBase64(p.codes), (hit.row % b) * fine.dim,
                    core.decodeFloats(p.scales)[hit.row % b]];
        }};
        {body}
    """
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_without_a_text_model_the_lists_come_without_residuals():
    vectors = _spread(300, seed=5)
    projection = searchdata.Projection.fit(vectors, high=12, low=20)
    lists = searchlists.PhotoLists.fit(vectors, size=40)
    names = [name for name, _ in searchlists.list_files(projection, lists, vectors, fine=False)]
    assert names == ["lists/of", *(f"lists/{n}" for n in range(len(lists.centroids)))]


@needs_node
def test_every_list_opened_ranks_as_one_file_of_codes_does(tmp_path):
    vectors = _spread(600)
    projection, lists, names = _written(tmp_path, vectors, size=50)
    assert names[0] == "lists/of" and len([n for n in names if n.startswith("fine/")]) == sum(
        -(-len(m) // searchlists.FINE_BLOCK) for m in lists.members()
    )
    query = vectors[17] + 0.5 * vectors[300]
    out = _node(
        tmp_path / "data",
        f"""
        const query = Float32Array.from({json.dumps(query.tolist())});
        const coded = core.projectQuery(query, fine);
        const single = file("single.js", "vectors");
        const all = core.rank(coded, single, core.decodeBase64(single.codes), 600);
        const blocks = lists.sizes.map((_, n) => open(n));
        const ranked = core.rankBlocks(coded, vectors, blocks, 600, null, sample);
        const byList = core.refine(query, fine, ranked.slice(0, 80), 24,
                                   (hit) => residual(hit, blocks));
        const byFile = core.refine(query, fine, all.slice(0, 80), 24);
        const of = core.decodeBase64(load("lists/of").lists);
        console.log(JSON.stringify({{
            all: all, ranked: ranked, strongAll: all.strong, strongSample: ranked.strong,
            byList: byList, byFile: byFile,
            of: Array.from({{length: of.length / 2}}, (_, i) => (of[2*i] & 255) | (of[2*i+1] << 8)),
            rows: ranked.map((h) => blocks[h.block].positions[h.row] === h.index),
        }}));
        """,
    )
    assert [h["index"] for h in out["ranked"]] == [h["index"] for h in out["all"]]
    np.testing.assert_allclose(
        [h["score"] for h in out["ranked"]], [h["score"] for h in out["all"]], rtol=1e-6
    )
    assert all(out["rows"])
    # The sample holds every photo here, so the strong floor is the same.
    assert out["strongSample"] == pytest.approx(out["strongAll"])
    assert [h["index"] for h in out["byList"]] == [h["index"] for h in out["byFile"]]
    np.testing.assert_allclose(
        [h["score"] for h in out["byList"]], [h["score"] for h in out["byFile"]], rtol=1e-6
    )
    assert out["of"] == lists.of.tolist()


@needs_node
def test_a_query_opens_the_lists_whose_centroids_it_scores_best(tmp_path):
    vectors = _spread(900, seed=3)
    projection, lists, _ = _written(tmp_path, vectors, size=60)
    query = vectors[5]
    out = _node(
        tmp_path / "data",
        f"""
        const coded = core.projectQuery(Float32Array.from({json.dumps(query.tolist())}), fine);
        const order = core.listOrder(coded, vectors, centroids, lists.scales);
        const first = core.probe(order, lists.sizes, 0, 200);
        const next = core.probe(order, lists.sizes, first.length, 1);
        const blocks = first.map(open);
        const ranked = core.rankBlocks(coded, vectors, blocks, 30, null, sample);
        console.log(JSON.stringify({{ order: order, first: first, next: next, ranked: ranked }}));
        """,
    )
    # The order is by centroid score in code space, best first.
    expected = np.argsort(-((lists.centroids - projection.mean) @ projection.axes.T @
                            projection.axes @ query), kind="stable")  # fmt: skip
    assert out["order"][:5] == expected[:5].tolist()
    sizes = np.bincount(lists.of, minlength=len(lists.centroids))
    held = np.cumsum(sizes[out["order"]])
    # As few lists as hold 200 photos, then one more when one photo is wanted.
    assert len(out["first"]) == int(np.searchsorted(held, 200) + 1)
    assert out["first"] == out["order"][: len(out["first"])]
    assert out["next"] == [out["order"][len(out["first"])]]
    # Only photos of the lists opened are ranked, best first by their codes.
    opened = np.isin(lists.of, out["first"])
    coarse = projection.decode(projection.codes(vectors)) @ projection.queries(query[None])[0]
    coarse[~opened] = -np.inf
    assert [h["index"] for h in out["ranked"]][:10] == np.argsort(-coarse)[:10].tolist()
    assert all(opened[h["index"]] for h in out["ranked"])


def tiny_clip_galleries(base: Path, inputs: list[Path]) -> Callable[[str], None]:
    """Extract `inputs` into base/library and embed it with a tiny random-weight CLIP;
    returns what builds its gallery at base/NAME (one worker, no full sizes)."""
    from photoseek.build_site import SiteOptions, build_site
    from photoseek.embed import embed_library, load_embedder
    from photoseek.extract import extract

    from . import reference_models as ref

    extract(inputs, base / "library", progress=False)
    ref.clip_checkpoint(base / "tiny-clip", clip_vocab(), ref.CLIP_TINY)
    embedder = load_embedder(str(base / "tiny-clip"))
    embed_library(base / "library", embedder, progress=False)
    options = SiteOptions(full_size=False)

    def build(name: str) -> None:
        build_site(base / "library", base / name, embedder, options, progress=False, workers=1)

    return build


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Path:
    """One library of 64 pictures embedded by a tiny random-weight CLIP, built three ways:
    one file of codes (`single`), lists of 8 that a query opens all of (`whole`), and the
    same lists with a scan of 16 photos (`part`)."""
    from photoseek import samples

    base = tmp_path_factory.mktemp("lists")
    pics = base / "pics"
    pics.mkdir()
    for seed in range(64):
        samples.picture(seed, (96, 72)).save(pics / f"p{seed:02d}.jpg")
    build = tiny_clip_galleries(base, [pics])
    build("single")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(searchlists, "SINGLE_FILE_UP_TO", 0)
        patch.setattr(searchlists, "LIST_SIZE", 8)
        patch.setattr(searchlists, "FINE_BLOCK", 4)
        build("whole")
        patch.setattr(searchlists, "SCAN", 16)
        build("part")
    return base


def _search(browser, site: Path, text: str) -> list[str]:  # noqa: ANN001 - a selenium driver
    """The result links of a search typed in the gallery's search page."""
    browser.get((site / "search.html").as_uri())
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "photoseek.search(arguments[0]).then(done, e => done('error: ' + e));",
        text,
    )
    assert isinstance(found, list), found
    return found


def _like(browser, site: Path, index: int) -> list[str]:  # noqa: ANN001
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get((site / "search.html").as_uri() + f"?like={index}")
    WebDriverWait(browser, 30).until(lambda d: "ms)" in d.find_element(By.ID, "status").text)
    return [a.get_attribute("href").rsplit("/", 2)[-2:] for a in browser.find_elements(
        By.CSS_SELECTOR, "#results a")]  # fmt: skip


def _concepts(site: Path) -> list[str]:
    _, concepts = _payload((site / "data" / "concepts.js").read_text())
    return [t for t in concepts["texts"] if t.isalpha()]


@needs_chromium
def test_lists_opened_whole_answer_as_one_file_of_codes_does(browser, sites):
    assert (sites / "whole" / "data" / "lists" / "7.js").is_file()
    assert not (sites / "single" / "data" / "lists").exists()
    words = _concepts(sites / "single")
    for text in (
        "a lighthouse on a cliff at dawn",
        f"{words[0]} + {words[1]}",
        f"{words[2]} - {words[3]}",
    ):
        single = _search(browser, sites / "single", text)
        assert len(single) >= 24, text
        assert _search(browser, sites / "whole", text) == single, text
    single = _like(browser, sites / "single", 5)
    assert len(single) == 63
    assert _like(browser, sites / "whole", 5) == single
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def _requested(browser) -> list[str]:  # noqa: ANN001
    """The data files asked for since the log was last read, under data/."""
    return [url.split("/data/", 1)[1] for url in requested_urls(browser) if "/data/" in url]


@needs_chromium
def test_a_query_loads_only_the_lists_and_residuals_it_needs(browser, sites):
    site = sites / "part"
    photos = records_of(site)
    _, of = _payload((site / "data" / "lists" / "of.js").read_text())
    list_of = np.frombuffer(base64.b64decode(of["lists"]), "<u2")
    position = {sid: i for i, sid in enumerate(photos["ids"])}
    _search(browser, site, "anything")  # the text model, loaded once
    browser.get_log("performance")
    shown = _search(browser, site, "a lighthouse on a cliff at dawn")
    requested = _requested(browser)
    lists = {int(n[len("lists/") : -3]) for n in requested if re.fullmatch(r"lists/\d+\.js", n)}
    # The lists that hold 16 photos or more, of the 8: never all of them.
    assert 1 < len(lists) < 8
    held = np.bincount(list_of)[sorted(lists)].sum()
    assert held >= 16 and held - np.bincount(list_of)[sorted(lists)].min() < 16
    # Every result found by meaning lies in a list that was opened.
    found = [position[re.search(r"photo/(\w+)\.html", h)[1]] for h in shown]
    assert found and all(int(list_of[i]) in lists for i in found)
    blocks = [n for n in requested if n.startswith("fine/")]
    assert blocks and all(int(n[len("fine/") :].split("-")[0]) in lists for n in blocks)
    assert "lists/of.js" not in requested


@needs_chromium
def test_a_single_concept_shows_its_exact_best_then_opens_lists_for_more(browser, sites):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    site = sites / "part"
    word = _concepts(site)[0]
    _, concepts = _payload((site / "data" / "concepts.js").read_text())
    photos = records_of(site)
    at = concepts["texts"].index(word)
    top = np.frombuffer(base64.b64decode(concepts["top"]), np.uint8).reshape(-1, 3)
    top = top[at * concepts["topCount"] : (at + 1) * concepts["topCount"]].astype(np.uint32)
    exact = [photos["ids"][int(p)] for p in top[:, 0] | top[:, 1] << 8 | top[:, 2] << 16]
    browser.get_log("performance")
    shown = _search(browser, site, word)
    assert [re.search(r"photo/(\w+)\.html", h)[1] for h in shown] == exact
    assert not [n for n in _requested(browser) if n.startswith("lists/")]
    more = browser.find_element(By.ID, "more")
    assert more.is_displayed()
    more.click()
    WebDriverWait(browser, 15).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results a")) > len(exact)
    )
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#results a")]
    assert [re.search(r"photo/(\w+)\.html", h)[1] for h in links][: len(exact)] == exact
    assert [n for n in _requested(browser) if n.startswith("lists/")]
