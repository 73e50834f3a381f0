"""The gallery's text model: query fidelity, ranking agreement, bytes per photo, speed.

Builds bench_site's synthetic library (N generated photos, clustered vectors stored under
a random-weight ViT-B/32 CLIP at the initial scale) and its site with the text model, then
measures, for free texts (random word sequences from CLIP's vocabulary):

- the cosine of the browser's query vectors (the shipped int8 model, run by node) to
  photoseek's float vectors (which equal transformers' within 2e-6);
- top-24 agreement with exact float ranking (what `photoseek search` computes) and bytes
  per photo, for the coarse codes alone, the shipped two passes (coarse codes pick 512
  candidates, each photo's int8 vector orders them), other candidate counts, and the
  int8 vectors alone;
- the forward pass under node, WebAssembly SIMD against plain JavaScript;
- in headless Chromium from file://: the model ready, and the median search.

    .venv/bin/python benchmarks/bench_textmodel.py [--count 100000] [--texts 60]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_site import headless_chromium, synthetic_library  # noqa: E402

from photoseek.build_site.searchdata import Projection, quantise_rows, residuals  # noqa: E402

K = 24
SHIPPED_CANDIDATES = 512


def free_texts(count: int, seed: int = 5) -> list[str]:
    """Random word sequences (1 to 12 words) from CLIP's vocabulary."""
    from tests.clip_vocab import real_or_generated

    words = [
        w[:-4]
        for w in json.loads((real_or_generated() / "vocab.json").read_text())
        if w.endswith("</w>") and w[:-4].isalpha() and len(w) > 6
    ]
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(words, rng.integers(1, 13))) for _ in range(count)]


def node_run(script: str, data: Path, texts: list[str]) -> object:
    done = subprocess.run(
        ["node", str(ROOT / script), str(data)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def agreement(top: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / K for a, b in zip(top, exact, strict=True)]))


def two_passes(
    queries: np.ndarray,
    coarse_scores: np.ndarray,
    residual,
    candidates: int,  # noqa: ANN001
) -> np.ndarray:
    """The browser's ranking: coarse scores pick candidates, residuals complete their scores."""
    rest, rest_scales = residual
    top = []
    for query, scores in zip(queries, coarse_scores, strict=True):
        chosen = np.argsort(-scores)[:candidates]
        refined = scores[chosen] + (rest[chosen] @ query) * rest_scales[chosen]
        top.append(chosen[np.argsort(-refined, kind="stable")[:K]])
    return np.array(top)


def rankings(vectors: np.ndarray, queries: np.ndarray, exact_queries: np.ndarray) -> None:
    """Print agreement and bytes per photo for each way of ranking."""
    k = min(K, len(vectors))
    projection = Projection.fit(vectors)
    coarse = projection.decode(projection.codes(vectors))
    rows, scales = quantise_rows(vectors)
    fine = rows.astype(np.float32)
    rest, rest_scales = quantise_rows(residuals(projection, vectors))
    residual = (rest.astype(np.float32), rest_scales)
    exact = np.argsort(-(exact_queries @ vectors.T), axis=1)[:, :k]
    coarse_scores = projection.queries(queries) @ coarse.T
    order = np.argsort(-coarse_scores, axis=1)
    results = {"coarse codes alone": (order[:, :k], projection.row_bytes)}
    for candidates in (128, 256, SHIPPED_CANDIDATES, 1024):
        label = f"coarse, then int8 residuals over {candidates}"
        if candidates == SHIPPED_CANDIDATES:
            label += " (shipped)"
        results[label] = (
            two_passes(queries, coarse_scores, residual, candidates),
            projection.row_bytes + vectors.shape[1] + 4,
        )
    full = np.argsort(-((queries @ fine.T) * scales), axis=1)[:, :k]
    results["int8 vectors alone (full scan)"] = (full, vectors.shape[1] + 4)
    # Where the rest of the disagreement comes from: the photo codes, or the query.
    results["float vectors (the query's share)"] = (
        np.argsort(-(queries @ vectors.T), axis=1)[:, :k],
        4 * vectors.shape[1],
    )
    exact_coarse = projection.queries(exact_queries) @ coarse.T
    results["shipped, float model's query (the codes' share)"] = (
        two_passes(exact_queries, exact_coarse, residual, SHIPPED_CANDIDATES),
        projection.row_bytes + vectors.shape[1] + 4,
    )
    print(f"top-{K} agreement with exact float ranking (target >= 0.95), bytes per photo:")
    for label, (top, size) in results.items():
        print(f"  {label:50s} {agreement(top, exact):.3f}  {size} B")


