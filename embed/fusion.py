"""Whether MLX fuses the towers' element-wise work (layer norms, GELU, softmax, residual adds).

`mx.compile` fuses them into one kernel; on the CPU, MLX writes that kernel as C++ and builds it
with `g++` at run time. Without a compiler it runs the work unfused and says nothing, so
photoseek finds out: it looks for `g++` and times a chain of element-wise arithmetic (what
layer norms and residual adds are made of) compiled against the same chain run eagerly, and
says once per process when fusion is off, why, and what to do. (A GELU is no probe: its tanh
or exponential costs the same fused or not, since the fused kernel computes it one element
at a time.)
"""

from __future__ import annotations

import functools
import shutil
import sys
import time
from dataclasses import dataclass

from .runtime import mlx_core

# Fused, the probe ran 11 times as fast as eager here; unfused, both run alike (1.0).
FUSED_SPEEDUP = 1.5
PROBE_SHAPE = (32, 50, 3072)
FIX = (
    "install a C++ compiler (Debian and Ubuntu: sudo apt install g++; Fedora: sudo dnf "
    "install gcc-c++; macOS: xcode-select --install) and run again"
)


@dataclass(frozen=True)
class Fusion:
    """Whether MLX fused element-wise work here, the speed-up measured, and why not."""

    on: bool
    speedup: float | None
    reason: str | None = None

    def explain(self) -> str:
        """The note printed when fusion is off."""
        return (
            f"note: MLX does not fuse its element-wise work here ({self.reason}), so embedding "
            f"runs slower than it could; {FIX}."
        )


def _best_ms(steps: list, runs: int = 7) -> list[float]:
    """Each no-argument step's best time, the steps taking turns so that load on the machine
    slows them alike."""
    best = [float("inf")] * len(steps)
    for _ in range(runs):
        for at, step in enumerate(steps):
            started = time.perf_counter()
            step()
            best[at] = min(best[at], time.perf_counter() - started)
    return [seconds * 1000 for seconds in best]


@functools.lru_cache(maxsize=1)
def fusion() -> Fusion:
    """Whether MLX fuses work on this machine (measured once per process)."""
    mx = mlx_core()
    if mx.default_device() != mx.cpu:
        # The GPU compiles its kernels with its own runtime compiler.
        return Fusion(True, None)
    if shutil.which("g++") is None:
        return Fusion(False, None, "no C++ compiler: g++ is not on PATH")

    def chain(x):  # noqa: ANN001, ANN202 - an mx.array
        y = x * 1.5 + 0.25
        y = y * x - 0.5
        y = y * x + x * 0.125
        return y * y + 1.0

    x = mx.random.normal(PROBE_SHAPE)
    mx.eval(x)
    fused = mx.compile(chain)
    mx.eval(fused(x))  # the first call builds the kernel
    eager, compiled = _best_ms([lambda: mx.eval(chain(x)), lambda: mx.eval(fused(x))])
    speedup = eager / compiled
    if speedup < FUSED_SPEEDUP:
        return Fusion(
            False,
            speedup,
            f"g++ is on PATH, yet compiled element-wise work ran {speedup:.1f} times as fast "
            "as eager",
        )
    return Fusion(True, speedup)


_announced = False


def announce_if_unfused() -> Fusion:
    """Say once per process, on stderr, why MLX runs its element-wise work unfused."""
    global _announced
    found = fusion()
    if not found.on and not _announced:
        _announced = True
        print(found.explain(), file=sys.stderr)
    return found
