"""The gallery's text tower (site/textmodel.js under node) against transformers.

Checkpoints are random-weight CLIPs and SigLIPs in the real architectures; the browser's
tokenizer must give the reference token ids, its forward pass the reference vectors for
the same (int8) weights, and its quantised weights nearly the float model's vectors.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from transformers import CLIPTokenizer, SiglipTokenizer

from photoseek import samples
from photoseek.build_site.kernels import compile_source
from photoseek.build_site.textmodel import dequantise, export, quantise
from photoseek.embed import load_embedder, text_tower

from . import reference_models as ref
from .conftest import CHROMIUM, DRIVER, clip_vocab, run_cli
from .test_embed_parity import HARD_TEXTS

NODE = shutil.which("node")
SITE = Path(__file__).resolve().parents[1] / "site"
RUNNER = Path(__file__).parent / "js" / "embed_texts.js"
pytestmark = pytest.mark.skipif(not NODE, reason="needs node (.ci/run installs it)")

# Texts in no vocabulary: what a user types into the gallery.
FREE_TEXTS = [
    "two dogs fighting over a tennis ball in the snow",
    "Mount Fuji from a plane",
    "bokeh",
    "a receipt from a café in Zürich, crumpled",
    "the printer is on fire again",
]
# Same weights, different arithmetic (float32 sums in another order, erf and exp from
# other formulas): measured at most 5.7e-7 per component, on every checkpoint and both
# paths; the bound is a few times that (the issue asks 1e-4).
SAME_WEIGHTS = 2e-6
# What int8 weights cost. Measured: cosine at least 0.99978 on the real-size checkpoints at
# the initial scale, 0.99914 on the sharpened tiny ones (32 to 48 wide, far from linear).
# The real-size bound is the target; the tiny one is three times the measured loss.
QUANTISED_COSINE = {"real": 0.999, "tiny": 0.997}


def _reference_ids(kind: str, folder: Path, texts: list[str], length: int) -> list[list[int]]:
    if kind == "clip":
        tokenizer = CLIPTokenizer.from_pretrained(str(folder))
        return [tokenizer(t, truncation=True, max_length=length)["input_ids"] for t in texts]
    tokenizer = SiglipTokenizer.from_pretrained(str(folder))
    return [
        tokenizer(t, padding="max_length", truncation=True, max_length=length)["input_ids"]
        for t in texts
    ]


def _features(model: torch.nn.Module, ids: list[list[int]]) -> np.ndarray:
    rows = []
    with torch.no_grad():
        for row in ids:
            out = model.get_text_features(input_ids=torch.tensor([row]))
            tensor = out if isinstance(out, torch.Tensor) else out.pooler_output
            rows.append(tensor[0].numpy())
    rows = np.array(rows)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _with_gallery_weights(model: torch.nn.Module) -> torch.nn.Module:
    """A copy with the text tower's matrices as the gallery ships them (int8, group scales)."""
    model = copy.deepcopy(model)
    with torch.no_grad():
        for name, param in model.named_parameters():
            text = name.startswith(("text_model.", "text_projection."))
            if text and param.ndim == 2 and "position_embedding" not in name:
                param.copy_(torch.from_numpy(dequantise(*quantise(param.numpy()))))
    return model


