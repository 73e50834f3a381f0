"""Where relevance ends: the one rule, in `photoseek search` and in the gallery (site/core.js
holds its twin), by which a photo's similarity to a query is a real match or noise.

A query's similarities to the photos of a library are mostly noise around a middle; the
photos that match stand out of that distribution. A result is a strong match when its score
is STRONG_Z deviations or more above the median of every photo's score for that query (the
filters' photos only, when filters are set), the deviation measured robustly as the median
absolute deviation scaled to a normal distribution's standard deviation, so that the
matches themselves do not widen it: that holds for a gallery of twelve photos as for a
million. The rest are weaker matches, shown folded. The cut-off comes from the scores
themselves, never from a fixed count.
"""

from __future__ import annotations

import numpy as np

STRONG_Z = 3.0
# The median absolute deviation of a normal distribution is 0.6745 of its deviation.
MAD_TO_SD = 1.4826


def strong_threshold(scores: np.ndarray) -> np.ndarray:
    """The least score of a strong match, for each row of scores (every photo's, for one
    query): a row of no photos has none."""
    values = np.asarray(scores, dtype=np.float64)
    if values.shape[-1] == 0:
        return np.full(values.shape[:-1], np.inf)
    middle = np.median(values, axis=-1)
    spread = np.median(np.abs(values - middle[..., None]), axis=-1)
    return middle + STRONG_Z * MAD_TO_SD * spread