def chromium(site: Path, texts: list[str]) -> tuple[float, list[float]]:
    """Seconds until the model is ready from file://, and each search's milliseconds."""
    driver = headless_chromium()
    driver.set_script_timeout(300)
    timed = (
        "const done = arguments[arguments.length - 1]; const t = performance.now();"
        "{call}.then(() => done(performance.now() - t), e => done('error: ' + e));"
    )
    try:
        driver.get((site / "search.html").as_uri())
        ready = driver.execute_async_script(timed.format(call="photoseek.textVector('warm up')"))
        times = []
        for text in texts:
            ms = driver.execute_async_script(
                timed.format(call="photoseek.search(arguments[0])"), text
            )
            if isinstance(ms, str):
                raise RuntimeError(ms)
            times.append(ms)
    finally:
        driver.quit()
    return ready / 1000, times


def siglip_speed(work: Path, texts: list[str]) -> None:
    """SigLIP's text tower runs all its 64 positions, however short the text: its speed."""
    from photoseek.build_site.textmodel import export
    from photoseek.embed import load_embedder, text_tower
    from tests import reference_models as ref

    checkpoint = work / "siglip-base"
    if not checkpoint.is_dir():
        ref.siglip_checkpoint(checkpoint, ref.SIGLIP_BASE, sharp=False)
    files = export(text_tower(load_embedder(str(checkpoint))))
    data = work / "siglip-data"
    for name, text in files.files.items():
        (data / f"{name}.js").parent.mkdir(parents=True, exist_ok=True)
        (data / f"{name}.js").write_text(text)
    rows = node_run("benchmarks/textmodel_speed.js", data, texts)
    print(
        f"node, SigLIP base ({rows[0]['tokens']} positions, any text): WebAssembly SIMD "
        f"{np.median([r['simd_ms'] for r in rows]):.0f} ms, plain JavaScript "
        f"{np.median([r['plain_ms'] for r in rows]):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=60)
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: temporary)")
    args = parser.parse_args()
    from photoseek.build_site import build_site

    work = args.keep or Path(tempfile.mkdtemp())
    library, embedder, vectors = synthetic_library(work, args.count, sharp=False)
    site = work / "site"
    started = time.perf_counter()
    summary = build_site(library, site, embedder, progress=False)
    print(f"site with its text model: {time.perf_counter() - started:.0f} s")
    model_bytes = summary.data_bytes["text model"]
    raw = sum(p.stat().st_size for p in (site / "data" / "text").glob("part-*.js")) * 3 / 4
    print(
        f"text model: {model_bytes / 1e6:.1f} MB as shipped (base64 scripts, int8), "
        f"{raw / 1e6:.1f} MB of weights; float32 weights would be about {4 * raw / 1e6:.0f} MB"
    )

    texts = free_texts(args.texts)
    ours = np.array(node_run("tests/js/embed_texts.js", site / "data", texts)["vectors"])
    exact = embedder.embed_texts(texts)
    cosine = (ours * exact).sum(axis=1)
    print(
        f"query cosine to the float model, {len(texts)} free texts (target >= 0.999): "
        f"min {cosine.min():.5f}, median {np.median(cosine):.5f}"
    )
    rankings(vectors, ours, exact)

    speed = node_run("benchmarks/textmodel_speed.js", site / "data", texts[:12])
    for row in sorted(speed, key=lambda r: r["tokens"]):
        print(
            f"node, {row['tokens']:2d} tokens: WebAssembly SIMD {row['simd_ms']:.0f} ms, "
            f"plain JavaScript {row['plain_ms']:.0f} ms"
        )
    siglip_speed(work, texts[:1])
    if shutil.which("chromium") and shutil.which("chromedriver"):
        ready, times = chromium(site, texts[: min(len(texts), 30)])
        print(
            f"Chromium, file://, one thread: model ready in {ready:.1f} s (target < 5 s); "
            f"search median {np.median(times):.0f} ms, max {max(times):.0f} ms over "
            f"{len(times)} free texts (target < 150 ms)"
        )
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
