"""Where photoseek keeps what it derives once and reuses: converted weights, a patched BLAS."""

from __future__ import annotations

import os
from pathlib import Path


def cache_base() -> Path:
    """$PHOTOSEEK_CACHE, else photoseek's folder in the user's cache ($XDG_CACHE_HOME)."""
    base = os.environ.get("PHOTOSEEK_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"), "photoseek"
    )
    return Path(base)
