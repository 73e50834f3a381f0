"""JPEG byte work without decoding, on real JPEGs made here and cut, padded, tagged and
damaged by hand: segments, sizes, content ids, completeness, repair, profiles, metadata
replaced, and the picture kept without its metadata."""

from __future__ import annotations

import io

import numpy as np
import piexif
import pytest
from PIL import Image

from photoseek import jpeg, samples


def _jpeg(size: tuple[int, int] = (64, 48), **options: object) -> bytes:
    encoded = io.BytesIO()
    samples.picture(4, size).save(encoded, "JPEG", quality=85, **options)
    return encoded.getvalue()


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body


def _pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def test_segments_are_listed_in_order_up_to_the_scan():
    data = _jpeg(comment=b"hello")
    segs, scan = jpeg.segments(data)
    assert [m for m, _, _ in segs][:2] == [0xE0, 0xFE]
    assert segs[0][1] == 2 and all(a[2] == b[1] for a, b in zip(segs, segs[1:], strict=False))
    assert data[scan : scan + 2] == b"\xff\xda" and segs[-1][2] == scan
    # Fill bytes before a marker and a standalone marker are stepped over.
    padded = data[:2] + b"\xff\xff\x01" + data[2:]
    assert [m for m, _, _ in jpeg.segments(padded)[0]] == [m for m, _, _ in segs]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: b"GIF89a" + d, "does not start"),
        (lambda d: d[:2] + b"\x00" + d[3:], "broken marker"),
        (lambda d: d[:4] + b"\xff\xff" + d[6:], "runs past the end"),
        (lambda d: d[:4] + b"\x00\x01" + d[6:], "runs past the end"),
        (lambda d: d[: jpeg.segments(d)[1]], "no image data"),
    ],
)
def test_a_broken_structure_is_refused_with_what_is_wrong(damage, message):
    with pytest.raises(jpeg.JpegError, match=message):
        jpeg.segments(damage(_jpeg()))


def test_dimensions_come_from_the_frame_header():
    assert jpeg.dimensions(_jpeg((321, 123))) == (321, 123)
    assert jpeg.dimensions(_jpeg((77, 55), progressive=True)) == (77, 55)
    data = _jpeg()
    frame = next(start for marker, start, _ in jpeg.segments(data)[0] if marker == 0xC0)
    empty = data[: frame + 5] + b"\x00\x00\x00\x00" + data[frame + 9 :]
    with pytest.raises(jpeg.JpegError, match="empty image"):
        jpeg.dimensions(empty)
    no_frame = b"".join(
        data[start:end] if marker != 0xC0 else b"" for marker, start, end in jpeg.segments(data)[0]
    )
    with pytest.raises(jpeg.JpegError, match="no frame header"):
        jpeg.dimensions(data[:2] + no_frame + data[jpeg.segments(data)[1] :])


def test_the_content_id_ignores_metadata_and_nothing_else():
    plain = _jpeg()
    tagged = jpeg.with_metadata(plain, exif=piexif.dump({"0th": {piexif.ImageIFD.Make: b"X"}}))
    commented = plain[:2] + _segment(0xFE, b"a comment") + plain[2:]
    ids = {jpeg.content_id(d) for d in (plain, tagged, commented)}
    assert len(ids) == 1 and len(ids.pop()) == 32
    other = bytearray(plain)
    other[-10] ^= 0x01
    assert jpeg.content_id(bytes(other)) != jpeg.content_id(plain)
    retabled = _jpeg(optimize=True)
    assert jpeg.content_id(retabled) != jpeg.content_id(plain)


def test_a_jpeg_cut_short_is_refused_and_a_video_after_its_end_is_not():
    data = _jpeg()
    jpeg.check_complete(data)
    jpeg.check_complete(data + b"a motion photo's video")
    with pytest.raises(jpeg.JpegError, match="cut short"):
        jpeg.check_complete(data[:-2])


def test_the_missing_end_marker_is_added_and_padding_dropped():
    data = _jpeg()
    assert jpeg.repair_end(data) == (data, False)
    assert jpeg.repair_end(data + b"\x00\x00\x00") == (data, False)
    assert jpeg.repair_end(data[:-2]) == (data, True)
    assert jpeg.repair_end(data[:-2] + b"\x00\x00") == (data, True)


def test_a_colour_profile_is_read_back_from_its_chunks_in_order():
    profile = bytes(range(256)) * 300  # 76,800 bytes: two APP2 chunks
    data = jpeg.with_metadata(_jpeg(), icc=profile)
    chunks = [m for m, _, _ in jpeg.segments(data)[0] if m == 0xE2]
    assert len(chunks) == 2 and jpeg.icc_profile(data) == profile
    assert jpeg.icc_profile(_jpeg()) is None
    # Chunks stored out of order are put back by their numbers.
    segs, _ = jpeg.segments(data)
    first, second = [(s, e) for m, s, e in segs if m == 0xE2]
    swapped = data[: first[0]] + data[second[0] : second[1]] + data[first[0] : first[1]]
    swapped += data[second[1] :]
    assert jpeg.icc_profile(swapped) == profile


