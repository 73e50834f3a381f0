"""The browser's search data: Python writes it, the browser code reads the same numbers."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from photoseek import relevance
from photoseek.build_site import searchdata

CORE = Path(__file__).resolve().parents[1] / "site" / "core.js"


def _vectors(count: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    data = rng.standard_normal((count, dim)) * np.linspace(2, 0.1, dim)
    return (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32)


def test_codes_round_trip_and_rank_like_float_vectors():
    vectors = _vectors(2000)
    projection = searchdata.Projection.fit(vectors, high=16, low=32)
    codes = projection.codes(vectors)
    assert codes.shape == (2000, 16 + 16) and projection.row_bytes == 32
    approx = projection.decode(codes) @ projection.queries(vectors[:50]).T
    exact = vectors @ vectors[:50].T
    for column in range(50):
        top_exact = set(np.argsort(-exact[:, column])[:10])
        top_approx = set(np.argsort(-approx[:, column])[:10])
        assert len(top_exact & top_approx) >= 7


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_browser_code_reads_what_python_wrote(tmp_path):
    vectors = _vectors(300, seed=1)
    projection = searchdata.Projection.fit(vectors, high=8, low=24)
    (tmp_path / "vectors.js").write_text(searchdata.photo_vectors_js(projection, vectors))
    query = projection.queries(vectors[7:8])[0]
    script = f"""
        const core = require({json.dumps(str(CORE))});
        let data;
        global.photoseekData = (name, payload) => {{ data = payload; }};
        require({json.dumps(str(tmp_path / "vectors.js"))});
        const codes = core.decodeBase64(data.codes);
        const query = Float32Array.from({json.dumps(query.tolist())});
        const like = core.photoQuery(data, codes, 7);
        console.log(JSON.stringify({{
            ranked: core.rank(query, data, codes, 300),
            like: Array.from(like),
        }}));
    """
    out = json.loads(
        subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout
    )
    expected = projection.decode(projection.codes(vectors)) @ query
    got = np.zeros(300)
    for hit in out["ranked"]:
        got[hit["index"]] = hit["score"]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    assert out["ranked"][0]["index"] == int(np.argmax(expected))
    # "More like this" rebuilds the photo's own query from its codes.
    rebuilt = projection.queries(
        projection.mean
        + (projection.decode(projection.codes(vectors[7:8])) * projection.scales) @ projection.axes
    )[0]
    np.testing.assert_allclose(out["like"], rebuilt, rtol=1e-3, atol=1e-3)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_single_concepts_get_their_exact_best_photos(tmp_path):
    photos = _vectors(500, seed=2)
    concepts = _vectors(20, seed=3)
    projection = searchdata.Projection.fit(photos, high=8, low=8)
    top = searchdata.exact_top(concepts, photos)
    assert top.shape == (20, searchdata.TOP)
    assert list(top[4]) == list(np.argsort(-(photos @ concepts[4]))[: searchdata.TOP])
    texts = [f"concept {i}" for i in range(20)]
    (tmp_path / "concepts.js").write_text(
        searchdata.concepts_js(projection, texts, concepts, ["concept"] * 20, top)
    )
    script = f"""
        const core = require({json.dumps(str(CORE))});
        let data;
        global.photoseekData = (name, payload) => {{ data = payload; }};
        require({json.dumps(str(tmp_path / "concepts.js"))});
        console.log(JSON.stringify(core.conceptTop(data, core.decodeBase64(data.top), 4)));
    """
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [int(i) for i in top[4]]


def test_each_concept_says_how_many_of_its_best_photos_stand_out_of_the_noise():
    rng = np.random.default_rng(7)
    photos = rng.normal(size=(400, 16)).astype(np.float32)
    photos /= np.linalg.norm(photos, axis=1, keepdims=True)
    concept = photos[:3].mean(axis=0)
    concept /= np.linalg.norm(concept)
    # Three photos are close to the concept; the rest are noise around it.
    photos[:3] = 0.2 * photos[:3] + concept
    photos /= np.linalg.norm(photos, axis=1, keepdims=True)
    noise = rng.normal(size=16).astype(np.float32)
    concepts = np.stack([concept, noise / np.linalg.norm(noise)])
    top, strong = searchdata.exact_best(concepts, photos, k=24)
    assert sorted(top[0][:3]) == [0, 1, 2]
    assert list(strong) == [3, 0]
    assert (searchdata.exact_top(concepts, photos, k=24) == top).all()
    scores = concepts @ photos.T
    floors = relevance.strong_threshold(scores)
    middle = np.median(scores, axis=1)
    spread = np.median(np.abs(scores - middle[:, None]), axis=1)
    assert floors == pytest.approx(middle + 3 * 1.4826 * spread)
    # Odd and even counts, as the gallery's strongFloor() takes them.
    assert relevance.strong_threshold(np.array([5.0, 1, 3])) == 3 + 3 * 1.4826 * 2
    assert relevance.strong_threshold(np.array([4.0, 1, 2, 3])) == 2.5 + 3 * 1.4826 * 1
    assert relevance.strong_threshold(np.zeros((2, 0))).tolist() == [np.inf, np.inf]
    _, none = searchdata.exact_best(concepts, photos[:0])
    assert list(none) == [0, 0]


def test_concepts_scored_a_few_at_a_time_find_the_same_best_photos(monkeypatch):
    rng = np.random.default_rng(3)
    photos = rng.normal(size=(500, 16)).astype(np.float32)
    concepts = rng.normal(size=(40, 16)).astype(np.float32)
    whole = searchdata.exact_best(concepts, photos, k=24)
    # 1,500 scores at once: three concepts a step, the last step short.
    monkeypatch.setattr(searchdata, "SCORES_AT_ONCE", 1_500)
    top, strong = searchdata.exact_best(concepts, photos, k=24)
    assert (top == whole[0]).all() and (strong == whole[1]).all()
    scores = concepts @ photos.T
    assert (top[:, 0] == scores.argmax(axis=1)).all() and strong.any()
