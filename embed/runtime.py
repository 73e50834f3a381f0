"""Import MLX the fast way: on Linux, with an optimised BLAS in place first (see blas.py).

Every module of photoseek imports MLX through `mlx_core()` so that this always
happens first, and so that a run without a fast BLAS says so, once.
"""

from __future__ import annotations

from types import ModuleType

from photoseek.concurrency import usable_cores

from .blas import announce_if_slow, load_blas


def mlx_core() -> ModuleType:
    """`mlx.core`, imported after the BLAS fix."""
    load_blas()
    import mlx.core as mx

    announce_if_slow()
    return mx


def cpu_streams() -> int:
    """How many MLX streams to split a batch over: one per usable core on the CPU, else one.

    MLX runs the non-matrix work of a stream (softmax, activations, norms) on one
    thread, so one stream per core with one BLAS thread each keeps every core busy.
    """
    mx = mlx_core()
    if mx.default_device() != mx.cpu:
        return 1
    return usable_cores()
