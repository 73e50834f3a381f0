"""MLX towers, tokenizers and preprocessing against transformers on random-weight checkpoints."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import piexif
import pytest
import torch
from PIL import Image, ImageOps
from transformers import (
    CLIPImageProcessorPil,
    CLIPTokenizer,
    SiglipImageProcessorPil,
    SiglipTokenizer,
)

from photoseek import samples
from photoseek.embed.embedder import MLXEmbedder
from photoseek.embed.preprocess import to_rgb
from photoseek.embed.tokenizer import ClipTokenizer

from . import reference_models as ref
from .clip_vocab import generated as generated_vocab
from .conftest import clip_vocab
from .model_inputs import HARD_TEXTS, PARITY, features, sample_images


@pytest.mark.parametrize("which", ["real or generated", "generated"])
def test_clip_tokens_match_reference_on_hard_strings(which):
    vocab = clip_vocab() if which == "real or generated" else generated_vocab()
    ours = ClipTokenizer(vocab)
    reference = CLIPTokenizer.from_pretrained(str(vocab))
    expected = reference(HARD_TEXTS, padding=True, max_length=77, truncation=True)
    assert ours(HARD_TEXTS).tolist() == expected["input_ids"]
    assert ours(["a dog"]).tolist() == [reference("a dog")["input_ids"]]


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-clip")
    return folder, ref.clip_checkpoint(folder, clip_vocab(), ref.CLIP_TINY)


@pytest.fixture(scope="module")
def tiny_siglip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-siglip")
    return folder, ref.siglip_checkpoint(folder, ref.SIGLIP_TINY)


def _check_images(embedder: MLXEmbedder, model, processor) -> None:  # noqa: ANN001
    images = sample_images()
    ours = [embedder.prepare_image(to_rgb(image)) for image in images]
    pixels = processor(images, return_tensors="pt")["pixel_values"]
    np.testing.assert_allclose(np.stack(ours), pixels.permute(0, 2, 3, 1).numpy(), atol=1e-5)
    with torch.no_grad():
        expected = features(model.get_image_features(pixel_values=pixels))
    np.testing.assert_allclose(embedder.embed_prepared(ours), expected, atol=PARITY)


def test_tiny_clip_matches_transformers(tiny_clip):
    folder, model = tiny_clip
    embedder = MLXEmbedder("tiny", folder)
    _check_images(embedder, model, CLIPImageProcessorPil.from_pretrained(str(folder)))
    tokens = CLIPTokenizer.from_pretrained(str(folder))(
        HARD_TEXTS, padding=True, truncation=True, max_length=77, return_tensors="pt"
    )
    with torch.no_grad():
        expected = features(model.get_text_features(**tokens))
    np.testing.assert_allclose(embedder.embed_texts(HARD_TEXTS), expected, atol=PARITY)


def test_a_clone_without_shared_data_learns_a_vocabulary_the_models_read_alike(tmp_path):
    """The generated vocabulary is what a clone without ../shared runs the CLIP tests on."""
    model = ref.clip_checkpoint(tmp_path, generated_vocab(), ref.CLIP_TINY)
    # End of text is the vocabulary's last id, and the model pools there, as in the real one.
    assert model.config.text_config.eos_token_id == model.config.text_config.vocab_size - 1
    tokens = CLIPTokenizer.from_pretrained(str(tmp_path))(
        HARD_TEXTS, padding=True, truncation=True, max_length=77, return_tensors="pt"
    )
    with torch.no_grad():
        expected = features(model.get_text_features(**tokens))
    embedder = MLXEmbedder("tiny", tmp_path)
    np.testing.assert_allclose(embedder.embed_texts(HARD_TEXTS), expected, atol=PARITY)


def test_tiny_siglip_matches_transformers(tiny_siglip):
    folder, model = tiny_siglip
    embedder = MLXEmbedder("tiny", folder)
    _check_images(embedder, model, SiglipImageProcessorPil.from_pretrained(str(folder)))
    length = model.config.text_config.max_position_embeddings
    tokens = SiglipTokenizer.from_pretrained(str(folder))(
        HARD_TEXTS, padding="max_length", max_length=length, truncation=True, return_tensors="pt"
    )
    assert embedder.tokenizer(HARD_TEXTS).tolist() == tokens["input_ids"].tolist()
    with torch.no_grad():
        expected = features(model.get_text_features(input_ids=tokens["input_ids"]))
    np.testing.assert_allclose(embedder.embed_texts(HARD_TEXTS), expected, atol=PARITY)


def test_exif_orientation_is_applied_before_everything(tiny_clip):
    folder, _ = tiny_clip
    embedder = MLXEmbedder("tiny", folder)
    image = samples.picture(8, (320, 160))
    exif = piexif.dump({"0th": {piexif.ImageIFD.Orientation: 6}})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif)
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(buffer.getvalue())))
    assert upright.size == (160, 320)
    np.testing.assert_allclose(
        embedder.preprocess.load(buffer.getvalue(), draft=False),
        embedder.prepare_image(upright),
        atol=1e-6,
    )


def test_draft_decoding_stays_close_to_full_decoding(tmp_path, shared_photos):
    # Sharpened random weights amplify pixel noise far beyond a trained model's.
    ref.clip_checkpoint(tmp_path, clip_vocab(), ref.CLIP_TINY, sharp=False)
    embedder = MLXEmbedder("tiny", tmp_path)
    large = [p for p in shared_photos if Image.open(p).width >= 4 * 64][:20]
    assert large
    exact = np.stack([embedder.preprocess.load(p, draft=False) for p in large])
    fast = np.stack([embedder.preprocess.load(p, draft=True) for p in large])
    assert np.abs(exact - fast).mean() < 0.05
    cosines = (embedder.embed_prepared(list(exact)) * embedder.embed_prepared(list(fast))).sum(1)
    assert cosines.min() > 0.98


def _real_size_parity(folder: Path, model, processor_class, tokenizer_kwargs) -> None:  # noqa: ANN001
    embedder = MLXEmbedder("real-size", folder)
    images = sample_images()[:4]
    processor = processor_class.from_pretrained(str(folder))
    pixels = processor(images, return_tensors="pt")["pixel_values"]
    ours = [embedder.prepare_image(to_rgb(image)) for image in images]
    with torch.no_grad():
        expected = features(model.get_image_features(pixel_values=pixels))
    np.testing.assert_allclose(embedder.embed_prepared(ours), expected, atol=PARITY)
    texts = HARD_TEXTS[:6]
    tokens = tokenizer_kwargs["tokenizer"](texts, **tokenizer_kwargs["options"])
    with torch.no_grad():
        expected = features(model.get_text_features(input_ids=tokens["input_ids"]))
    np.testing.assert_allclose(embedder.embed_texts(texts), expected, atol=PARITY)


@pytest.mark.slow
def test_clip_vit_b32_real_architecture(tmp_path):
    model = ref.clip_checkpoint(tmp_path, clip_vocab(), ref.CLIP_B32)
    assert model.config.vision_config.num_hidden_layers == 12
    _real_size_parity(
        tmp_path,
        model,
        CLIPImageProcessorPil,
        {
            "tokenizer": CLIPTokenizer.from_pretrained(str(tmp_path)),
            "options": {
                "padding": True,
                "truncation": True,
                "max_length": 77,
                "return_tensors": "pt",
            },
        },
    )


@pytest.mark.slow
def test_siglip_base_real_architecture(tmp_path):
    model = ref.siglip_checkpoint(tmp_path, ref.SIGLIP_BASE)
    assert model.config.vision_config.patch_size == 16
    _real_size_parity(
        tmp_path,
        model,
        SiglipImageProcessorPil,
        {
            "tokenizer": SiglipTokenizer.from_pretrained(str(tmp_path)),
            "options": {
                "padding": "max_length",
                "max_length": 64,
                "truncation": True,
                "return_tensors": "pt",
            },
        },
    )
