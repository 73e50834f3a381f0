"""EXIF in and out, in-process, on blocks laid out by piexif from the EXIF 2.3 tags as cameras
write them (not by photoseek's own samples): dates, cameras, exposure, places and their
hemispheres, and what photoseek writes back."""

from __future__ import annotations

import piexif
import pytest

from photoseek.extract import exif

ZEROTH, EXIF, GPS = piexif.ImageIFD, piexif.ExifIFD, piexif.GPSIFD


def read(zeroth: dict | None = None, ex: dict | None = None, gps: dict | None = None) -> dict:
    """What photoseek reads from an EXIF block with these tags, as bytes a camera would write."""
    return exif.read_meta(piexif.dump({"0th": zeroth or {}, "Exif": ex or {}, "GPS": gps or {}}))


def test_a_canon_and_a_fujifilm_as_they_write_themselves():
    canon = read(
        {ZEROTH.Make: b"Canon", ZEROTH.Model: b"Canon EOS R5",
         ZEROTH.DateTime: b"2021:06:13 09:00:00"},
        {EXIF.DateTimeOriginal: b"2021:06:12 08:30:05", EXIF.ExposureTime: (1, 250),
         EXIF.FNumber: (28, 10), EXIF.ISOSpeedRatings: 400, EXIF.FocalLength: (50, 1),
         EXIF.LensModel: b"RF50mm F1.8 STM\x00\x00"},
    )  # fmt: skip
    assert canon == {
        "taken": "2021-06-12T08:30:05",
        "camera": "Canon EOS R5",
        "lens": "RF50mm F1.8 STM",
        "aperture": 2.8,
        "shutter": "1/250",
        "iso": 400,
        "focal_length": 50.0,
    }
    fuji = read({ZEROTH.Make: b"FUJIFILM", ZEROTH.Model: b"X100V"}, {EXIF.ISOSpeedRatings: (160,)})
    assert fuji == {"camera": "FUJIFILM X100V", "iso": 160}
    # A make that the model repeats in other case is said once.
    assert (
        read({ZEROTH.Make: b"NIKON CORPORATION", ZEROTH.Model: b"nikon corporation D850"})["camera"]
        == "nikon corporation D850"
    )
    assert read({ZEROTH.Make: b"Canon"}) == {"camera": "Canon"}
    assert read({ZEROTH.Model: b"iPhone 12"}) == {"camera": "iPhone 12"}


@pytest.mark.parametrize(
    ("exposure", "shutter"),
    [((1, 250), "1/250"), ((10, 2500), "1/250"), ((1, 3), "1/3"), ((3, 10), "1/3"),
     ((10, 16), "1/2"), ((2, 1), "2"), ((13, 10), "1.3"), ((1, 1), "1"), ((0, 1), None),
     ((1, 0), None)],
)  # fmt: skip
def test_exposure_times_read_as_photographers_say_them(exposure, shutter):
    assert read(ex={EXIF.ExposureTime: exposure}).get("shutter") == shutter


def test_dates_need_the_whole_stamp_and_a_year():
    assert (
        read(ex={EXIF.DateTimeOriginal: b"2019:05:04 12:34:56"})["taken"] == "2019-05-04T12:34:56"
    )
    # Without the original's stamp, the file's own.
    assert read({ZEROTH.DateTime: b"2018:01:02 03:04:05"})["taken"] == "2018-01-02T03:04:05"
    # Subseconds or a zone after the stamp are left out.
    zoned = read(ex={EXIF.DateTimeOriginal: b"2019:05:04 12:34:56+02:00"})
    assert zoned["taken"] == "2019-05-04T12:34:56"
    for bad in (b"0000:00:00 00:00:00", b"2019:05:04 12:34:5", b"2019:05:04 12:34", b"", b"    "):
        assert "taken" not in read(ex={EXIF.DateTimeOriginal: bad}), bad
    # A blank original falls back to the file's stamp.
    blank = read(
        {ZEROTH.DateTime: b"2018:01:02 03:04:05"}, {EXIF.DateTimeOriginal: b"0000:00:00 00:00:00"}
    )
    assert blank["taken"] == "2018-01-02T03:04:05"


def test_text_fields_end_at_their_nul_and_lose_their_padding():
    meta = read(
        {ZEROTH.ImageDescription: b"  Harbour at dawn \x00junk", ZEROTH.DocumentName: b"IMG_1.CR2"}
    )
    assert meta == {"caption": "Harbour at dawn", "original_name": "IMG_1.CR2"}
    assert read({ZEROTH.ImageDescription: b"\x00\x00"}) == {}
    assert read({ZEROTH.ImageDescription: "Caf\xe9".encode("latin-1")})["caption"] == "Caf\ufffd"


