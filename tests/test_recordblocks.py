"""A large gallery's photo records by block, the index of their words and its packed filter
columns (build_site/records.py, build_site/wordindex.py, site/wordindex.js): a search loads
only the shards and blocks it needs, and answers exactly as one file of records does."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
import zlib
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pytest

from photoseek.build_site import datafiles, records, searchlists, wordindex

from .conftest import needs_chromium
from .test_searchlists import _payload, _requested, needs_node, records_of, tiny_clip_galleries

WORDS_JS = Path(__file__).resolve().parents[1] / "site" / "wordindex.js"
CORE = Path(__file__).resolve().parents[1] / "site" / "core.js"

# Texts whose words test the folding and the runs of letters and digits: accents, ß, Greek's
# final sigma, Turkish dotted I, hyphens, apostrophes, digits, CJK, a roman numeral (Nl) and a
# fraction (No).
TRICKY = [
    "Café au lait in Montréal",
    "t-shirt drying · O'Neill's pub",
    "Straße am Meer",
    "Ñandú at the zoo",
    "ΟΔΥΣΣΕΥΣ at İstanbul",
    "IMG_2041.jpg · 2019-05-03",
    "北京 天安门",
    "Ⅻ chapters, ½ price",
    "over-the-top cake for Émilie",
    "red door · haired dog",
]


def test_words_are_runs_of_letters_and_digits_of_the_folded_text():
    assert wordindex.words_of("Café in Montréal") == {"cafe", "in", "montreal"}
    assert wordindex.words_of("t-shirt · O'Neill's") == {"t", "shirt", "o", "neill", "s"}
    assert wordindex.words_of("IMG_2041.jpg") == {"img", "2041", "jpg"}
    assert wordindex.words_of("İstanbul Straße") == {"istanbul", "straße"}
    assert wordindex.words_of("½ Ⅻ") == {"½", "ⅻ"}


def _decoded(files: dict[str, str]) -> dict[str, list[int]]:
    """Each word's photos, read back from the shards as the browser would."""
    found = {}
    for name, text in files.items():
        if not name.startswith("words/"):
            continue
        _, shard = _payload(text)
        data = base64.b64decode(shard["photos"])
        at = 0
        for word, count in zip(shard["words"], shard["counts"], strict=True):
            position, positions = 0, []
            for _ in range(count):
                gap, shift = 0, 0
                while True:
                    byte = data[at]
                    at += 1
                    gap |= (byte & 127) << shift
                    shift += 7
                    if byte < 128:
                        break
                position += gap
                positions.append(position)
            found[word] = positions
        assert at == len(data)
    return found


def test_every_word_lies_in_the_shard_of_the_longest_key_it_starts_with(monkeypatch):
    monkeypatch.setattr(wordindex, "SHARD_WORDS", 3)
    texts = [f"IMG_{n:04d} harbour hare hat" for n in range(40)] + TRICKY + ["a", "ab"]
    files = wordindex.word_files(texts)
    _, manifest = _payload(files["words"])
    keys = manifest["keys"]
    assert keys == sorted(keys) and len(keys) == len(files) - 1
    for number, key in enumerate(keys):
        _, shard = _payload(files[f"words/{number}"])
        for word in shard["words"]:
            home = max((k for k in keys if word.startswith(k)), key=len)
            assert home == key, word
        # A key that split further holds only the word equal to it.
        if any(k != key and k.startswith(key) for k in keys):
            assert shard["words"] == [key]
        assert len(shard["words"]) <= 3 or len(key) == wordindex.DEEPEST
    # The numbers split by digit, deeper than two letters.
    assert any(k.startswith("00") and len(k) > 3 for k in keys)
    expected: dict[str, list[int]] = {}
    for position, text in enumerate(texts):
        for word in wordindex.words_of(text):
            expected.setdefault(word, []).append(position)
    assert _decoded(files) == expected


def test_a_word_held_by_many_photos_far_apart_reads_back_whole():
    texts = ["x"] * 3 + [""] * 20_000 + ["x y"] + [""] * 5 + ["x"]
    assert _decoded(wordindex.word_files(texts)) == {"x": [0, 1, 2, 20_003, 20_009], "y": [20_003]}
    # Gaps at the edges of one byte's seven bits.
    at = [0, 127, 255, 384, 16_767, 16_768 + 16_383]
    texts = ["z" if n in at else "" for n in range(at[-1] + 1)]
    assert _decoded(wordindex.word_files(texts)) == {"z": at}


