"""Apple Photos' Core Data store (`database/Photos.sqlite`, Photos 5 to 9), read without writing.

Entity numbers, and so the names of the join tables and their columns, change
between Photos versions (even between macOS 14.0 and 14.6), so nothing here is
keyed by version: tables are found by name in `sqlite_master`, entities in
`Z_PRIMARYKEY`, columns with `PRAGMA table_info`. Recent changes often live
only in the write-ahead log, so the database is read from a private copy of
`Photos.sqlite` with its `-wal`: the library itself is never opened, so not
even a checkpoint is written to it, and read-only media work.
"""

from __future__ import annotations

import datetime as dt
import plistlib
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Core Data's epoch, 2001-01-01 00:00:00 UTC, in Unix time.
CORE_DATA_EPOCH = 978307200
NO_PLACE = -180.0
# Known model versions (PLModelVersion): 13xxx Photos 5 (10.15) to 17xxx Photos 9 (14).
KNOWN_MODELS = range(13000, 18000)
ALBUM_KIND = 2
FOLDER_KIND = 4000
SAVED_SHARED = 4
SAVED_REFERENCED = 10
KIND_PHOTO = 0


class PhotosDbError(Exception):
    """The database cannot be read; the message names it and says why."""


@dataclass
class Asset:
    """One asset as the database describes it, in the library's field names."""

    pk: int
    uuid: str
    directory: str
    filename: str
    referenced: bool
    has_adjustments: bool
    meta: dict[str, Any] = field(default_factory=dict)


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}


def _tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def taken(seconds: float | None, offset: int | None) -> str | None:
    """An instant in Core Data time as local time with its offset (UTC when none is known)."""
    if seconds is None:
        return None
    instant = dt.datetime.fromtimestamp(seconds + CORE_DATA_EPOCH, dt.timezone.utc)
    if offset is None:
        return instant.strftime("%Y-%m-%dT%H:%M:%SZ")
    local = instant.astimezone(dt.timezone(dt.timedelta(seconds=int(offset))))
    return local.isoformat(timespec="seconds")


