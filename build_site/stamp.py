"""What a site is made from, as one digest: when it matches the last complete build's,
and the site's files are as that build left them, a build has nothing to do.

The digest covers the library's catalog (every photo, its metadata, vectors, text, faces and
descriptions live there, and the pictures are named by their content), the model, the
options, photoseek's own code and templates, and the libraries that shape what is written.
Anything it missed would leave a site stale, so where in doubt it rebuilds: rows written
again alike may change it.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata, resources
from pathlib import Path

from photoseek.library import Library

# Bumped when what a build writes depends on something the digest does not yet cover.
FORMAT = 1
# The packages whose files write the site.
CODE = (
    "photoseek",
    "photoseek.build_site",
    "photoseek.embed",
    "photoseek.templates",
    "photoseek.site",
)
# Distributions whose version can change what the site holds (pages, pictures, neighbours).
LIBRARIES = ("jinja2", "numpy", "hnswlib", "pillow", "pillow-heif", "reverse-geocode")


def code_digest() -> str:
    """The digest of the installed photoseek code, templates and browser files."""
    digest = hashlib.sha256()
    for package in CODE:
        folder = resources.files(package)
        for item in sorted(folder.iterdir(), key=lambda item: item.name):
            if item.is_file():
                digest.update(f"\0{package}/{item.name}\0".encode())
                digest.update(item.read_bytes())
    for name in LIBRARIES:
        try:
            digest.update(f"\0{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{name} absent".encode())
    return digest.hexdigest()


def build_stamp(library: Library, model: str, model_info: dict, options: object) -> str:
    """The digest of everything a build of the site reads: `model_info` says where the model
    came from (its checkpoint's folder), `options` is the SiteOptions (its repr names every
    field)."""
    digest = hashlib.sha256(f"photoseek site {FORMAT}\0{code_digest()}".encode())
    about = json.dumps(model_info, sort_keys=True, default=str)
    digest.update(f"\0{model}\0{about}\0{options!r}\0".encode())
    digest.update(library.content_digest().encode())
    # A picture replaced or damaged in place changes what the build makes of it. One that
    # cannot be read fails the build's rendering, and such a build is never kept.
    for path in library.picture_paths():
        digest.update(f"\0{path}\0{_file_state(path) or 'unreadable'}".encode())
    return digest.hexdigest()


def _file_state(path: Path) -> str | None:
    """A file's size and modification time, or None when it cannot be read."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return f"{stat.st_size}\0{stat.st_mtime_ns}"


def files_digest(root: Path, names: set[str]) -> str | None:
    """The digest of the named files' sizes and modification times, or None when one is
    missing: a file the owner edited, replaced or deleted since then changes it."""
    digest = hashlib.sha256()
    for name in sorted(names):
        state = _file_state(root / name)
        if state is None:
            return None
        digest.update(f"{name}\0{state}\n".encode())
    return digest.hexdigest()
