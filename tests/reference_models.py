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
    BartTokenizerFast,
    CLIPConfig,
    CLIPImageProcessorPil,
    CLIPModel,
    CLIPTokenizer,
    Florence2Config,
    Florence2ForConditionalGeneration,
    Florence2Processor,
    SiglipConfig,
    SiglipImageProcessorPil,
    SiglipModel,
    SiglipTokenizer,
)

from photoseek.embed.describe import IMAGENET_MEAN, IMAGENET_STD, TASKS

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


FLORENCE_IMAGE_TOKEN = 299
# Two stages, windows that do not divide the grid (padding), both kinds of layer norm.
FLORENCE_TINY = {
    "vision_config": {
        "depths": [1, 2],
        "embed_dim": [16, 32],
        "num_heads": [2, 4],
        "num_groups": [2, 4],
        "patch_size": [7, 3],
        "patch_stride": [4, 2],
        "patch_padding": [3, 1],
        "patch_prenorm": [False, True],
        "window_size": 3,
        "projection_dim": 32,
        "max_position_embeddings": 20,
        "max_temporal_embeddings": 10,
        "drop_path_rate": 0.0,
    },
    "text_config": {
        "vocab_size": 300,
        "d_model": 32,
        "encoder_layers": 2,
        "decoder_layers": 2,
        "encoder_attention_heads": 4,
        "decoder_attention_heads": 4,
        "encoder_ffn_dim": 64,
        "decoder_ffn_dim": 64,
        "max_position_embeddings": 160,
        "scale_embedding": True,
        "bos_token_id": 0,
        "pad_token_id": 1,
        "eos_token_id": 2,
        "decoder_start_token_id": 2,
        "forced_eos_token_id": 2,
    },
    "image_token_id": FLORENCE_IMAGE_TOKEN,
}
FLORENCE_SIDE = 64  # 16 x 16 after the first stage, 8 x 8 after the second: 65 image tokens.
FLORENCE_GENERATION = {
    "no_repeat_ngram_size": 3,
    "forced_bos_token_id": 0,
    "forced_eos_token_id": 2,
}


def florence_reference(folder: Path, sizes: dict, seed: int = 0):  # noqa: ANN201 - a model
    """A Florence-2 of these sizes with weights drawn at a scale that keeps outputs varied,
    saved as a checkpoint in `folder` with its generation config."""
    config = Florence2Config(
        vision_config=sizes["vision_config"],
        text_config=sizes["text_config"],
        image_token_id=sizes["image_token_id"],
    )
    torch.manual_seed(seed)
    model = Florence2ForConditionalGeneration(config).eval()
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.endswith("bias"):
                parameter.normal_(0, 0.1)
            elif "norm" in name and parameter.ndim == 1:
                parameter.normal_(1, 0.1)
            elif parameter.ndim >= 2:
                fan_in = parameter[0].numel()
                parameter.normal_(0, 1.5 / fan_in**0.5)
    model.generation_config.update(**FLORENCE_GENERATION)
    model.save_pretrained(folder)
    return model


def _words_tokenizer(folder: Path):  # noqa: ANN202 - a transformers tokenizer
    """A byte-level BPE tokenizer in BART's form, learned here from a few sentences (the
    real one comes with the checkpoint), with Florence-2's image token."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=FLORENCE_IMAGE_TOKEN - 20,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    corpus = [*TASKS.values(), "a dog runs on the beach with a red ball"] * 10
    tokenizer.train_from_iterator(corpus, trainer)
    tokenizer.save(str(folder / "words.json"))
    fast = BartTokenizerFast(
        tokenizer_file=str(folder / "words.json"),
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
    )
    # The image token takes the id the model's config names.
    while len(fast) < FLORENCE_IMAGE_TOKEN:
        fast.add_tokens([f"<filler{len(fast)}>"])
    fast.add_special_tokens({"additional_special_tokens": ["<image>"]})
    fast.image_token, fast.image_token_id = "<image>", FLORENCE_IMAGE_TOKEN
    return fast


def florence_processor(folder: Path):  # noqa: ANN201 - a transformers processor
    """Florence-2's processor for FLORENCE_SIDE pictures, with the learned tokenizer, saved
    beside a checkpoint in `folder`."""
    images = CLIPImageProcessorPil(
        size={"height": FLORENCE_SIDE, "width": FLORENCE_SIDE},
        do_center_crop=False,
        image_mean=list(IMAGENET_MEAN),
        image_std=list(IMAGENET_STD),
        resample=3,
    )
    images.image_seq_length = (FLORENCE_SIDE // 8) ** 2 + 1
    processor = Florence2Processor(image_processor=images, tokenizer=_words_tokenizer(folder))
    processor.save_pretrained(folder)
    return processor


def florence_checkpoint(folder: Path, seed: int = 0):  # noqa: ANN201 - model and processor
    """A tiny Florence-2 checkpoint with its tokenizer and processor, as the hub serves one."""
    model = florence_reference(folder, FLORENCE_TINY, seed)
    return model, florence_processor(folder)