def test_a_full_shard_stays_whole_and_a_larger_one_splits_a_letter_deeper(monkeypatch):
    monkeypatch.setattr(wordindex, "SHARD_WORDS", 3)
    monkeypatch.setattr(wordindex, "DEEPEST", 4)

    def keys(texts: list[str]) -> list[str]:
        return _payload(wordindex.word_files(texts)["words"])[1]["keys"]

    assert keys(["harbour hare hat"]) == ["ha"]
    assert keys(["harbour hare hat hall"]) == ["hal", "har", "hat"]
    assert keys(["ha harbour hare hat hall"]) == ["ha", "hal", "har", "hat"]
    # Five words alike for six letters: the split stops at the deepest key, four letters.
    assert keys([f"xxxxxx{n}" for n in range(5)]) == ["xxxx"]


def test_record_blocks_slice_every_column():
    columns = {"ids": [f"id{n}" for n in range(10)], "shape": list(range(10))}
    assert records.BLOCK > 3
    old, records.BLOCK = records.BLOCK, 4
    try:
        files = records.record_files(columns)
    finally:
        records.BLOCK = old
    assert _payload(files["photos"])[1] == {"count": 10, "block": 4}
    assert _payload(files["photos/2"])[1] == {"ids": ["id8", "id9"], "shape": [8, 9]}
    assert sorted(files) == ["photos", "photos/0", "photos/1", "photos/2"]
    name, packed = _payload(records.packed("facets/photos", {"taken": [20210612] * 1000}))
    assert name == "facets/photos"
    assert json.loads(zlib.decompress(base64.b64decode(packed["packed"]))) == {
        "taken": [20210612] * 1000
    }
    assert len(packed["packed"]) < 200


def _node(body: str) -> object:
    script = f"""
        const core = require({json.dumps(str(CORE))});
        const words = require({json.dumps(str(WORDS_JS))});
        {body}
    """
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@needs_node
def test_the_browser_splits_text_into_the_words_python_indexed():
    found = _node(f"""
        const texts = {json.dumps(TRICKY)};
        const runs = texts.map((t) => core.folded(t).match(/[\\p{{L}}\\p{{N}}]+/gu));
        console.log(JSON.stringify(runs));
    """)
    for text, runs in zip(TRICKY, found, strict=True):
        assert set(runs) == wordindex.words_of(text), text


def _shard_reader(folder: Path, files: dict[str, str]) -> str:
    """Node code that reads the word files written to `folder` (`read(name)`)."""
    for name, text in files.items():
        (folder / f"{name.replace('/', '-')}.js").write_text(text)
    return f"""
        const loaded = {{}};
        global.photoseekData = (name, payload) => {{ loaded[name] = payload; }};
        const read = (name) => {{
            require({json.dumps(str(folder))} + "/" + name.replace("/", "-") + ".js");
            return loaded[name];
        }};
        const keys = read("words").keys;
        const shard = (n) => words.openShard(read("words/" + n), core.decodeBase64);
    """


@needs_node
def test_the_browser_finds_through_the_shards_every_photo_whose_words_match(tmp_path, monkeypatch):
    monkeypatch.setattr(wordindex, "SHARD_WORDS", 3)
    texts = [f"IMG_{n:04d} harbour" for n in range(30)] + TRICKY + ["a", "ab cd", "hare"]
    files = wordindex.word_files(texts)
    asked = [("h", False), ("ha", False), ("har", False), ("hare", True), ("img", True),
             ("00", False), ("0012", False), ("0012", True), ("a", True), ("a", False),
             ("t", True), ("ca", False), ("zz", False), ("北京", True), ("ⅻ", True)]  # fmt: skip
    found = _node(
        _shard_reader(tmp_path, files)
        + f"""
        const out = {json.dumps(asked)}.map(([run, exact]) => {{
            const numbers = words.shardsFor(keys, run, exact);
            return {{ shards: numbers.length,
                      photos: Array.from(words.runPhotos(numbers.map(shard), run, exact)) }};
        }});
        console.log(JSON.stringify({{ out: out, keys: keys.length }}));
    """
    )
    for (run, exact), got in zip(asked, found["out"], strict=True):
        expected = [
            n
            for n, text in enumerate(texts)
            if any((w == run) if exact else w.startswith(run) for w in wordindex.words_of(text))
        ]
        assert got["photos"] == expected, run
        assert got["shards"] < found["keys"], "never every shard"


