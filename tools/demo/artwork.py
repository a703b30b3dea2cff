"""Deterministic illustrations for the demo: a stylised Perche landscape with the place's silhouette and name.

The demo has no photographs, so the loader draws one picture per POI, route or stop. The art is generated
here, so it is free of rights (CC0, see ``MEDIA.md``). Same input, same bytes, on a given machine.
"""

from __future__ import annotations

import argparse
import colorsys
import functools
import hashlib
import io
import math
import random
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tools.demo._silhouettes import SILHOUETTES, Scene

__all__ = ["ARTWORK_MEDIA_TYPE", "ARTWORK_SIZE", "render_artwork"]

ARTWORK_SIZE = (1600, 1066)  # 3:2, the shape of a phone photo
ARTWORK_MEDIA_TYPE = "image/jpeg"
JPEG_QUALITY = 85

RGB = tuple[int, int, int]
# Base hue (degrees) per category, so a map's pictures read at a glance: stone, water, wood, food…
_HUES = {
    "heritage": 32, "museum": 275, "church_abbey": 220, "castle": 12, "manor": 40, "nature": 165,
    "forest": 120, "viewpoint": 195, "legend_site": 255, "farm_shop": 85, "market": 350, "restaurant": 18,
    "cafe": 28, "lodging": 300, "tourist_office": 205, "parking": 210, "picnic_area": 100, "toilets": 190,
    "other": 60, "legends": 255, "history": 12, "gastronomy": 85, "family": 100,
}  # fmt: skip
_FONTS = ("DejaVuSerif-Bold.ttf", "DejaVuSans-Bold.ttf", "LiberationSerif-Bold.ttf", "FreeSerifBold.ttf")
# Characters NFKD does not decompose, for the accent-less fallback font.
_FOLD = str.maketrans({"’": "'", "‘": "'", "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "–": "-", "—": "-",
                       "«": '"', "»": '"', "…": "..."})  # fmt: skip


def _rgb(hue: float, saturation: float, value: float) -> RGB:
    red, green, blue = colorsys.hsv_to_rgb((hue % 360) / 360, max(0.0, min(1.0, saturation)), min(1.0, value))
    return (round(red * 255), round(green * 255), round(blue * 255))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _sky(size: tuple[int, int], top: RGB, horizon: RGB) -> Image.Image:
    width, height = size
    column = Image.new("RGB", (1, 256))
    column.putdata([_mix(top, horizon, (row / 255) ** 1.4) for row in range(256)])
    return column.resize((width, height), Image.Resampling.BICUBIC)


def _hill(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    size: tuple[int, int],
    base_y: float,
    amplitude: float,
    fill: RGB,
) -> list[float]:
    width, height = size
    waves = [(rng.uniform(0.6, 2.4), rng.uniform(0, math.tau), rng.uniform(0.3, 1.0)) for _ in range(3)]
    ridge = []
    for x in range(0, width + 8, 8):
        t = x / width * math.tau
        ridge.append(base_y - amplitude * sum(w * math.sin(f * t + p) for f, p, w in waves) / 2)
    draw.polygon([(0, height), *[(i * 8, y) for i, y in enumerate(ridge)], (width, height)], fill=fill)
    return ridge


@functools.lru_cache(maxsize=1)
def _font_path() -> str | None:
    """The first bold TrueType font with accents the system has (searched once)."""
    for name in _FONTS:
        try:
            font = ImageFont.truetype(name, 12)
        except OSError:
            continue
        return str(font.path)
    return None


def _caption_font(size_px: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """A font for the caption and whether it can draw accents."""
    path = _font_path()
    if path is not None:
        return ImageFont.truetype(path, size_px), True
    return ImageFont.load_default(size=size_px), False


def _fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(char for char in decomposed if not unicodedata.combining(char) and ord(char) < 128)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, max_width: float
) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines[:3]


