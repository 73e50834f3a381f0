"""The justified grid's shapes: each picture's aspect ratio as a CSS class.

Grids show pictures uncropped, in rows of equal height that fill the width (the layout of
Flickr and Google Photos). Flexbox does it without script: an item grows in proportion to
its aspect ratio from a basis of that ratio times the row height, so every item of a row
ends at the same height. The ratio comes from a class, since the pages' policy allows no
inline style: the classes step by half a percent from a quarter (a tall strip) to four (a
panorama), so a picture's height in its row is off by a quarter of a percent at most (under
half a pixel in a 180 px row).
"""

from __future__ import annotations

import math

STEP = 1.005
# Shapes from 1/4 to 4: STEP ** -REACH to STEP ** REACH.
REACH = round(math.log(4) / math.log(STEP))


def shape(width: int, height: int) -> int:
    """A picture's shape class: its aspect ratio's step, counted from the tallest shape."""
    steps = round(math.log(width / max(height, 1)) / math.log(STEP))
    return min(REACH, max(-REACH, steps)) + REACH


def ratio(shape_class: int) -> float:
    """The aspect ratio a shape class stands for."""
    return STEP ** (shape_class - REACH)


def stylesheet() -> str:
    """The classes `.sN`, each setting --r, the aspect ratio the grid's rules read."""
    rules = (f".s{n}{{--r:{ratio(n):.5f}}}" for n in range(2 * REACH + 1))
    return "/* Made by photoseek: build_site/shapes.py */\n" + "\n".join(rules) + "\n"