def test_metadata_is_replaced_and_every_other_byte_kept():
    plain = _jpeg(comment=b"kept")
    old = piexif.dump({"0th": {piexif.ImageIFD.Make: b"Old"}})
    new = piexif.dump({"0th": {piexif.ImageIFD.Make: b"New"}})
    tagged = jpeg.with_metadata(plain, exif=old, icc=b"profile one")
    again = jpeg.with_metadata(tagged, exif=new, icc=b"profile two")
    assert b"Old" not in again and b"New" in again and b"kept" in again
    assert jpeg.icc_profile(again) == b"profile two"
    assert again.count(b"ICC_PROFILE") == 1 and again.count(b"Exif\x00\x00") == 1
    # JFIF's header stays first; the compressed data is untouched.
    assert [m for m, _, _ in jpeg.segments(again)[0]][:3] == [0xE0, 0xE1, 0xE2]
    assert again.endswith(plain[jpeg.segments(plain)[1] :])
    assert np.array_equal(_pixels(again), _pixels(plain))
    # Only what is named is replaced.
    assert jpeg.with_metadata(tagged, icc=b"p3").count(b"Old") == 1


@pytest.mark.parametrize("progressive", [False, True])
def test_the_picture_alone_keeps_every_compressed_byte_and_no_metadata(progressive):
    data = _jpeg((300, 200), progressive=progressive, comment=b"secret", restart_marker_rows=1)
    data = jpeg.with_metadata(data, exif=piexif.dump({"0th": {piexif.ImageIFD.Make: b"Phone"}}))
    data = data[:2] + _segment(0xED, b"Photoshop 3.0\x00IPTC place") + data[2:]
    if progressive:
        second = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
        data = data[:second] + _segment(0xFE, b"between scans") + data[second:]
    adobe = _segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")
    data = data[:2] + adobe + data[2:] + b"\x00trailing video"
    kept = jpeg.picture_only(data)
    assert kept is not None
    assert np.array_equal(_pixels(kept), _pixels(data))
    for private in (b"secret", b"Phone", b"IPTC", b"between scans", b"video", b"JFIF"):
        assert private not in kept, private
    assert kept.endswith(b"\xff\xd9") and adobe in kept
    markers = [m for m, _, _ in jpeg.segments(kept)[0]]
    assert markers[0] == 0xEE and 0xDD in markers
    assert set(markers) <= {0xEE, 0xDB, 0xC4, 0xDD, 0xC0, 0xC2}


def test_the_picture_alone_is_refused_where_a_browser_could_not_show_it():
    data = _jpeg()
    frame = next(start for marker, start, _ in jpeg.segments(data)[0] if marker == 0xC0)
    arithmetic = data[: frame + 1] + b"\xc9" + data[frame + 2 :]
    assert jpeg.picture_only(arithmetic) is None
    assert jpeg.picture_only(data[:-2]) is None  # cut short
    assert jpeg.picture_only(b"not a jpeg") is None
    scan = jpeg.segments(data)[1]
    broken = data[:scan] + data[scan : scan + 2] + b"\xff\xff" + data[scan + 4 :]
    assert jpeg.picture_only(broken) is None
    # A marker that has no place between scans.
    odd = data[:-2] + b"\xff\xc8\x00\x04\x00\x00" + data[-2:]
    assert jpeg.picture_only(odd) is None
    # An APP14 that is not Adobe's short header is metadata like any other.
    other = data[:2] + _segment(0xEE, b"Adobe\x00 and a payload of its own") + data[2:]
    kept = jpeg.picture_only(other)
    assert kept is not None and b"payload" not in kept


def _with_frame(data: bytes, marker: int) -> bytes:
    frame = next(start for m, start, _ in jpeg.segments(data)[0] if m == 0xC0)
    return data[: frame + 1] + bytes([marker]) + data[frame + 2 :]


def test_every_kind_of_frame_gives_its_size_and_only_huffman_frames_are_kept_alone():
    data = _jpeg((37, 29))
    frames = [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF]
    for marker in frames:
        assert jpeg.dimensions(_with_frame(data, marker)) == (37, 29), hex(marker)
        kept = jpeg.picture_only(_with_frame(data, marker))
        assert (kept is not None) == (marker in (0xC0, 0xC1, 0xC2)), hex(marker)
    # Markers that are not frames (tables, an application segment) give no size.
    for marker in (0xC4, 0xC8, 0xCC, 0xE5):
        with pytest.raises(jpeg.JpegError, match="no frame header"):
            jpeg.dimensions(_with_frame(data, marker))
    one = io.BytesIO()
    Image.new("RGB", (1, 1), "red").save(one, "JPEG")
    assert jpeg.dimensions(one.getvalue()) == (1, 1)


def test_restart_and_empty_segments_before_the_scan_are_stepped_over():
    data = _jpeg()
    plain = [m for m, _, _ in jpeg.segments(data)[0]]
    for standalone in (b"\xff\x01", b"\xff\xd0", b"\xff\xd7"):
        assert [m for m, _, _ in jpeg.segments(data[:2] + standalone + data[2:])[0]] == plain
    empty = data[:2] + b"\xff\xfe\x00\x02" + data[2:]
    assert [m for m, _, _ in jpeg.segments(empty)[0]] == [0xFE, *plain]
    # Four bytes short of a segment's header: not a scan.
    with pytest.raises(jpeg.JpegError, match="no image data"):
        jpeg.segments(data[:2] + b"\xff\xfe\x00")


