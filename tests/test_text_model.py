"""The gallery's text tower (site/textmodel.js under node) against transformers.

Checkpoints are random-weight CLIPs and SigLIPs in the real architectures; the browser's
tokenizer must give the reference token ids, its forward pass the reference vectors for
the same (int8) weights, and its quantised weights nearly the float model's vectors.

Each tower's exported files and transformers' answers are kept in the temporary folder,
keyed by the versions and sources that make them, so that a run (a mutation tester's, one
per mutant of textmodel.js) takes seconds and never imports torch.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np
import pytest

from photoseek import samples
from photoseek.build_site.kernels import compile_source

from .conftest import CHROMIUM, DRIVER, clip_vocab, run_cli
from .kept import kept_folder, kept_key
from .model_inputs import HARD_TEXTS

if TYPE_CHECKING:
    import torch

NODE = shutil.which("node")
ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
RUNNER = Path(__file__).parent / "js" / "embed_texts.js"
pytestmark = pytest.mark.skipif(not NODE, reason="needs node (.ci/run installs it)")

# Texts in no vocabulary: what a user types into the gallery.
FREE_TEXTS = [
    "two dogs fighting over a tennis ball in the snow",
    "Mount Fuji from a plane",
    "bokeh",
    "a receipt from a café in Zürich, crumpled",
    "the printer is on fire again",
    # Bytes byte-level BPE spells with stand-ins (0xA1, 0xAD) or as themselves (0xAC); a
    # vertical tab, which Python counts as a space; a character NFKC turns into a space.
    "Málaga ¬ soft\u00adhyphen",
    "vertical\x0btab",
    "an umlaut ¨ alone",
]
TEXTS = FREE_TEXTS + HARD_TEXTS
# Same weights, different arithmetic (float32 sums in another order, erf and exp from
# other formulas): measured at most 9.2e-7 per component, on every checkpoint and both
# paths; the bound is about twice that (the issue asks 1e-4).
SAME_WEIGHTS = 2e-6
# What int8 weights cost. Measured: cosine at least 0.99978 on the real-size checkpoints at
# the initial scale, 0.99914 on the sharpened tiny ones (32 to 48 wide, far from linear).
# The real-size bound is the target; the tiny one is three times the measured loss.
QUANTISED_COSINE = {"real": 0.999, "tiny": 0.997}
# What makes a tower's kept files: the reference side, and photoseek's export of the weights.
SOURCES = [
    Path(__file__),
    Path(__file__).parent / "reference_models.py",
    Path(__file__).parent / "model_inputs.py",
    *sorted((ROOT / "embed").glob("*.py")),
    ROOT / "build_site" / "textmodel.py",
    SITE / "kernels.wasm",
]


def _reference_ids(kind: str, folder: Path, length: int) -> list[list[int]]:
    from transformers import CLIPTokenizer, SiglipTokenizer

    if kind == "clip":
        tokenizer = CLIPTokenizer.from_pretrained(str(folder))
        return [tokenizer(t, truncation=True, max_length=length)["input_ids"] for t in TEXTS]
    tokenizer = SiglipTokenizer.from_pretrained(str(folder))
    return [
        tokenizer(t, padding="max_length", truncation=True, max_length=length)["input_ids"]
        for t in TEXTS
    ]


def _features(model: torch.nn.Module, ids: list[list[int]]) -> np.ndarray:
    import torch

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
    import copy

    import torch

    from photoseek.build_site.textmodel import dequantise, quantise

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


def _make_tower(folder: Path, kind: str, size: str, variant: str | None) -> None:
    """The gallery's files for a random-weight tower, and transformers' ids and vectors.

    `variant` is a CLIP's activation, or "cased" for a SigLIP tokenizer that keeps case.
    """
    from photoseek.build_site.textmodel import export
    from photoseek.embed import load_embedder, text_tower

    from . import reference_models as ref

    checkpoint = folder / "checkpoint"
    if kind == "clip":
        sizes = ref.CLIP_TINY if size == "tiny" else ref.CLIP_B32
        if variant:
            sizes = {**sizes, "text_config": {**sizes["text_config"], "hidden_act": variant}}
        model = ref.clip_checkpoint(checkpoint, clip_vocab(), sizes, sharp=size == "tiny")
    else:
        sizes = ref.SIGLIP_TINY if size == "tiny" else ref.SIGLIP_BASE
        model = ref.siglip_checkpoint(checkpoint, sizes, sharp=size == "tiny")
        if variant == "cased":
            config = checkpoint / "tokenizer_config.json"
            cased = {**json.loads(config.read_text()), "do_lower_case": False}
            config.write_text(json.dumps(cased))
    files = export(text_tower(load_embedder(str(checkpoint))))
    for name, text in files.files.items():
        path = folder / "data" / f"{name}.js"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    ids = _reference_ids(kind, checkpoint, model.config.text_config.max_position_embeddings)
    (folder / "ids.json").write_text(json.dumps(ids))
    np.savez(
        folder / "vectors.npz",
        gallery_weights=_features(_with_gallery_weights(model), ids),
        float_weights=_features(model, ids),
    )
    # The checkpoint is large at real size, and nothing reads it again.
    shutil.rmtree(checkpoint)


@pytest.fixture(
    scope="module",
    params=[
        ("clip", "tiny", None),
        # LAION's CLIPs use the exact GELU, which the browser computes through erf.
        ("clip", "tiny", "gelu"),
        ("clip", "tiny", "relu"),
        ("siglip", "tiny", None),
        ("siglip", "tiny", "cased"),
        pytest.param(("clip", "real", None), marks=pytest.mark.slow),
        pytest.param(("siglip", "real", None), marks=pytest.mark.slow),
    ],
    ids=[
        "clip-tiny",
        "clip-tiny-exact-gelu",
        "clip-tiny-relu",
        "siglip-tiny",
        "siglip-tiny-cased",
        "clip-vit-b32",
        "siglip-base",
    ],
)
def tower(request) -> SimpleNamespace:
    return kept_tower(*request.param)


def kept_tower(kind: str, size: str, variant: str | None) -> SimpleNamespace:
    """A tower's files and references, made once (see _make_tower) and kept."""
    vocab = clip_vocab()
    key = kept_key(
        kind,
        size,
        variant,
        packages=("torch", "transformers"),
        files=[*SOURCES, vocab / "vocab.json", vocab / "merges.txt"],
    )
    folder = kept_folder(
        f"photoseek-tests-textmodel-{key}", lambda made: _make_tower(made, kind, size, variant)
    )
    with np.load(folder / "vectors.npz") as vectors:
        return SimpleNamespace(
            kind=kind,
            size=size,
            data=folder / "data",
            ids=json.loads((folder / "ids.json").read_text()),
            gallery_weights=vectors["gallery_weights"],
            float_weights=vectors["float_weights"],
        )


