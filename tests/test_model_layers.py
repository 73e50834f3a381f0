"""The MLX towers against transformers' outputs, without importing torch on every run.

The same checks as test_embed_parity's tiny models, with the reference checkpoints and their
outputs kept in the temporary folder (keyed by the versions and sources that make them), so
that a mutation tester can run them in a second or two per mutant.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photoseek.embed.embedder import MLXEmbedder
from photoseek.embed.preprocess import to_rgb

from .conftest import clip_vocab
from .kept import kept_folder, kept_key
from .model_inputs import HARD_TEXTS, PARITY, features, sample_images

TESTS = Path(__file__).resolve().parent


def _make(folder: Path, vocab: Path) -> None:
    """The tiny checkpoints, and what transformers makes of the shared inputs with them."""
    import torch
    from transformers import (
        CLIPImageProcessorPil,
        CLIPTokenizer,
        SiglipImageProcessorPil,
        SiglipTokenizer,
    )

    from . import reference_models as ref

    clip = ref.clip_checkpoint(folder / "clip", vocab, ref.CLIP_TINY)
    siglip = ref.siglip_checkpoint(folder / "siglip", ref.SIGLIP_TINY)
    length = siglip.config.text_config.max_position_embeddings
    cases = (
        (clip, folder / "clip", CLIPImageProcessorPil,
         CLIPTokenizer.from_pretrained(str(folder / "clip"))(
             HARD_TEXTS, padding=True, truncation=True, max_length=77, return_tensors="pt")),
        (siglip, folder / "siglip", SiglipImageProcessorPil,
         SiglipTokenizer.from_pretrained(str(folder / "siglip"))(
             HARD_TEXTS, padding="max_length", max_length=length, truncation=True,
             return_tensors="pt")),
    )  # fmt: skip
    for model, where, processor_class, tokens in cases:
        pixels = processor_class.from_pretrained(str(where))(sample_images(), return_tensors="pt")
        with torch.no_grad():
            images = model.get_image_features(pixel_values=pixels["pixel_values"])
            texts = model.get_text_features(input_ids=tokens["input_ids"])
        np.savez(where / "expected.npz", images=features(images), texts=features(texts))


@pytest.fixture(scope="module")
def checkpoints() -> Path:
    vocab = clip_vocab()
    key = kept_key(
        packages=("torch", "transformers"),
        files=[TESTS / "reference_models.py", TESTS / "model_inputs.py",
               vocab / "vocab.json", vocab / "merges.txt"],
    )  # fmt: skip
    return kept_folder(f"photoseek-tests-models-{key}", lambda folder: _make(folder, vocab))


@pytest.mark.parametrize("family", ["clip", "siglip"])
def test_tiny_towers_match_transformers(checkpoints, family):
    embedder = MLXEmbedder("tiny", checkpoints / family)
    expected = np.load(checkpoints / family / "expected.npz")
    prepared = [embedder.prepare_image(to_rgb(image)) for image in sample_images()]
    np.testing.assert_allclose(embedder.embed_prepared(prepared), expected["images"], atol=PARITY)
    np.testing.assert_allclose(embedder.embed_texts(HARD_TEXTS), expected["texts"], atol=PARITY)
