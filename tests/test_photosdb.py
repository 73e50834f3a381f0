"""Apple Photos' database read in-process: the two generations `photos_library.py` lays out
(Photos 5 and Photos 9, the newest rows only in the write-ahead log), and small databases
written here with only the tables and columns a case needs, since discovery must cope with
any version's subset."""

from __future__ import annotations

import plistlib
import sqlite3
import tempfile
from pathlib import Path

import pytest

from photoseek.extract.photosdb import Asset, PhotosDatabase, PhotosDbError, taken

from .conftest import open_files_under
from .photos_library import (
    MINIMAL,
    PHOTOS_5,
    PHOTOS_9,
    FakeAlbum,
    FakeAsset,
    damage_table,
    library_with,
    plist,
    write_library,
)

EPOCH = 978307200  # 2001-01-01T00:00:00Z, Core Data's zero


def test_core_data_time_is_shown_in_the_photos_own_zone():
    assert taken(None, 7200) is None
    assert taken(0, None) == "2001-01-01T00:00:00Z"
    assert taken(-EPOCH, None) == "1970-01-01T00:00:00Z"
    assert taken(0.9, None) == "2001-01-01T00:00:00Z"
    # 23:30 UTC on 1 June 2019, in Paris, New York, London in winter time and Mumbai.
    assert taken(581_124_600, 7200) == "2019-06-02T01:30:00+02:00"
    assert taken(581_124_600, -18_000) == "2019-06-01T18:30:00-05:00"
    assert taken(581_124_600, 0) == "2019-06-01T23:30:00+00:00"
    assert taken(581_124_600.7, 19_800.0) == "2019-06-02T05:00:00+05:30"


def read(library: Path) -> tuple[list[Asset], dict[str, int]]:
    database = PhotosDatabase(library)
    try:
        return database.assets()
    finally:
        database.close()


def test_a_database_with_only_uuids_gives_bare_assets_in_key_order(tmp_path):
    assets, left_out = read(library_with(tmp_path, MINIMAL))
    assert left_out == {}
    assert [(a.pk, a.uuid, a.directory, a.filename) for a in assets] == [
        (1, "A-UUID", "", ""),
        (2, "B-UUID", "", ""),
    ]
    (first, _) = assets
    assert (first.referenced, first.has_adjustments) == (False, False)
    assert first.meta == {
        "favourite": False,
        "apple_photos_uuid": "A-UUID",
        "gps": None,
        "taken": None,
    }


