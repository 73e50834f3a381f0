"""The demo's sample inputs: a small Lightroom catalog with previews and a Takeout dump.

With the `demo` extra installed they are real photographs: the sample pictures
scikit-image ships inside its wheel, each in the public domain or under CC0 and
credited in its caption. Their dates, places, albums and ratings are made up to
look like a library. Without it the pictures are generated shapes.
"""

from __future__ import annotations

import importlib.util
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image, ImageCms, ImageEnhance

from photoseek import samples

INSTALL_HINT = "pip install 'photoseek[demo]'"


@dataclass(frozen=True)
class DemoPhoto:
    """One real photograph of the demo and what the made-up library knows of it."""

    file: str
    name: str
    title: str
    caption: str
    taken: str
    place: tuple[float, float] | None = None
    keywords: tuple[str, ...] = ()
    album: str | None = None
    people: tuple[str, ...] = ()
    rating: int | None = None
    favourite: bool = False
    crop: tuple[int, int, int, int] | None = None
    brighten: float | None = None


# Licences as scikit-image's documentation of each picture states them.
LIGHTROOM = [
    DemoPhoto(
        "astronaut.png",
        "IMG_4102",
        "Eileen Collins",
        "Astronaut Eileen Collins in her launch suit. Photo: NASA, public domain.",
        taken="2019-07-20T10:12:00",
        place=(29.5593, -95.0900),
        keywords=("astronaut", "portrait", "space"),
        album="Space",
        rating=5,
    ),
    DemoPhoto(
        "rocket.jpg",
        "IMG_4187",
        "DSCOVR on the pad",
        "Falcon 9 with DSCOVR on the pad at Cape Canaveral before launch. "
        "Photo: SpaceX, public domain.",
        taken="2015-02-11T18:40:00",
        place=(28.5618, -80.5772),
        keywords=("rocket", "launch", "night", "space"),
        album="Space",
        rating=4,
    ),
    DemoPhoto(
        "hubble_deep_field.jpg",
        "IMG_4190",
        "Hubble eXtreme Deep Field",
        "The farthest view of the universe the Hubble telescope has taken. "
        "Photo: NASA, public domain.",
        taken="2012-09-25T21:05:00",
        keywords=("galaxies", "stars", "space"),
        album="Space",
        rating=3,
    ),
    DemoPhoto(
        "coins.png",
        "IMG_3310",
        "Greek coins from Pompeii",
        "Greek coins found at Pompeii, in a museum case. No known copyright restrictions.",
        taken="2018-04-03T11:30:00",
        place=(40.7490, 14.4848),
        keywords=("coins", "museum", "history"),
        album="Italy 2018",
        rating=2,
    ),
    DemoPhoto(
        "camera.png",
        "IMG_2051",
        "The cameraman",
        "A photographer at his tripod on the lawn. Photo: Lav Varshney, CC0.",
        taken="2017-10-14T15:20:00",
        place=(42.3591, -71.0934),
        keywords=("camera", "black and white", "portrait"),
        rating=4,
    ),
    DemoPhoto(
        "coffee.png",
        "IMG_2230",
        "Espresso",
        "An espresso at Pikolo Espresso Bar. Photo: Rachel Michetti, CC0.",
        taken="2020-02-08T09:15:00",
        place=(44.9483, -93.2877),
        keywords=("coffee", "cafe", "breakfast"),
        rating=3,
    ),
]
TAKEOUT = [
    DemoPhoto(
        "chelsea.png",
        "PXL_20210612_101500",
        "Chelsea",
        "Chelsea the cat. Photo: Stefan van der Walt, CC0.",
        taken="2021-06-12T10:15:00",
        place=(-33.9321, 18.8602),
        keywords=("cat",),
        album="Chelsea",
        people=("Chelsea",),
        favourite=True,
    ),
    DemoPhoto(
        "chelsea.png",
        "PXL_20210612_101502",
        "Chelsea, closer",
        "Chelsea the cat, a second later. Photo: Stefan van der Walt, CC0.",
        taken="2021-06-12T10:15:02",
        place=(-33.9321, 18.8602),
        keywords=("cat",),
        album="Chelsea",
        people=("Chelsea",),
        crop=(30, 10, 430, 290),
    ),
    DemoPhoto(
        "rocket.jpg",
        "IMG_4187-edited",
        "DSCOVR on the pad",
        "Falcon 9 with DSCOVR, brightened. Photo: SpaceX, public domain.",
        taken="2015-02-11T18:40:00",
        place=(28.5618, -80.5772),
        keywords=("rocket",),
        brighten=1.4,
    ),
    DemoPhoto(
        "text.png",
        "PXL_20220302_141000",
        "Blackboard",
        "Equations left on a blackboard. Public domain.",
        taken="2022-03-02T14:10:00",
        place=(52.2053, 0.1218),
        keywords=("blackboard", "maths"),
    ),
    DemoPhoto(
        "retina.jpg",
        "PXL_20230517_083000",
        "Eye exam",
        "A fundus photograph of a healthy left eye. Photo: Mikael Häggström, CC0.",
        taken="2023-05-17T08:30:00",
        place=(59.8586, 17.6389),
        keywords=("eye", "medical"),
    ),
    DemoPhoto(
        "coffee.png",
        "IMG_2230",
        "Espresso",
        "An espresso at Pikolo Espresso Bar. Photo: Rachel Michetti, CC0.",
        taken="2020-02-08T09:15:00",
        place=(44.9483, -93.2877),
        keywords=("coffee",),
        favourite=True,
    ),
]


