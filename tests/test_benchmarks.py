"""Every benchmark runs at toy size, so that none rots: it finishes and prints its figures.

The figures themselves are not judged here (the machines are shared and noisy); the
README gives the full-size runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
NEEDS_PHOTOS = pytest.mark.skipif(
    not (SHARED_DATA / "photos").is_dir(), reason="needs the real photos in ../shared/data"
)


def bench(name: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_bench_blas():
    out = bench("bench_blas.py", "--seconds", "0.2")
    assert "photoseek default" in out and "reference BLAS" in out and "ratio" in out


@NEEDS_PHOTOS
def test_bench_extract():
    out = bench("bench_extract.py", "--count", "40", "--rounds", "1")
    assert "extract speed / copy speed" in out and "40 found: 40 new" in out


@NEEDS_PHOTOS
def test_bench_embed():
    out = bench("bench_embed.py", "--count", "8", "--rounds", "1", "--batch-size", "4")
    assert "photoseek / torch throughput" in out and "photoseek BLAS: scipy-openblas32" in out
    assert "photoseek / onnxruntime" in out and "of the limit" in out


def test_bench_index():
    out = bench("bench_index.py", "--count", "3000", "--dim", "64", "--sample", "50")
    assert "recall@24 against exact" in out


def test_bench_site():
    out = bench("bench_site.py", "--photos", "60", "--texts", "2")
    assert "search data:" in out and "query median" in out
    assert "places map ready" in out and "filters' data" in out
    assert "(one file), Chromium over file" in out and "(one file), Chromium over http" in out
    assert "free text: photo data" in out and "top-24 agreement" in out
    assert "again with nothing changed" in out


def test_bench_textmodel():
    out = bench("bench_textmodel.py", "--count", "60", "--texts", "4")
    assert "query cosine to the float model" in out and "(shipped)" in out
    assert "SigLIP base" in out and "search median" in out


@NEEDS_PHOTOS
def test_bench_ocr():
    out = bench("bench_ocr.py", "--per-kind", "1", "--plain", "4")
    assert "photoseek / defaults" in out and "10,000-photo library" in out


@NEEDS_PHOTOS
def test_bench_build():
    out = bench("bench_build.py", "--photos", "12", "--side", "512")
    assert "text in pictures" in out and "site: renditions" in out
    assert "whole build / embedding" in out and "100,000 photos" in out


@NEEDS_PHOTOS
def test_bench_faces():
    pytest.importorskip("dlib", reason="the faces extra is not installed")
    out = bench("bench_faces.py", "--photos", "10", "--faces", "400")
    assert "photoseek faces (" in out and "-> photoseek" in out and "faces / embedding" in out
    assert "grouping: " in out and "naming from 2 photos each" in out
    assert "grouping 360 new faces beside 40 known (20 people)" in out


def test_bench_captions():
    pytest.importorskip("transformers")
    out = bench("bench_captions.py", "--tiny", "--photos", "2", "--tokens", "8")
    assert "photoseek (MLX)" in out and "transformers, 1 a call" in out
    assert "times as fast" in out and "10,000 photos" in out
