"""A face for each published person: the People page shows each one by a square crop of
their largest face, cut from the photo's view-size rendition (already upright, sRGB and
without metadata), so no original is read again."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

from photoseek.ownership import write_whole

from .gallery import Entry, Tile, unnamed_person
from .output import SiteFolder
from .pictures import is_complete, nearest_kind, rendition_kinds, rendition_path

FACE_SIDE = 160
# The crop reaches this share of the face's size beyond each side: hair and chin included.
MARGIN = 0.35


def face_path(sid: str, face: int) -> str:
    """Where one face's crop lies in the site."""
    return f"img/face/{sid[:2]}/{sid}-{face}.jpg"


def label(face: dict[str, Any], unnamed: bool) -> str | None:
    """The name the site gives a face's person: its name, 'Person N' for an unnamed person
    when those are published, else None."""
    if face["name"]:
        return str(face["name"])
    if unnamed and face["person"] is not None:
        return unnamed_person(face["person"])
    return None


def largest_faces(
    people: dict[str, list[Entry]], unnamed: bool
) -> dict[str, tuple[Entry, dict[str, Any]]]:
    """For each published person (by the name the site shows), the photo and face that
    shows them largest; persons known only from the sources' names have none."""
    best: dict[str, tuple[float, Entry, dict[str, Any]]] = {}
    for name, members in people.items():
        for entry in members:
            width, height = entry.size
            for face in entry.photo.meta.get("faces", []):
                if label(face, unnamed) != name:
                    continue
                area = face["box"][2] * width * face["box"][3] * height
                if name not in best or area > best[name][0]:
                    best[name] = (area, entry, face)
    return {name: (entry, face) for name, (_, entry, face) in best.items()}


def crop(picture: Path, box: list[float]) -> bytes:
    """A square FACE_SIDE crop around `box` (fractions of the picture), as a JPEG."""
    with Image.open(picture) as image:
        width, height = image.size
        left, top, w, h = box[0] * width, box[1] * height, box[2] * width, box[3] * height
        side = max(w, h) * (1 + 2 * MARGIN)
        centre_x, centre_y = left + w / 2, top + h / 2
        # Kept inside the picture: a face at the edge is cut off-centre rather than padded.
        side = min(side, width, height)
        x = min(max(centre_x - side / 2, 0), width - side)
        y = min(max(centre_y - side / 2, 0), height - side)
        square = image.convert("RGB").resize(
            (FACE_SIDE, FACE_SIDE), Image.Resampling.LANCZOS, box=(x, y, x + side, y + side)
        )
    encoded = io.BytesIO()
    square.save(encoded, "JPEG", quality=85)
    return encoded.getvalue()


def person_covers(
    folder: SiteFolder, people: dict[str, list[Entry]], unnamed: bool
) -> dict[str, Tile]:
    """Write each published person's face crop (when missing) and return it as a tile."""
    covers = {}
    for name, (entry, face) in largest_faces(people, unnamed).items():
        relative = face_path(entry.sid, face["id"])
        target = folder.path(relative)
        if not is_complete(target):
            kind = nearest_kind("medium", rendition_kinds(*entry.size, full=entry.full_size))
            write_whole(target, crop(folder.out / rendition_path(kind, entry.sid), face["box"]))
        covers[name] = Tile(entry.sid, relative, FACE_SIDE, FACE_SIDE, "")
    return covers