@needs_node
def test_every_photo_a_query_matches_is_among_the_index_candidates(tmp_path, monkeypatch):
    monkeypatch.setattr(wordindex, "SHARD_WORDS", 3)
    texts = [f"IMG_{n:04d} harbour" for n in range(30)] + TRICKY
    queries = [*TRICKY, "t-shirt", "o'neill", "o'", "shirt", "img_0012", "café au", "nandu",
               "ha", "har bo", "2019-05", "the", "drying t", "'s", "pub -zoo",
               "ⅻ chap"]  # fmt: skip
    found = _node(
        _shard_reader(tmp_path, wordindex.word_files(texts))
        + f"""
        const texts = {json.dumps(texts)};
        const out = {json.dumps(queries)}.map((q) => {{
            const exact = core.textMatches(texts, q, 1e9, null);
            const runs = words.queryRuns(core.matchWords(q));
            const candidates = runs === null ? null : Array.from(words.intersect(runs.map((r) =>
                words.intersect(r.map(({{ run, exact }}) =>
                    words.runPhotos(words.shardsFor(keys, run, exact).map(shard), run, exact))))));
            return {{ exact: exact, candidates: candidates }};
        }});
        console.log(JSON.stringify(out));
    """
    )
    matched = 0
    for query, got in zip(queries, found, strict=True):
        assert got["candidates"] is not None, query
        assert set(got["exact"]) <= set(got["candidates"]), query
        # Candidates are few beyond the matches: the runs are whole words where they can be.
        assert len(got["candidates"]) <= len(got["exact"]) + 2, query
        matched += len(got["exact"])
    assert matched > 40


# Photos of the gallery below: (caption, people, camera, place) by number; dates a week
# apart, every fifth a favourite.
KYOTO = (35.0116, 135.7681)
PARIS = (48.8584, 2.2945)


def _described(n: int) -> tuple[str, list[str], str | None, tuple[float, float] | None]:
    caption = TRICKY[n % len(TRICKY)] if n % 3 else f"harbour {n} at night"
    people = [["Ana", "Bo"], ["Émilie"], []][n % 3]
    camera = ["X100V", "EOS R6", None][n % 4 % 3]
    place = [KYOTO, PARIS, None, None][n % 4]
    return caption, people, camera, place


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Path:
    """A Takeout dump of 48 pictures with captions, people, cameras, places, dates and
    favourites, embedded by a tiny random-weight CLIP and built with lists of 8 twice: as a
    large gallery (`large`: records by blocks of 8, shards of 4 words, packed filters), and
    with its records, words and filters in one file each (`single`)."""
    import piexif

    from photoseek import samples

    base = tmp_path_factory.mktemp("blocks")
    files = {}
    for n in range(48):
        caption, people, camera, place = _described(n)
        out = io.BytesIO()
        exif = piexif.dump({"0th": {piexif.ImageIFD.Model: camera.encode()}}) if camera else b""
        samples.picture(n, (96, 72)).save(out, "JPEG", exif=exif)
        rel = f"Takeout/Google Photos/Photos from 2019/IMG_{1000 + n}.jpg"
        lat, lon = place or (0.0, 0.0)
        files[rel] = out.getvalue()
        files[rel + ".json"] = samples.sidecar(
            f"IMG_{1000 + n}.jpg", 1_550_000_000 + n * 7 * 86400, description=caption,
            lat=lat, lon=lon, people=people, favorited=n % 5 == 0,
        )  # fmt: skip
    (dump,) = samples.write_zips(base / "zips", files, parts=1)
    build = tiny_clip_galleries(base, [dump])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(searchlists, "SINGLE_FILE_UP_TO", 0)
        patch.setattr(searchlists, "LIST_SIZE", 8)
        patch.setattr(records, "BLOCK", 8)
        patch.setattr(wordindex, "SHARD_WORDS", 4)
        build("large")
        # The same lists, with the records, words and filters in one file each as a small
        # gallery has them: what the large layout must answer alike.
        whole = datafiles.photo_files
        patch.setattr(datafiles, "photo_files", lambda p, f, large: whole(p, f, large=False))
        build("single")
    return base


def _answer(browser, site: Path, text: str, **filters: str) -> tuple[list[str], str]:  # noqa: ANN001
    """The result links and the status line (its time left out) of a search."""
    browser.get((site / "search.html").as_uri() + ("?" + urlencode(filters) if filters else ""))
    links = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "photoseek.search(arguments[0]).then(done, e => done('error: ' + e));",
        text,
    )
    assert isinstance(links, list), links
    status = browser.find_element("id", "status").text
    return links, re.sub(r"\(\d+ ms\)", "", status)