def _dms(degrees: int, minutes: int, seconds_1000: int) -> tuple:
    return ((degrees, 1), (minutes, 1), (seconds_1000, 1000))


@pytest.mark.parametrize(
    ("refs", "signs"),
    [
        ((b"N", b"E"), (1, 1)),
        ((b"S", b"E"), (-1, 1)),
        ((b"N", b"W"), (1, -1)),
        ((b"S", b"W"), (-1, -1)),
    ],
)
def test_places_keep_their_hemisphere(refs, signs):
    gps = {GPS.GPSLatitudeRef: refs[0], GPS.GPSLatitude: _dms(33, 51, 24424),
           GPS.GPSLongitudeRef: refs[1], GPS.GPSLongitude: _dms(151, 12, 55068)}  # fmt: skip
    place = read(gps=gps)["gps"]
    assert place == {
        "lat": signs[0] * round(33 + 51 / 60 + 24.424 / 3600, 7),
        "lon": signs[1] * round(151 + 12 / 60 + 55.068 / 3600, 7),
    }
    assert place["lat"] == signs[0] * 33.8567844


def test_altitudes_below_sea_level_and_places_that_cannot_be():
    base = {GPS.GPSLatitudeRef: b"N", GPS.GPSLatitude: _dms(31, 30, 0),
            GPS.GPSLongitudeRef: b"E", GPS.GPSLongitude: _dms(35, 30, 0)}  # fmt: skip
    dead_sea = read(gps={**base, GPS.GPSAltitudeRef: 1, GPS.GPSAltitude: (43050, 100)})
    assert dead_sea["gps"] == {"lat": 31.5, "lon": 35.5, "alt": -430.5}
    assert (
        read(gps={**base, GPS.GPSAltitudeRef: 0, GPS.GPSAltitude: (8848, 1)})["gps"]["alt"] == 8848
    )
    assert "alt" not in read(gps={**base, GPS.GPSAltitude: (1, 0)})["gps"]
    # 0, 0 is where a phone without a fix writes; half a place, or a broken one, is none.
    zero = {GPS.GPSLatitude: _dms(0, 0, 0), GPS.GPSLongitude: _dms(0, 0, 0)}
    assert "gps" not in read(gps=zero)
    assert "gps" not in read(gps={GPS.GPSLatitudeRef: b"N", GPS.GPSLatitude: _dms(1, 0, 0)})
    assert "gps" not in read(gps={**base, GPS.GPSLatitude: ((31, 1), (30, 0), (0, 1))})
    assert read(gps={**base, GPS.GPSLongitude: _dms(0, 0, 0)})["gps"] == {"lat": 31.5, "lon": 0.0}
    assert read(gps={**base, GPS.GPSLatitude: _dms(0, 0, 0)})["gps"] == {"lat": 0.0, "lon": 35.5}


def test_a_place_within_a_degree_of_the_equator_and_the_meridian_keeps_its_sign():
    for lat, lon, alt in ((0.5, -0.5, 0.5), (-0.5, 0.5, -0.5), (0.25, 0.75, 0.0)):
        back = exif.read_meta(exif.encode({"gps": {"lat": lat, "lon": lon, "alt": alt}}))
        assert back["gps"] == {"lat": lat, "lon": lon, "alt": alt}


def test_values_of_the_wrong_shape_are_dropped_not_guessed():
    # A block handed over as a dict (as Pillow gives it) may hold anything.
    meta = exif.read_meta(
        {
            "Exif": {
                EXIF.FNumber: (28,),
                EXIF.FocalLength: (50, 1, 1),
                EXIF.ISOSpeedRatings: (100, 200),
            },
            "GPS": {
                GPS.GPSLatitude: ((1, 1), (2, 1)),
                GPS.GPSLongitude: ((1, 1), (2, 1), (3, 1), (4, 1)),
            },
        }
    )
    assert meta == {"iso": 100}
    # Degrees, minutes and seconds are three numbers: four are not read as the first three.
    lon = ((2, 1), (0, 1), (0, 1))
    four = ((1, 1), (2, 1), (3, 1), (4, 1))
    assert exif.read_meta({"GPS": {GPS.GPSLatitude: four, GPS.GPSLongitude: lon}}) == {}


def test_unreadable_blocks_are_no_metadata():
    assert exif.read_meta(None) == {}
    assert exif.read_meta(b"") == {}
    assert exif.read_meta(b"Exif\x00\x00not a tiff header at all") == {}
    as_dict = {"0th": {ZEROTH.Model: b"X100V"}, "Exif": {}, "GPS": {}}
    assert exif.read_meta(as_dict) == {"camera": "X100V"}


