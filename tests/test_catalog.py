"""Lightroom's catalog joined to a preview folder, in-process, on SQLite files laid out here by
hand from the catalog's published columns (shared/reference/lightroom-previews.md), with the
values Lightroom Classic stores: APEX exposure, ISO text times, 'AB'-style orientations."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from photoseek import samples
from photoseek.extract.catalog import (
    Catalog,
    CatalogError,
    _xmp_place,
    cocoa_time,
    find_catalog,
)

LRCAT = """
CREATE TABLE Adobe_images(id_local INTEGER PRIMARY KEY, id_global TEXT, rootFile INTEGER,
    captureTime TEXT, rating REAL, colorLabels TEXT, pick REAL, orientation TEXT,
    fileFormat TEXT, fileWidth INTEGER, fileHeight INTEGER, masterImage INTEGER, copyName TEXT,
    pyramidIDCache TEXT);
CREATE TABLE AgLibraryFile(id_local INTEGER PRIMARY KEY, id_global TEXT, baseName TEXT,
    extension TEXT, folder INTEGER, originalFilename TEXT, md5 TEXT, importHash TEXT,
    modTime REAL);
CREATE TABLE AgLibraryFolder(id_local INTEGER PRIMARY KEY, parentId INTEGER, pathFromRoot TEXT,
    rootFolder INTEGER);
CREATE TABLE AgLibraryRootFolder(id_local INTEGER PRIMARY KEY, absolutePath TEXT, name TEXT,
    relativePathFromCatalog TEXT);
CREATE TABLE AgHarvestedExifMetadata(image INTEGER, aperture REAL, focalLength REAL,
    isoSpeedRating REAL, shutterSpeed REAL, gpsLatitude REAL, gpsLongitude REAL, hasGPS INTEGER,
    cameraModelRef INTEGER, lensRef INTEGER, dateYear REAL, dateMonth REAL, dateDay REAL);
