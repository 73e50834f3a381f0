"""A model's text tower as plain arrays and settings, for running it outside MLX (the gallery).

Everything another runtime needs to give the same query vectors as `embed_texts`: the
tokenizer's tables and rules, the tower's sizes, how it pools, and its weights under
short, family-neutral names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from .embedder import Embedder


@dataclass
class TextTower:
    """A text tower: `config` (sizes and rules), `weights` (float32 arrays), `tokenizer`."""

    family: str
    config: dict[str, Any]
    weights: dict[str, np.ndarray]
    tokenizer: dict[str, Any]


def _clip_tokenizer(tokenizer: Any, length: int) -> dict[str, Any]:
    spec = json.loads(tokenizer.tokenizer.to_str())
    vocab = spec["model"]["vocab"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in spec["model"]["merges"]]
    tokens = [""] * len(vocab)
    for token, index in vocab.items():
        tokens[index] = token
    bos = tokenizer.tokenizer.token_to_id("<|startoftext|>")
    eos = tokenizer.tokenizer.token_to_id("<|endoftext|>")
    return {
        "kind": "bpe",
        "tokens": tokens,
        "merges": merges,
        "bos": bos,
        "eos": eos,
        "length": length,
    }


def _siglip_tokenizer(tokenizer: Any) -> dict[str, Any]:
    sp = tokenizer.sp
    pieces, scores, kinds = [], [], []
    for i in range(sp.get_piece_size()):
        pieces.append(sp.id_to_piece(i))
        scores.append(round(float(sp.get_score(i)), 6))
        if sp.is_unknown(i):
            kinds.append("unknown")
        elif sp.is_control(i) or sp.is_unused(i):
            kinds.append("control")
        elif sp.is_byte(i):
            kinds.append("byte")
        else:
            kinds.append("normal")
    return {
        "kind": "unigram",
        "pieces": pieces,
        "scores": scores,
        "types": kinds,
        "unk": sp.unk_id(),
        "eos": tokenizer.eos_id,
        "pad": tokenizer.pad_id,
        "lower": tokenizer.lower,
        "length": tokenizer.length,
    }


def _layers(params: dict[str, np.ndarray], prefix: str, count: int) -> dict[str, np.ndarray]:
    names = {
        "q": "self_attn.q_proj",
        "k": "self_attn.k_proj",
        "v": "self_attn.v_proj",
        "o": "self_attn.out_proj",
        "ln1": "layer_norm1",
        "ln2": "layer_norm2",
        "fc1": "mlp.fc1",
        "fc2": "mlp.fc2",
    }
    out = {}
    for i in range(count):
        for short, long in names.items():
            for part in ("weight", "bias"):
                source = f"{prefix}.encoder.layers.{i}.{long}.{part}"
                out[f"layers.{i}.{short}.{part}"] = params[source]
    return out


def text_tower(embedder: Embedder) -> TextTower:
    """The text tower of an MLX CLIP or SigLIP embedder; ValueError for models without one."""
    model = getattr(embedder, "model", None)
    if not embedder.has_text or model is None:
        raise ValueError(f"{embedder.name} has no text tower to export")
    from mlx.utils import tree_flatten

    params = {
        k: np.array(v, dtype=np.float32)
        for k, v in tree_flatten(model.parameters())
        if k.startswith(("text_model.", "text_projection."))
    }
    family = embedder.info["type"]
    text = model.text_model
    layers = len(text.encoder.layers)
    first = text.encoder.layers[0]
    config: dict[str, Any] = {
        "hidden": int(params["text_model.embeddings.token_embedding.weight"].shape[1]),
        "heads": first.self_attn.heads,
        "layers": layers,
        "activation": _activation_name(first.mlp.act),
        "eps": float(text.final_layer_norm.eps),
        "length": model.text_length,
        "dim": embedder.dim,
    }
    weights = {
        "token_embedding": params["text_model.embeddings.token_embedding.weight"],
        "position_embedding": params["text_model.embeddings.position_embedding.weight"],
        "final_ln.weight": params["text_model.final_layer_norm.weight"],
        "final_ln.bias": params["text_model.final_layer_norm.bias"],
        **_layers(params, "text_model", layers),
    }
    if family == "clip":
        config.update(
            causal=True, pool="argmax" if text.eos_token_id == 2 else "eos", eos=text.eos_token_id
        )
        weights["projection.weight"] = params["text_projection.weight"]
        tokenizer = _clip_tokenizer(embedder.tokenizer, model.text_length)
    else:
        config.update(causal=False, pool="last")
        weights["projection.weight"] = params["text_model.head.weight"]
        weights["projection.bias"] = params["text_model.head.bias"]
        tokenizer = _siglip_tokenizer(embedder.tokenizer)
    return TextTower(family, config, weights, tokenizer)


def _activation_name(function: Any) -> str:
    """One name per activation function: the config names several for the same GELU."""
    from .layers import ACTIVATIONS

    canonical = {
        "quick_gelu": "quick_gelu",
        "gelu": "gelu",
        "gelu_new": "gelu_tanh",
        "relu": "relu",
    }
    for name, short in canonical.items():
        if ACTIVATIONS[name] is function:
            return short
    raise ValueError("the text tower's activation has no export")