def test_what_photoseek_writes_a_camera_reader_reads_in_its_own_units():
    meta = {
        "taken": "2021-06-12T08:30:05",
        "caption": "Café at dawn",
        "original_name": "DSC_0001.NEF",
        "camera": "Nikon D850",
        "lens": "50mm f/1.8",
        "aperture": 1.8,
        "iso": 800,
        "focal_length": 50.5,
        "_orientation": 6,
        "gps": {"lat": -33.8567844, "lon": -70.25, "alt": -12.34},
    }
    written = piexif.load(exif.encode(meta))
    zeroth, ex, gps = written["0th"], written["Exif"], written["GPS"]
    assert ex[EXIF.DateTimeOriginal] == zeroth[ZEROTH.DateTime] == b"2021:06:12 08:30:05"
    assert zeroth[ZEROTH.ImageDescription] == "Café at dawn".encode()
    assert zeroth[ZEROTH.DocumentName] == b"DSC_0001.NEF"
    assert zeroth[ZEROTH.Model] == b"Nikon D850"
    assert zeroth[ZEROTH.Orientation] == 6
    assert ex[EXIF.LensModel] == b"50mm f/1.8"
    assert (ex[EXIF.FNumber], ex[EXIF.ISOSpeedRatings], ex[EXIF.FocalLength]) == (
        (18, 10),
        800,
        (505, 10),
    )
    assert gps[GPS.GPSVersionID] == (2, 3, 0, 0)
    assert (gps[GPS.GPSLatitudeRef], gps[GPS.GPSLongitudeRef]) == (b"S", b"W")
    assert gps[GPS.GPSLatitude] == ((33, 1), (51, 1), (24424, 1000))
    assert gps[GPS.GPSLongitude] == ((70, 1), (15, 1), (0, 1000))
    assert (gps[GPS.GPSAltitudeRef], gps[GPS.GPSAltitude]) == (1, (1234, 100))
    back = exif.read_meta(exif.encode(meta))
    assert back["gps"] == {"lat": -33.8567844, "lon": -70.25, "alt": -12.34}
    north_east = piexif.load(exif.encode({"gps": {"lat": 1.5, "lon": 2.5, "alt": 3.0}}))["GPS"]
    assert (north_east[GPS.GPSLatitudeRef], north_east[GPS.GPSLongitudeRef]) == (b"N", b"E")
    assert north_east[GPS.GPSAltitudeRef] == 0 and GPS.GPSAltitude in north_east
    assert GPS.GPSAltitude not in piexif.load(exif.encode({"gps": {"lat": 1.5, "lon": 2.5}}))["GPS"]


def test_writing_keeps_the_pictures_own_tags_and_its_camera_name():
    own = piexif.dump({"0th": {ZEROTH.Make: b"Canon", ZEROTH.Model: b"Canon EOS R5",
                               ZEROTH.Orientation: 3},
                       "Exif": {EXIF.ExposureTime: (1, 60)}})  # fmt: skip
    written = piexif.load(exif.encode({"camera": "Something else", "_orientation": 1}, own))
    assert written["0th"][ZEROTH.Model] == b"Canon EOS R5"
    assert written["0th"][ZEROTH.Make] == b"Canon"
    assert written["0th"][ZEROTH.Orientation] == 3
    assert written["Exif"][EXIF.ExposureTime] == (1, 60)
    # A broken block of its own is replaced, not kept.
    replaced = piexif.load(exif.encode({"caption": "x"}, b"Exif\x00\x00broken"))
    assert replaced["0th"] == {ZEROTH.ImageDescription: b"x"}
    # A block whose own tags piexif reads but cannot write again (a maker's name as a number)
    # is left out, and ours written alone.
    tiff = b"MM\x00*" + bytes(
        [0, 0, 0, 8, 0, 1, 0x01, 0x0F, 0, 3, 0, 0, 0, 1, 0, 7, 0, 0, 0, 0, 0, 0]
    )
    assert piexif.load(b"Exif\x00\x00" + tiff)["0th"] == {ZEROTH.Make: 7}
    alone = piexif.load(exif.encode({"caption": "x"}, b"Exif\x00\x00" + tiff))
    assert alone["0th"] == {ZEROTH.ImageDescription: b"x"}
    # A stamp with subseconds is written to the second; a date too short to be one is not.
    longer = piexif.load(exif.encode({"taken": "2021-06-12T08:30:05.250"}))
    assert longer["Exif"][EXIF.DateTimeOriginal] == b"2021:06:12 08:30:05"
    assert EXIF.DateTimeOriginal not in piexif.load(exif.encode({"taken": "2021-06-12"}))["Exif"]
    assert piexif.load(exif.encode({}))["0th"] == {}