CREATE TABLE AgInternedExifCameraModel(id_local INTEGER PRIMARY KEY, value TEXT);
CREATE TABLE AgInternedExifLens(id_local INTEGER PRIMARY KEY, value TEXT);
CREATE TABLE AgLibraryKeyword(id_local INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE AgLibraryKeywordImage(image INTEGER, tag INTEGER);
CREATE TABLE AgLibraryCollection(id_local INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE AgLibraryCollectionImage(image INTEGER, collection INTEGER);
CREATE TABLE AgLibraryIPTC(image INTEGER, caption TEXT);
CREATE TABLE Adobe_AdditionalMetadata(image INTEGER, xmp TEXT);

INSERT INTO AgLibraryRootFolder VALUES(1, '/Volumes/Photos/', 'Photos', NULL);
INSERT INTO AgLibraryFolder VALUES(1, NULL, '2019/05/', 1);
INSERT INTO AgLibraryFile VALUES(1, 'F1', 'DSC_0001', 'NEF', 1, 'DSC_0001.NEF', '', '', 0);
INSERT INTO AgLibraryFile VALUES(2, 'F2', 'scan', NULL, 1, NULL, '', '', 0);
-- 10: an original; 11: its virtual copy; 12: a picture with little known.
INSERT INTO Adobe_images VALUES(10, 'G10', 1, '2019-05-04T12:34:56.120', 4.0, 'Red', 1.0, 'BC',
    'RAW', 6048, 4024, NULL, NULL, '');
INSERT INTO Adobe_images VALUES(11, 'G11', 1, '2019-05-04T12:34:56', 2.0, '', -1.0, 'DA',
    'RAW', 6048, 4024, 10, 'Black & white', '');
INSERT INTO Adobe_images VALUES(12, 'G12', 2, NULL, NULL, NULL, 0.0, NULL, 'JPG', 800, 600,
    NULL, NULL, '');
INSERT INTO AgInternedExifCameraModel VALUES(1, 'NIKON D850');
INSERT INTO AgInternedExifLens VALUES(1, '50.0 mm f/1.8');
-- Av 2 log2(N): f/2.8 is 2.9708; Tv -log2(t): 1/250 s is 7.9658, 2 s is -1.
INSERT INTO AgHarvestedExifMetadata VALUES(10, 2.970854, 50.0, 400.0, 7.965784, -33.8567844,
    151.2152967, 1.0, 1, 1, 2019, 5, 4);
-- Image 11: f/7.1 (Av 5 2/3, 7.127 unrounded) at 2 s; its place is there, but hasGPS is 0.
INSERT INTO AgHarvestedExifMetadata VALUES(11, 5.666667, 50.0, 400.0, -1.0, 12.5, 45.25, 0.0,
    1, NULL, 2019, 5, 4);
INSERT INTO AgLibraryKeyword VALUES(1, 'sydney'), (2, 'harbour'), (3, NULL);
INSERT INTO AgLibraryKeywordImage VALUES(10, 1), (10, 2), (10, 3);
INSERT INTO AgLibraryCollection VALUES(1, 'Trip'), (2, 'Best of 2019');
INSERT INTO AgLibraryCollectionImage VALUES(10, 1), (10, 2), (11, 2);
INSERT INTO AgLibraryIPTC VALUES(10, 'The bridge at dawn'), (11, '');
"""

XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">
 </rdf:li><rdf:li xml:lang="en">Harbour Bridge</rdf:li></rdf:Alt></dc:title><dc:description>
<rdf:Alt><rdf:li xml:lang="x-default">From the ferry</rdf:li></rdf:Alt></dc:description>
</rdf:Description></rdf:RDF></x:xmpmeta>"""

PREVIEWS = """
CREATE TABLE ImageCacheEntry(imageId INTEGER, uuid TEXT, digest TEXT, orientation TEXT);
-- A uuid cached for three images: the digest tells them apart. Image 10 has a stale entry.
INSERT INTO ImageCacheEntry VALUES(10, 'UUID-A', 'd1', NULL), (12, 'UUID-B', 'd3', NULL),
    (11, 'UUID-B', 'd2', NULL), (13, 'UUID-B', 'd4', NULL), (10, 'UUID-OLD', 'd0', NULL);
"""


@pytest.fixture
def catalog(tmp_path):
    lrcat = tmp_path / "Photos.lrcat"
    db = sqlite3.connect(lrcat)
    db.executescript(LRCAT)
    db.execute("INSERT INTO Adobe_AdditionalMetadata VALUES(11, ?)", (XMP,))
    db.commit()
    db.close()
    lrdata = tmp_path / "Photos Previews.lrdata"
    lrdata.mkdir()
    db = sqlite3.connect(lrdata / "previews.db")
    db.executescript(PREVIEWS)
    db.commit()
    db.close()
    opened = Catalog(lrdata / "previews.db", lrcat)
    yield opened
    opened.close()


def test_an_original_with_everything_the_catalog_knows(catalog):
    assert catalog.metadata(10) == {
        "taken": "2019-05-04T12:34:56.120000",
        "rating": 4,
        "colour_label": "Red",
        "pick": 1,
        "original_name": "DSC_0001.NEF",
        "original_path": "/Volumes/Photos/2019/05/DSC_0001.NEF",
        "original_format": "RAW",
        "original_width": 6048,
        "original_height": 4024,
        "lightroom_image_id": 10,
        "lightroom_global_id": "G10",
        "_orientation": 6,
        "aperture": 2.8,
        "shutter": "1/250",
        "iso": 400,
        "focal_length": 50.0,
        "camera": "NIKON D850",
        "lens": "50.0 mm f/1.8",
        "gps": {"lat": -33.8567844, "lon": 151.2152967},
        "keywords": ["harbour", "sydney"],
        "albums": ["Best of 2019", "Trip"],
        "caption": "The bridge at dawn",
    }


def test_a_virtual_copy_names_its_master_and_its_xmp_title(catalog):
    meta = catalog.metadata(11)
    assert meta["_master_image_id"] == 10
    assert meta["virtual_copy_name"] == "Black & white"
    assert (meta["pick"], meta["rating"], meta["_orientation"]) == (-1, 2, 8)
    assert (meta["shutter"], meta["aperture"]) == ("2", 7.1)
    # No place unless the catalog says it has one; the first non-blank title and description.
    assert "gps" not in meta and "lens" not in meta
    assert (meta["title"], meta["caption"]) == ("Harbour Bridge", "From the ferry")
    assert meta["albums"] == ["Best of 2019"] and meta["keywords"] == []


def test_a_picture_the_catalog_knows_little_of(catalog):
    meta = catalog.metadata(12)
    assert meta == {
        "pick": 0,
        "original_name": "scan",
        "original_path": "/Volumes/Photos/2019/05/scan",
        "original_format": "JPG",
        "original_width": 800,
        "original_height": 600,
        "lightroom_image_id": 12,
        "lightroom_global_id": "G12",
        "_orientation": 1,
        "keywords": [],
        "albums": [],
    }
    assert catalog.metadata(99) == {}


def test_previews_join_their_image_through_previews_db(catalog):
    assert catalog.image_id("UUID-A", "d1") == 10
    assert catalog.image_id("UUID-B", "d3") == 12
    assert catalog.image_id("UUID-B", "d2") == 11
    assert catalog.image_id("UUID-B", "d4") == 13
    # Without a digest, or with one the cache does not hold, the uuid's first entry.
    assert catalog.image_id("UUID-B", None) == 12
    assert catalog.image_id("UUID-B", "other") == 12
    assert catalog.image_id("UUID-Z", None) is None
    assert catalog.preview_name(10) == "UUID-A-d1.lrprev"
    assert catalog.preview_name(99) is None
    assert not catalog.failed and catalog.warnings == []


def change(catalog: Catalog, sql: str, value: object) -> None:
    """Change the catalog file, as Lightroom would while photoseek has it open."""
    db = sqlite3.connect(catalog.lrcat_path)
    db.execute(sql, (value,))
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("code", "orientation"), [("AB", 1), ("BC", 6), ("CD", 3), ("DA", 8), ("XY", 1)]
)
def test_orientation_codes(catalog, code, orientation):
    change(catalog, "UPDATE Adobe_images SET orientation=? WHERE id_local=12", code)
    assert catalog.metadata(12)["_orientation"] == orientation


@pytest.mark.parametrize(("tv", "shutter"), [(0.0, "1"), (-0.378512, "1.3"), (7.965784, "1/250")])
def test_shutter_speeds_from_apex(catalog, tv, shutter):
    change(catalog, "UPDATE AgHarvestedExifMetadata SET shutterSpeed=? WHERE image=10", tv)
    assert catalog.metadata(10)["shutter"] == shutter


def test_a_damaged_xmp_gives_no_title(catalog):
    change(catalog, "UPDATE Adobe_AdditionalMetadata SET xmp=? WHERE image=11", "<x:xmp><unclosed")
    meta = catalog.metadata(11)
    assert "title" not in meta and "caption" not in meta


def test_connections_opened_by_workers_are_all_closed(catalog):
    seen = []
    worker = threading.Thread(target=lambda: seen.append(catalog.metadata(10)["rating"]))
    worker.start()
    worker.join()
    assert seen == [4]
    main = catalog.lrcat
    catalog.close()
    with pytest.raises(sqlite3.ProgrammingError):
        main.execute("SELECT 1")


def test_without_a_catalog_or_previews_nothing_is_known(tmp_path, catalog):
    alone = Catalog(None, None)
    assert alone.image_id("UUID-A", None) is None and alone.metadata(10) == {}
    assert alone.preview_name(10) is None
    missing = Catalog(tmp_path / "missing" / "previews.db", catalog.lrcat_path)
    assert missing.previews_path is None and missing.metadata(10)["rating"] == 4
    missing.close()


def test_a_failed_query_is_one_warning_and_marks_the_run_incomplete(tmp_path):
    lrcat = tmp_path / "broken.lrcat"
    sqlite3.connect(lrcat).execute("CREATE TABLE other(x)").connection.close()
    broken = Catalog(None, lrcat)
    assert broken.metadata(1) == {} and broken.metadata(2) == {}
    assert broken.failed
    assert broken.warnings == ["catalog query skipped: no such table: Adobe_images"]
    broken.close()
    (tmp_path / "junk.lrcat").write_bytes(b"not sqlite" * 100)
    with pytest.raises(CatalogError, match="junk.lrcat: not a readable SQLite database"):
        Catalog(None, tmp_path / "junk.lrcat")


def test_catalog_times_in_either_form():
    assert cocoa_time(0) == "2001-01-01T00:00:00"
    assert cocoa_time(578_313_296.5) == "2019-04-30T10:34:56"
    assert cocoa_time("2019-05-04T12:34:56") == "2019-05-04T12:34:56"
    assert cocoa_time("2019-05-04T12:34:56Z") == "2019-05-04T12:34:56+00:00"
    assert cocoa_time(" 2019-05-04T12:34:56+02:00 ") == "2019-05-04T12:34:56+02:00"
    for nothing in (None, "", "yesterday"):
        assert cocoa_time(nothing) is None


def test_a_preview_folder_finds_its_catalog_by_name_or_as_the_only_one(tmp_path):
    lrdata = tmp_path / "Trip Previews.lrdata"
    lrdata.mkdir()
    assert find_catalog(lrdata) is None
    (tmp_path / "Other.lrcat").write_bytes(b"")
    assert find_catalog(lrdata) == tmp_path / "Other.lrcat"
    (tmp_path / "Trip.lrcat").write_bytes(b"")
    assert find_catalog(lrdata) == tmp_path / "Trip.lrcat"
    (tmp_path / "Trip.lrcat").unlink()
    (tmp_path / "Third.lrcat").write_bytes(b"")
    assert find_catalog(lrdata) is None
    odd = tmp_path / "elsewhere.lrdata"
    odd.mkdir()
    assert find_catalog(odd) is None
    (tmp_path / "Trip.lrcat").mkdir()
    assert find_catalog(lrdata) is None


def test_the_xmp_place_fields_are_read_as_attributes_or_elements():
    assert _xmp_place(samples._xmp("T", ("A & B", 'R"', "C", "fr"))) == {
        "city": "A & B", "region": 'R"', "country": "C", "code": "FR"}  # fmt: skip
    assert _xmp_place(samples._xmp("T", None)) is None
    assert _xmp_place("<not xml") is None
    element = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
        "<photoshop:Country> Japan </photoshop:Country><photoshop:City></photoshop:City>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    assert _xmp_place(element) == {"country": "Japan"}
