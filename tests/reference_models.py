"""Reference checkpoints made by transformers with random weights, for parity tests and demos.

No pretrained weights can be downloaded here, so the real architectures are
built from their published configs with random weights, saved exactly as the
hub would serve them, and loaded back through photoseek's own loader.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from transformers import (
    CLIPConfig,
    CLIPImageProcessorPil,
    CLIPModel,
    CLIPTokenizer,
    SiglipConfig,
    SiglipImageProcessorPil,
    SiglipModel,
    SiglipTokenizer,
)

# The published sizes of openai/clip-vit-base-patch32 and google/siglip-base-patch16-224.
CLIP_B32 = {"projection_dim": 512, "text_config": {}, "vision_config": {"patch_size": 32}}
CLIP_TINY = {
    "projection_dim": 24,
    "text_config": {
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
    },
    "vision_config": {
        "hidden_size": 48,
        "intermediate_size": 96,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "image_size": 64,
        "patch_size": 16,
        "hidden_act": "gelu",
    },
}
SIGLIP_BASE = {"text_config": {}, "vision_config": {}}
SIGLIP_TINY = {
    "text_config": {
        "hidden_size": 48,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "max_position_embeddings": 16,
    },
    "vision_config": {
        "hidden_size": 48,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "image_size": 64,
        "patch_size": 16,
    },
}
CORPUS = (
    "a photo of a dog on the beach. a cat sleeping on a red sofa. mount fuji from a plane. "
    "bokeh lights at night. a plate of sushi and ramen. children playing football in the park. "
    "snow covered mountains under a blue sky. a screenshot of a document with text. "
)


# Gains of the random weights feeding each nonlinearity. At the usual initial scale every
# activation stays near its linear part and attention is nearly uniform, so a wrong constant
# in an approximation hides; these put GELU inputs at a spread of about 2 and attention
# logits at several units, where exp and tanh are far from linear.
_SHARP = {"q_proj": 2.5, "k_proj": 2.5, "fc1": 2.0}


def _perturb(model: torch.nn.Module, seed: int, sharp: bool = True) -> None:
    """Noise on every parameter, and (`sharp`) sharper weights where they feed a nonlinearity."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            param.add_(torch.randn(param.shape, generator=generator) * 0.02)
            layer = name.rsplit(".", 2)[-2] if name.count(".") >= 2 else ""
            if sharp and layer in _SHARP and name.endswith(".weight"):
                fan_in = param.shape[1]
                gain = _SHARP[layer] / fan_in**0.5
                param.copy_(torch.randn(param.shape, generator=generator) * gain)


def clip_checkpoint(
    folder: Path, vocab: Path, sizes: dict, seed: int = 0, sharp: bool = True
) -> CLIPModel:
    """Save a random CLIP with `sizes` and the CLIP vocabulary in `vocab`; returns the model.

    `sharp=False` keeps the usual initial scale, whose outputs move as little with small
    pixel changes as a trained model's do.
    """
    torch.manual_seed(seed)
    tokens = json.loads((vocab / "vocab.json").read_text(encoding="utf-8"))
    # The generated vocabulary is smaller than the real one: the ids follow it.
    text = {
        **sizes["text_config"],
        "vocab_size": len(tokens),
        "bos_token_id": tokens["<|startoftext|>"],
        "eos_token_id": tokens["<|endoftext|>"],
    }
    model = CLIPModel(CLIPConfig(**{**sizes, "text_config": text})).eval()
    _perturb(model, seed, sharp)
    model.save_pretrained(folder)
    CLIPTokenizer.from_pretrained(str(vocab)).save_pretrained(folder)
    image_size = model.config.vision_config.image_size
    CLIPImageProcessorPil(
        size={"shortest_edge": image_size}, crop_size={"height": image_size, "width": image_size}
    ).save_pretrained(folder)
    return model


def sentencepiece_model(folder: Path, vocab_size: int = 200) -> Path:
    """Train a small sentencepiece model like SigLIP's (unigram, with </s> and <unk>)."""
    import sentencepiece

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.txt"
    corpus.write_text((CORPUS + "\n") * 50)
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(folder / "spiece"),
        vocab_size=vocab_size,
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        character_coverage=1.0,
        model_type="unigram",
        hard_vocab_limit=False,
        minloglevel=2,
    )
    corpus.unlink()
    (folder / "spiece.vocab").unlink()
    return folder / "spiece.model"


def siglip_checkpoint(folder: Path, sizes: dict, seed: int = 0, sharp: bool = True) -> SiglipModel:
    """Save a random SigLIP with `sizes` and a small trained sentencepiece; returns the model."""
    import sentencepiece

    spiece = sentencepiece_model(folder / "_sp")
    torch.manual_seed(seed)
    pieces = sentencepiece.SentencePieceProcessor(model_file=str(spiece)).get_piece_size()
    text = {"vocab_size": pieces, **sizes["text_config"]}
    model = SiglipModel(SiglipConfig(text_config=text, vision_config=sizes["vision_config"])).eval()
    _perturb(model, seed, sharp)
    model.save_pretrained(folder)
    length = model.config.text_config.max_position_embeddings
    SiglipTokenizer(str(spiece), model_max_length=length).save_pretrained(folder)
    shutil.rmtree(folder / "_sp")
    image_size = model.config.vision_config.image_size
    SiglipImageProcessorPil(size={"height": image_size, "width": image_size}).save_pretrained(
        folder
    )
    return model
