"""Fused element-wise work in MLX: on where a C++ compiler is, and said once, with the fix,
where none is (MLX itself says nothing)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from photoseek import samples

from . import reference_models as ref
from .conftest import clip_vocab, run_cli


def test_fusion_is_on_where_a_compiler_is():
    from photoseek.embed import fusion, mlx_core

    found = fusion()
    mx = mlx_core()
    if mx.default_device() == mx.cpu and shutil.which("g++"):
        # A machine that could fuse must: fused, the probe runs 11 times as fast here.
        assert found.on, found.reason
        assert found.speedup >= 1.5
    elif mx.default_device() == mx.cpu:
        assert not found.on and "g++" in found.reason


def _without_compiler(folder: Path) -> dict[str, str]:
    """The environment with a PATH that holds no C++ compiler (the commands run by their
    interpreter's own path)."""
    folder.mkdir()
    return {**os.environ, "PATH": str(folder)}


def test_without_a_compiler_embedding_and_doctor_say_so_with_the_fix(tmp_path):
    pictures = tmp_path / "pics"
    pictures.mkdir()
    for seed in range(3):
        samples.picture(seed, (120, 90)).save(pictures / f"p{seed}.jpg")
    checkpoint = tmp_path / "tiny-clip"
    ref.clip_checkpoint(checkpoint, clip_vocab(), ref.CLIP_TINY)
    library = tmp_path / "lib"
    run_cli("extract", str(pictures), "--library", str(library))
    env = _without_compiler(tmp_path / "bin")
    embedded = run_cli("embed", "--library", str(library), "--model", str(checkpoint), env=env)
    assert embedded.stderr.count("MLX does not fuse its element-wise work here") == 1
    assert "g++ is not on PATH" in embedded.stderr and "sudo apt install g++" in embedded.stderr
    # Nothing left to embed: nothing to say.
    again = run_cli("embed", "--library", str(library), "--model", str(checkpoint), env=env)
    assert "fuse" not in again.stderr
    doctor = run_cli("doctor", env=env, check=False)
    assert doctor.returncode == 3
    assert "fusion" in doctor.stdout and "off: no C++ compiler" in doctor.stdout
    if shutil.which("g++"):
        with_compiler = run_cli("embed", "--library", str(library), "--model", str(checkpoint))
        assert "fuse" not in with_compiler.stderr


@pytest.mark.parametrize("reason", ["no C++ compiler: g++ is not on PATH"])
def test_the_note_names_the_cause_and_the_fix(reason):
    from photoseek.embed import Fusion

    text = Fusion(False, None, reason).explain()
    assert text.startswith("note: MLX does not fuse") and reason in text
    assert "xcode-select --install" in text
