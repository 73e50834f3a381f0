"""Where relevance ends: the one rule, in `photoseek search` and in the gallery (site/core.js
holds its twin), by which a photo's similarity to a query is a real match or noise.

A query's similarities to the photos of a library are mostly noise around a mean; the photos
that match stand out of that distribution. A result is a strong match when its score is
STRONG_Z standard deviations or more above the mean of every photo's score for that query
(the filters' photos only, when filters are set); the rest are weaker matches, shown folded.
The cut-off comes from the scores themselves, never from a fixed count.
"""

from __future__ import annotations

import numpy as np

STRONG_Z = 3.0


def strong_threshold(scores: np.ndarray) -> float:
    """The least score of a strong match among these scores (every photo's, for one query)."""
    if not len(scores):
        return float("inf")
    values = np.asarray(scores, dtype=np.float64)
    return float(values.mean() + STRONG_Z * values.std())
