"""Writers for sample inputs: Lightroom previews and catalogs, Takeout dumps, generated pictures.

They follow the format descriptions photoseek's readers were written from, and
serve the demo, the tests and the benchmarks. No real sample files exist to
copy, and these are not meant to be read back by Adobe or Google software.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import sqlite3
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw

COCOA_EPOCH = 978307200


def picture(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A generated picture: a colour gradient with a few shapes, different for every seed."""
    rng = random.Random(seed)
    width, height = size
    top = tuple(rng.randrange(256) for _ in range(3))
    bottom = tuple(rng.randrange(256) for _ in range(3))
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    for _ in range(rng.randrange(2, 6)):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(10, width // 2), y0 + rng.randrange(10, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        else:
            draw.rectangle([x0, y0, x1, y1], fill=colour)
    return image


def jpeg_bytes(image: Image.Image, quality: int = 85, **options: Any) -> bytes:
    """An image encoded as JPEG."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **options)
    return out.getvalue()


def lua(value: Any) -> str:
    """A value in Lua table syntax, as Lightroom writes preview headers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "{ " + ", ".join(lua(v) for v in value) + " }"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {lua(v)}" for k, v in sorted(value.items())) + " }"
    raise TypeError(type(value))


def section(name: str, data: bytes, align: int = 16) -> bytes:
    """One `AgHg` section: 32-byte header, data, padding to a multiple of `align`."""
    padding = -len(data) % align
    header = b"AgHg" + struct.pack(">HH", 32, 0) + struct.pack(">QQ", len(data), padding)
    header += name.encode("ascii").ljust(8, b"\x00")
    return header + data + b"\x00" * padding


def lrprev(
    uuid: str,
    digest: str,
    levels: list[bytes],
    sizes: list[tuple[int, int]],
    colour_profile: str = "AdobeRGB",
    cropped: tuple[int, int] | None = None,
    drop_end_marker: bool = False,
) -> bytes:
    """A whole `.lrprev` file with a header section and one section per JPEG level."""
    cropped = cropped or sizes[-1]
    header = {
        "colorProfile": colour_profile,
        "croppedHeight": cropped[1],
        "croppedWidth": cropped[0],
        "digest": digest,
        "fileTimeStamp": 645111123,
        "formatVersion": 3,
        "fromProxy": False,
        "levels": [{"height": h, "width": w} for w, h in sizes],
        "quality": "standard",
        "uuid": uuid,
    }
    out = [section("header", f"pyramid = {lua(header)}".encode())]
    for index, data in enumerate(levels, start=1):
        if drop_end_marker and index == len(levels):
            data = data[:-2]
        out.append(section(f"level_{index}", data))
    return b"".join(out)


def pyramid(image: Image.Image, count: int = 3) -> tuple[list[bytes], list[tuple[int, int]]]:
    """JPEG levels that double in size up to the image, as Lightroom stores them."""
    sizes = []
    width, height = image.size
    for step in range(count - 1, -1, -1):
        sizes.append((max(1, width >> step), max(1, height >> step)))
    return [jpeg_bytes(image.resize(s)) for s in sizes], sizes


@dataclass
class CatalogImage:
    """What a sample catalog records of one image."""

    uuid: str
    digest: str
    base_name: str
    extension: str = "CR2"
    folder: str = "2019/2019-05-04/"
    capture_time: str = "2019-05-04T12:34:56"
    rating: int | None = None
    pick: int = 0
    colour_label: str = ""
    keywords: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    caption: str | None = None
    title: str | None = None
    camera: str | None = None
    lens: str | None = None
    aperture_apex: float | None = None
    shutter_apex: float | None = None
    iso: int | None = None
    focal_length: float | None = None
    gps: tuple[float, float] | None = None
    # The IPTC location fields: town, region, country, country code.
    place: tuple[str, str, str, str] | None = None
    master_of: int | None = None
    copy_name: str | None = None


