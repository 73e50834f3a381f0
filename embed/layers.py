"""Transformer pieces shared by the CLIP and SigLIP towers, named as in the HF checkpoints."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .runtime import mlx_core

mx = mlx_core()
import mlx.nn as nn  # noqa: E402  (after the BLAS fix above)


def _quick_gelu(x: Any) -> Any:
    return x * mx.sigmoid(1.702 * x)


def _gelu_tanh(x: Any) -> Any:
    return 0.5 * x * (1 + mx.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "quick_gelu": _quick_gelu,
    "gelu": nn.gelu,
    "gelu_new": _gelu_tanh,
    "gelu_pytorch_tanh": _gelu_tanh,
    "gelu_fast": _gelu_tanh,
    "relu": nn.relu,
}


def activation(name: str) -> Callable[[Any], Any]:
    """The activation a config names; an unknown name is an error, never a guess."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"activation {name!r} is not supported (known: {', '.join(sorted(ACTIVATIONS))})"
        ) from None


class Attention(nn.Module):
    """Multi-head self-attention with separate q/k/v projections."""

    def __init__(self, dims: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.scale = (dims // heads) ** -0.5
        self.q_proj = nn.Linear(dims, dims)
        self.k_proj = nn.Linear(dims, dims)
        self.v_proj = nn.Linear(dims, dims)
        self.out_proj = nn.Linear(dims, dims)

    def __call__(self, x: Any, mask: Any = None) -> Any:
        batch, length, dims = x.shape

        def split(t: Any) -> Any:
            return t.reshape(batch, length, self.heads, -1).transpose(0, 2, 1, 3)

        out = mx.fast.scaled_dot_product_attention(
            split(self.q_proj(x)),
            split(self.k_proj(x)),
            split(self.v_proj(x)),
            scale=self.scale,
            mask=mask,
        )
        return self.out_proj(out.transpose(0, 2, 1, 3).reshape(batch, length, dims))


class MLP(nn.Module):
    """Two linear layers around the configured activation."""

    def __init__(self, dims: int, hidden: int, act: str) -> None:
        super().__init__()
        self.act = activation(act)
        self.fc1 = nn.Linear(dims, hidden)
        self.fc2 = nn.Linear(hidden, dims)

    def __call__(self, x: Any) -> Any:
        return self.fc2(self.act(self.fc1(x)))


class EncoderLayer(nn.Module):
    """A pre-norm transformer block."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        dims = config["hidden_size"]
        eps = config.get("layer_norm_eps", 1e-5)
        self.self_attn = Attention(dims, config["num_attention_heads"])
        self.layer_norm1 = nn.LayerNorm(dims, eps=eps)
        self.mlp = MLP(dims, config["intermediate_size"], config.get("hidden_act", "quick_gelu"))
        self.layer_norm2 = nn.LayerNorm(dims, eps=eps)

    def __call__(self, x: Any, mask: Any = None) -> Any:
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp(self.layer_norm2(x))


class Encoder(nn.Module):
    """A stack of encoder layers."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.layers = [EncoderLayer(config) for _ in range(config["num_hidden_layers"])]

    def __call__(self, x: Any, mask: Any = None) -> Any:
        for layer in self.layers:
            x = layer(x, mask)
        return x