def run_node(data: Path, texts: list[str], simd: bool = True) -> dict:
    """Token ids and vectors from the gallery's own code, run by node."""
    args = [NODE, str(RUNNER), str(data)] + ([] if simd else ["--no-simd"])
    done = subprocess.run(
        args, input=json.dumps(texts), capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(done.stdout)


def _tower(kind: str, size: str, folder: Path, act: str | None = None) -> SimpleNamespace:
    if kind == "clip":
        sizes = ref.CLIP_TINY if size == "tiny" else ref.CLIP_B32
        if act:
            sizes = {**sizes, "text_config": {**sizes["text_config"], "hidden_act": act}}
        model = ref.clip_checkpoint(folder / "ckpt", clip_vocab(), sizes, sharp=size == "tiny")
        length = model.config.text_config.max_position_embeddings
    else:
        sizes = ref.SIGLIP_TINY if size == "tiny" else ref.SIGLIP_BASE
        model = ref.siglip_checkpoint(folder / "ckpt", sizes, sharp=size == "tiny")
        length = model.config.text_config.max_position_embeddings
    files = export(text_tower(load_embedder(str(folder / "ckpt"))))
    for name, text in files.files.items():
        path = folder / "data" / f"{name}.js"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return SimpleNamespace(kind=kind, size=size, model=model, folder=folder, length=length)


@pytest.fixture(
    scope="module",
    params=[
        ("clip", "tiny", None),
        # LAION's CLIPs use the exact GELU, which the browser computes through erf.
        ("clip", "tiny", "gelu"),
        ("siglip", "tiny", None),
        pytest.param(("clip", "real", None), marks=pytest.mark.slow),
        pytest.param(("siglip", "real", None), marks=pytest.mark.slow),
    ],
    ids=["clip-tiny", "clip-tiny-exact-gelu", "siglip-tiny", "clip-vit-b32", "siglip-base"],
)
def tower(request, tmp_path_factory) -> SimpleNamespace:
    kind, size, act = request.param
    return _tower(kind, size, tmp_path_factory.mktemp(f"{kind}-{size}"), act)


def test_token_ids_equal_the_reference_tokenizer(tower):
    texts = HARD_TEXTS + FREE_TEXTS
    ours = run_node(tower.folder / "data", texts)["ids"]
    expected = _reference_ids(tower.kind, tower.folder / "ckpt", texts, tower.length)
    for text, got, want in zip(texts, ours, expected, strict=True):
        assert got == want, text


def test_the_same_weights_give_the_reference_vectors(tower):
    texts = FREE_TEXTS + HARD_TEXTS[:8]
    ours = run_node(tower.folder / "data", texts)
    assert ours["simd"], "the WebAssembly kernel must run under node"
    ids = _reference_ids(tower.kind, tower.folder / "ckpt", texts, tower.length)
    expected = _features(_with_gallery_weights(tower.model), ids)
    np.testing.assert_allclose(np.array(ours["vectors"]), expected, atol=SAME_WEIGHTS)
    if tower.size == "tiny":
        # The plain JavaScript path (no WebAssembly SIMD) computes the same sums.
        plain = run_node(tower.folder / "data", texts, simd=False)
        assert not plain["simd"]
        np.testing.assert_allclose(np.array(plain["vectors"]), expected, atol=SAME_WEIGHTS)


def test_int8_weights_keep_the_query_vectors(tower):
    texts = FREE_TEXTS + HARD_TEXTS
    ours = np.array(run_node(tower.folder / "data", texts)["vectors"])
    ids = _reference_ids(tower.kind, tower.folder / "ckpt", texts, tower.length)
    cosine = (ours * _features(tower.model, ids)).sum(axis=1)
    assert cosine.min() >= QUANTISED_COSINE[tower.size], dict(zip(texts, cosine, strict=True))


HARNESS = """<!doctype html><meta charset="utf-8"><title>text model</title>
<script>
window.store = {{}};
function photoseekData(name, payload) {{ store[name] = payload; }}
</script>
<script src="{core}"></script>
<script src="{script}"></script>
{data}
"""


@pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="needs Debian's chromium and its driver")
def test_chromium_gives_the_same_ids_and_vectors(tower, browser):
    """The gallery's code in the browser that runs it: same ids, same vectors as under node."""
    texts = HARD_TEXTS + FREE_TEXTS
    data = tower.folder / "data" / "text"
    names = ["model"] + sorted(p.stem for p in data.glob("part-*.js"))
    page = tower.folder / "harness.html"
    page.write_text(
        HARNESS.format(
            core=(SITE / "core.js").as_uri(),
            script=(SITE / "textmodel.js").as_uri(),
            data="\n".join(f'<script src="data/text/{n}.js"></script>' for n in names),
        )
    )
    browser.get(page.as_uri())
    got = browser.execute_script(
        "const meta = store['text/model'];"
        "const parts = Object.keys(store).filter(k => k.startsWith('text/part-')).sort()"
        "  .map(k => store[k].data);"
        "const model = new PhotoseekText.TextModel(meta, parts);"
        "return {simd: model.simd, ids: arguments[0].map(t => model.tokenizer.encode(t)),"
        "  vectors: arguments[0].map(t => Array.from(model.embed(t)))};",
        texts,
    )
    assert got["simd"]
    assert got["ids"] == _reference_ids(tower.kind, tower.folder / "ckpt", texts, tower.length)
    node = run_node(tower.folder / "data", texts)
    np.testing.assert_allclose(np.array(got["vectors"]), np.array(node["vectors"]), atol=1e-6)


def test_the_shipped_kernel_is_built_from_its_source():
    built = compile_source(SITE / "kernels.wat")
    assert built == (SITE / "kernels.wasm").read_bytes(), (
        "site/kernels.wasm is stale: run python -m photoseek.build_site.kernels"
    )


def test_no_text_model_leaves_it_out_and_a_rebuild_brings_it_back(tmp_path):
    model = tmp_path / "tiny-clip"
    ref.clip_checkpoint(model, clip_vocab(), ref.CLIP_TINY)
    photos = tmp_path / "photos"
    photos.mkdir()
    for i, image in enumerate(samples.demo_pictures(6)):
        image.save(photos / f"IMG_{i}.jpg", quality=85)
    site = tmp_path / "site"
    build = ["build", str(photos), "--out", str(site), "--model", str(model)]

    out = run_cli(*build, "--no-text-model").stdout
    assert "text model" not in out
    assert not (site / "data" / "text").exists() and not (site / "data" / "fine.js").exists()
    search = (site / "search.html").read_text()
    assert "wasm" not in search and "load-model" not in search and "textmodel.js" not in search

    out = run_cli(*build).stdout
    assert re.search(r"text model: [\d.]+ MB", out)
    assert (site / "data" / "text" / "model.js").is_file() and (site / "data" / "fine.js").is_file()
    search = (site / "search.html").read_text()
    assert "script-src 'self' file: 'wasm-unsafe-eval';" in search and 'id="load-model"' in search

    run_cli(*build, "--no-text-model")
    assert not (site / "data" / "text").exists(), "a stale model is removed"


def test_a_tower_the_kernel_cannot_run_is_left_out_with_a_note(tmp_path):
    sizes = {
        **ref.CLIP_TINY,
        "text_config": {**ref.CLIP_TINY["text_config"], "hidden_size": 40},
    }
    model = tmp_path / "odd-clip"
    ref.clip_checkpoint(model, clip_vocab(), sizes)
    photos = tmp_path / "photos"
    photos.mkdir()
    samples.demo_pictures(1)[0].save(photos / "IMG_0.jpg")
    site = tmp_path / "site"
    out = run_cli("build", str(photos), "--out", str(site), "--model", str(model)).stdout
    assert "note: the gallery has no text model: its rows of 40 weights" in out
    assert not (site / "data" / "text").exists()
