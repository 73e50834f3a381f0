"""Text vectors made once per model and reused by every library: the right vector for each
text, never another model's or tokenizer's, and a broken cache that only costs time."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from photoseek import samples
from photoseek.embed import embed_texts_cached, load_embedder

from . import reference_models as ref
from .conftest import clip_vocab, run_cli

TEXTS = ["a photo of a dog", "a red car", "snow on the mountains", "a birthday cake"]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ckpt") / "tiny-clip"
    ref.clip_checkpoint(folder, clip_vocab(), ref.CLIP_TINY)
    return folder


def _library(folder: Path, seed: int) -> Path:
    pictures = folder / "pictures"
    pictures.mkdir(parents=True)
    samples.picture(seed, (96, 64)).save(pictures / "a.jpg")
    run_cli("extract", str(pictures), "--library", str(folder / "library"))
    return folder / "library"


class Counting:
    """A real embedder that notes which texts it was asked to embed."""

    def __init__(self, embedder) -> None:  # noqa: ANN001 - an Embedder
        self.embedder = embedder
        self.asked: list[str] = []

    def __getattr__(self, name: str):  # noqa: ANN204 - whatever the embedder has
        return getattr(self.embedder, name)

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        self.asked.extend(texts)
        return self.embedder.embed_texts(texts)


def test_a_second_library_reuses_the_models_text_vectors(checkpoint, tmp_path):
    embedder = Counting(load_embedder(str(checkpoint)))
    first = embed_texts_cached(_library(tmp_path / "a", 1), embedder, TEXTS)
    assert sorted(embedder.asked) == sorted(TEXTS)
    embedder.asked.clear()
    second_library = _library(tmp_path / "b", 2)
    texts = [*reversed(TEXTS), "a new word"]
    second = embed_texts_cached(second_library, embedder, texts)
    # Only the text no library had seen is embedded; each kept vector is its own text's.
    assert embedder.asked == ["a new word"]
    fresh = embedder.embedder.embed_texts(texts)
    np.testing.assert_allclose(second, fresh, atol=1e-6)
    np.testing.assert_array_equal(second[:4], first[::-1])
    assert len({tuple(np.round(row, 4)) for row in second}) == len(texts)
    # The second library keeps them too: it needs the model's cache no more.
    embedder.embedder.text_cache.unlink()
    embedder.asked.clear()
    embed_texts_cached(second_library, embedder, texts)
    assert embedder.asked == []


def test_another_tokenizer_or_model_never_reads_these_vectors(checkpoint, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(checkpoint, folder)
    first = load_embedder(str(folder))
    embed_texts_cached(_library(tmp_path / "a", 1), first, TEXTS)
    # The same weights in the same folder, read with another tokenizer setting.
    config = folder / "tokenizer_config.json"
    config.write_text(config.read_text().replace("{", '{"model_max_length": 60, ', 1))
    retokenized = Counting(load_embedder(str(folder)))
    assert retokenized.text_cache.parent == first.text_cache.parent
    assert retokenized.text_cache != first.text_cache
    embed_texts_cached(_library(tmp_path / "b", 2), retokenized, TEXTS)
    assert sorted(retokenized.asked) == sorted(TEXTS)
    # Other weights: another model's folder altogether.
    ref.clip_checkpoint(tmp_path / "other", clip_vocab(), ref.CLIP_TINY, seed=5)
    other = Counting(load_embedder(str(tmp_path / "other")))
    assert other.text_cache.parent != first.text_cache.parent
    embed_texts_cached(_library(tmp_path / "c", 3), other, TEXTS)
    assert sorted(other.asked) == sorted(TEXTS)


@pytest.mark.parametrize("damage", ["unwritable", "not a database"])
def test_a_broken_cache_only_costs_time(checkpoint, tmp_path, damage):
    embedder = Counting(load_embedder(str(checkpoint)))
    expected = embedder.embedder.embed_texts(TEXTS)
    if damage == "unwritable":
        embedder.embedder.text_cache = Path("/proc/photoseek-cannot-write-here/vectors.db")
    else:
        embedder.embedder.text_cache = tmp_path / "vectors.db"
        embedder.embedder.text_cache.write_bytes(b"this is not SQLite" * 100)
    found = embed_texts_cached(_library(tmp_path / "a", 1), embedder, TEXTS)
    np.testing.assert_allclose(found, expected, atol=1e-6)


def test_the_gallerys_text_model_is_made_once_per_model(checkpoint):
    from photoseek.build_site.textmodel import export, export_kept
    from photoseek.embed import text_tower

    embedder = load_embedder(str(checkpoint))
    made = export_kept(embedder)
    assert made.files == export(text_tower(embedder)).files
    kept = list(embedder.text_cache.parent.glob(f"{embedder.text_cache.stem}-gallery-*.json"))
    assert len(kept) == 1
    # What a later build uses is the kept copy: a marked copy comes back marked.
    marked = json.loads(kept[0].read_text())
    marked["text/model"] += "// kept"
    kept[0].write_text(json.dumps(marked))
    assert export_kept(embedder).files["text/model"].endswith("// kept")
    # One cut short is made again.
    kept[0].write_text('{"text/model": "cut sh')
    assert export_kept(embedder).files == made.files


def test_the_cache_file_keeps_many_vectors_and_a_damaged_table_only_costs_time(tmp_path):
    from photoseek.embed.textcache import TextVectorCache

    path = tmp_path / "not" / "made" / "yet" / "vectors.db"
    texts = [f"text {i}" for i in range(1234)]
    vectors = np.random.default_rng(1).standard_normal((len(texts), 8)).astype(np.float32)
    cache = TextVectorCache(path)
    cache.put(texts, vectors)
    found = cache.get(texts[::-1])
    assert len(found) == len(texts)
    assert all(np.array_equal(found[t], vectors[i]) for i, t in enumerate(texts))
    # Another program drops its table while it is open: answers are empty, writes vanish.
    with sqlite3.connect(path) as other:
        other.execute("DROP TABLE vectors")
    assert cache.get(texts) == {}
    cache.put(texts[:2], vectors[:2])
    cache.close()
    cache.close()
