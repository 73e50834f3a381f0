"""Import MLX the fast way: on Linux, with an optimised BLAS in place first.

The Linux `mlx-cpu` wheel links the reference (netlib) BLAS, about 25 times
slower than OpenBLAS for the matrix products a ViT spends its time in. MLX
resolves `cblas_sgemm` when it is loaded, so loading OpenBLAS with global
symbols before the first `import mlx.core` makes MLX use it. Every module of
photoseek imports MLX through `mlx_core()` so that this always happens first.
"""

from __future__ import annotations

import ctypes
import glob
import os
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

_BLAS: str | None = None


def _openblas_candidates() -> list[str]:
    found = []
    for site in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *sys.path}:
        found += sorted(glob.glob(os.path.join(site, "cmeel.prefix", "lib", "libopenblas.so*")))
    found += ["libopenblas.so.0", "libopenblas.so"]
    return found


def load_blas() -> str | None:
    """Load an OpenBLAS with global symbols (Linux only); returns which one, or None."""
    global _BLAS
    if _BLAS is not None or not sys.platform.startswith("linux"):
        return _BLAS
    if "mlx.core" in sys.modules:
        # Too late to change what MLX linked against; say so rather than pretend.
        print(
            "photoseek: mlx was imported before photoseek could give it a fast BLAS; "
            "embedding will be slow",
            file=sys.stderr,
        )
        return None
    # One BLAS thread per stream: photoseek runs one MLX stream per core instead, so that
    # the non-matrix work (softmax, activations, norms), which MLX runs on one thread per
    # stream, is spread over the cores too. See cpu_streams().
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    for candidate in _openblas_candidates():
        try:
            ctypes.CDLL(candidate, mode=os.RTLD_GLOBAL)
        except OSError:
            continue
        _BLAS = str(Path(candidate))
        return _BLAS
    return None


def mlx_core() -> ModuleType:
    """`mlx.core`, imported after the BLAS fix."""
    load_blas()
    import mlx.core as mx

    return mx


def cpu_streams() -> int:
    """How many MLX streams to split a batch over: one per usable core on the CPU, else one."""
    mx = mlx_core()
    if mx.default_device() != mx.cpu:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores or 1)


def blas_in_use() -> str | None:
    """The OpenBLAS loaded for MLX, for reports and benchmarks."""
    return _BLAS