def _caption(image: Image.Image, title: str) -> None:
    width, height = image.size
    font_px = max(12, round(height * 0.058))
    font, has_accents = _caption_font(font_px)
    text = " ".join(title.split()) if has_accents else _fold_accents(" ".join(title.split()))
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    lines = _wrap(draw, text, font, width * 0.88)
    line_px = round(font_px * 1.25)
    band_top = height - line_px * len(lines) - round(font_px * 1.1)
    draw.rectangle((0, band_top, width, height), fill=(12, 14, 20, 150))
    y = band_top + round(font_px * 0.55)
    for line in lines:
        draw.text((round(width * 0.06), y), line, font=font, fill=(250, 248, 240, 255))
        y += line_px
    image.paste(Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB"))


def render_artwork(item_id: str, title: str, category: str, *, size: tuple[int, int] = ARTWORK_SIZE) -> bytes:
    """A JPEG illustration for a POI, route or stop.

    Args:
        item_id: the item's id; its hash picks the time of day, hills and placement.
        title: the caption (the place's name), drawn on a band at the bottom; empty for none.
        category: a POI category or a route theme; it picks the palette and silhouette. Unknown values
            give a plain landscape.
        size: width and height in pixels.
    """
    width, height = size
    digest = hashlib.sha256(f"{item_id}\x1f{category}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 (art, not security)
    hue = _HUES.get(category, digest[8] * 360 / 256) + rng.uniform(-12, 12)
    hour = rng.choice(("dawn", "day", "day", "dusk", "night"))
    sky_top, horizon, sun = {
        "dawn": (_rgb(hue + 200, 0.45, 0.55), _rgb(25, 0.45, 1.0), _rgb(40, 0.35, 1.0)),
        "day": (_rgb(205, 0.55, 0.85), _rgb(hue, 0.12, 1.0), _rgb(50, 0.15, 1.0)),
        "dusk": (_rgb(hue + 230, 0.55, 0.45), _rgb(hue + 10, 0.55, 0.98), _rgb(30, 0.55, 1.0)),
        "night": (_rgb(230, 0.7, 0.18), _rgb(hue + 220, 0.45, 0.45), _rgb(55, 0.08, 0.97)),
    }[hour]
    image = _sky(size, sky_top, horizon)
    draw = ImageDraw.Draw(image)

    sun_x, sun_y, sun_r = width * rng.uniform(0.12, 0.88), height * rng.uniform(0.14, 0.32), height * 0.07
    glow = Image.new("L", size, 0)
    ImageDraw.Draw(glow).ellipse(
        (sun_x - 3 * sun_r, sun_y - 3 * sun_r, sun_x + 3 * sun_r, sun_y + 3 * sun_r), fill=110
    )
    image.paste(Image.new("RGB", size, sun), mask=glow.filter(ImageFilter.GaussianBlur(sun_r)))
    draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=sun)

    # Hills fade into the haze with distance, as the Perche's layered ridges do. The subject stands on the
    # third ridge, and the nearest one passes in front of its foot.
    land = _rgb(hue * 0.25 + 95, 0.45, 0.55 if hour in ("day", "dawn") else 0.32)
    painter = SILHOUETTES.get(category)
    for layer in range(4):
        depth = layer / 3
        colour = _mix(horizon, land, 0.35 + 0.65 * depth)
        colour = _mix(colour, (10, 12, 16), 0.45 * depth)
        ridge = _hill(draw, rng, size, height * (0.5 + 0.1 * layer), height * (0.07 - 0.012 * layer), colour)
        if layer == 2 and painter is not None:
            centre_x = width * rng.uniform(0.38, 0.62)
            ground_y = ridge[min(len(ridge) - 1, round(centre_x / 8))] + height * 0.03
            ink = _mix(_rgb(hue, 0.35, 0.16), (8, 8, 10), 0.3)
            light = _mix(horizon, (255, 236, 170), 0.5 if hour in ("dusk", "night") else 0.15)
            painter(
                Scene(
                    draw,
                    rng,
                    centre_x=centre_x,
                    ground_y=ground_y,
                    unit=height * 0.085,
                    ink=ink,
                    light=light,
                    accent=_rgb(hue + 180, 0.7, 0.85),
                )
            )

    if title.strip():
        _caption(image, title)
    output = io.BytesIO()
    # No EXIF, no ICC, baseline JPEG: the bytes depend only on the pixels and the encoder.
    image.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return output.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.demo.artwork", description=__doc__)
    parser.add_argument("item_id")
    parser.add_argument("title")
    parser.add_argument("category")
    parser.add_argument("output", type=Path, help="JPEG file to write")
    args = parser.parse_args(argv)
    args.output.write_bytes(render_artwork(args.item_id, args.title, args.category))
    return 0


if __name__ == "__main__":
    sys.exit(main())
