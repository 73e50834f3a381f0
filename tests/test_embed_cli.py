"""`photoseek embed`, `search`, `similar` and `export` on a real library and a local checkpoint."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from photoseek import samples
from photoseek.embed import VectorIndex, embed_library, load_embedder
from photoseek.embed.weights import cache_root
from photoseek.library import Library

from . import reference_models as ref
from .conftest import clip_vocab, run_cli


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ckpt") / "tiny-clip"
    ref.clip_checkpoint(folder, clip_vocab(), ref.CLIP_TINY)
    return folder


@pytest.fixture
def library(tmp_path) -> Path:
    folder = tmp_path / "pics"
    folder.mkdir()
    for seed in range(40):
        samples.picture(seed, (160 + seed, 120)).save(folder / f"p{seed:02d}.jpg")
    whole = samples.jpeg_bytes(samples.picture(99))
    (folder / "cut.jpg").write_bytes(whole)
    run_cli("extract", str(folder), "--library", str(tmp_path / "lib"))
    # Cut short after extraction (a disk error, a sync client): embed meets it unreadable.
    (folder / "cut.jpg").write_bytes(whole[: len(whole) // 2])
    return tmp_path / "lib"


def test_embed_search_similar_export(library, checkpoint, tmp_path):
    first = run_cli("embed", "--library", str(library), "--model", str(checkpoint), check=False)
    assert first.returncode == 3, first.stderr
    assert "40 embedded, 0 already embedded, 1 unreadable; 40 photos searchable" in first.stdout
    assert "cut.jpg" in first.stderr
    again = run_cli("embed", "--library", str(library), "--model", str(checkpoint), check=False)
    assert "0 embedded, 40 already embedded, 1 unreadable" in again.stdout
    hits = [
        json.loads(line)
        for line in run_cli(
            "search", "--library", str(library), "a red circle", "--json", "-k", "5"
        ).stdout.splitlines()
    ]
    assert len(hits) == 5
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    target = hits[0]["id"]
    similar = [
        json.loads(line)
        for line in run_cli(
            "similar", "--library", str(library), target[:10], "--json", "-k", "3"
        ).stdout.splitlines()
    ]
    assert len(similar) == 3 and target not in {h["id"] for h in similar}
    out = tmp_path / "vectors.npz"
    run_cli("export", "--library", str(library), "--out", str(out))
    data = np.load(out)
    with Library(library) as lib:
        (key,) = lib.models()
        ids, vectors = lib.vectors(key)
    assert list(data["ids"]) == ids and np.array_equal(data["vectors"], vectors)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    # A second model keeps its own vectors; commands then ask which one to use.
    run_cli("embed", "--library", str(library), "--model", "colour", check=False)
    ambiguous = run_cli("similar", "--library", str(library), target, check=False)
    assert ambiguous.returncode == 1 and "several models" in ambiguous.stderr
    with Library(library) as lib:
        assert set(lib.models().values()) == {24, 152}


def test_embedding_resumes_after_interruption(library, checkpoint):
    embedder = load_embedder(str(checkpoint))

    def stop(done: int) -> None:
        if done >= 16:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        embed_library(library, embedder, batch_size=8, progress=False, on_batch=stop)
    with Library(library) as lib:
        assert len(lib.missing_vectors(embedder.name)) == lib.count() - 16
    summary = embed_library(library, embedder, batch_size=8, progress=False)
    assert (summary.embedded, summary.already) == (24, 16)
    assert [Path(path).name for path, _ in summary.failed] == ["cut.jpg"]


def test_hub_repo_ids_load_from_the_hub_cache_offline(library, checkpoint, tmp_path):
    cache = tmp_path / "hub"
    snapshot = cache / "models--example--tiny-clip" / "snapshots" / ("a" * 40)
    shutil.copytree(checkpoint, snapshot)
    (cache / "models--example--tiny-clip" / "refs").mkdir()
    (cache / "models--example--tiny-clip" / "refs" / "main").write_text("a" * 40)
    env = {**os.environ, "HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}
    result = run_cli(
        "embed", "--library", str(library), "--model", "example/tiny-clip", env=env, check=False
    )
    assert "example/tiny-clip: 40 embedded" in result.stdout, result.stderr
    with Library(library) as lib:
        assert lib.model_info("example/tiny-clip")["folder"] == str(snapshot)
    converted = list(cache_root().rglob("weights.safetensors"))
    assert converted, "weights are converted once and cached"
    before = {p: p.stat().st_mtime_ns for p in converted}
    run_cli("search", "--library", str(library), "dog", env=env)
    assert {p: p.stat().st_mtime_ns for p in cache_root().rglob("weights.safetensors")} == before


def test_missing_model_says_what_to_do(library):
    result = run_cli("embed", "--library", str(library), "--model", "example/not-here", check=False)
    assert result.returncode == 1
    assert "example/not-here" in result.stderr
    assert "--model colour" in result.stderr
    with Library(library) as lib:
        assert lib.models() == {}, "no silent switch to another model"


def test_hnsw_index_agrees_with_exact_search_and_grows(tmp_path):
    folder = tmp_path / "pics"
    folder.mkdir()
    for seed in range(60):
        samples.picture(seed, (64, 48)).save(folder / f"{seed}.png")
    run_cli("extract", str(folder), "--library", str(tmp_path / "lib"))
    embedder = load_embedder("colour")
    embed_library(tmp_path / "lib", embedder, progress=False)
    with Library(tmp_path / "lib") as lib:
        exact = VectorIndex.of_library(lib, "colour")
        approximate = VectorIndex.of_library(lib, "colour", exact_limit=0)
        assert exact.exact and not approximate.exact
        got = approximate.neighbours(5)
        want = exact.neighbours(5)
        agree = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(got, want, strict=True)])
        assert agree >= 0.95
        saved = sorted(p.suffix for p in (lib.root / "index").iterdir())
        assert saved == [".hnsw", ".json"]
    for seed in range(60, 70):
        samples.picture(seed, (64, 48)).save(folder / f"{seed}.png")
    run_cli("extract", str(folder), "--library", str(tmp_path / "lib"))
    embed_library(tmp_path / "lib", embedder, progress=False)
    with Library(tmp_path / "lib") as lib:
        grown = VectorIndex.of_library(lib, "colour", exact_limit=0)
        assert len(grown.labels) == 70
        newest = lib.photo_ids()[-1]
        assert grown.search(grown.vector(newest), 1)[0][0][0] == newest


def test_similar_accepts_a_file_path(library, tmp_path):
    run_cli("embed", "--library", str(library), "--model", "colour", check=False)
    picture = tmp_path / "pics" / "p03.jpg"
    near = run_cli("similar", "--library", str(library), str(picture), "--json", "-k", "2")
    assert len(near.stdout.splitlines()) == 2
    stranger = tmp_path / "elsewhere.jpg"
    stranger.write_bytes(picture.read_bytes())
    missing = run_cli("similar", "--library", str(library), str(stranger), check=False)
    assert missing.returncode == 1 and "is not in" in missing.stderr
