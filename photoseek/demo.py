"""The demo's sample inputs: a small Lightroom catalog with previews and a Takeout dump."""

from __future__ import annotations

from pathlib import Path

from photoseek import samples

CAPTIONS = [
    "Morning at the lake",
    "Grandma's birthday cake",
    "<b>Bold</b> & <script>x</script>",
    "Snow on the ridge",
    "Harbour lights",
    "The red door",
]


def make_sample(folder: Path, count: int = 24) -> list[Path]:
    """Write the sample inputs (once) and return them as extract SOURCES."""
    lrdata = folder / "lightroom" / "Demo Previews.lrdata"
    takeout = folder / "takeout"
    if not lrdata.is_dir():
        pictures = samples.demo_pictures(count)
        images = [
            samples.CatalogImage(
                samples.sample_uuid(i),
                samples.sample_digest(i),
                f"IMG_{1000 + i}",
                capture_time=f"2021-{1 + i % 12:02d}-{1 + i % 27:02d}T10:{i % 60:02d}:00",
                rating=i % 6,
                keywords=[["lake", "family"], ["cake"], ["snow", "mountain"]][i % 3],
                collections=["Best of 2021"] if i % 4 == 0 else [],
                caption=CAPTIONS[i % len(CAPTIONS)],
                camera="Canon EOS R6",
                lens="RF 35mm F1.8",
                aperture_apex=3.0,
                shutter_apex=8.0,
                iso=400,
                focal_length=35.0,
                gps=(46.2 + i / 100, 6.1) if i % 2 else None,
            )
            for i in range(count)
        ]
        samples.lightroom_catalog(folder / "lightroom", "Demo", images, pictures)
        samples.write_zips(takeout, samples.takeout_files(pictures[count // 2 :]), parts=2)
    return [lrdata, *sorted(takeout.glob("*.zip"))]
