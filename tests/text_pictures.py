"""Pictures with known text in them, made from real photos, for OCR tests and benchmarks.

Kinds: meme captions (top and bottom, outlined capitals), screenshots of plain text,
rotated text, small text on a label, German and Spanish accents, and Chinese. Each
picture comes with its text, line by line, so that searches and accuracy can be judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path("/usr/share/fonts/truetype")
BOLD = FONTS / "dejavu" / "DejaVuSans-Bold.ttf"
REGULAR = FONTS / "dejavu" / "DejaVuSans.ttf"
CJK = FONTS / "wqy" / "wqy-microhei.ttc"
KINDS = ("meme", "screenshot", "rotated", "small", "accents", "chinese")

MEME = [
    ("WHEN THE PRINTER", "SAYS PAPER JAM AGAIN"),
    ("ONE DOES NOT SIMPLY", "WALK INTO MORDOR"),
    ("MONDAY MORNING", "COFFEE IS NOT OPTIONAL"),
    ("I CAN HAS", "CHEESEBURGER PLEASE"),
    ("NOBODY EXPECTS", "THE SPANISH INQUISITION"),
    ("BRACE YOURSELVES", "WINTER HOLIDAYS ARE COMING"),
    ("THAT MOMENT WHEN", "THE WIFI COMES BACK"),
    ("KEEP CALM AND", "WATER THE GARDEN"),
    ("IF YOU COULD ANSWER", "THOSE EMAILS THAT WOULD BE GREAT"),
    ("SUCH SNOW", "VERY COLD MUCH SHIVER"),
]
SCREENSHOT = [
    ["Meeting moved to Thursday", "Bring the quarterly budget report", "Room 4B at half past ten"],
    ["Your parcel has been delivered", "Signed for by the neighbour", "Tracking number 48213"],
    ["Reminder: dentist appointment", "Tuesday at nine fifteen", "Please arrive early"],
    ["Flight BA 2490 is delayed", "New departure time 17:45", "Gate changes to B12"],
    ["Invoice for garden furniture", "Total amount due 349 euros", "Payment within fourteen days"],
    ["Happy birthday grandma", "We miss you and the cake", "See you next summer"],
    ["Password changed successfully", "Sign in again on every device"],
    ["Low battery warning", "Connect the charger soon", "Ten percent remaining"],
    ["Shopping list for Saturday", "Eggs flour butter lemons", "Candles for the table"],
    ["The train to Edinburgh", "Is cancelled this evening", "Replacement buses outside"],
]
ROTATED = [
    "Fresh strawberries today",
    "Beware of the goat",
    "Library closes at noon",
    "Parking for visitors only",
    "Handmade wooden toys",
    "Bicycle repair shop",
    "Lost cat answers to Pepper",
    "Free lemonade for runners",
    "Welcome to the harvest fair",
    "Caution wet paint",
]
SMALL = [
    "Platform seven northbound",
    "Museum of natural history",
    "Organic honey from local bees",
    "Opening hours until midnight",
    "Harbour view restaurant",
    "Second hand bookshop",
    "Emergency exit keep clear",
    "Wild mushrooms do not pick",
    "Ferry tickets sold inside",
    "Mountain hut three kilometres",
]
ACCENTS = [
    "Grüße aus München",
    "Straßenbahn fährt über Köln",
    "Mañana será otro día",
    "La señora pidió café",
    "Frühstück mit Brötchen",
    "Canción del corazón español",
    "Schöne Grüße vom Bodensee",
    "Añadir azúcar y limón",
    "Größte Brücke der Stadt",
    "Pequeño niño en la montaña",
]
CHINESE = [
    "欢迎光临北京",
    "今天天气很好",
    "请勿吸烟谢谢",
    "新年快乐万事如意",
    "图书馆开放时间",
    "火车站出口",
    "小心地滑",
    "中国银行营业厅",
    "茶馆营业到晚上十点",
    "公共汽车站",
]


# Shared photos that show text of their own (watermarks, signs, labels, screens), as seen
# by eye after RapidOCR flagged them; the others are the pictures without text.
HAS_TEXT = frozenset(
    """mud_turtle sea_snake harvestman black_grouse quail sea_slug Shih-Tzu Leonberg jaguar
    titi academic_gown airship basketball bathtub beer_bottle bikini car_mirror cash_machine
    coffeepot container_ship cowboy_hat crib digital_clock drilling_platform freight_car
    gasmask hand-held_computer harvester iPod knee_pad laptop magnetic_compass microphone
    motor_scooter odometer pill_bottle sarong slot stretcher sundial swab water_tower
    traffic_light bell_pepper jackfruit""".split()
)


def without_text(photos: list[Path]) -> list[Path]:
    """The photos that show no text (their name after the synset id is not in HAS_TEXT)."""
    return [p for p in photos if p.stem.split("_", 1)[-1] not in HAS_TEXT]


@dataclass
class TextPicture:
    """A picture, its kind, and the lines of text drawn on it (reading order)."""

    image: Image.Image
    kind: str
    lines: list[str]


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _fit(draw: ImageDraw.ImageDraw, text: str, path: Path, width: int, size: int):  # noqa: ANN202
    while size > 10 and draw.textlength(text, font=_font(path, size)) > width:
        size -= 2
    return _font(path, size)


def meme(photo: Image.Image, top: str, bottom: str) -> TextPicture:
    """Outlined white capitals along the top and bottom edges."""
    image = photo.copy()
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for text, y, anchor in ((top, 0.03 * h, "mt"), (bottom, 0.97 * h, "mb")):
        font = _fit(draw, text, BOLD, int(0.92 * w), int(h / 7))
        stroke = max(2, font.size // 12)
        draw.text(
            (w / 2, y),
            text,
            font=font,
            fill="white",
            stroke_width=stroke,
            stroke_fill="black",
            anchor=anchor,
        )
    return TextPicture(image, "meme", [top, bottom])


def screenshot(lines: list[str]) -> TextPicture:
    """A plain screen of text: dark text on a light background, no photo."""
    image = Image.new("RGB", (720, 90 + 56 * len(lines)), (250, 250, 248))
    draw = ImageDraw.Draw(image)
    font = _font(REGULAR, 28)
    for i, line in enumerate(lines):
        draw.text((40, 45 + 56 * i), line, font=font, fill=(20, 20, 30))
    return TextPicture(image, "screenshot", list(lines))


def rotated(photo: Image.Image, text: str, angle: float) -> TextPicture:
    """A sign held at an angle: dark text on a light board, turned by `angle` degrees."""
    image = photo.copy()
    w, h = image.size
    board = Image.new("RGBA", (1, 1))
    font = _fit(ImageDraw.Draw(board), text, BOLD, int(0.7 * w), int(h / 10))
    box = ImageDraw.Draw(board).textbbox((0, 0), text, font=font)
    board = Image.new("RGBA", (box[2] + 30, box[3] + 24), (245, 240, 225, 255))
    ImageDraw.Draw(board).text((15, 10), text, font=font, fill=(30, 30, 30, 255))
    board = board.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    image.paste(board, ((w - board.width) // 2, (h - board.height) // 2), board)
    return TextPicture(image, "rotated", [text])


def label(photo: Image.Image, text: str, kind: str, font: Path, size: int) -> TextPicture:
    """Text on a light label in a corner of the photo."""
    image = photo.copy()
    draw = ImageDraw.Draw(image)
    # At most `size`, and small enough that the whole text fits on the picture.
    face = _fit(draw, text, font, image.width - 40, size)
    box = draw.textbbox((0, 0), text, font=face)
    x, y = 12, image.height - (box[3] - box[1]) - 24
    draw.rectangle((x - 6, y - 6, x + box[2] + 6, y + box[3] + 8), fill=(250, 250, 245))
    draw.text((x, y), text, font=face, fill=(15, 15, 15))
    return TextPicture(image, kind, [text])


def make(photos: list[Path], per_kind: int) -> list[TextPicture]:
    """`per_kind` pictures of each kind, drawn over the given photos in turn."""
    out: list[TextPicture] = []
    photo_iter = iter(photos * (len(KINDS) * per_kind // max(len(photos), 1) + 1))

    def photo() -> Image.Image:
        return Image.open(next(photo_iter)).convert("RGB")

    for i in range(per_kind):
        out.append(meme(photo(), *MEME[i % len(MEME)]))
        out.append(screenshot(SCREENSHOT[i % len(SCREENSHOT)]))
        out.append(rotated(photo(), ROTATED[i % len(ROTATED)], (-1) ** i * (8 + 4 * (i % 3))))
        out.append(label(photo(), SMALL[i % len(SMALL)], "small", REGULAR, 15))
        out.append(label(photo(), ACCENTS[i % len(ACCENTS)], "accents", BOLD, 24))
        out.append(label(photo(), CHINESE[i % len(CHINESE)], "chinese", CJK, 28))
    return out
