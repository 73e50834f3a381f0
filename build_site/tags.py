"""Automatic tags: zero-shot labels from the model's own text vectors, for untagged libraries.

A raw image-text similarity means different things for different models, so a
tag is judged against the library itself: a photo gets a tag when its
similarity to it stands well above that tag's similarity to the other photos
(a z-score), and the tag is among the photo's strongest.
"""

from __future__ import annotations

import numpy as np

Z_THRESHOLD = 2.5
PER_PHOTO = 3
CHUNK = 4096


def auto_tags(
    photos: np.ndarray,
    tags: list[str],
    tag_vectors: np.ndarray,
    z_threshold: float = Z_THRESHOLD,
    per_photo: int = PER_PHOTO,
) -> list[list[str]]:
    """The tags of each photo (rows of `photos`), strongest first."""
    usable = np.linalg.norm(tag_vectors, axis=1) > 0
    tags = [t for t, ok in zip(tags, usable, strict=True) if ok]
    tag_vectors = tag_vectors[usable]
    if len(photos) < 2 or not tags:
        return [[] for _ in range(len(photos))]
    total = np.zeros(len(tags))
    squares = np.zeros(len(tags))
    for start in range(0, len(photos), CHUNK):
        scores = photos[start : start + CHUNK] @ tag_vectors.T
        total += scores.sum(axis=0)
        squares += (scores.astype(np.float64) ** 2).sum(axis=0)
    mean = total / len(photos)
    std = np.sqrt(np.maximum(squares / len(photos) - mean**2, 1e-12))
    found: list[list[str]] = []
    for start in range(0, len(photos), CHUNK):
        z = (photos[start : start + CHUNK] @ tag_vectors.T - mean) / std
        best = np.argsort(-z, axis=1)[:, :per_photo]
        for row, columns in zip(z, best, strict=True):
            found.append([tags[c] for c in columns if row[c] >= z_threshold])
    return found
