"""Freed memory kept for reuse while a model runs (embed/heap.py), read back from glibc's
own account of its memory, and the runs that use it."""

from __future__ import annotations

import contextlib
import ctypes
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photoseek.embed import heap

# Told apart without the module under test, so that a module that stops seeing glibc fails here
# rather than skipping every test.
GLIBC = sys.platform == "linux" and os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
pytestmark = pytest.mark.skipif(not GLIBC, reason="glibc only")

BLOCK = 40_000_000  # bytes: far above glibc's largest mmap threshold (32 MiB)


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks "
        "keepcost".split()
    ]


def _mallinfo() -> _Mallinfo2:
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _Mallinfo2
    return libc.mallinfo2()


def _mapped_for_a_block() -> int:
    """How many more blocks glibc maps from the kernel while a large array lives: one larger
    than all the heap's free chunks, which glibc would otherwise serve it from."""
    before = _mallinfo()
    block = np.ones((before.fordblks + BLOCK) // 8)
    during = _mallinfo().hblks
    del block
    return during - before.hblks


def _in_a_fresh_process(check: str) -> None:
    """Run one of the checks below in a process of its own: glibc's heap in this one holds
    what earlier tests left in it."""
    done = subprocess.run(
        [sys.executable, "-c", f"from tests.test_heap import {check}; {check}()"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def check_blocks_come_from_the_heap_only_inside_and_the_heap_is_given_back() -> None:
    assert heap.available()
    assert _mapped_for_a_block() == 1
    with heap.model_memory():
        assert heap.active()
        assert _mapped_for_a_block() == 0
        with heap.model_memory():
            assert _mapped_for_a_block() == 0
        # Leaving an inner block keeps the outer one's setting.
        assert heap.active() and _mapped_for_a_block() == 0
        held = _mallinfo().arena
        assert held >= BLOCK
    assert not heap.active()
    assert _mapped_for_a_block() == 1
    # What the heap kept for the model is returned to the system.
    assert _mallinfo().arena < held - BLOCK // 2


def check_the_setting_is_restored_when_the_model_fails() -> None:
    with contextlib.suppress(RuntimeError), heap.model_memory():
        raise RuntimeError("model failed")
    assert not heap.active() and _mapped_for_a_block() == 1


def test_large_blocks_come_from_the_heap_only_inside_and_the_heap_is_given_back():
    _in_a_fresh_process("check_blocks_come_from_the_heap_only_inside_and_the_heap_is_given_back")


def test_the_setting_is_restored_when_the_model_fails():
    _in_a_fresh_process("check_the_setting_is_restored_when_the_model_fails")


class _RecordingEmbedder:
    """The parts of an embedder embed_library and embed_texts_cached call, each noting
    whether the memory setting was on when the model ran."""

    name, dim, has_text, info, text_cache, fuses = "recording", 4, True, {}, None, False

    def __init__(self) -> None:
        self.seen: list[bool] = []

    def prepare(self, source: Path | bytes) -> np.ndarray:
        return np.zeros(3, np.float32)

    def embed_prepared(self, batch: list[np.ndarray]) -> np.ndarray:
        self.seen.append(heap.active())
        return np.eye(4, dtype=np.float32)[: len(batch)]

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        self.seen.append(heap.active())
        return np.eye(4, dtype=np.float32)[: len(texts)]


@pytest.fixture
def library(tmp_path) -> Path:
    from .conftest import run_cli

    folder = tmp_path / "pictures"
    folder.mkdir()
    for index in range(3):
        Image.new("RGB", (40, 30), (80 * index, 20, 20)).save(folder / f"p{index}.jpg")
    run_cli("extract", str(folder), "--library", str(tmp_path / "lib"), "--no-progress")
    return tmp_path / "lib"


def test_embedding_photos_and_words_runs_the_model_with_memory_kept(library):
    from photoseek.embed.run import embed_library, embed_texts_cached

    embedder = _RecordingEmbedder()
    summary = embed_library(library, embedder, batch_size=2, workers=1, progress=False)
    assert summary.embedded == 3 and embedder.seen == [True, True]
    embed_texts_cached(library, embedder, ["a dog", "a cat"], progress=False)
    assert embedder.seen == [True, True, True]
    assert not heap.active()


def test_describing_runs_the_model_with_memory_kept(library, tmp_path):
    pytest.importorskip("transformers")
    from photoseek.embed import Describer
    from photoseek.embed.read_descriptions import describe_library

    from .reference_models import florence_checkpoint

    florence_checkpoint(tmp_path / "florence")
    describer = Describer(str(tmp_path / "florence"))
    seen = []
    write = describer.ids

    def recording(pictures):  # noqa: ANN001, ANN202 - the describer's own signature
        seen.append(heap.active())
        return write(pictures)

    describer.ids = recording
    summary = describe_library(library, describer, batch_size=2, progress=False)
    assert summary.described == 3 and seen == [True, True]
    assert not heap.active()
