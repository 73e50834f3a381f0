"""What every command promises: Ctrl-C stops it within two seconds and loses nothing, models
that cannot be loaded are a message, `build` keeps the library's model, one worker policy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from photoseek.concurrency import default_workers, usable_cores
from photoseek.interrupt import MESSAGE

from . import reference_models as ref
from .conftest import clip_vocab, ls_json, pictures, run_cli

STOP_WITHIN = 2.0


@pytest.fixture(scope="module")
def b32(tmp_path_factory) -> Path:
    """A ViT-B/32 CLIP with random weights: slow enough on a CPU that a batch takes seconds."""
    folder = tmp_path_factory.mktemp("b32") / "clip-b32"
    ref.clip_checkpoint(folder, clip_vocab(), ref.CLIP_B32)
    return folder


def interrupt_when(
    args: list[str], ready: str, settle: float, env: dict[str, str] | None = None
) -> tuple[int, float, str]:
    """Start photoseek, wait for `ready` on stderr and `settle` seconds more, press Ctrl-C.

    Returns the exit status, the seconds from Ctrl-C to exit, and stderr.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "photoseek", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # Its own process group, as a terminal gives a foreground job.
        start_new_session=True,
    )
    seen = ""
    deadline = time.monotonic() + 300
    while ready not in seen and time.monotonic() < deadline:
        char = process.stderr.read(1)
        if not char:
            break
        seen += char
    assert ready in seen, seen
    time.sleep(settle)
    pressed = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    stopped = time.monotonic() - pressed
    return process.returncode, stopped, seen + process.stderr.read()


def test_ctrl_c_stops_embed_within_two_seconds_and_the_run_resumes(b32, tmp_path):
    library = tmp_path / "lib"
    run_cli("extract", str(pictures(tmp_path / "pics", 160, (200, 150))), "--library", str(library))
    # One batch of 160 pictures in ViT-B/32 keeps MLX busy for seconds at a time.
    args = ["embed", "--library", str(library), "--model", str(b32), "--batch-size", "160"]
    # MLX's kernel cache lies in the temporary folder: a new one makes this run compile its
    # fused kernels, as a first run on a new machine does, and Ctrl-C then also stops the
    # compiler, which MLX reports as its own error.
    fresh = {**os.environ, "TMPDIR": str(tmp_path)}
    status, stopped, stderr = interrupt_when([*args, "--progress"], "embedding", 1.5, fresh)
    assert status == 130, stderr
    assert stopped < STOP_WITHIN, stderr
    assert stderr.count(MESSAGE) == 1, stderr
    assert "Traceback" not in stderr
    again = run_cli(*args)
    assert "160 embedded, 0 already embedded" in again.stdout
    assert len(ls_json(library)) == 160


def test_ctrl_c_stops_build_within_two_seconds_and_the_next_build_completes(tmp_path):
    source = pictures(tmp_path / "pics", 240, (1600, 1200))
    out = tmp_path / "site"
    # Text in pictures is not read: this is about stopping the site's pictures.
    args = ["build", str(source), "--out", str(out), "--model", "colour", "--no-ocr"]
    status, stopped, stderr = interrupt_when([*args, "--progress"], "pictures", 1.0)
    assert status == 130, stderr
    assert stopped < STOP_WITHIN, stderr
    assert stderr.count(MESSAGE) == 1, stderr
    assert "Traceback" not in stderr
    # Not published as complete; the next build finishes it to what an uninterrupted one makes.
    assert json.loads((out / ".photoseek-site").read_text())["state"] == "building"
    run_cli(*args)
    assert json.loads((out / ".photoseek-site").read_text())["state"] == "complete"
    fresh = tmp_path / "fresh"
    run_cli(
        "build", str(source), "--out", str(fresh), "--library", str(tmp_path / "fresh-lib"),
        "--model", "colour", "--no-ocr",
    )  # fmt: skip
    made = {p.relative_to(out) for p in out.rglob("*") if p.is_file()}
    expected = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    assert made == expected
    assert not [p for p in made if p.name.endswith(".part")]


def test_build_keeps_the_model_the_library_was_embedded_with(tmp_path):
    source = pictures(tmp_path / "pics", 6, (200, 150))
    library = tmp_path / "site-library"
    run_cli("extract", str(source), "--library", str(library))
    run_cli("embed", "--library", str(library), "--model", "colour")
    # No --model and no network: the default CLIP cannot be had, the library's colour can.
    result = run_cli("build", str(source), "--out", str(tmp_path / "site"), check=False)
    assert result.returncode == 0, result.stderr
    assert "colour: 0 embedded, 6 already embedded" in result.stdout


def checkpoint_without(tmp_path: Path, b32: Path, drop: str, config: dict | None = None) -> Path:
    folder = tmp_path / f"without-{drop.replace('*', 'x')}"
    folder.mkdir()
    for file in b32.iterdir():
        if not file.match(drop):
            (folder / file.name).symlink_to(file)
    if config is not None:
        (folder / "config.json").unlink(missing_ok=True)
        (folder / "config.json").write_text(json.dumps(config))
    return folder


@pytest.mark.parametrize(
    ("drop", "config", "says"),
    [
        ("*.safetensors", None, "holds no weights"),
        ("tokenizer.json", None, "has no CLIP tokenizer"),
        ("config.json", {"model_type": "bert"}, "model type 'bert' is not supported"),
        # A config that does not match its weights.
        ("config.json", {"model_type": "clip", "projection_dim": 7}, "cannot be loaded from"),
    ],
)
def test_a_model_that_cannot_be_loaded_is_one_message(b32, tmp_path, drop, config, says):
    library = tmp_path / "lib"
    run_cli("extract", str(pictures(tmp_path / "pics", 2, (200, 150))), "--library", str(library))
    model = checkpoint_without(tmp_path, b32, drop, config)
    result = run_cli("embed", "--library", str(library), "--model", str(model), check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ") and says in result.stderr, result.stderr
    assert "--model colour" in result.stderr


def test_one_worker_policy(monkeypatch):
    monkeypatch.delenv("PHOTOSEEK_WORKERS", raising=False)
    assert default_workers() == usable_cores() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("PHOTOSEEK_WORKERS", "3")
    assert default_workers() == 3
    assert default_workers(5) == 5
    result = run_cli("extract", "x", "--library", "y", "--workers", "0", check=False)
    assert result.returncode == 2
