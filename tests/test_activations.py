"""The arithmetic-only activations against numpy, on dense grids, at the bounds the README states.

MLX's CPU exp, tanh and erf are scalar loops; photoseek computes softmax and
GELU from polynomials instead. Each bound here is the one the README gives;
a wrong coefficient moves the error by orders of magnitude.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from photoseek.embed.layers import activation, attend, fast_erf, fast_exp, fast_tanh
from photoseek.embed.runtime import mlx_core

mx = mlx_core()
TANH_BOUND = 4e-7
ERF_BOUND = 5e-7


def run(function, x: np.ndarray) -> np.ndarray:  # noqa: ANN001 - an MLX function
    return np.array(function(mx.array(x.astype(np.float32))), dtype=np.float64)


def test_tanh_is_within_its_bound_everywhere():
    x = np.concatenate([np.linspace(-12, 12, 480_001), [-1e4, -50, 50, 1e4]])
    error = np.abs(run(fast_tanh, x) - np.tanh(x.astype(np.float32).astype(np.float64)))
    assert error.max() <= TANH_BOUND, (error.max(), x[error.argmax()])


def test_erf_is_within_its_bound_everywhere():
    x = np.concatenate([np.linspace(-8, 8, 320_001), [-1e4, -50, 50, 1e4]])
    exact = np.array([math.erf(v) for v in x.astype(np.float32).astype(np.float64)])
    error = np.abs(run(fast_erf, x) - exact)
    assert error.max() <= ERF_BOUND, (error.max(), x[error.argmax()])


def test_exp_is_within_its_relative_bounds():
    near = -np.linspace(0, 20, 400_001)
    far = -np.linspace(20, 87, 100_001)
    for x, bound in ((near, 1e-6), (far, 1e-5)):
        exact = np.exp(x.astype(np.float32).astype(np.float64))
        relative = np.abs(run(fast_exp, x) - exact) / exact
        assert relative.max() <= bound, (relative.max(), x[relative.argmax()])
    # Below -87 it is held at exp(-87), 1.6e-38: nothing next to the softmax's largest term, 1.
    held = run(fast_exp, np.array([-87.5, -88.0, -1e4]))
    np.testing.assert_allclose(held, np.exp(-87.0), rtol=1e-5)


def test_gelu_variants_match_their_definitions():
    x = np.linspace(-10, 10, 200_001)
    xs = x.astype(np.float32).astype(np.float64)
    tanh_form = 0.5 * xs * (1 + np.tanh(math.sqrt(2 / math.pi) * (xs + 0.044715 * xs**3)))
    sigmoid_form = xs / (1 + np.exp(-1.702 * xs))
    erf_form = 0.5 * xs * (1 + np.array([math.erf(v / math.sqrt(2)) for v in xs]))
    for name, expected in (
        ("gelu", erf_form),
        ("quick_gelu", sigmoid_form),
        ("gelu_pytorch_tanh", tanh_form),
        ("gelu_new", tanh_form),
    ):
        got = run(activation(name), x)
        # The tanh bound, scaled by the 0.5 * |x| in front of it.
        assert np.all(np.abs(got - expected) <= TANH_BOUND * (0.5 * np.abs(xs) + 1)), name


def test_softmax_attention_matches_numpy_with_sharp_logits():
    rng = np.random.default_rng(0)
    # Logits spread over tens of units: attention far from uniform, exp far from linear.
    q, k, v = (rng.normal(size=(2, 4, 9, 16)).astype(np.float32) * s for s in (3.0, 3.0, 1.0))
    scale = 16**-0.5
    got = np.array(attend(mx.array(q), mx.array(k), mx.array(v), scale))
    logits = (q @ k.transpose(0, 1, 3, 2)).astype(np.float64) * scale
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    assert weights.max() > 0.9, "the test must reach peaked attention"
    np.testing.assert_allclose(got, weights @ v, atol=2e-6)


def test_softmax_attention_holds_with_logits_in_the_hundreds():
    # Subtracting the row's largest logit keeps exp's argument at or below 0; without it,
    # logits past 88 overflow float32.
    rng = np.random.default_rng(1)
    q, k, v = (rng.normal(size=(1, 2, 6, 8)).astype(np.float32) * s for s in (12.0, 12.0, 1.0))
    got = np.array(attend(mx.array(q), mx.array(k), mx.array(v), 1.0))
    logits = (q @ k.transpose(0, 1, 3, 2)).astype(np.float64)
    assert np.abs(logits).max() > 200, "the test must reach logits past float32's exp range"
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    np.testing.assert_allclose(got, weights @ v, atol=2e-6)


def test_an_unknown_activation_is_an_error_naming_the_known_ones():
    with pytest.raises(ValueError, match=r"activation 'swish' is not supported \(known: gelu, "):
        activation("swish")
