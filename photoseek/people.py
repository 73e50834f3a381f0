"""Faces grouped into persons, and names for the persons.

Grouping grows with the library: a face already in a person never moves (so a person the
user named or merged stays so), and each new face, in the library's order, joins the person
most of its close faces belong to, or starts a person of its own. Close means within
SAME_PERSON of it: dlib's descriptors put two photos of one person within about 0.6 of each
other. Measured on the shared real faces (benchmarks/bench_faces.py), 0.5 grouped the faces
of 66 one-person photos with BCubed precision 1.00 and recall 0.94 to 0.98 (by the order
they came in); 0.55 and 0.6 began to merge people.

A name comes from the user (`photoseek people --name`), which always wins, or from the
sources: a photo that names as many people as it shows faces, once the faces whose person
already bears one of its names are set aside, names the one face left. Each person takes
the name most of its photos give it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from photoseek import facestore
from photoseek.library import Library

SAME_PERSON = 0.5
# New faces are compared with the known ones this many at a time, to bound memory.
CHUNK = 256


def group(
    known: np.ndarray, persons: Sequence[int], new: np.ndarray, first_person: int
) -> list[int]:
    """The person of each new face (descriptors `new`, in order), given the faces already
    grouped (`known`, with their `persons`); a face near none starts a person numbered
    from `first_person` on."""
    if not len(new):
        return []
    new = np.asarray(new, dtype=np.float32).reshape(len(new), -1)
    vectors = np.concatenate([np.asarray(known, dtype=np.float32).reshape(-1, new.shape[1]), new])
    squares = np.einsum("ij,ij->i", vectors, vectors)
    owners = np.concatenate([np.asarray(persons, dtype=np.int64), np.zeros(len(new), np.int64)])
    next_person = first_person
    for index in range(len(persons), len(vectors)):
        # Distances to every face before this one, a block of faces at a time.
        if (index - len(persons)) % CHUNK == 0:
            block_start = index
            block = vectors[index : index + CHUNK]
            ahead = _distances(block, vectors[:index], squares[:index])
        offset = index - block_start
        inside = np.linalg.norm(block[:offset] - vectors[index], axis=1)
        distances = np.concatenate([ahead[offset], inside])
        owners[index] = _vote(distances, owners[:index], next_person)
        if owners[index] == next_person:
            next_person += 1
    return owners[len(persons) :].tolist()


def _distances(block: np.ndarray, vectors: np.ndarray, squares: np.ndarray) -> np.ndarray:
    """Euclidean distances from each face of `block` to each of `vectors`."""
    if not len(vectors):
        return np.zeros((len(block), 0), dtype=np.float32)
    own = np.einsum("ij,ij->i", block, block)[:, None]
    return np.sqrt(np.maximum(squares[None, :] - 2 * block @ vectors.T + own, 0))


def _vote(distances: np.ndarray, owners: np.ndarray, new_person: int) -> int:
    """The person most of the close faces belong to (the closest face breaks a tie), or
    `new_person` when no face is close."""
    close = distances < SAME_PERSON
    if not close.any():
        return new_person
    votes = Counter(owners[close].tolist())
    nearest = {}
    for owner, distance in zip(owners[close].tolist(), distances[close].tolist(), strict=True):
        nearest[owner] = min(distance, nearest.get(owner, distance))
    return max(votes, key=lambda owner: (votes[owner], -nearest[owner]))


def names_from_sources(
    photo_persons: Mapping[str, Sequence[int]],
    photo_names: Mapping[str, Sequence[str]],
    fixed: Mapping[int, str],
) -> dict[int, str]:
    """The name each person takes from the sources' names of its photos; `fixed` holds the
    names the user gave, which are never replaced and settle other faces of their photos."""
    # The names each person answers to: the user's, and the one the sources give it (a
    # person the user renamed is still the one the sources' name meant).
    known: dict[int, set[str]] = {person: {name} for person, name in fixed.items()}
    derived: dict[int, str] = {}
    # A name settled in one round may settle another photo's last face in the next; each
    # round that changes anything settles a face more, so the photos bound the rounds.
    for _ in range(len(photo_names) + 1):
        votes: dict[int, Counter[str]] = defaultdict(Counter)
        for photo, names in photo_names.items():
            persons = list(dict.fromkeys(photo_persons.get(photo, ())))
            wanted = list(dict.fromkeys(names))
            for person in persons:
                others = [p for p in persons if p != person]
                # Every other face must answer to a name of this photo...
                claimed = [known.get(p, set()) & set(wanted) for p in others]
                if not all(claimed):
                    continue
                # ...leaving exactly one name for this one.
                left = [n for n in wanted if not any(n in c for c in claimed)]
                if len(left) == 1:
                    votes[person][left[0]] += 1
        found = {
            person: max(counts, key=lambda name: (counts[name], name))
            for person, counts in votes.items()
        }
        if found == derived:
            break
        derived = found
        known = {p: {n} for p, n in derived.items()}
        for person, name in fixed.items():
            known.setdefault(person, set()).add(name)
    return {person: name for person, name in derived.items() if person not in fixed}


def update_persons(library: Library) -> None:
    """Group the faces in no person yet, then name the persons from the sources."""
    _ids, persons, known = facestore.descriptors(library, grouped=True)
    new_ids, _none, new = facestore.descriptors(library, grouped=False)
    if new_ids:
        chosen = group(known, persons, new, facestore.next_person(library))
        facestore.set_persons(library, new_ids, chosen)
    names = names_from_sources(
        facestore.photo_persons(library),
        facestore.source_names(library),
        facestore.user_names(library),
    )
    facestore.set_source_names(library, names)