def test_the_content_id_reads_tables_and_skips_every_application_segment():
    plain = _jpeg()
    table = next(start for m, start, _ in jpeg.segments(plain)[0] if m == 0xDB)
    retabled = bytearray(plain)
    retabled[table + 10] ^= 0x01  # one quantisation value: same scan, other pixels
    assert jpeg.content_id(bytes(retabled)) != jpeg.content_id(plain)
    for marker in (0xE0, 0xE7, 0xEF, 0xFE):
        tagged = plain[:2] + _segment(marker, b"some application's data") + plain[2:]
        assert jpeg.content_id(tagged) == jpeg.content_id(plain), hex(marker)
    assert jpeg.content_id(plain[:2] + _segment(0xDD, b"\x00\x04") + plain[2:]) != (
        jpeg.content_id(plain)
    )


def test_an_empty_width_or_height_alone_is_refused():
    data = _jpeg()
    frame = next(start for marker, start, _ in jpeg.segments(data)[0] if marker == 0xC0)
    for offset in (5, 7):  # height, then width
        empty = data[: frame + offset] + b"\x00\x00" + data[frame + offset + 2 :]
        with pytest.raises(jpeg.JpegError, match="empty image"):
            jpeg.dimensions(empty)


def test_other_application_segments_are_never_taken_for_exif_or_a_profile():
    # Byte strings that sort after "Exif" and "ICC_PROFILE" (XMP, MPF) and before them.
    xmp = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<xmp/>")
    early = _segment(0xE1, b"ABCDEFG")
    mpf = _segment(0xE2, b"MPF\x00 a second picture's index")
    early_app2 = _segment(0xE2, b"AAAA not a profile")
    plain = _jpeg()
    data = plain[:2] + xmp + early + mpf + early_app2 + plain[2:]
    assert jpeg.icc_profile(data) is None
    tagged = jpeg.with_metadata(data, exif=piexif.dump({}), icc=b"the profile")
    for segment in (xmp, early, mpf, early_app2):
        assert segment in tagged
    assert jpeg.icc_profile(tagged) == b"the profile"


def test_a_large_profile_is_cut_into_numbered_chunks_that_fit_a_segment():
    profile = bytes(range(256)) * 600  # 153,600 bytes: three chunks
    data = jpeg.with_metadata(_jpeg(), icc=profile)
    chunks = [data[s + 4 : e] for m, s, e in jpeg.segments(data)[0] if m == 0xE2]
    assert [(c[12], c[13]) for c in chunks] == [(1, 3), (2, 3), (3, 3)]
    assert [len(c) - 14 for c in chunks] == [65505, 65505, 153600 - 2 * 65505]


def test_metadata_goes_right_after_the_start_when_there_is_no_jfif_header():
    plain = jpeg.picture_only(_jpeg())
    assert plain is not None and jpeg.segments(plain)[0][0][0] == 0xDB
    tagged = jpeg.with_metadata(plain, exif=piexif.dump({}))
    assert [m for m, _, _ in jpeg.segments(tagged)[0]][:2] == [0xE1, 0xDB]


def test_between_scans_every_application_segment_goes_and_damage_is_refused():
    data = _jpeg((120, 80), progressive=True)
    second = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    for marker in (0xE0, 0xE1, 0xEF, 0xFE):
        tagged = data[:second] + _segment(marker, b"private words") + data[second:]
        kept = jpeg.picture_only(tagged)
        assert kept is not None and b"private" not in kept, hex(marker)
        assert np.array_equal(_pixels(kept), _pixels(data))
    # A segment between scans whose length is too short, or runs past the end.
    for damaged in (
        data[:second] + b"\xff\xc4\x00\x01" + data[second:],
        data[:second] + b"\xff\xc4\xff\xf0",
    ):
        assert jpeg.picture_only(damaged) is None
    # The data stops at a marker, before its length.
    assert jpeg.picture_only(data[: second + 2]) is None
    # No frame header at all.
    frame = next((s, e) for m, s, e in jpeg.segments(data)[0] if m == 0xC2)
    assert jpeg.picture_only(data[: frame[0]] + data[frame[1] :]) is None


def test_only_adobes_own_short_header_is_kept():
    data = _jpeg()
    for body, kept in (
        (b"Adobe\x00\x64\x00\x00\x00\x00\x01", True),
        (b"Adobe\x00", False),
        (b"Adobe\x00\x64\x00\x00\x00\x00\x01 and more", False),
        (b"Adobf\x00\x64\x00\x00\x00\x00\x01", False),
        (b"Adobd\x00\x64\x00\x00\x00\x00\x01", False),
    ):
        segment = _segment(0xEE, body)
        out = jpeg.picture_only(data[:2] + segment + data[2:])
        assert out is not None and (segment in out) == kept, body