def photos_folder() -> Path | None:
    """Where the installed scikit-image keeps its sample pictures, or None.

    Only the files are read: scikit-image itself is never imported.
    """
    spec = importlib.util.find_spec("skimage")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "data"
    wanted = {photo.file for photo in LIGHTROOM + TAKEOUT}
    return folder if all((folder / name).is_file() for name in wanted) else None


def _picture(folder: Path, photo: DemoPhoto) -> Image.Image:
    with Image.open(folder / photo.file) as opened:
        image = opened.convert("RGB")
    if photo.crop:
        image = image.crop(photo.crop)
    if photo.brighten:
        image = ImageEnhance.Brightness(image).enhance(photo.brighten)
    return image


def _adobe_rgb(image: Image.Image) -> Image.Image:
    """The picture in AdobeRGB, the space Lightroom's previews are stored in."""
    from photoseek.extract.icc import profile_for

    adobe = ImageCms.ImageCmsProfile(io.BytesIO(profile_for("AdobeRGB") or b""))
    return ImageCms.profileToProfile(image, ImageCms.createProfile("sRGB"), adobe)


def _timestamp(taken: str) -> int:
    return int(datetime.fromisoformat(taken).replace(tzinfo=timezone.utc).timestamp())


def _real_sample(folder: Path, photos: Path) -> None:
    images = [
        samples.CatalogImage(
            samples.sample_uuid(i),
            samples.sample_digest(i),
            photo.name,
            folder=f"{photo.taken[:4]}/{photo.taken[:10]}/",
            capture_time=photo.taken,
            rating=photo.rating,
            keywords=list(photo.keywords),
            collections=[photo.album] if photo.album else [],
            caption=photo.caption,
            title=photo.title,
            camera="Canon EOS 5D Mark IV",
            lens="EF 24-70mm f/2.8L II USM",
            aperture_apex=4.0,
            shutter_apex=7.0,
            iso=200,
            focal_length=50.0,
            gps=photo.place,
        )
        for i, photo in enumerate(LIGHTROOM)
    ]
    pictures = [_adobe_rgb(_picture(photos, photo)) for photo in LIGHTROOM]
    samples.lightroom_catalog(folder / "lightroom", "Demo", images, pictures)
    files: dict[str, bytes] = {}
    prefix = "Takeout/Google Photos"
    for photo in TAKEOUT:
        data = samples.jpeg_bytes(_picture(photos, photo), quality=90)
        year = f"{prefix}/Photos from {photo.taken[:4]}/{photo.name}.jpg"
        lat, lon = photo.place or (0.0, 0.0)
        meta = samples.sidecar(
            f"{photo.name}.jpg",
            _timestamp(photo.taken),
            description=photo.caption,
            lat=lat,
            lon=lon,
            people=list(photo.people),
            favorited=photo.favourite,
        )
        files[year] = data
        files[f"{year}.supplemental-metadata.json"] = meta
        if photo.album:
            files[f"{prefix}/{photo.album}/{photo.name}.jpg"] = data
            files[f"{prefix}/{photo.album}/{photo.name}.jpg.supplemental-metadata.json"] = meta
            album = {"title": photo.album, "description": "", "access": "protected"}
            files[f"{prefix}/{photo.album}/metadata.json"] = json.dumps(album).encode()
    samples.write_zips(folder / "takeout", files, parts=2)


def _generated_sample(folder: Path, count: int) -> None:
    pictures = samples.demo_pictures(count)
    captions = ["Morning at the lake", "Grandma's birthday cake", "Snow on the ridge"]
    first = datetime(2021, 1, 1, 10)
    images = [
        samples.CatalogImage(
            samples.sample_uuid(i),
            samples.sample_digest(i),
            f"IMG_{1000 + i}",
            capture_time=(first + timedelta(days=15 * i)).isoformat(),
            rating=i % 6,
            keywords=[["lake", "family"], ["cake"], ["snow", "mountain"]][i % 3],
            collections=["Best of 2021"] if i % 4 == 0 else [],
            caption=captions[i % len(captions)],
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
    samples.write_zips(folder / "takeout", samples.takeout_files(pictures[count // 2 :]), parts=2)


def make_sample(folder: Path, count: int = 24) -> tuple[list[Path], bool]:
    """Write the sample inputs (once) and return them as extract SOURCES.

    The flag says whether they are real photographs (False: generated pictures).
    """
    marker = folder / "real-photographs"
    if not (folder / "lightroom" / "Demo Previews.lrdata").is_dir():
        photos = photos_folder()
        if photos is not None:
            _real_sample(folder, photos)
            marker.write_text("scikit-image sample pictures\n")
        else:
            _generated_sample(folder, count)
    sources = [folder / "lightroom" / "Demo Previews.lrdata"]
    return [*sources, *sorted((folder / "takeout").glob("*.zip"))], marker.is_file()
