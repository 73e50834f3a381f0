"""Lightroom's catalog (`.lrcat`) joined to a preview folder's `previews.db`."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from photoseek.facts import PLACE_PARTS, converted

COCOA_EPOCH = 978307200
_ORIENTATION = {"AB": 1, "BC": 6, "CD": 3, "DA": 8}


class CatalogError(ValueError):
    """The catalog or preview database cannot be read."""


def _open(path: Path) -> sqlite3.Connection:
    # Read-only, so a catalog Lightroom still has open is never touched.
    try:
        db = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        db.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.DatabaseError as err:
        raise CatalogError(f"{path}: not a readable SQLite database ({err})") from err
    return db


def cocoa_time(value: Any) -> str | None:
    """A catalog time (Cocoa seconds or ISO 8601 text) as ISO 8601 text."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value + COCOA_EPOCH, dt.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%S"
        )
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def _xmp_field(xmp: str, name: str) -> str | None:
    """The first language alternative of a Dublin Core field (title, description) in XMP."""
    try:
        root = ET.fromstring(xmp)
    except ET.ParseError:
        return None
    for element in root.iter():
        if element.tag.endswith("}" + name):
            for item in element.iter():
                if item.tag.endswith("}li") and item.text and item.text.strip():
                    return item.text.strip()
    return None


# Where the photo was taken, as the catalog's IPTC location fields (written into its XMP) say.
_XMP_PLACE = {
    "city": "{http://ns.adobe.com/photoshop/1.0/}City",
    "region": "{http://ns.adobe.com/photoshop/1.0/}State",
    "country": "{http://ns.adobe.com/photoshop/1.0/}Country",
    "code": "{http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/}CountryCode",
}


def _xmp_place(xmp: str) -> dict[str, str] | None:
    """The town, region, country and country code the XMP names (an attribute of a
    description, or an element), or None."""
    try:
        root = ET.fromstring(xmp)
    except ET.ParseError:
        return None
    place: dict[str, str] = {}
    for element in root.iter():
        for part, tag in _XMP_PLACE.items():
            value = element.get(tag) or (element.text if element.tag == tag else None)
            if value and value.strip() and part not in place:
                place[part] = value.strip()
    if not place.keys() & set(PLACE_PARTS):
        return None
    if "code" in place:
        place["code"] = place["code"].upper()
    return place


def _apex_aperture(value: float | None) -> float | None:
    # The catalog stores aperture and shutter as APEX values (Av, Tv).
    return round(2 ** (value / 2), 1) if value is not None else None


def _apex_shutter(value: float | None) -> str | None:
    if value is None:
        return None
    seconds = 2 ** (-value)
    return f"1/{round(1 / seconds)}" if seconds < 1 else f"{seconds:g}"


