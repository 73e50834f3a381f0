"""The photos' records (link, text, shape) and per-photo columns of a gallery too large to
download whole.

Records come in blocks of `BLOCK` photos (`photos/N`), loaded for the photos a search
shows or checks; `photos` says how many photos and blocks there are. Columns every photo
has (the filters' days, cameras, places...) are one file, deflated (`packed`), which the
browser inflates with its own DecompressionStream.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

from .searchdata import js_payload

# Photos a record block holds: about 10 KB of names, captions and links.
BLOCK = 256


def record_files(columns: dict[str, list]) -> dict[str, str]:
    """`photos` (count and block size) and `photos/N`: each column's slice for block N."""
    count = len(columns["ids"])
    files = {"photos": js_payload("photos", {"count": count, "block": BLOCK})}
    for number, start in enumerate(range(0, count, BLOCK)):
        files[f"photos/{number}"] = js_payload(
            f"photos/{number}",
            {name: values[start : start + BLOCK] for name, values in columns.items()},
        )
    return files


def packed(name: str, payload: dict[str, Any]) -> str:
    """A data file whose JSON payload is deflated (zlib) in base64 under `packed`."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return js_payload(name, {"packed": base64.b64encode(zlib.compress(text, 9)).decode()})
