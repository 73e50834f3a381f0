"""EXIF in and out: read a picture's own metadata, and write recovered metadata into JPEGs."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import piexif

_DATE_FORMAT_LEN = 19


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.split(b"\x00", 1)[0].decode("utf-8", "replace")
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _ratio(value: Any) -> float | None:
    if isinstance(value, tuple) and len(value) == 2 and value[1]:
        return value[0] / value[1]
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _exif_date(value: Any) -> str | None:
    text = _text(value)
    if not text or len(text) < _DATE_FORMAT_LEN or text.startswith("0000"):
        return None
    return text[:10].replace(":", "-") + "T" + text[11:19]


def _gps_degrees(values: Any, ref: Any) -> float | None:
    if not isinstance(values, tuple) or len(values) != 3:
        return None
    parts = [_ratio(v) for v in values]
    if any(p is None for p in parts):
        return None
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600  # type: ignore[operator]
    return -degrees if _text(ref) in ("S", "W") else degrees


def read_meta(exif: bytes | dict | None) -> dict[str, Any]:
    """The library's fields from raw EXIF bytes (or a piexif dict); {} when unreadable."""
    if not exif:
        return {}
    try:
        data = piexif.load(exif) if isinstance(exif, bytes) else exif
    except Exception:  # piexif raises many kinds on malformed EXIF; it is only metadata.
        return {}
    zeroth, ex, gps = data.get("0th", {}), data.get("Exif", {}), data.get("GPS", {})
    make = _text(zeroth.get(piexif.ImageIFD.Make))
    model = _text(zeroth.get(piexif.ImageIFD.Model))
    if make and model and model.lower().startswith(make.lower()):
        make = None
    exposure = ex.get(piexif.ExifIFD.ExposureTime)
    shutter = None
    if isinstance(exposure, tuple) and exposure[1] and exposure[0]:
        seconds = Fraction(exposure[0], exposure[1])
        shutter = f"1/{round(1 / seconds)}" if seconds < 1 else f"{float(seconds):g}"
    iso = ex.get(piexif.ExifIFD.ISOSpeedRatings)
    meta: dict[str, Any] = {
        "taken": _exif_date(ex.get(piexif.ExifIFD.DateTimeOriginal))
        or _exif_date(zeroth.get(piexif.ImageIFD.DateTime)),
        "camera": " ".join(p for p in (make, model) if p) or None,
        "lens": _text(ex.get(piexif.ExifIFD.LensModel)),
        "aperture": _ratio(ex.get(piexif.ExifIFD.FNumber)),
        "shutter": shutter,
        "iso": iso[0] if isinstance(iso, tuple) and iso else iso if isinstance(iso, int) else None,
        "focal_length": _ratio(ex.get(piexif.ExifIFD.FocalLength)),
        "caption": _text(zeroth.get(piexif.ImageIFD.ImageDescription)),
        "original_name": _text(zeroth.get(piexif.ImageIFD.DocumentName)),
    }
    lat = _gps_degrees(gps.get(piexif.GPSIFD.GPSLatitude), gps.get(piexif.GPSIFD.GPSLatitudeRef))
    lon = _gps_degrees(gps.get(piexif.GPSIFD.GPSLongitude), gps.get(piexif.GPSIFD.GPSLongitudeRef))
    if lat is not None and lon is not None and (lat or lon):
        meta["gps"] = {"lat": round(lat, 7), "lon": round(lon, 7)}
        alt = _ratio(gps.get(piexif.GPSIFD.GPSAltitude))
        if alt is not None:
            meta["gps"]["alt"] = -alt if gps.get(piexif.GPSIFD.GPSAltitudeRef) == 1 else alt
    return {k: v for k, v in meta.items() if v is not None}


def _rational(value: float, denominator: int) -> tuple[int, int]:
    return (round(value * denominator), denominator)


def _dms(value: float) -> tuple[tuple[int, int], ...]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return ((degrees, 1), (minutes, 1), _rational(seconds, 1000))


def _ascii(text: str) -> bytes:
    # EXIF ASCII fields are bytes; UTF-8 is what every modern reader assumes.
    return text.encode("utf-8")


def build(meta: dict[str, Any], base: dict | None = None) -> dict:
    """A piexif dict with the recovered metadata laid over `base` (the file's own EXIF)."""
    data = base or {}
    zeroth = dict(data.get("0th", {}))
    ex = dict(data.get("Exif", {}))
    gps = dict(data.get("GPS", {}))
    taken = meta.get("taken")
    if taken and len(taken) >= _DATE_FORMAT_LEN:
        stamp = _ascii(taken[:10].replace("-", ":") + " " + taken[11:19])
        ex[piexif.ExifIFD.DateTimeOriginal] = stamp
        zeroth[piexif.ImageIFD.DateTime] = stamp
    if meta.get("caption"):
        zeroth[piexif.ImageIFD.ImageDescription] = _ascii(meta["caption"])
    if meta.get("original_name"):
        zeroth[piexif.ImageIFD.DocumentName] = _ascii(meta["original_name"])
    if meta.get("camera") and piexif.ImageIFD.Model not in zeroth:
        zeroth[piexif.ImageIFD.Model] = _ascii(meta["camera"])
    if meta.get("lens"):
        ex[piexif.ExifIFD.LensModel] = _ascii(meta["lens"])
    if meta.get("aperture"):
        ex[piexif.ExifIFD.FNumber] = _rational(meta["aperture"], 10)
    if meta.get("iso"):
        ex[piexif.ExifIFD.ISOSpeedRatings] = int(meta["iso"])
    if meta.get("focal_length"):
        ex[piexif.ExifIFD.FocalLength] = _rational(meta["focal_length"], 10)
    if meta.get("_orientation", 1) != 1:
        zeroth[piexif.ImageIFD.Orientation] = meta["_orientation"]
    position = meta.get("gps")
    if position:
        lat, lon = position["lat"], position["lon"]
        gps[piexif.GPSIFD.GPSVersionID] = (2, 3, 0, 0)
        gps[piexif.GPSIFD.GPSLatitudeRef] = b"S" if lat < 0 else b"N"
        gps[piexif.GPSIFD.GPSLatitude] = _dms(lat)
        gps[piexif.GPSIFD.GPSLongitudeRef] = b"W" if lon < 0 else b"E"
        gps[piexif.GPSIFD.GPSLongitude] = _dms(lon)
        if position.get("alt") is not None:
            gps[piexif.GPSIFD.GPSAltitudeRef] = 1 if position["alt"] < 0 else 0
            gps[piexif.GPSIFD.GPSAltitude] = _rational(abs(position["alt"]), 100)
    return {"0th": zeroth, "Exif": ex, "GPS": gps, "1st": {}, "thumbnail": None}


def encode(meta: dict[str, Any], own_exif: bytes | None = None) -> bytes:
    """An EXIF block with recovered metadata laid over the picture's own EXIF."""
    base = None
    if own_exif:
        try:
            base = piexif.load(own_exif)
        except Exception:  # a broken EXIF block is replaced, not kept
            base = None
    try:
        exif_bytes = piexif.dump(build(meta, base))
    except Exception:  # piexif cannot re-encode some makers' tags; keep ours alone
        exif_bytes = piexif.dump(build(meta))
    return exif_bytes
