"""Matrix products in MLX on this CPU with each BLAS that can be had, against numpy, same run.

The product is ViT-B's MLP shape (512x768 @ 768x3072, float32). Each candidate
runs in its own process, named by PHOTOSEEK_BLAS, with every core as BLAS
threads; numpy (its own OpenBLAS) runs the same product as the yardstick.

    .venv/bin/python benchmarks/bench_blas.py [--try NAME=LIBRARY ...] [--seconds 2]

`--try` adds a library to compare (for example the cmeel-openblas or mkl
wheel's, with LD_LIBRARY_PATH set for what it needs).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

SHAPE = (512, 768, 3072)

CHILD = """
import json, sys, time
from photoseek.embed.blas import load_blas
from photoseek.embed.runtime import mlx_core
mx = mlx_core()
import numpy as np
m, k, n = {shape}
seconds = {seconds}
def rate(step):
    step()
    started, count = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        step()
        count += 1
    return 2 * m * k * n * count / (time.perf_counter() - started) / 1e9
a, b = mx.random.normal((m, k)), mx.random.normal((k, n))
an, bn = np.array(a), np.array(b)
error = float(np.abs(np.array(a @ b) - an @ bn).max())
status = load_blas()
print(json.dumps({{"mlx": rate(lambda: mx.eval(a @ b)), "numpy": rate(lambda: an @ bn),
    "library": status.library, "problems": status.problems, "error": error}}))
"""


def measure(blas: str, seconds: float) -> dict:
    """One candidate's GFLOP/s in a fresh process, with numpy's in the same process."""
    threads = str(len(os.sched_getaffinity(0)))
    env = {
        **os.environ,
        "PHOTOSEEK_BLAS": blas,
        "OPENBLAS_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
    }
    if not blas:
        del env["PHOTOSEEK_BLAS"]
    code = CHILD.format(shape=SHAPE, seconds=seconds)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--try", dest="tries", action="append", default=[], metavar="NAME=LIB")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    candidates = [("photoseek default", ""), ("reference BLAS (mlx as shipped)", "reference")]
    candidates += [tuple(t.split("=", 1)) for t in args.tries]
    m, k, n = SHAPE
    print(f"{m}x{k} @ {k}x{n} float32, {len(os.sched_getaffinity(0))} BLAS threads")
    for name, blas in candidates:
        result = measure(blas, args.seconds)
        used = result["library"] or "none: " + "; ".join(r for _, r in result["problems"])
        print(
            f"{name:34s} MLX {result['mlx']:7.1f} GFLOP/s   numpy {result['numpy']:7.1f}   "
            f"ratio {result['mlx'] / result['numpy']:.2f}   max error {result['error']:.1e}\n"
            f"{'':34s} {used}"
        )


if __name__ == "__main__":
    main()
