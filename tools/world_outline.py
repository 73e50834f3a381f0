"""Regenerate site/world.js, the gallery's offline world map, from Natural Earth's land.

Natural Earth's 1:50m land polygons are in the public domain; the world-atlas npm package
(ISC licence) carries them as TopoJSON. To regenerate:

    npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python tools/world_outline.py package/land-50m.json site/world.js

The rings are kept in degrees, rounded to STEP and delta-encoded, so the file stays small.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

STEP = 0.02  # degrees: about 2 km, below what a 1:50m map shows
HEADER = """/* The land of the world for places.html: Natural Earth 1:50m land polygons (public
   domain, naturalearthdata.com) by way of the world-atlas npm package (ISC), made by
   tools/world_outline.py. Each ring is x0, y0, then steps, in units of `step` degrees of
   longitude (x) and latitude (y). */
"""


def _arc(arcs: list, transform: dict, index: int) -> list[tuple[float, float]]:
    """One TopoJSON arc as absolute degrees; a negative index is the arc reversed."""
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    x = y = 0
    points = []
    for dx, dy in arcs[index if index >= 0 else ~index]:
        x, y = x + dx, y + dy
        points.append((x * sx + tx, y * sy + ty))
    return points if index >= 0 else points[::-1]


def rings(topology: dict) -> list[list[tuple[float, float]]]:
    """Every ring of every polygon of the topology's `land` object, in degrees."""
    out = []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                points: list[tuple[float, float]] = []
                for index in ring:
                    arc = _arc(topology["arcs"], topology["transform"], index)
                    # Consecutive arcs share their joining point.
                    points.extend(arc[1:] if points else arc)
                out.append(points)
    return out


def unwrapped(ring: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the antimeridian, made continuous, plus its copy a turn away.

    Drawn as given, such a ring (Chukotka, Fiji) would run its edge across the whole map.
    """
    points = [ring[0]]
    for lon, lat in ring[1:]:
        previous = points[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        points.append((lon, lat))
    copies = [points]
    if max(lon for lon, _ in points) > 180:
        copies.append([(lon - 360, lat) for lon, lat in points])
    if min(lon for lon, _ in points) < -180:
        copies.append([(lon + 360, lat) for lon, lat in points])
    return copies


def encode(ring: list[tuple[float, float]]) -> list[int]:
    """A ring rounded to STEP, repeated points dropped, as x0, y0 and then steps."""
    flat: list[int] = []
    last = None
    for lon, lat in ring:
        point = (round(lon / STEP), round(lat / STEP))
        if point == last:
            continue
        if last is None:
            flat.extend(point)
        else:
            flat.extend((point[0] - last[0], point[1] - last[1]))
        last = point
    return flat


def main(source: Path, target: Path) -> None:
    """Write `target` (site/world.js) from a world-atlas land TopoJSON file."""
    whole = [copy for r in rings(json.loads(source.read_text())) for copy in unwrapped(r)]
    encoded = [encode(r) for r in whole]
    encoded = [r for r in encoded if len(r) >= 6]
    body = json.dumps({"step": STEP, "rings": encoded}, separators=(",", ":"))
    target.write_text(HEADER + f"window.PhotoseekWorld = {body};\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
