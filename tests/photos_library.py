"""Apple Photos libraries built for tests from the format's published facts (issue 12).

Two database generations: Photos 5 on macOS 10.15 (`ZGENERICASSET` rows of entity
`Asset`, albums joined through `Z_26ASSETS.Z_34ASSETS`, faces in `ZDETECTEDFACE.ZASSET`)
and Photos 9 on macOS 14.6 (`ZASSET`, `Z_29ASSETS.Z_3ASSETS`, `ZASSETFORFACE`). The last
assets are written only to the write-ahead log, as Photos leaves them. `library_with` makes a
library whose database is any SQL, for the subsets of tables and columns other versions have.
"""

from __future__ import annotations

import io
import plistlib
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

CORE_DATA_EPOCH = 978307200


@dataclass(frozen=True)
class Generation:
    """Where one Photos version puts things."""

    model_version: int
    asset_table: str
    asset_entity: int
    album_entity: int
    keyword_entity: int
    face_columns: tuple[str, str]


PHOTOS_5 = Generation(13703, "ZGENERICASSET", 34, 26, 37, ("ZASSET", "ZPERSON"))
PHOTOS_9 = Generation(17120, "ZASSET", 3, 29, 41, ("ZASSETFORFACE", "ZPERSONFORFACE"))


@dataclass
class FakeAsset:
    """One asset: what the database says, and which files are on disk."""

    uuid: str
    original_name: str
    created: float  # Unix time of the instant
    offset: int | None = 0  # seconds east of UTC
    original: bytes | None = None  # None: only in iCloud
    original_ext: str = "jpeg"
    derivatives: dict[str, bytes] = field(default_factory=dict)  # suffix -> bytes
    render: bytes | None = None
    kind: int = 0
    saved: int = 3
    favourite: bool = False
    hidden: bool = False
    trashed: bool = False
    visibility: int = 0
    published: float | None = None
    place: tuple[float, float] = (-180.0, -180.0)
    title: str | None = None
    caption: str | None = None
    camera: str | None = None
    keywords: list[str] = field(default_factory=list)
    albums: list[str] = field(default_factory=list)  # album titles
    people: list[str | None] = field(default_factory=list)  # None: a face nobody named
    referenced: Path | None = None  # a file outside the package


@dataclass
class FakeAlbum:
    title: str
    kind: int = 2
    folder: str | None = None
    trashed: bool = False