def test_the_private_copy_is_dropped_and_the_library_never_written(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    library = write_library(tmp_path / "P.photoslibrary", PHOTOS_9, ASSETS, ALBUMS, in_wal=2)
    paths = sorted(library.rglob("*"))
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths if p.is_file()}
    database = PhotosDatabase(library)
    assert database.path == library / "database" / "Photos.sqlite"
    (copy,) = (tmp_path / "tmp").iterdir()
    assert copy.name.startswith("photoseek-photos-")
    assets, _ = database.assets()
    database.close()
    assert list((tmp_path / "tmp").iterdir()) == []
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == files
    assert sorted(library.rglob("*")) == paths
    # The last two rows are only in the log, which is read with the main file.
    assert [a.uuid for a in assets][-2:] == ["WAL-1", "WAL-2"]


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        ("missing", "is missing: not a Photos library, or a damaged one"),
        ("text", "is not a readable Photos database (file is not a database)"),
        ("no assets", "has no asset table: not a Photos 5-9 database"),
        ("no entities", "has no asset table: not a Photos 5-9 database"),
    ],
)
def test_a_database_that_cannot_be_read_is_one_error_that_names_it(
    tmp_path, monkeypatch, damage, says
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    script = {
        "no assets": "CREATE TABLE Z_PRIMARYKEY (Z_ENT, Z_NAME); CREATE TABLE ZPHOTO (Z_PK);",
        "no entities": "CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, ZUUID VARCHAR);",
    }.get(damage, "")
    library = library_with(tmp_path, script)
    database = library / "database" / "Photos.sqlite"
    if damage == "missing":
        database.unlink()
    elif damage == "text":
        database.write_bytes(b"not a database at all " * 100)
    with pytest.raises(PhotosDbError) as caught:
        PhotosDatabase(library)
    assert str(caught.value).startswith(f"{database} {says}")
    assert list((tmp_path / "tmp").iterdir()) == [], "no copy is left behind"


@pytest.mark.parametrize(
    ("metadata", "version"),
    [
        ([(1, "x", plist(17120))], 17120),
        ([(1, "x", plist("13703"))], 13703),
        ([(1, "x", plistlib.dumps({"Other": 1}))], None),
        ([(1, "x", plist("soon"))], None),
        ([(1, "x", b"not a plist")], None),
        ([(1, "x", None)], None),
        ([], None),
        (None, None),
    ],
)
def test_the_model_version_is_read_when_it_can_be(tmp_path, metadata, version):
    library = library_with(tmp_path, MINIMAL)
    if metadata is not None:
        db = sqlite3.connect(library / "database" / "Photos.sqlite")
        db.execute("CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID, Z_PLIST)")
        db.executemany("INSERT INTO Z_METADATA VALUES (?, ?, ?)", metadata)
        db.commit()
        db.close()
    database = PhotosDatabase(library)
    assert database.model_version() == version
    database.close()


LEFT_OUT = """
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR);
INSERT INTO Z_PRIMARYKEY VALUES (33, 'GenericAsset'), (34, 'Asset');
CREATE TABLE ZGENERICASSET (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZUUID VARCHAR,
    ZDIRECTORY VARCHAR, ZFILENAME VARCHAR, ZSAVEDASSETTYPE INTEGER, ZKIND INTEGER,
    ZTRASHEDSTATE INTEGER, ZHIDDEN INTEGER, ZVISIBILITYSTATE INTEGER,
    ZCLOUDBATCHPUBLISHDATE TIMESTAMP, ZHASADJUSTMENTS INTEGER, ZDATECREATED TIMESTAMP,
    ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZFAVORITE INTEGER);
INSERT INTO ZGENERICASSET VALUES
    (0, 34, NULL, 'U', 'U.jpg', 3, 0, 0, 0, 0, NULL, 0, 0.0, NULL, NULL, 0),
    (1, 34, 'KEEP-1', 'K', 'K1.jpg', 3, 0, 0, 0, 0, NULL, 1, 0.0, 43.3, 5.4, 1),
    (2, 34, 'TRASH', 'T', 'T.jpg', 4, 1, 1, 1, 2, 1.0, 0, 0.0, NULL, NULL, 0),
    (3, 34, 'HIDE', 'H', 'H.jpg', 4, 1, 0, 1, 2, 1.0, 0, 0.0, NULL, NULL, 0),
    (4, 34, 'VIDEO', 'V', 'V.mov', 4, 1, 0, 0, 2, 1.0, 0, 0.0, NULL, NULL, 0),
    (5, 34, 'SHARED', 'S', 'S.jpg', 4, 0, 0, 0, 2, NULL, 0, 0.0, NULL, NULL, 0),
    (6, 34, 'PUBLISHED', 'P', 'P.jpg', 3, 0, 0, 0, 2, 600000000.0, 0, 0.0, NULL, NULL, 0),
    (7, 34, 'BURST', 'B', 'B.jpg', 3, 0, 0, 0, 2, NULL, 0, 0.0, NULL, NULL, 0),
    (8, 34, 'BURST-2', 'B', 'B2.jpg', 3, 0, 0, 0, 1, NULL, 0, 0.0, NULL, NULL, 0),
    (9, 33, 'NOT-AN-ASSET', 'G', 'G.jpg', 3, 0, 0, 0, 0, NULL, 0, 0.0, NULL, NULL, 0),
    (10, 34, 'REFERENCED', '/Volumes/Old/2019', 'R.jpg', 10, 0, 0, 0, 0, NULL, 0, -1.5,
        -33.86, -180.0, 0),
    (11, 34, 'WEST', 'W', 'W.jpg', 3, 0, 0, 0, 0, NULL, 0, 1.0, -0.5, -70.25, 0),
    (12, 34, 'NO-PLACE', 'N', 'N.jpg', 3, 0, 0, 0, 0, NULL, 0, 2.0, -180.0, 12.0, 0),
    (13, 34, 'CLOUD', 'C', 'C.jpg', 6, 0, 0, 0, 0, NULL, 0, 2.0, NULL, NULL, 0),
    (14, 34, 'TYPE-12', 'D', 'D.jpg', 12, 0, 0, 0, 0, NULL, 0, 2.0, NULL, NULL, 0);
"""


def test_what_photos_does_not_show_is_counted_once_by_its_first_reason(tmp_path):
    assets, left_out = read(library_with(tmp_path, LEFT_OUT))
    assert left_out == {
        "trashed": 1,
        "hidden": 1,
        "videos": 1,
        "shared by others": 2,
        "burst frames Photos hides": 2,
    }
    # A row with no UUID (pk 0) is no asset, and the ones after it are read.
    assert [a.uuid for a in assets] == [
        "KEEP-1",
        "REFERENCED",
        "WEST",
        "NO-PLACE",
        "CLOUD",
        "TYPE-12",
    ]


def test_each_asset_keeps_its_files_place_and_flags(tmp_path):
    keep, referenced, west, no_place, *others = read(library_with(tmp_path, LEFT_OUT))[0]
    assert (keep.directory, keep.filename, keep.referenced, keep.has_adjustments) == (
        "K",
        "K1.jpg",
        False,
        True,
    )
    assert keep.meta == {
        "favourite": True,
        "apple_photos_uuid": "KEEP-1",
        "gps": {"lat": 43.3, "lon": 5.4},
        "taken": "2001-01-01T00:00:00Z",
    }
    assert (referenced.directory, referenced.referenced) == ("/Volumes/Old/2019", True)
    assert referenced.meta["taken"] == "2000-12-31T23:59:58Z"
    assert referenced.meta["gps"] is None, "-180 for either half means no place"
    assert west.meta["gps"] == {"lat": -0.5, "lon": -70.25}
    assert west.meta["favourite"] is False
    assert no_place.meta["gps"] is None
    # Only saved type 10 is a file outside the library.
    assert [a.referenced for a in others] == [False, False]


@pytest.mark.parametrize(
    ("ent_column", "entities"),
    [("", "(33, 'GenericAsset'), (34, 'Asset')"), (", Z_ENT INTEGER", "(33, 'GenericAsset')")],
    ids=["no-entity-column", "no-asset-entity"],
)
def test_a_generic_asset_table_is_read_whole_when_its_entity_cannot_be_told(
    tmp_path, ent_column, entities
):
    script = f"""
    CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR);
    INSERT INTO Z_PRIMARYKEY VALUES {entities};
    CREATE TABLE ZGENERICASSET (Z_PK INTEGER PRIMARY KEY, ZUUID VARCHAR{ent_column});
    INSERT INTO ZGENERICASSET (Z_PK, ZUUID) VALUES (1, 'A'), (2, 'B');
    """
    assert [a.uuid for a in read(library_with(tmp_path, script))[0]] == ["A", "B"]


def test_closing_releases_the_copy_as_well_as_deleting_it(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    database = PhotosDatabase(library_with(tmp_path, MINIMAL))
    database.assets()
    assert open_files_under(tmp_path / "tmp") != []
    database.close()
    assert open_files_under(tmp_path / "tmp") == []


# -- the full layouts: Photos 5 (macOS 10.15) and Photos 9 (macOS 14.6) --------------------------

U = {name: f"{name.upper()}-{i:04X}" for i, name in enumerate(["beach", "plain", "edited"])}
ASSETS = [
    FakeAsset(U["beach"], "IMG_0001.HEIC.jpg", EPOCH + 581_124_600, 7200, original=b"1",
              favourite=True, place=(43.29551, -5.37376), title="At the beach",
              caption="Swimming at dusk", camera="iPhone 12", keywords=["summer", "sea"],
              albums=["Holidays", "Best", "Old", "Smart one", "Nested"],
              people=["Ana", None, "Old Ana", "Ana"]),
    FakeAsset(U["plain"], "IMG_0002.jpg", EPOCH + 581_300_000, None, original=b"2", title=""),
    FakeAsset(U["edited"], "IMG_0003.jpg", EPOCH + 581_400_000, -14_400, render=b"3",
              caption="", albums=["Holidays"], keywords=["sea"], people=["Bo"]),
    FakeAsset("WAL-1", "IMG_0004.jpg", EPOCH + 581_500_000, original=b"4", caption="in the log"),
    FakeAsset("WAL-2", "IMG_0005.jpg", EPOCH + 581_600_000, original=b"5", keywords=["log"]),
]  # fmt: skip
ALBUMS = [
    FakeAlbum("Holidays"),
    FakeAlbum("Best", folder="2019"),
    FakeAlbum("Nested", folder="Trips"),
    FakeAlbum("Old", trashed=True),
    FakeAlbum("Smart one", kind=1507),
]


@pytest.fixture(
    scope="module", params=[PHOTOS_5, PHOTOS_9], ids=["photos5-macos10.15", "photos9-macos14.6"]
)
def generation(request, tmp_path_factory) -> tuple[list[Asset], Path]:
    root = tmp_path_factory.mktemp("photos") / "Photos Library.photoslibrary"
    library = write_library(root, request.param, ASSETS, ALBUMS, in_wal=2)
    # Trips sits in a folder of its own, and that folder in another.
    db = sqlite3.connect(library / "database" / "Photos.sqlite")
    db.execute("PRAGMA wal_autocheckpoint=0")
    trips = db.execute("SELECT ZPARENTFOLDER FROM ZGENERICALBUM WHERE ZTITLE='Nested'").fetchone()
    db.execute(
        "INSERT INTO ZGENERICALBUM (Z_PK, ZKIND, ZTITLE, ZPARENTFOLDER, ZTRASHEDSTATE)"
        " VALUES (900, 4000, 'Travel', 1, 0)"
    )
    db.execute("UPDATE ZGENERICALBUM SET ZPARENTFOLDER=900 WHERE Z_PK=?", trips)
    db.commit()
    db.close()
    return read(library)[0], library


def by_uuid(assets: list[Asset]) -> dict[str, Asset]:
    return {asset.uuid: asset for asset in assets}


def test_every_generation_gives_the_same_assets_and_metadata(generation):
    assets, _ = generation
    assert [a.uuid for a in assets] == [*U.values(), "WAL-1", "WAL-2"]
    beach = by_uuid(assets)[U["beach"]]
    assert (beach.directory, beach.filename) == (U["beach"][0], f"{U['beach']}.jpeg")
    meta = {k: v for k, v in beach.meta.items() if not k.startswith("_")}
    assert meta == {
        "favourite": True,
        "apple_photos_uuid": U["beach"],
        "gps": {"lat": 43.29551, "lon": -5.37376},
        "original_name": "IMG_0001.HEIC.jpg",
        "title": "At the beach",
        "caption": "Swimming at dusk",
        "taken": "2019-06-02T01:30:00+02:00",
        "camera": "iPhone 12",
        "lens": None,
        "keywords": ["sea", "summer"],
        "albums": ["2019/Best", "Holidays", "Travel/Trips/Nested"],
        "people": ["Ana", "Old Ana"],
    }


def test_empty_text_is_none_and_each_asset_gets_only_its_own_lists(generation):
    assets, _ = generation
    found = by_uuid(assets)
    plain, edited = found[U["plain"]], found[U["edited"]]
    assert (plain.meta["title"], plain.meta["caption"]) == (None, None)
    assert plain.meta["taken"] == "2019-06-04T00:13:20Z"
    assert (plain.meta["keywords"], plain.meta["albums"], plain.meta["people"]) == ([], [], [])
    assert (plain.meta["camera"], plain.meta["lens"]) == (None, None)
    assert edited.has_adjustments and not plain.has_adjustments
    assert edited.meta["taken"] == "2019-06-05T00:00:00-04:00"
    assert (edited.meta["caption"], edited.meta["keywords"]) == (None, ["sea"])
    assert (edited.meta["albums"], edited.meta["people"]) == (["Holidays"], ["Bo"])
    assert found["WAL-1"].meta["caption"] == "in the log"
    assert found["WAL-2"].meta["keywords"] == ["log"]


def test_model_version_and_entities_come_from_the_database(generation):
    _, library = generation
    database = PhotosDatabase(library)
    try:
        assert database.model_version() in (PHOTOS_5.model_version, PHOTOS_9.model_version)
        expected = PHOTOS_5 if database.model_version() == PHOTOS_5.model_version else PHOTOS_9
        assert database.asset_table == expected.asset_table
        assert database.entities["Asset"] == expected.asset_entity
        assert database.entities["Album"] == expected.album_entity
    finally:
        database.close()


# -- people, albums and keywords, on databases laid out by hand -----------------------------------

PERSONS = """
CREATE TABLE ZPERSON (Z_PK INTEGER PRIMARY KEY, ZFULLNAME VARCHAR, ZMERGETARGETPERSON INTEGER);
-- 2 was merged into 1, 3 into 2; 4 and 5 into each other; 6 into a person deleted since.
INSERT INTO ZPERSON VALUES (1, 'Ana', NULL), (2, 'Ana B', 1), (3, 'A.', 2), (4, 'Cy', 5),
    (5, 'Cy C', 4), (6, 'Dee', 99), (7, '', NULL), (8, 'Eve', NULL);
"""
# Faces of asset 1: people 3 (Ana, twice merged), 4 (a merge loop), 6, 7 (no name), none, 1 (Ana
# again); of asset 2: person 42 (not in ZPERSON), 8.
FACES = [(1, 3), (1, 4), (1, 6), (1, 7), (1, None), (1, 1), (2, 42), (2, 8)]


def faces(asset_column: str, person_column: str, stale: bool = False) -> str:
    """ZDETECTEDFACE with the given columns; `stale` adds the older pair with other values."""
    columns = [asset_column, person_column] + (["ZASSET", "ZPERSON"] if stale else [])
    rows = ", ".join(
        str((pk, asset, person, 2, 6) if stale else (pk, asset, person)).replace("None", "NULL")
        for pk, (asset, person) in enumerate(FACES, start=1)
    )
    return (
        f"CREATE TABLE ZDETECTEDFACE (Z_PK INTEGER PRIMARY KEY, {', '.join(columns)});\n"
        f"INSERT INTO ZDETECTEDFACE VALUES {rows};"
    )


def people_of(tmp_path: Path, script: str) -> list[list[str]]:
    return [asset.meta.get("people") for asset in read(library_with(tmp_path, MINIMAL + script))[0]]


def test_merged_people_are_followed_to_the_survivor_and_loops_give_no_name(tmp_path):
    # Photos 9 names the columns *FORFACE; the older ones left beside them are stale.
    script = PERSONS + faces("ZASSETFORFACE", "ZPERSONFORFACE", stale=True)
    assert people_of(tmp_path, script) == [["Ana", "Dee"], ["Eve"]]


def test_older_face_columns_are_read_when_they_are_the_only_ones(tmp_path):
    assert people_of(tmp_path, PERSONS + faces("ZASSET", "ZPERSON")) == [["Ana", "Dee"], ["Eve"]]


def test_people_are_not_read_without_both_tables_nor_merged_without_a_merge_column(tmp_path):
    assert people_of(tmp_path / "a", PERSONS) == [None, None]
    assert people_of(tmp_path / "b", faces("ZASSET", "ZPERSON")) == [None, None]
    unmerged = PERSONS.replace(", ZMERGETARGETPERSON INTEGER", ", ZOTHER INTEGER")
    assert people_of(tmp_path / "c", unmerged + faces("ZASSET", "ZPERSON")) == [
        ["A.", "Ana", "Cy", "Dee"],
        ["Eve"],
    ]


ALBUM_TABLES = (
    MINIMAL
    + """
CREATE TABLE ZGENERICALBUM (Z_PK INTEGER PRIMARY KEY, ZKIND INTEGER, ZTITLE VARCHAR,
    ZPARENTFOLDER INTEGER, ZTRASHEDSTATE INTEGER);
-- 1: the root folder; 10 and 11: folders that hold each other (damage); 12: a folder with no
-- name; 9: a smart album in a folder; 15 and 16: kinds that are neither album nor folder.
INSERT INTO ZGENERICALBUM VALUES (1, 3999, NULL, NULL, 0), (2, 2, 'Holidays', 1, 0),
    (15, 0, 'Kind 0', 1, 0), (16, 5000, 'Kind 5000', 1, 0), (17, 2, 'In kind 5000', 16, 0),
    (3, 4000, 'Trips', 1, 0), (4, 2, 'Lisbon', 3, 0), (5, 2, 'Gone', 3, 1), (6, 2, '', 1, 0),
    (10, 4000, 'Loop A', 11, 0), (11, 4000, 'Loop B', 10, 0), (7, 2, 'Looped', 10, 0),
    (12, 4000, NULL, 3, 0), (8, 2, 'Unnamed folder', 12, 0), (9, 1507, 'Smart', 3, 0),
    (14, 2, 'Under an album', 2, 0);
-- Photos 9 names the join Z_29ASSETS(Z_29ALBUMS, Z_3ASSETS); a table whose name fits but whose
-- columns do not comes first in name order and is passed over.
CREATE TABLE Z_28ASSETS (Z_28ALBUMS INTEGER, Z_FOK_3ASSETS INTEGER);
CREATE TABLE Z_29ASSETS (Z_29ALBUMS INTEGER, Z_3ASSETS INTEGER, Z_FOK_3ASSETS INTEGER);
INSERT INTO Z_29ASSETS VALUES (2, 1, 1), (4, 1, 2), (5, 1, 3), (6, 1, 4), (7, 1, 5), (8, 1, 6),
    (9, 1, 7), (14, 1, 8), (404, 1, 9), (2, 1, 10), (4, 2, 1), (15, 1, 11), (17, 1, 12);
"""
)


def test_albums_are_user_albums_with_their_folder_path(tmp_path):
    assets = by_uuid(read(library_with(tmp_path, ALBUM_TABLES))[0])
    assert assets["A-UUID"].meta["albums"] == [
        "Holidays",
        "In kind 5000",
        "Loop B/Loop A/Looped",
        "Trips/Lisbon",
        "Under an album",
        "Unnamed folder",
    ]
    assert assets["B-UUID"].meta["albums"] == ["Trips/Lisbon"]


def test_albums_without_folder_or_trash_columns_are_named_alone(tmp_path):
    script = ALBUM_TABLES.replace(",\n    ZPARENTFOLDER INTEGER, ZTRASHEDSTATE INTEGER", "")
    script = script.replace(
        script[script.index("INSERT INTO ZGENERICALBUM") : script.index("-- Photos 9")],
        "INSERT INTO ZGENERICALBUM VALUES (2, 2, 'Holidays'), (3, 4000, 'Trips'),"
        " (4, 2, 'Lisbon');\n",
    )
    assets = by_uuid(read(library_with(tmp_path, script))[0])
    assert assets["A-UUID"].meta["albums"] == ["Holidays", "Lisbon"]


def test_albums_are_not_read_without_their_table_or_join(tmp_path):
    no_join = ALBUM_TABLES.split("-- Photos 9")[0]
    (asset, _) = read(library_with(tmp_path, no_join, "A.photoslibrary"))[0]
    assert "albums" not in asset.meta
    no_albums = MINIMAL + "CREATE TABLE Z_29ASSETS (Z_29ALBUMS INTEGER, Z_3ASSETS INTEGER);"
    (asset, _) = read(library_with(tmp_path, no_albums, "B.photoslibrary"))[0]
    assert "albums" not in asset.meta


KEYWORDS = (
    MINIMAL
    + """
CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK INTEGER PRIMARY KEY, ZASSET INTEGER);
INSERT INTO ZADDITIONALASSETATTRIBUTES VALUES (71, 1), (72, 2);
CREATE TABLE ZKEYWORD (Z_PK INTEGER PRIMARY KEY, ZTITLE VARCHAR);
INSERT INTO ZKEYWORD VALUES (1, 'sea'), (2, 'Beach'), (3, NULL), (4, 'dusk');
CREATE TABLE Z_1KEYWORDS (Z_1ASSETATTRIBUTES INTEGER, Z_41KEYWORDS INTEGER);
-- Keywords hang off the attributes row (71, 72), not the asset (1, 2).
INSERT INTO Z_1KEYWORDS VALUES (71, 1), (71, 2), (71, 3), (72, 4), (1, 4), (2, 1);
"""
)


def test_keywords_are_joined_through_the_attributes_row_in_title_order(tmp_path):
    assets = by_uuid(read(library_with(tmp_path, KEYWORDS))[0])
    assert assets["A-UUID"].meta["keywords"] == ["Beach", "sea"]
    assert assets["B-UUID"].meta["keywords"] == ["dusk"]
    keyword_table = KEYWORDS[
        KEYWORDS.index("CREATE TABLE ZKEYWORD") : KEYWORDS.index("CREATE TABLE Z_1")
    ]
    for name, script in [
        ("no-table", KEYWORDS.replace(keyword_table, "")),
        ("no-join", KEYWORDS.split("CREATE TABLE Z_1KEYWORDS")[0]),
    ]:
        (asset, _) = read(library_with(tmp_path, script, f"{name}.photoslibrary"))[0]
        assert "keywords" not in asset.meta


DATED = (
    MINIMAL.replace("ZUUID VARCHAR);", "ZUUID VARCHAR, ZDATECREATED TIMESTAMP);")
    .replace("(3, NULL), (4, '')", "(3, NULL, 0), (4, '', 0)")
    .replace("(2, 'B-UUID'), (1, 'A-UUID')", "(2, 'B-UUID', 7200.0), (1, 'A-UUID', 3600.0)")
)


def attributes(leave_out: str = "") -> str:
    """Asset 1's attributes, caption and camera; `leave_out` names a column or a table."""
    attributes = {"ZORIGINALFILENAME": "'IMG_1.jpg'", "ZTITLE": "'A title'",
                  "ZTIMEZONEOFFSET": "-3600", "ZASSETDESCRIPTION": "81"}  # fmt: skip
    extended = {"ZASSET": "1", "ZCAMERAMODEL": "'ILCE-7M3'", "ZLENSMODEL": "'FE 35mm F1.8'"}
    attributes.pop(leave_out, None)
    extended.pop(leave_out.removeprefix("ZEXTENDEDATTRIBUTES."), None)
    script = [
        f"CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK, ZASSET, {', '.join(attributes)});",
        f"INSERT INTO ZADDITIONALASSETATTRIBUTES VALUES (71, 1, {', '.join(attributes.values())});",
    ]
    if leave_out != "table ZASSETDESCRIPTION":
        # Joined on the description's own key (81), not the attributes' (71).
        script.append(
            "CREATE TABLE ZASSETDESCRIPTION (Z_PK INTEGER PRIMARY KEY, ZLONGDESCRIPTION);"
        )
        script.append("INSERT INTO ZASSETDESCRIPTION VALUES (81, 'A caption'), (71, 'not this');")
    if leave_out != "table ZEXTENDEDATTRIBUTES":
        script.append(f"CREATE TABLE ZEXTENDEDATTRIBUTES (Z_PK, {', '.join(extended)});")
        script.append(
            f"INSERT INTO ZEXTENDEDATTRIBUTES VALUES (5, {', '.join(extended.values())});"
        )
    return DATED + "\n".join(script)


# What attributes() says of asset 1.
ASSET_1 = {
    "original_name": "IMG_1.jpg",
    "title": "A title",
    "caption": "A caption",
    "taken": "2001-01-01T00:00:00-01:00",
    "camera": "ILCE-7M3",
    "lens": "FE 35mm F1.8",
}


def test_attributes_and_camera_are_joined_to_their_asset(tmp_path):
    a, b = read(library_with(tmp_path, attributes()))[0]
    assert {k: v for k, v in a.meta.items() if k != "apple_photos_uuid"} == {
        "favourite": False,
        "gps": None,
        "_attributes_pk": 71,
        **ASSET_1,
    }
    # An asset with no attributes row: nothing but its time, in UTC.
    assert {k: v for k, v in b.meta.items() if k != "apple_photos_uuid"} == {
        "favourite": False,
        "gps": None,
        "_attributes_pk": None,
        "original_name": None,
        "title": None,
        "caption": None,
        "taken": "2001-01-01T02:00:00Z",
        "camera": None,
        "lens": None,
    }


def test_without_the_attributes_table_the_time_is_in_utc(tmp_path):
    (a, _) = read(library_with(tmp_path, DATED))[0]
    assert a.meta["taken"] == "2001-01-01T01:00:00Z"
    assert "original_name" not in a.meta and "_attributes_pk" not in a.meta


@pytest.mark.parametrize(
    ("leave_out", "changed"),
    [
        ("ZTIMEZONEOFFSET", {"taken": "2001-01-01T01:00:00Z"}),
        ("ZORIGINALFILENAME", {"original_name": None}),
        ("ZTITLE", {"title": None}),
        ("ZASSETDESCRIPTION", {"caption": None}),
        ("table ZASSETDESCRIPTION", {"caption": None}),
        ("ZLENSMODEL", {"lens": None}),
        ("ZCAMERAMODEL", {"camera": "absent", "lens": "absent"}),
        ("ZEXTENDEDATTRIBUTES.ZASSET", {"camera": "absent", "lens": "absent"}),
        ("table ZEXTENDEDATTRIBUTES", {"camera": "absent", "lens": "absent"}),
    ],
)
def test_each_missing_column_or_table_leaves_out_only_its_fact(tmp_path, leave_out, changed):
    (a, _) = read(library_with(tmp_path, attributes(leave_out)))[0]
    expected = {**ASSET_1, **changed}
    assert {k: a.meta.get(k, "absent") for k in expected} == expected


def test_a_damaged_entity_table_is_one_error_that_names_the_database(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    library = library_with(tmp_path, MINIMAL)
    damage_table(library, "Z_PRIMARYKEY")
    with pytest.raises(PhotosDbError) as caught:
        PhotosDatabase(library)
    assert str(caught.value).startswith(
        f"{library / 'database' / 'Photos.sqlite'} is not a readable Photos database ("
    )
    assert list((tmp_path / "tmp").iterdir()) == [], "no copy is left behind"