class Catalog:
    """Lookups from a preview's uuid into the catalog's facts about that image."""

    def __init__(self, previews_db: Path | None, lrcat: Path | None) -> None:
        self.previews_path = previews_db if previews_db and previews_db.exists() else None
        self.lrcat_path = lrcat
        self.warnings: list[str] = []
        # Set once any query failed (a locked catalog): what was read is then incomplete.
        self.failed = False
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Open once here so that an unreadable database is reported before the run.
        self._connections()

    def _connections(self) -> tuple[sqlite3.Connection | None, sqlite3.Connection | None]:
        # SQLite connections belong to one thread; each extraction worker gets its own.
        pair = getattr(self._local, "pair", None)
        if pair is None:
            pair = tuple(_open(p) if p else None for p in (self.previews_path, self.lrcat_path))
            self._local.pair = pair
            with self._lock:
                self._opened.extend(db for db in pair if db is not None)
        return pair

    @property
    def previews(self) -> sqlite3.Connection | None:
        """This thread's connection to previews.db, if there is one."""
        return self._connections()[0]

    @property
    def lrcat(self) -> sqlite3.Connection | None:
        """This thread's connection to the catalog, if there is one."""
        return self._connections()[1]

    def close(self) -> None:
        """Close every connection opened by any thread."""
        with self._lock:
            for db in self._opened:
                db.close()
            self._opened.clear()

    def _query(self, db: sqlite3.Connection | None, sql: str, args: tuple = ()) -> list[tuple]:
        if db is None:
            return []
        try:
            return db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as err:
            message = f"catalog query skipped: {err}"
            self.failed = True
            with self._lock:
                if message not in self.warnings:
                    self.warnings.append(message)
            return []

    def image_id(self, uuid: str, digest: str | None) -> int | None:
        """The catalog image a preview belongs to, through previews.db."""
        rows = self._query(
            self.previews, "SELECT imageId, digest FROM ImageCacheEntry WHERE uuid=?", (uuid,)
        )
        for image_id, row_digest in rows:
            if digest is None or row_digest == digest:
                return image_id
        return rows[0][0] if rows else None

    def preview_name(self, image_id: int) -> str | None:
        """The `.lrprev` file name of a catalog image's preview, if it has one."""
        rows = self._query(
            self.previews, "SELECT uuid, digest FROM ImageCacheEntry WHERE imageId=?", (image_id,)
        )
        return f"{rows[0][0]}-{rows[0][1]}.lrprev" if rows else None

    def metadata(self, image_id: int) -> dict[str, Any]:
        """Everything the catalog says of one image, in the library's field names."""
        rows = self._query(
            self.lrcat,
            "SELECT i.id_global, i.captureTime, i.rating, i.colorLabels, i.pick, i.orientation,"
            " i.fileFormat, i.fileWidth, i.fileHeight, i.masterImage, i.copyName,"
            " f.baseName, f.extension, f.originalFilename, fo.pathFromRoot, r.absolutePath"
            " FROM Adobe_images i"
            " LEFT JOIN AgLibraryFile f ON f.id_local = i.rootFile"
            " LEFT JOIN AgLibraryFolder fo ON fo.id_local = f.folder"
            " LEFT JOIN AgLibraryRootFolder r ON r.id_local = fo.rootFolder"
            " WHERE i.id_local=?",
            (image_id,),
        )
        if not rows:
            return {}
        (gid, capture, rating, label, pick, orient, fmt, fw, fh, master, copy_name,
         base, ext, original, folder_path, root_path) = rows[0]  # fmt: skip
        name = f"{base}.{ext}" if base and ext else base
        meta: dict[str, Any] = {
            "taken": converted(cocoa_time, capture),
            "rating": converted(int, rating) if rating is not None else None,
            "colour_label": label or None,
            "pick": converted(int, pick) if pick is not None else None,
            "original_name": original or name,
            "original_path": (root_path or "") + (folder_path or "") + (name or "")
            if name
            else None,
            "original_format": fmt,
            "original_width": fw,
            "original_height": fh,
            "lightroom_image_id": image_id,
            "lightroom_global_id": gid,
            "virtual_copy_name": copy_name,
            "_master_image_id": master,
            "_orientation": _ORIENTATION.get(orient or "AB", 1),
        }
        exif = self._query(
            self.lrcat,
            "SELECT e.aperture, e.focalLength, e.isoSpeedRating, e.shutterSpeed, e.gpsLatitude,"
            " e.gpsLongitude, e.hasGPS, c.value, l.value FROM AgHarvestedExifMetadata e"
            " LEFT JOIN AgInternedExifCameraModel c ON c.id_local = e.cameraModelRef"
            " LEFT JOIN AgInternedExifLens l ON l.id_local = e.lensRef WHERE e.image=?",
            (image_id,),
        )
        if exif:
            aperture, focal, iso, shutter, lat, lon, has_gps, camera, lens = exif[0]
            meta.update(
                aperture=converted(_apex_aperture, aperture),
                shutter=converted(_apex_shutter, shutter),
                iso=converted(int, iso) if iso else None,
                focal_length=focal,
                camera=camera,
                lens=lens,
            )
            if has_gps and lat is not None and lon is not None:
                meta["gps"] = {"lat": lat, "lon": lon}
        meta["keywords"] = [
            r[0]
            for r in self._query(
                self.lrcat,
                "SELECT k.name FROM AgLibraryKeywordImage ki JOIN AgLibraryKeyword k"
                " ON k.id_local = ki.tag WHERE ki.image=? AND k.name IS NOT NULL ORDER BY k.name",
                (image_id,),
            )
        ]
        meta["albums"] = [
            r[0]
            for r in self._query(
                self.lrcat,
                "SELECT c.name FROM AgLibraryCollectionImage ci JOIN AgLibraryCollection c"
                " ON c.id_local = ci.collection WHERE ci.image=? AND c.name IS NOT NULL"
                " ORDER BY c.name",
                (image_id,),
            )
        ]
        caption = self._query(
            self.lrcat, "SELECT caption FROM AgLibraryIPTC WHERE image=?", (image_id,)
        )
        if caption and caption[0][0]:
            meta["caption"] = caption[0][0]
        xmp = self._query(
            self.lrcat, "SELECT xmp FROM Adobe_AdditionalMetadata WHERE image=?", (image_id,)
        )
        if xmp and xmp[0][0]:
            meta["title"] = _xmp_field(xmp[0][0], "title")
            meta.setdefault("caption", _xmp_field(xmp[0][0], "description"))
            meta["place"] = _xmp_place(xmp[0][0])
        return {k: v for k, v in meta.items() if v is not None}


def find_catalog(lrdata: Path) -> Path | None:
    """The `.lrcat` of a preview folder: `<name> Previews.lrdata` sits beside `<name>.lrcat`."""
    match = re.match(r"(.*) Previews\.lrdata$", lrdata.name)
    if match:
        candidate = lrdata.with_name(match.group(1) + ".lrcat")
        if candidate.is_file():
            return candidate
    siblings = sorted(lrdata.parent.glob("*.lrcat"))
    return siblings[0] if len(siblings) == 1 else None