class PhotosDatabase:
    """Read access to a private copy of a Photos library's database."""

    def __init__(self, library: Path) -> None:
        self.path = library / "database" / "Photos.sqlite"
        if not self.path.is_file():
            raise PhotosDbError(f"{self.path} is missing: not a Photos library, or a damaged one")
        self._folder = tempfile.TemporaryDirectory(prefix="photoseek-photos-")
        copy = Path(self._folder.name) / "Photos.sqlite"
        try:
            # The main file and its log; the shared-memory index is rebuilt from the log.
            shutil.copyfile(self.path, copy)
            wal = self.path.with_name("Photos.sqlite-wal")
            if wal.is_file():
                shutil.copyfile(wal, copy.with_name("Photos.sqlite-wal"))
            self.db = sqlite3.connect(copy)
            self.tables = _tables(self.db)
            self.asset_table = "ZASSET" if "ZASSET" in self.tables else "ZGENERICASSET"
            if self.asset_table not in self.tables or "Z_PRIMARYKEY" not in self.tables:
                raise PhotosDbError(f"{self.path} has no asset table: not a Photos 5-9 database")
            self.entities = {
                name: number
                for number, name in self.db.execute("SELECT Z_ENT, Z_NAME FROM Z_PRIMARYKEY")
            }
        except PhotosDbError:
            self.close()
            raise
        except (OSError, sqlite3.DatabaseError) as err:
            self.close()
            raise PhotosDbError(f"{self.path} is not a readable Photos database ({err})") from err

    def close(self) -> None:
        """Drop the private copy."""
        db = getattr(self, "db", None)
        if db is not None:
            db.close()
        self._folder.cleanup()

    def model_version(self) -> int | None:
        """PLModelVersion from Z_METADATA's plist, when it can be read."""
        try:
            (blob,) = self.db.execute("SELECT Z_PLIST FROM Z_METADATA LIMIT 1").fetchone()
            return int(plistlib.loads(blob).get("PLModelVersion"))
        except (sqlite3.DatabaseError, TypeError, ValueError, plistlib.InvalidFileException):
            return None

    # -- what Photos shows ------------------------------------------------------------------

    def assets(self) -> tuple[list[Asset], dict[str, int]]:
        """Every photo Photos shows, and how many assets were left out by design, by reason."""
        columns = _columns(self.db, self.asset_table)
        where = []
        asset_entity = self.entities.get("Asset")
        if self.asset_table == "ZGENERICASSET" and asset_entity is not None and "Z_ENT" in columns:
            where.append(f"Z_ENT = {int(asset_entity)}")

        def col(name: str, default: str = "NULL") -> str:
            return name if name in columns else default

        rows = self.db.execute(
            f"SELECT Z_PK, ZUUID, {col('ZDIRECTORY')}, {col('ZFILENAME')}, "
            f"{col('ZSAVEDASSETTYPE', '0')}, {col('ZKIND', '0')}, {col('ZTRASHEDSTATE', '0')}, "
            f"{col('ZHIDDEN', '0')}, {col('ZVISIBILITYSTATE', '0')}, "
            f"{col('ZCLOUDBATCHPUBLISHDATE')}, {col('ZHASADJUSTMENTS', '0')}, "
            f"{col('ZDATECREATED')}, {col('ZLATITUDE')}, {col('ZLONGITUDE')}, "
            f"{col('ZFAVORITE', '0')} FROM {self.asset_table}"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + " ORDER BY Z_PK"
        ).fetchall()
        left_out: dict[str, int] = {}
        kept: list[Asset] = []
        for (pk, uuid, directory, filename, saved, kind, trashed, hidden, visibility,
             published, adjusted, created, lat, lon, favourite) in rows:  # fmt: skip
            reason = (
                "trashed" if trashed else
                "hidden" if hidden else
                "videos" if kind != KIND_PHOTO else
                "shared by others" if saved == SAVED_SHARED or published is not None else
                "burst frames Photos hides" if visibility else None
            )  # fmt: skip
            if reason:
                left_out[reason] = left_out.get(reason, 0) + 1
                continue
            if not uuid:
                continue
            asset = Asset(
                pk, str(uuid), str(directory or ""), str(filename or ""),
                saved == SAVED_REFERENCED, bool(adjusted),
            )  # fmt: skip
            asset.meta = {
                "_created": created,
                "favourite": bool(favourite),
                "apple_photos_uuid": str(uuid),
                # The user removed the place: none, whatever the file's EXIF says.
                "gps": None
                if lat in (None, NO_PLACE) or lon in (None, NO_PLACE)
                else {"lat": lat, "lon": lon},
            }
            kept.append(asset)
        self._attributes(kept)
        self._extended(kept)
        self._keywords(kept)
        self._albums(kept)
        self._people(kept)
        return kept, left_out

    def _attributes(self, assets: list[Asset]) -> None:
        if "ZADDITIONALASSETATTRIBUTES" not in self.tables:
            for asset in assets:
                asset.meta["taken"] = taken(asset.meta.pop("_created"), None)
            return
        columns = _columns(self.db, "ZADDITIONALASSETATTRIBUTES")
        has_description = "ZASSETDESCRIPTION" in columns and "ZASSETDESCRIPTION" in self.tables
        select = ["a.ZASSET", "a.Z_PK"]
        for name in ("ZORIGINALFILENAME", "ZTITLE", "ZTIMEZONEOFFSET"):
            select.append(f"a.{name}" if name in columns else "NULL")
        select.append("d.ZLONGDESCRIPTION" if has_description else "NULL")
        join = (
            " LEFT JOIN ZASSETDESCRIPTION d ON d.Z_PK = a.ZASSETDESCRIPTION"
            if has_description
            else ""
        )
        found = {
            row[0]: row[1:]
            for row in self.db.execute(
                f"SELECT {', '.join(select)} FROM ZADDITIONALASSETATTRIBUTES a{join}"
            )
        }
        for asset in assets:
            attributes_pk, original, title, offset, caption = found.get(asset.pk, (None,) * 5)
            asset.meta.update(
                _attributes_pk=attributes_pk,
                original_name=original,
                title=title or None,
                caption=caption or None,
                taken=taken(asset.meta.pop("_created"), offset),
            )

    def _extended(self, assets: list[Asset]) -> None:
        if "ZEXTENDEDATTRIBUTES" not in self.tables:
            return
        columns = _columns(self.db, "ZEXTENDEDATTRIBUTES")
        if "ZASSET" not in columns or "ZCAMERAMODEL" not in columns:
            return
        lens = "ZLENSMODEL" if "ZLENSMODEL" in columns else "NULL"
        found = {
            row[0]: row[1:]
            for row in self.db.execute(
                f"SELECT ZASSET, ZCAMERAMODEL, {lens} FROM ZEXTENDEDATTRIBUTES"
            )
        }
        for asset in assets:
            camera, lens_model = found.get(asset.pk, (None, None))
            asset.meta.update(camera=camera, lens=lens_model)

    def _join_table(self, name_pattern: str, *suffixes: str) -> tuple[str, list[str]] | None:
        """A Core Data join table whose name matches, with one column per suffix."""
        for table in sorted(self.tables):
            if not re.fullmatch(name_pattern, table):
                continue
            columns = _columns(self.db, table)
            picked = [
                next((c for c in sorted(columns) if re.fullmatch(rf"Z_\d+{s}", c)), None)
                for s in suffixes
            ]
            if all(picked):
                return table, picked  # type: ignore[return-value]
        return None

    def _keywords(self, assets: list[Asset]) -> None:
        join = self._join_table(r"Z_\d+KEYWORDS", "ASSETATTRIBUTES", "KEYWORDS")
        if join is None or "ZKEYWORD" not in self.tables:
            return
        table, (attributes, keyword) = join
        found: dict[int, list[str]] = {}
        for attributes_pk, title in self.db.execute(
            f"SELECT j.{attributes}, k.ZTITLE FROM {table} j JOIN ZKEYWORD k"
            f" ON k.Z_PK = j.{keyword} WHERE k.ZTITLE IS NOT NULL ORDER BY k.ZTITLE"
        ):
            found.setdefault(attributes_pk, []).append(title)
        for asset in assets:
            asset.meta["keywords"] = found.get(asset.meta.get("_attributes_pk"), [])

    def _albums(self, assets: list[Asset]) -> None:
        if "ZGENERICALBUM" not in self.tables:
            return
        join = self._join_table(r"Z_\d+ASSETS", "ALBUMS", "ASSETS")
        if join is None:
            return
        table, (album_column, asset_column) = join
        columns = _columns(self.db, "ZGENERICALBUM")
        parent = "ZPARENTFOLDER" if "ZPARENTFOLDER" in columns else "NULL"
        trashed = "ZTRASHEDSTATE" if "ZTRASHEDSTATE" in columns else "0"
        albums = {
            pk: (kind, title, folder, deleted)
            for pk, kind, title, folder, deleted in self.db.execute(
                f"SELECT Z_PK, ZKIND, ZTITLE, {parent}, {trashed} FROM ZGENERICALBUM"
            )
        }

        def path(pk: int) -> str | None:
            kind, title, folder, deleted = albums[pk]
            if kind != ALBUM_KIND or deleted or not title:
                return None
            names, seen = [title], {pk}
            while folder in albums and folder not in seen:
                seen.add(folder)
                folder_kind, folder_title, folder, _ = albums[folder]
                if folder_kind != FOLDER_KIND or not folder_title:
                    break
                names.insert(0, folder_title)
            return "/".join(names)

        found: dict[int, list[str]] = {}
        for album_pk, asset_pk in self.db.execute(
            f"SELECT {album_column}, {asset_column} FROM {table}"
        ):
            name = path(album_pk) if album_pk in albums else None
            if name:
                found.setdefault(asset_pk, []).append(name)
        for asset in assets:
            asset.meta["albums"] = sorted(set(found.get(asset.pk, [])))

    def _people(self, assets: list[Asset]) -> None:
        if "ZDETECTEDFACE" not in self.tables or "ZPERSON" not in self.tables:
            return
        columns = _columns(self.db, "ZDETECTEDFACE")
        asset_column, person_column = (
            ("ZASSETFORFACE", "ZPERSONFORFACE")
            if "ZASSETFORFACE" in columns
            else ("ZASSET", "ZPERSON")
        )
        person_columns = _columns(self.db, "ZPERSON")
        merge = "ZMERGETARGETPERSON" if "ZMERGETARGETPERSON" in person_columns else "NULL"
        people = {
            pk: (name, target)
            for pk, name, target in self.db.execute(f"SELECT Z_PK, ZFULLNAME, {merge} FROM ZPERSON")
        }

        def name_of(pk: int) -> str | None:
            seen = set()
            while pk in people and pk not in seen:
                seen.add(pk)
                name, target = people[pk]
                if target is None or target not in people:
                    return name or None
                pk = target
            return None

        found: dict[int, list[str]] = {}
        for asset_pk, person_pk in self.db.execute(
            f"SELECT {asset_column}, {person_column} FROM ZDETECTEDFACE"
            f" WHERE {person_column} IS NOT NULL"
        ):
            name = name_of(person_pk)
            if name:
                found.setdefault(asset_pk, []).append(name)
        for asset in assets:
            asset.meta["people"] = sorted(set(found.get(asset.pk, [])))