_LRCAT_SCHEMA = """
CREATE TABLE Adobe_images(id_local INTEGER PRIMARY KEY, id_global TEXT, rootFile INTEGER,
    captureTime TEXT, rating REAL, colorLabels TEXT, pick REAL, orientation TEXT,
    fileFormat TEXT, fileWidth REAL, fileHeight REAL, masterImage INTEGER, copyName TEXT,
    pyramidIDCache TEXT);
CREATE TABLE AgLibraryFile(id_local INTEGER PRIMARY KEY, id_global TEXT, baseName TEXT,
    extension TEXT, folder INTEGER, originalFilename TEXT, md5 TEXT, importHash TEXT,
    modTime REAL);
CREATE TABLE AgLibraryFileAssetMetadata(fileId INTEGER, sha256 TEXT, fileSize INTEGER);
CREATE TABLE AgLibraryFolder(id_local INTEGER PRIMARY KEY, parentId INTEGER,
    pathFromRoot TEXT, rootFolder INTEGER);
CREATE TABLE AgLibraryRootFolder(id_local INTEGER PRIMARY KEY, absolutePath TEXT, name TEXT,
    relativePathFromCatalog TEXT);
CREATE TABLE AgInternedExifCameraModel(id_local INTEGER PRIMARY KEY, value TEXT);
CREATE TABLE AgInternedExifLens(id_local INTEGER PRIMARY KEY, value TEXT);
CREATE TABLE AgHarvestedExifMetadata(id_local INTEGER PRIMARY KEY, image INTEGER,
    aperture REAL, focalLength REAL, isoSpeedRating REAL, shutterSpeed REAL,
    gpsLatitude REAL, gpsLongitude REAL, hasGPS INTEGER, cameraModelRef INTEGER,
    lensRef INTEGER, dateYear REAL, dateMonth REAL, dateDay REAL);
CREATE TABLE AgLibraryKeyword(id_local INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE AgLibraryKeywordImage(id_local INTEGER PRIMARY KEY, image INTEGER, tag INTEGER);
CREATE TABLE AgLibraryCollection(id_local INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE AgLibraryCollectionImage(id_local INTEGER PRIMARY KEY, image INTEGER,
    collection INTEGER);
CREATE TABLE AgLibraryIPTC(id_local INTEGER PRIMARY KEY, image INTEGER, caption TEXT);
CREATE TABLE Adobe_AdditionalMetadata(id_local INTEGER PRIMARY KEY, image INTEGER, xmp TEXT);
"""

_PREVIEWS_SCHEMA = """
CREATE TABLE ImageCacheEntry(imageId INTEGER, uuid TEXT, digest TEXT, orientation TEXT);
CREATE INDEX ImageCacheEntry_uuid ON ImageCacheEntry(uuid);
CREATE TABLE Pyramid(uuid TEXT, digest TEXT, colorProfile TEXT, croppedWidth REAL,
    croppedHeight REAL);
CREATE TABLE PyramidLevel(uuid TEXT, level INTEGER, longDimension REAL);
"""


def _xmp(title: str | None, place: tuple[str, str, str, str] | None) -> str:
    """XMP as Lightroom writes it: the title as an element, the IPTC location fields (town,
    region, country, country code) as attributes."""
    located = ""
    if place:
        city, region, country, code = (escape(part, {'"': "&quot;"}) for part in place)
        located = (
            ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
            ' xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"'
            f' photoshop:City="{city}" photoshop:State="{region}"'
            f' photoshop:Country="{country}" Iptc4xmpCore:CountryCode="{code}"'
        )
    titled = (
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt>'
        "</dc:title>"
        if title
        else ""
    )
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"{located}>{titled}'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )


def lightroom_catalog(
    folder: Path,
    name: str,
    images: list[CatalogImage],
    pictures: list[Image.Image],
    root: str = "/Volumes/Photos/",
) -> Path:
    """Write `<name>.lrcat` and `<name> Previews.lrdata/` with previews.db and `.lrprev` files.

    Image i of `images` gets `pictures[i]` as its preview; returns the preview folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lrdata = folder / f"{name} Previews.lrdata"
    lrdata.mkdir(exist_ok=True)
    cat = sqlite3.connect(folder / f"{name}.lrcat")
    prev = sqlite3.connect(lrdata / "previews.db")
    cat.executescript(_LRCAT_SCHEMA)
    prev.executescript(_PREVIEWS_SCHEMA)
    cat.execute("INSERT INTO AgLibraryRootFolder VALUES(1, ?, 'Photos', NULL)", (root,))
    folders: dict[str, int] = {}
    interned: dict[tuple[str, str], int] = {}

    def intern(table: str, value: str | None) -> int | None:
        if value is None:
            return None
        if (table, value) not in interned:
            interned[(table, value)] = len(interned) + 1
            cat.execute(f"INSERT INTO {table} VALUES(?, ?)", (interned[(table, value)], value))
        return interned[(table, value)]

    keywords: dict[str, int] = {}
    collections: dict[str, int] = {}
    for image_id, (img, pic) in enumerate(zip(images, pictures, strict=True), start=1):
        folder_id = folders.setdefault(img.folder, len(folders) + 1)
        cat.execute(
            "INSERT OR IGNORE INTO AgLibraryFolder VALUES(?, NULL, ?, 1)", (folder_id, img.folder)
        )
        file_id = image_id if img.master_of is None else img.master_of
        if img.master_of is None:
            cat.execute(
                "INSERT INTO AgLibraryFile VALUES(?,?,?,?,?,?,NULL,NULL,0)",
                (
                    file_id,
                    f"F-{img.uuid}",
                    img.base_name,
                    img.extension,
                    folder_id,
                    f"{img.base_name}.{img.extension}",
                ),
            )
        cat.execute(
            "INSERT INTO Adobe_images VALUES(?,?,?,?,?,?,?,'AB',?,?,?,?,?,NULL)",
            (
                image_id,
                f"G-{img.uuid}",
                file_id,
                img.capture_time,
                img.rating,
                img.colour_label,
                img.pick,
                "RAW",
                pic.width * 4,
                pic.height * 4,
                img.master_of,
                img.copy_name,
            ),
        )
        cat.execute(
            "INSERT INTO AgHarvestedExifMetadata VALUES(?,?,?,?,?,?,?,?,?,?,?,2019,5,4)",
            (
                image_id,
                image_id,
                img.aperture_apex,
                img.focal_length,
                img.iso,
                img.shutter_apex,
                img.gps[0] if img.gps else None,
                img.gps[1] if img.gps else None,
                1 if img.gps else 0,
                intern("AgInternedExifCameraModel", img.camera),
                intern("AgInternedExifLens", img.lens),
            ),
        )
        for word in img.keywords:
            kid = keywords.setdefault(word, len(keywords) + 1)
            cat.execute("INSERT OR IGNORE INTO AgLibraryKeyword VALUES(?, ?)", (kid, word))
            cat.execute(
                "INSERT INTO AgLibraryKeywordImage(image, tag) VALUES(?, ?)", (image_id, kid)
            )
        for coll in img.collections:
            cid = collections.setdefault(coll, len(collections) + 1)
            cat.execute("INSERT OR IGNORE INTO AgLibraryCollection VALUES(?, ?)", (cid, coll))
            cat.execute(
                "INSERT INTO AgLibraryCollectionImage(image, collection) VALUES(?, ?)",
                (image_id, cid),
            )
        if img.caption:
            cat.execute(
                "INSERT INTO AgLibraryIPTC(image, caption) VALUES(?, ?)", (image_id, img.caption)
            )
        if img.title or img.place:
            cat.execute(
                "INSERT INTO Adobe_AdditionalMetadata(image, xmp) VALUES(?, ?)",
                (image_id, _xmp(img.title, img.place)),
            )
        levels, sizes = pyramid(pic)
        prev.execute(
            "INSERT INTO ImageCacheEntry VALUES(?,?,?,'AB')", (image_id, img.uuid, img.digest)
        )
        prev.execute(
            "INSERT INTO Pyramid VALUES(?,?,'AdobeRGB',?,?)",
            (img.uuid, img.digest, pic.width, pic.height),
        )
        target = lrdata / img.uuid[0] / img.uuid[:4]
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{img.uuid}-{img.digest}.lrprev").write_bytes(
            lrprev(img.uuid, img.digest, levels, sizes)
        )
    cat.commit()
    prev.commit()
    cat.close()
    prev.close()
    return lrdata


def sidecar(
    title: str,
    taken: int,
    *,
    description: str = "",
    lat: float = 0.0,
    lon: float = 0.0,
    people: list[str] | None = None,
    favorited: bool = False,
) -> bytes:
    """A Takeout sidecar JSON, with the fields and string-typed timestamps of real ones."""
    data: dict[str, Any] = {
        "title": title,
        "description": description,
        "imageViews": "3",
        "creationTime": {"timestamp": str(taken + 3600), "formatted": "..."},
        "photoTakenTime": {"timestamp": str(taken), "formatted": "..."},
        "geoData": {
            "latitude": lat,
            "longitude": lon,
            "altitude": 0.0,
            "latitudeSpan": 0.0,
            "longitudeSpan": 0.0,
        },
        "geoDataExif": {
            "latitude": lat,
            "longitude": lon,
            "altitude": 0.0,
            "latitudeSpan": 0.0,
            "longitudeSpan": 0.0,
        },
        "url": "https://photos.google.com/photo/sample",
        "googlePhotosOrigin": {"mobileUpload": {"deviceType": "ANDROID_PHONE"}},
    }
    if people:
        data["people"] = [{"name": p} for p in people]
    if favorited:
        data["favorited"] = True
    return json.dumps(data, indent=2).encode()


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    """Write files given by relative POSIX path."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def write_zips(
    folder: Path, files: dict[str, bytes], parts: int, stem: str = "takeout-20240101T000000Z"
) -> list[Path]:
    """Split files over `parts` zips the way Takeout does, round robin by path order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{stem}-{i + 1:03d}.zip" for i in range(parts)]
    archives = [zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) for p in paths]
    for index, (rel, data) in enumerate(sorted(files.items())):
        archives[index % parts].writestr(rel, data)
    for archive in archives:
        archive.close()
    return paths


def takeout_files(
    pictures: list[Image.Image], prefix: str = "Takeout/Google Photos"
) -> dict[str, bytes]:
    """A small but quirky dump: year folder, album repeats, new-style sidecars, an edit."""
    files: dict[str, bytes] = {}
    base = 1_560_000_000
    for index, pic in enumerate(pictures):
        name = f"IMG_{index:04d}.jpg"
        data = jpeg_bytes(pic)
        year = f"{prefix}/Photos from 2019/{name}"
        files[year] = data
        suffix = ".supplemental-metadata.json" if index % 2 else ".json"
        files[year + suffix] = sidecar(
            name,
            base + index * 86400,
            description=f"day {index} at the lake",
            lat=46.5 + index / 100,
            lon=6.6,
            people=["Ana"],
        )
        if index % 3 == 0:
            files[f"{prefix}/Summer trip/{name}"] = data
            files[f"{prefix}/Summer trip/{name}.json"] = files[year + suffix]
    files[f"{prefix}/Summer trip/metadata.json"] = json.dumps(
        {"title": "Summer trip", "description": "", "access": "protected"}
    ).encode()
    if pictures:
        edited = pictures[0].rotate(180)
        files[f"{prefix}/Photos from 2019/IMG_0000-edited.jpg"] = jpeg_bytes(edited)
    return files


def demo_pictures(count: int) -> list[Image.Image]:
    """`count` generated pictures of varied sizes."""
    return [picture(seed, (320 + 40 * (seed % 4), 240 + 30 * (seed % 3))) for seed in range(count)]


def sample_uuid(seed: int) -> str:
    """A Lightroom-style upper-case uuid, stable for a seed."""
    rng = random.Random(seed)
    hexa = "".join(rng.choice("0123456789ABCDEF") for _ in range(32))
    return f"{hexa[:8]}-{hexa[8:12]}-{hexa[12:16]}-{hexa[16:20]}-{hexa[20:]}"


def sample_digest(seed: int) -> str:
    """A preview digest, stable for a seed."""
    return hashlib.md5(f"digest {seed}".encode()).hexdigest()