def jpeg(image: Image.Image, exif: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def _schema(g: Generation) -> str:
    face_asset, face_person = g.face_columns
    return f"""
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER,
    Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
CREATE TABLE {g.asset_table} (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
    ZUUID VARCHAR, ZDIRECTORY VARCHAR, ZFILENAME VARCHAR, ZSAVEDASSETTYPE INTEGER,
    ZKIND INTEGER, ZKINDSUBTYPE INTEGER, ZUNIFORMTYPEIDENTIFIER VARCHAR, ZDATECREATED TIMESTAMP,
    ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZFAVORITE INTEGER, ZHIDDEN INTEGER,
    ZTRASHEDSTATE INTEGER, ZVISIBILITYSTATE INTEGER, ZHASADJUSTMENTS INTEGER,
    ZCLOUDBATCHPUBLISHDATE TIMESTAMP);
CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER,
    ZASSET INTEGER, ZORIGINALFILENAME VARCHAR, ZTITLE VARCHAR, ZTIMEZONEOFFSET INTEGER,
    ZTIMEZONENAME VARCHAR, ZEXIFTIMESTAMPSTRING VARCHAR, ZASSETDESCRIPTION INTEGER);
CREATE TABLE ZASSETDESCRIPTION (Z_PK INTEGER PRIMARY KEY, ZASSETATTRIBUTES INTEGER,
    ZLONGDESCRIPTION VARCHAR);
CREATE TABLE ZEXTENDEDATTRIBUTES (Z_PK INTEGER PRIMARY KEY, ZASSET INTEGER,
    ZCAMERAMAKE VARCHAR, ZCAMERAMODEL VARCHAR, ZLENSMODEL VARCHAR, ZLATITUDE FLOAT,
    ZLONGITUDE FLOAT);
CREATE TABLE ZKEYWORD (Z_PK INTEGER PRIMARY KEY, ZTITLE VARCHAR);
CREATE TABLE Z_1KEYWORDS (Z_1ASSETATTRIBUTES INTEGER, Z_{g.keyword_entity}KEYWORDS INTEGER);
CREATE TABLE ZGENERICALBUM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZKIND INTEGER,
    ZTITLE VARCHAR, ZPARENTFOLDER INTEGER, ZTRASHEDSTATE INTEGER);
CREATE TABLE Z_{g.album_entity}ASSETS (Z_{g.album_entity}ALBUMS INTEGER,
    Z_{g.asset_entity}ASSETS INTEGER, Z_FOK_{g.asset_entity}ASSETS INTEGER);
CREATE TABLE ZPERSON (Z_PK INTEGER PRIMARY KEY, ZFULLNAME VARCHAR,
    ZMERGETARGETPERSON INTEGER);
CREATE TABLE ZDETECTEDFACE (Z_PK INTEGER PRIMARY KEY, {face_asset} INTEGER,
    {face_person} INTEGER);
"""


class _Writer:
    def __init__(self, db: sqlite3.Connection, g: Generation) -> None:
        self.db, self.g = db, g
        self.keywords: dict[str, int] = {}
        self.albums: dict[str, int] = {}
        self.people: dict[str, int] = {}

    def album_rows(self, albums: list[FakeAlbum]) -> None:
        db = self.db
        db.execute("INSERT INTO ZGENERICALBUM VALUES (1, ?, 3999, NULL, NULL, 0)",
                   (self.g.album_entity,))  # fmt: skip
        folders: dict[str, int] = {}
        for album in albums:
            parent = 1
            if album.folder:
                if album.folder not in folders:
                    cursor = db.execute(
                        "INSERT INTO ZGENERICALBUM (Z_ENT, ZKIND, ZTITLE, ZPARENTFOLDER,"
                        " ZTRASHEDSTATE) VALUES (?, 4000, ?, 1, 0)",
                        (self.g.album_entity, album.folder),
                    )
                    folders[album.folder] = cursor.lastrowid
                parent = folders[album.folder]
            cursor = db.execute(
                "INSERT INTO ZGENERICALBUM (Z_ENT, ZKIND, ZTITLE, ZPARENTFOLDER, ZTRASHEDSTATE)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.g.album_entity, album.kind, album.title, parent, int(album.trashed)),
            )
            self.albums[album.title] = cursor.lastrowid

    def asset(self, pk: int, asset: FakeAsset) -> None:
        g, db = self.g, self.db
        directory = str(asset.referenced.parent) if asset.referenced else asset.uuid[0]
        filename = (
            asset.referenced.name if asset.referenced else f"{asset.uuid}.{asset.original_ext}"
        )
        db.execute(
            f"INSERT INTO {g.asset_table} (Z_PK, Z_ENT, Z_OPT, ZUUID, ZDIRECTORY, ZFILENAME,"
            " ZSAVEDASSETTYPE, ZKIND, ZKINDSUBTYPE, ZUNIFORMTYPEIDENTIFIER, ZDATECREATED,"
            " ZLATITUDE, ZLONGITUDE, ZFAVORITE, ZHIDDEN, ZTRASHEDSTATE, ZVISIBILITYSTATE,"
            " ZHASADJUSTMENTS, ZCLOUDBATCHPUBLISHDATE)"
            " VALUES (?,?,1,?,?,?,?,?,0,?,?,?,?,?,?,?,?,?,?)",
            (
                pk, g.asset_entity, asset.uuid, directory, filename,
                10 if asset.referenced else asset.saved, asset.kind, "public.jpeg",
                asset.created - CORE_DATA_EPOCH, asset.place[0], asset.place[1],
                int(asset.favourite), int(asset.hidden), int(asset.trashed), asset.visibility,
                int(asset.render is not None), asset.published,
            ),
        )  # fmt: skip
        # The attributes' own key differs from the asset's, as in real databases.
        attributes = 1000 + pk
        description = None
        if asset.caption is not None:
            description = 5000 + pk
            db.execute("INSERT INTO ZASSETDESCRIPTION VALUES (?, ?, ?)",
                       (description, attributes, asset.caption))  # fmt: skip
        db.execute(
            "INSERT INTO ZADDITIONALASSETATTRIBUTES VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)",
            (attributes, pk, asset.original_name, asset.title, asset.offset, "GMT", None,
             description),
        )  # fmt: skip
        if asset.camera:
            db.execute(
                "INSERT INTO ZEXTENDEDATTRIBUTES (ZASSET, ZCAMERAMAKE, ZCAMERAMODEL) VALUES"
                " (?, 'Apple', ?)",
                (pk, asset.camera),
            )
        for keyword in asset.keywords:
            if keyword not in self.keywords:
                self.keywords[keyword] = db.execute(
                    "INSERT INTO ZKEYWORD (ZTITLE) VALUES (?)", (keyword,)
                ).lastrowid
            db.execute(
                "INSERT INTO Z_1KEYWORDS VALUES (?, ?)", (attributes, self.keywords[keyword])
            )
        for title in asset.albums:
            db.execute(f"INSERT INTO Z_{g.album_entity}ASSETS VALUES (?, ?, 1)",
                       (self.albums[title], pk))  # fmt: skip
        face_asset, face_person = g.face_columns
        for person in asset.people:
            person_pk = None
            if person is not None:
                if person not in self.people:
                    self.people[person] = db.execute(
                        "INSERT INTO ZPERSON (ZFULLNAME) VALUES (?)", (person,)
                    ).lastrowid
                person_pk = self.people[person]
            db.execute(f"INSERT INTO ZDETECTEDFACE ({face_asset}, {face_person}) VALUES (?, ?)",
                       (pk, person_pk))  # fmt: skip


def _files(root: Path, asset: FakeAsset) -> None:
    first = asset.uuid[0]
    if asset.original is not None:
        target = (
            asset.referenced or root / "originals" / first / f"{asset.uuid}.{asset.original_ext}"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(asset.original)
    for suffix, data in asset.derivatives.items():
        where = "derivatives/masters" if suffix.startswith("_4_") else "derivatives"
        path = root / "resources" / where / first / f"{asset.uuid}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if asset.render is not None:
        path = root / "resources" / "renders" / first / f"{asset.uuid}_1_201_a.jpeg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(asset.render)
        path.with_suffix(".plist").write_bytes(plistlib.dumps({"adjustmentFormatVersion": 1}))


def write_library(
    root: Path,
    generation: Generation,
    assets: list[FakeAsset],
    albums: list[FakeAlbum] = (),
    in_wal: int = 0,
) -> Path:
    """A `.photoslibrary` package; the last `in_wal` assets exist only in the WAL."""
    root.mkdir(parents=True)
    for stub in ("photos.db", "metaSchema.db"):
        (root / "database").mkdir(exist_ok=True)
        (root / "database" / stub).write_bytes(b"")
    for asset in assets:
        _files(root, asset)
    with tempfile.TemporaryDirectory() as staging:
        path = Path(staging) / "Photos.sqlite"
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_schema(generation))
        g = generation
        entities = [
            (g.asset_entity, "Asset", 0),
            (g.album_entity, "Album", 0),
            (g.keyword_entity, "Keyword", 0),
            (1, "AdditionalAssetAttributes", 0),
        ]
        if g.asset_table == "ZGENERICASSET":
            entities.append((g.asset_entity - 1, "GenericAsset", 0))
        db.executemany("INSERT INTO Z_PRIMARYKEY VALUES (?, ?, ?, 0)", entities)
        db.execute(
            "INSERT INTO Z_METADATA VALUES (1, 'x', ?)",
            (plistlib.dumps({"PLModelVersion": g.model_version}, fmt=plistlib.FMT_BINARY),),
        )
        writer = _Writer(db, generation)
        writer.album_rows(list(albums))
        settled = assets[: len(assets) - in_wal]
        for pk, asset in enumerate(settled, start=1):
            writer.asset(pk, asset)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA wal_autocheckpoint=0")
        for pk, asset in enumerate(assets[len(settled) :], start=len(settled) + 1):
            writer.asset(pk, asset)
        # Copied while the writer is open, as Photos leaves it: the last rows in the log only.
        for name in ("Photos.sqlite", "Photos.sqlite-wal"):
            if (Path(staging) / name).exists():
                shutil.copyfile(Path(staging) / name, root / "database" / name)
        db.close()
    return root


def library_with(tmp_path: Path, script: str, name: str = "L.photoslibrary") -> Path:
    """A library whose database is the given SQL, and nothing else."""
    folder = tmp_path / name / "database"
    folder.mkdir(parents=True)
    db = sqlite3.connect(folder / "Photos.sqlite")
    db.executescript(script)
    db.commit()
    db.close()
    return tmp_path / name


def plist(version: object) -> bytes:
    return plistlib.dumps({"PLModelVersion": version}, fmt=plistlib.FMT_BINARY)


# The least a Photos 9 database has: its entities and an asset table with only Z_PK and ZUUID.
MINIMAL = """
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER,
    Z_MAX INTEGER);
INSERT INTO Z_PRIMARYKEY VALUES (3, 'Asset', 0, 2), (29, 'Album', 0, 0);
CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, ZUUID VARCHAR);
INSERT INTO ZASSET VALUES (2, 'B-UUID'), (1, 'A-UUID'), (3, NULL), (4, '');
"""


def damage_table(library: Path, table: str) -> None:
    """Overwrite the first page of one table, as a bad sector would."""
    database = library / "database" / "Photos.sqlite"
    db = sqlite3.connect(database)
    (page,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (table,)).fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    with database.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xa5" * size)
