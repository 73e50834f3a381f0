"""Folders that tests build once and keep in the temporary folder (reference outputs,
checkpoints, a vocabulary), so that repeated runs, a mutation tester's above all, skip the
slow step that makes them."""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


def kept_key(*values: object, packages: Iterable[str] = (), files: Iterable[Path] = ()) -> str:
    """A short key for what makes a kept folder: values, packages' versions, files' bytes."""
    parts = [repr(values)]
    parts += [importlib.metadata.version(name) for name in packages]
    parts += [hashlib.sha256(path.read_bytes()).hexdigest() for path in files]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def kept_folder(name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name` in the temporary folder, made by `make` the first time.

    It is built aside and renamed into place with a `done` mark, so a run that is killed
    half-way, or two runs at once, never leave a half-made folder to the next.
    """
    folder = Path(tempfile.gettempdir()) / name
    if (folder / "done").is_file():
        return folder
    scratch = Path(tempfile.mkdtemp(prefix=f"{name}."))
    make(scratch)
    (scratch / "done").touch()
    shutil.rmtree(folder, ignore_errors=True)
    try:
        scratch.rename(folder)
    except OSError:  # another run made it at the same time
        shutil.rmtree(scratch, ignore_errors=True)
    return folder