def test_token_ids_equal_the_reference_tokenizer(tower):
    ours = run_node(tower.data, TEXTS)["ids"]
    for text, got, want in zip(TEXTS, ours, tower.ids, strict=True):
        assert got == want, text


def test_the_same_weights_give_the_reference_vectors(tower):
    some = len(FREE_TEXTS) + 8
    ours = run_node(tower.data, TEXTS[:some])
    assert ours["simd"], "the WebAssembly kernel must run under node"
    expected = tower.gallery_weights[:some]
    np.testing.assert_allclose(np.array(ours["vectors"]), expected, atol=SAME_WEIGHTS)
    if tower.size == "tiny":
        # The plain JavaScript path (no WebAssembly SIMD) computes the same sums.
        plain = run_node(tower.data, TEXTS[:some], simd=False)
        assert not plain["simd"]
        np.testing.assert_allclose(np.array(plain["vectors"]), expected, atol=SAME_WEIGHTS)


def test_int8_weights_keep_the_query_vectors(tower):
    ours = np.array(run_node(tower.data, TEXTS)["vectors"])
    cosine = (ours * tower.float_weights).sum(axis=1)
    assert cosine.min() >= QUANTISED_COSINE[tower.size], dict(zip(TEXTS, cosine, strict=True))


def test_model_data_cut_short_or_an_unknown_activation_is_refused(tmp_path):
    data = shutil.copytree(kept_tower("siglip", "tiny", None).data, tmp_path / "data")
    model = data / "text" / "model.js"
    text = model.read_text()
    model.write_text(text.replace('"activation":"gelu_tanh"', '"activation":"swish"'))
    with pytest.raises(subprocess.CalledProcessError) as caught:
        run_node(data, ["a"])
    assert "Error: unknown activation swish" in caught.value.stderr
    model.write_text(text)
    part = data / "text" / "part-000.js"
    payload = re.search(r'"data":"([^"]*)"', part.read_text()).group(1)
    kept = len(payload) // 8 * 4
    part.write_text(part.read_text().replace(payload, payload[:kept]))
    size = json.loads(text[text.index("{") : text.rindex("}") + 1])["bytes"]
    with pytest.raises(subprocess.CalledProcessError) as caught:
        run_node(data, ["a"])
    assert f"text model data is incomplete: {kept // 4 * 3} of {size} bytes" in caught.value.stderr


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
def test_chromium_gives_the_same_ids_and_vectors(tower, browser, tmp_path):
    """The gallery's code in the browser that runs it: same ids, same vectors as under node."""
    data = tower.data / "text"
    scripts = [data / "model.js", *sorted(data.glob("part-*.js"))]
    page = tmp_path / "harness.html"
    page.write_text(
        HARNESS.format(
            core=(SITE / "core.js").as_uri(),
            script=(SITE / "textmodel.js").as_uri(),
            data="\n".join(f'<script src="{path.as_uri()}"></script>' for path in scripts),
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
        TEXTS,
    )
    assert got["simd"]
    assert got["ids"] == tower.ids
    node = run_node(tower.data, TEXTS)
    np.testing.assert_allclose(np.array(got["vectors"]), np.array(node["vectors"]), atol=1e-6)


def test_the_shipped_kernel_is_built_from_its_source():
    built = compile_source(SITE / "kernels.wat")
    assert built == (SITE / "kernels.wasm").read_bytes(), (
        "site/kernels.wasm is stale: run python -m photoseek.build_site.kernels"
    )


def test_no_text_model_leaves_it_out_and_a_rebuild_brings_it_back(tmp_path):
    from . import reference_models as ref

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
    from . import reference_models as ref

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
