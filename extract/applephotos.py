"""Items from an Apple Photos library (`*.photoslibrary`): each photo Photos shows, once.

The picture is the best one on this Mac: the original when it is there and
photoseek can decode it, else the largest derivative Photos keeps (a photo
made from one says so in its metadata). An edited photo's full-size render is
a photo of its own, linked to its original. Metadata comes from the database
and wins over the file's own EXIF.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from photoseek import locators

from .images import PICTURE_SUFFIXES
from .items import Item, Loaded, Report, is_utf8, path_text, read_file
from .photosdb import KNOWN_MODELS, Asset, PhotosDatabase, PhotosDbError

LIBRARY_SUFFIX = ".photoslibrary"
# Derivatives, best first: full-size JPEG of a RAW, a big poster or photo, the large one,
# then the thumbnail.
DERIVATIVES = (
    ("derivatives", "_1_100_o.jpeg", "large"),
    ("derivatives", "_1_102_o.jpeg", "large"),
    ("derivatives", "_1_105_c.jpeg", "large"),
    ("derivatives/masters", "_4_5005_c.jpeg", "thumbnail"),
)
RENDERS = ("_1_201_a.jpeg", "_1_201_a.heic")


def is_photos_library(path: Path) -> bool:
    """Whether a folder is a Photos library package."""
    return path.suffix.lower() == LIBRARY_SUFFIX and path.is_dir()


class PhotosLibrarySource:
    """An Apple Photos library, read through its database; nothing in it is written."""

    kind = "apple_photos"

    def __init__(self, root: Path, report: Report) -> None:
        self.root = root
        self.report = report

    def describe(self) -> str:
        """One line for the run's opening message."""
        return f"Apple Photos library {self.root}"

    def close(self) -> None:
        """The database copy is dropped as soon as it has been read."""

    def _original(self, asset: Asset) -> Path | None:
        if not asset.filename:
            return None
        if asset.referenced:
            # Imported without copying: the file stays where it was, perhaps on a lost drive.
            path = Path(asset.directory) / asset.filename
        else:
            path = self.root / "originals" / asset.directory / asset.filename
        decodable = path.suffix.lower() in PICTURE_SUFFIXES
        return path if decodable and path.is_file() else None

    def _best(self, asset: Asset) -> tuple[Path, str | None] | None:
        original = self._original(asset)
        if original is not None:
            return original, None
        folder = asset.uuid[:1]
        for where, suffix, derivative in DERIVATIVES:
            path = self.root / "resources" / where / folder / f"{asset.uuid}{suffix}"
            if path.is_file():
                return path, derivative
        return None

    def _render(self, asset: Asset) -> Path | None:
        folder = self.root / "resources" / "renders" / asset.uuid[:1]
        for suffix in RENDERS:
            path = folder / f"{asset.uuid}{suffix}"
            if path.is_file():
                return path
        return None

    def _read(self) -> list[Asset]:
        try:
            database = PhotosDatabase(self.root)
        except PhotosDbError as err:
            self.report.skip(
                self.root / "database" / "Photos.sqlite", "unreadable database", str(err)
            )
            return []
        try:
            version = database.model_version()
            if version is not None and version not in KNOWN_MODELS:
                age = "newer" if version >= KNOWN_MODELS.stop else "older"
                self.report.warn(
                    self.describe(),
                    f"Photos model version {version} is {age} than photoseek knows (13xxx to "
                    "17xxx); read by the same discovery of tables and columns",
                )
            assets, left_out = database.assets()
        except sqlite3.DatabaseError as err:
            self.report.skip(database.path, "unreadable database", f"{database.path}: {err}")
            return []
        finally:
            database.close()
        for reason, count in left_out.items():
            self.report.leave_out(reason, count)
        if (self.root / "database" / "Photos.sqlite.lock").exists():
            self.report.warn(
                self.describe(),
                "Photos has this library open: it was read from a copy of its database; "
                "a later run picks up what changes meanwhile",
            )
        return assets

    def items(self, walk: Any) -> Iterator[Item]:
        """An item per photo Photos shows, and one per edited render."""
        library = path_text(self.root)
        for asset in self._read():
            meta = {k: v for k, v in asset.meta.items() if not k.startswith("_")}
            name = str(meta.get("original_name") or asset.uuid).replace("/", "_")
            best = self._best(asset)
            locator = locators.for_member("photos", library, f"{asset.uuid}/{name}")
            if best is None:
                self.report.skip(
                    f"{name} ({asset.uuid})",
                    "not on this Mac",
                    "neither the original nor any derivative is in the library (kept only "
                    "in iCloud, or a referenced file whose drive is gone)",
                )
            else:
                path, derivative = best
                yield self._item(locator, path, {**meta, "derivative": derivative}, None)
            render = self._render(asset) if asset.has_adjustments else None
            if render is not None:
                edited = locators.for_member("photos", library, f"{asset.uuid}/edited/{name}")
                link = ("edited_from", locator) if best is not None else None
                yield self._item(edited, render, meta, link)

    def _item(
        self, locator: str, path: Path, meta: dict[str, Any], link: tuple[str, str] | None
    ) -> Item:
        st = path.stat()
        # The asset's facts are in the fingerprint: a change to the database alone is picked up.
        facts = json.dumps([meta, path_text(path), st.st_size, st.st_mtime_ns], sort_keys=True)
        fingerprint = hashlib.sha256(facts.encode()).hexdigest()[:32]

        def load() -> Loaded:
            return Loaded(
                read_file(path), dict(meta), on_disk=path if is_utf8(path) else None, link=link
            )

        return Item(locator, self.kind, fingerprint, load)
