"""Transformer pieces shared by the CLIP and SigLIP towers, named as in the HF checkpoints."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .runtime import mlx_core

mx = mlx_core()
import mlx.nn as nn  # noqa: E402  (after the BLAS fix above)

# MLX's CPU exp/tanh/sigmoid/erf are scalar loops, about 50 times slower than its vectorised
# arithmetic, and a ViT-B's activations and softmax run on millions of values per batch
# and layer: both are written here with multiply, add and divide only.
# tanh as a rational function (Eigen's float32 approximation, within 4e-7 of tanh
# everywhere) needs only multiply, add and divide. It saturates beyond the clamp.
_TANH_CLAMP = 7.90531110763549805
_TANH_P = (
    4.89352455891786e-03,
    6.37261928875436e-04,
    1.48572235717979e-05,
    5.12229709037114e-08,
    -8.60467152213735e-11,
    2.00018790482477e-13,
    -2.76076847742355e-16,
)
_TANH_Q = (4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04, 1.19825839466702e-06)


def fast_tanh(x: Any) -> Any:
    """tanh from arithmetic alone (max error 4e-7)."""
    x = mx.clip(x, -_TANH_CLAMP, _TANH_CLAMP)
    x2 = x * x
    p = _TANH_P[-1]
    for coefficient in reversed(_TANH_P[:-1]):
        p = p * x2 + coefficient
    q = _TANH_Q[-1]
    for coefficient in reversed(_TANH_Q[:-1]):
        q = q * x2 + coefficient
    return x * p / q


# 2**f on [0, 1) by a degree-6 polynomial (fitted at Chebyshev nodes, relative error 3e-9).
_EXP2 = (
    1.0000000025868896,
    0.6931469286930283,
    0.24023050204498156,
    0.05548042632588882,
    0.00968458045204953,
    0.0012387821481972534,
    0.0002187750475856949,
)
_LOG2E = 1.4426950408889634


def fast_exp(x: Any) -> Any:
    """exp for x <= 0 from arithmetic alone: 2**floor(t) from float bits times 2**frac(t).

    Relative error below 1e-6 down to -20 and 1e-5 down to -87; below, it stays at exp(-87).
    """
    t = mx.maximum(x, -87.0) * _LOG2E
    whole = mx.floor(t)
    frac = t - whole
    p = _EXP2[-1]
    for coefficient in reversed(_EXP2[:-1]):
        p = p * frac + coefficient
    return p * mx.left_shift(whole.astype(mx.int32) + 127, 23).view(mx.float32)


# erf as x P(x^2) / Q(x^2) (Eigen's float32 approximation, within 5e-7 of erf everywhere);
# beyond +-4 float32's erf is +-1.
_ERF_CLAMP = 4.0
_ERF_P = (
    -1.60960333262415e-02,
    -2.95459980854025e-03,
    -7.34990630326855e-04,
    -5.69250639462346e-05,
    -2.10102402082508e-06,
    2.77068142495902e-08,
    -2.72614225801306e-10,
)
_ERF_Q = (
    -1.42647390514189e-02,
    -7.37332916720468e-03,
    -1.68282697438203e-03,
    -2.13374055278905e-04,
    -1.45660718464996e-05,
)


def fast_erf(x: Any) -> Any:
    """erf from arithmetic alone (max error 5e-7)."""
    x = mx.clip(x, -_ERF_CLAMP, _ERF_CLAMP)
    x2 = x * x
    p = _ERF_P[-1]
    for coefficient in reversed(_ERF_P[:-1]):
        p = p * x2 + coefficient
    q = _ERF_Q[-1]
    for coefficient in reversed(_ERF_Q[:-1]):
        q = q * x2 + coefficient
    return x * p / q


# One fused kernel; compiled with the subtraction before it, MLX's kernel for a broadcast
# operand ran slower than the two apart (measured).
_fast_exp_fused = mx.compile(fast_exp)


def attend(q: Any, k: Any, v: Any, scale: float, mask: Any = None) -> Any:
    """Scaled dot-product attention over (batch, heads, length, dims), with the fast exp."""
    scores = (q * scale) @ k.transpose(0, 1, 3, 2)
    if mask is not None:
        scores = scores + mask
    weights = _fast_exp_fused(scores - mx.max(scores, axis=-1, keepdims=True))
    return (weights / mx.sum(weights, axis=-1, keepdims=True)) @ v


def _quick_gelu(x: Any) -> Any:
    # x * sigmoid(1.702 x), with sigmoid(z) = (1 + tanh(z / 2)) / 2
    return 0.5 * x * (1 + fast_tanh(0.851 * x))


def _gelu_exact(x: Any) -> Any:
    return 0.5 * x * (1 + fast_erf(x * (1 / math.sqrt(2))))


def _gelu_tanh(x: Any) -> Any:
    return 0.5 * x * (1 + fast_tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)))


# Compiled, so that each runs as one fused kernel wherever it is called: the same values to
# the bit, and a third of the eager time over a Florence-2 stage's activations (measured).
# One function per GELU, whatever the config calls it (texttower.py exports by identity).
_gelu_tanh_fused = mx.compile(_gelu_tanh)
ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "quick_gelu": mx.compile(_quick_gelu),
    "gelu": mx.compile(_gelu_exact),
    "gelu_new": _gelu_tanh_fused,
    "gelu_pytorch_tanh": _gelu_tanh_fused,
    "gelu_fast": _gelu_tanh_fused,
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

        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        out = attend(q, k, v, self.scale, mask)
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


class TextEmbeddings(nn.Module):
    """Tokens and learned positions."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.token_embedding = nn.Embedding(config["vocab_size"], config["hidden_size"])
        self.position_embedding = nn.Embedding(
            config["max_position_embeddings"], config["hidden_size"]
        )

    def __call__(self, ids: Any) -> Any:
        return self.token_embedding(ids) + self.position_embedding.weight[: ids.shape[1]]