# Searches by words alone, by words and filters, by filters alone, and sorted by date.
SEARCHES = [
    ("harbour", {}),
    ("montreal", {}),
    ("café", {}),
    ("t-shirt", {}),
    ("o'neill", {}),
    ("straße", {}),
    ("nandu", {}),
    ("img_1007", {}),
    ("1003", {}),
    ("北京", {}),
    ("ⅻ", {}),
    ("emilie", {}),
    ("harbour night", {}),
    ("red -door", {}),
    ("harbour", {"camera": "X100V"}),
    ("harbour", {"fav": "1"}),
    ("img", {"person": "Ana", "sort": "old"}),
    ("", {"from": "2019-03-01", "to": "2019-06-30"}),
    ("", {"month": "6,7,8", "camera": "EOS R6"}),
    ("img", {"sort": "new"}),
    ("kyoto", {}),
    ("harbour paris", {}),
    ("a lighthouse on a cliff at dawn", {}),
]


@needs_chromium
def test_a_large_gallery_answers_every_search_as_one_file_of_records_does(browser, sites):
    assert (sites / "large" / "data" / "photos" / "5.js").is_file()
    assert not (sites / "single" / "data" / "photos").exists()
    assert (sites / "large" / "data" / "facets" / "photos.js").is_file()
    counted = 0
    for text, filters in SEARCHES:
        single = _answer(browser, sites / "single", text, **filters)
        assert single[0], (text, filters)
        counted += len(single[0])
        assert _answer(browser, sites / "large", text, **filters) == single, (text, filters)
    assert counted > 300
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


@needs_chromium
def test_a_word_loads_its_shard_and_the_blocks_of_its_matches_only(browser, sites):
    site = sites / "large"
    _, manifest = _payload((site / "data" / "words.js").read_text())
    matched = [i for i, text in enumerate(records_of(site)["text"]) if "Montréal" in text]
    browser.get((site / "search.html").as_uri())
    browser.get_log("performance")
    links, status = _answer(browser, site, "montreal")
    assert len(links) == len(matched) == 3 and status.startswith("3 photos")
    requested = _requested(browser)
    shards = [manifest["keys"][int(n[6:-3])] for n in requested if n.startswith("words/")]
    assert shards == ["mo"]
    blocks = {int(n[7:-3]) for n in requested if re.fullmatch(r"photos/\d+\.js", n)}
    assert blocks == {i // 8 for i in matched} and len(blocks) < 6
    assert "facets/photos.js" not in requested, "no filter, no column of them"


@needs_chromium
def test_a_filter_loads_the_packed_columns_once(browser, sites):
    site = sites / "large"
    browser.get((site / "search.html").as_uri())
    browser.get_log("performance")
    _answer(browser, site, "harbour", camera="X100V")
    assert "facets/photos.js" in _requested(browser)
    _, packed = _payload((site / "data" / "facets" / "photos.js").read_text())
    columns = json.loads(zlib.decompress(base64.b64decode(packed["packed"])))
    assert set(columns) >= {"taken", "rating", "favourite", "camera", "person"}
    assert len(columns["taken"]) == 48 and np.count_nonzero(columns["favourite"]) == 10


def test_the_documented_sizes_hold():
    said = " ".join((Path(__file__).parents[1] / "docs" / "gallery.md").read_text().split())
    for claim, value in (
        ("come in blocks of 256 photos", records.BLOCK),
        ("a shard splitting a letter deeper past 2,048 words", wordindex.SHARD_WORDS),
    ):
        assert claim in said and f"{value:,}" in claim, claim


@needs_chromium
def test_a_browser_that_cannot_inflate_says_what_to_do(browser, sites):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get((sites / "large" / "search.html").as_uri())
    browser.execute_script(
        "delete window.DecompressionStream;"
        "const camera = document.getElementById('filter-form').elements.camera;"
        "camera.value = 'X100V';"
        "camera.dispatchEvent(new Event('change', { bubbles: true }));"
    )
    said = WebDriverWait(browser, 30).until(
        lambda d: "could not be loaded" in (t := d.find_element("id", "status").text) and t
    )
    assert "cannot inflate the gallery's packed data" in said
    assert "a current browser" in said and "whole site was copied" not in said


def test_the_benchmark_reads_the_places_of_either_layout(sites):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_site

    large = bench_site.place_data_bytes(sites / "large")
    assert large == bench_site.place_data_bytes(sites / "single")
    assert large[0] > 0 and large[1]
