"""Florence-2 in MLX against transformers' Florence2ForConditionalGeneration, on random weights
in the real layout: the encoder's output, the decoder's token scores step by step through
the key-value cache, and greedy generation's token ids, picture by picture.

No pretrained Florence-2 can be downloaded here. The weights are drawn larger than
transformers' initialisation, so that different pictures give different, many-token
outputs: at its own small weights every picture gets the same tokens, which would prove
nothing about the picture's way through the model.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from photoseek.embed import describe, florence  # noqa: E402

from .reference_models import FLORENCE_IMAGE_TOKEN as IMAGE_TOKEN  # noqa: E402
from .reference_models import FLORENCE_SIDE as SIDE  # noqa: E402
from .reference_models import FLORENCE_TINY as TINY  # noqa: E402
from .reference_models import florence_processor  # noqa: E402
from .reference_models import florence_reference as reference  # noqa: E402

mx = florence.mx


def pictures(count: int, seed: int = 3) -> np.ndarray:
    """Normalised random pictures with some structure (gradients and blocks)."""
    rng = np.random.default_rng(seed)
    out = rng.normal(0, 0.4, (count, 3, SIDE, SIDE)).astype(np.float32)
    ramp = np.linspace(-1, 1, SIDE, dtype=np.float32)
    for index in range(count):
        out[index] += rng.normal() * ramp[None, None, :] + rng.normal() * ramp[None, :, None]
        top, left = rng.integers(0, SIDE // 2, 2)
        out[index, :, top : top + 20, left : left + 20] += rng.normal(0, 1.5, (3, 1, 1))
    return out


def prompt(count: int) -> np.ndarray:
    """The image tokens, then <s>, a few words' tokens and </s>, as the processor lays out."""
    tokens = [IMAGE_TOKEN] * ((SIDE // 8) ** 2 + 1) + [0, 5, 17, 42, 2]
    return np.array([tokens] * count, dtype=np.int64)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("florence")
    model = reference(folder, TINY)
    ours, decoding = florence.load(folder, max_new_tokens=24)
    return model, ours, decoding


def test_the_encoder_and_each_decoder_step_equal_transformers(tiny):
    model, ours, _ = tiny
    pixels, ids = pictures(2), prompt(2)
    with torch.no_grad():
        expected = model(
            input_ids=torch.from_numpy(ids),
            pixel_values=torch.from_numpy(pixels),
            decoder_input_ids=torch.tensor([[2, 0, 7, 9, 11]] * 2),
        )
    encoded = ours.encode(mx.array(pixels.transpose(0, 2, 3, 1)), mx.array(ids))
    reference_encoded = expected.encoder_last_hidden_state.numpy()
    scale = np.abs(reference_encoded).max()
    assert np.abs(np.array(encoded) - reference_encoded).max() / scale < 2e-5
    # The decoder one token at a time through its cache, as generation runs it.
    state = [
        [c.encoder_keys, c.encoder_values, c.keys, c.values] for c in ours.whole_caches(encoded, 8)
    ]
    steps = []
    for position, token in enumerate([2, 0, 7, 9, 11]):
        step, state = ours.one_step(mx.array([[token]] * 2), mx.array([position]), state)
        steps.append(np.array(step))
    scores = np.concatenate(steps, axis=1)
    reference_scores = expected.logits.numpy()
    assert np.abs(scores - reference_scores).max() / np.abs(reference_scores).max() < 2e-5


def test_greedy_generation_writes_transformers_tokens_for_every_picture(tiny):
    model, ours, decoding = tiny
    pixels, ids = pictures(6, seed=11), prompt(1)
    written = []
    for picture in pixels:
        with torch.no_grad():
            expected = model.generate(
                input_ids=torch.from_numpy(ids),
                pixel_values=torch.from_numpy(picture[None]),
                max_new_tokens=24,
                do_sample=False,
                num_beams=1,
            )[0].tolist()
        tokens = florence.generate(
            ours, mx.array(picture[None].transpose(0, 2, 3, 1)), mx.array(ids), decoding
        )
        assert tokens == expected
        written.append(tuple(tokens))
    # Not degenerate: the pictures get different outputs of many tokens.
    assert len(set(written)) >= 4 and min(len(t) for t in written) >= 6


def test_the_decoding_rules_follow_the_generation_config():
    decoding = florence.Decoding.of(
        {"forced_bos_token_id": 0, "no_repeat_ngram_size": 2, "min_length": 4},
        {"decoder_start_token_id": 2, "eos_token_id": 2, "forced_eos_token_id": 2},
        max_new_tokens=10,
    )
    assert (decoding.start_id, decoding.end_id, decoding.forced_last) == (2, 2, 2)
    scores = mx.array([0.0, 0.0, 1.0, 4.0, 5.0])
    assert florence.choose(scores, [2], decoding) == 0  # forced first
    assert florence.choose(scores, [2, 0, 3] + [1] * 7, decoding) == 2  # forced at the limit
    # "3 4" was written: after a 3, 4 would repeat it, so the next best comes.
    assert florence.choose(scores, [2, 0, 3, 4, 1, 3], decoding) == 3
    assert florence.choose(scores, [2, 0, 3, 1, 3], decoding) == 4
    # The end token waits for the least length (4 tokens), then wins.
    ending = mx.array([0.0, 0.0, 9.0, 1.0, 0.5])
    assert florence.choose(ending, [2, 0, 3], decoding) == 3
    assert florence.choose(ending, [2, 0, 3, 4], decoding) == 2


# Florence-2-base's published sizes (florence-community/Florence-2-base's config.json).
BASE = {
    "vision_config": {
        "depths": [1, 1, 9, 1],
        "embed_dim": [128, 256, 512, 1024],
        "num_heads": [4, 8, 16, 32],
        "num_groups": [4, 8, 16, 32],
        "window_size": 12,
        "projection_dim": 768,
        "drop_path_rate": 0.0,
    },
    "text_config": {
        "vocab_size": 51289,
        "d_model": 768,
        "encoder_layers": 6,
        "decoder_layers": 6,
        "encoder_attention_heads": 12,
        "decoder_attention_heads": 12,
        "encoder_ffn_dim": 3072,
        "decoder_ffn_dim": 3072,
        "max_position_embeddings": 1024,
        "scale_embedding": False,
        "bos_token_id": 0,
        "pad_token_id": 1,
        "eos_token_id": 2,
        "decoder_start_token_id": 2,
        "forced_eos_token_id": 2,
    },
    "image_token_id": 51288,
}


@pytest.mark.slow
def test_florence_2_base_real_architecture(tmp_path):
    model = reference(tmp_path, BASE, seed=1)
    ours, decoding = florence.load(tmp_path, max_new_tokens=12)
    rng = np.random.default_rng(5)
    side = 768
    image_tokens = (side // 32) ** 2 + 1
    ids = np.array([[BASE["image_token_id"]] * image_tokens + [0, 5, 17, 42, 2]])
    for _ in range(2):
        picture = rng.normal(0, 0.8, (1, 3, side, side)).astype(np.float32)
        with torch.no_grad():
            expected = model.generate(
                input_ids=torch.from_numpy(ids),
                pixel_values=torch.from_numpy(picture),
                max_new_tokens=12,
                do_sample=False,
                num_beams=1,
            )[0].tolist()
            reference_encoded = model(
                input_ids=torch.from_numpy(ids), pixel_values=torch.from_numpy(picture)
            ).encoder_last_hidden_state.numpy()
        pixels = mx.array(picture.transpose(0, 2, 3, 1))
        encoded = np.array(ours.encode(pixels, mx.array(ids)))
        error = np.abs(encoded - reference_encoded).max() / np.abs(reference_encoded).max()
        # Measured: 1.9e-6 and 2.5e-6.
        assert error < 1e-5, error
        assert florence.generate(ours, pixels, mx.array(ids), decoding) == expected


@pytest.mark.parametrize("task", list(describe.TASKS))
def test_the_describer_reads_prompt_and_picture_as_transformers_processor(
    tiny, tmp_path_factory, task
):
    from PIL import Image

    model, _, _ = tiny
    folder = tmp_path_factory.mktemp("describer")
    model.save_pretrained(folder)
    processor = florence_processor(folder)
    ours = describe.Describer(str(folder), task, max_new_tokens=24)
    rng = np.random.default_rng(21)
    texts = set()
    for index in range(3):
        picture = Image.fromarray(rng.integers(0, 255, (50 + 9 * index, 70, 3), dtype=np.uint8))
        path = tmp_path_factory.mktemp("pictures") / "p.png"
        picture.save(path)
        made = processor(text=task, images=picture, return_tensors="pt")
        assert ours.prompt == made["input_ids"][0].tolist()
        pixels = ours.preprocess.load(path)
        assert np.abs(pixels - made["pixel_values"][0].numpy().transpose(1, 2, 0)).max() < 1e-5
        with torch.no_grad():
            written = model.generate(**made, max_new_tokens=24, do_sample=False, num_beams=1)
        expected = processor.batch_decode(written, skip_special_tokens=True)[0]
        found = ours.describe_file(path)
        cleaned = "".join(c for c in expected if c.isprintable() or c.isspace())
        assert found.text == " ".join(cleaned.split()) and found.task == task
        texts.add(found.text)
    assert len(texts) == 3 and all(len(text) > 5 for text in texts)


def test_a_batch_writes_for_each_picture_what_it_alone_would_get(tiny):
    import dataclasses

    _, ours, decoding = tiny
    pixels = pictures(5, seed=11).transpose(0, 2, 3, 1)
    ids = prompt(5)

    def alone(rules: florence.Decoding) -> list[list[int]]:
        return [
            florence.generate(ours, mx.array(p[None]), mx.array(ids[:1]), rules) for p in pixels
        ]

    first = alone(decoding)
    # An end token that the first picture writes early, so that rows end at different steps.
    ending = dataclasses.replace(decoding, end_id=first[0][4])
    each = alone(ending)
    assert len({len(tokens) for tokens in each}) > 1
    assert florence.generate_batch(ours, mx.array(pixels), mx.array(ids), ending) == each


def test_the_image_tokens_follow_from_the_vision_tower_when_the_processor_does_not_say(
    tiny, tmp_path
):
    import json

    model, _, _ = tiny
    model.save_pretrained(tmp_path)
    florence_processor(tmp_path)
    said = describe.Describer(str(tmp_path), max_new_tokens=4).prompt
    settings = json.loads((tmp_path / "processor_config.json").read_text())
    del settings["image_processor"]["image_seq_length"]
    (tmp_path / "processor_config.json").write_text(json.dumps(settings))
    derived = describe.Describer(str(tmp_path), max_new_tokens=4).prompt
    # 64 pixels through strides 4 and 2: an 8 x 8 grid, and the mean token.
    assert derived == said and derived.count(IMAGE_TOKEN) == 65
