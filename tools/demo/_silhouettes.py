"""Flat silhouettes of Perche places (castle, church, manor, orchard…) for the demo artwork."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from PIL import ImageDraw

__all__ = ["SILHOUETTES", "Painter", "Scene"]

RGB = tuple[int, int, int]


class Scene:
    """Where to draw: the ground line under the subject, a size unit, the ink and the sky behind it."""

    def __init__(
        self,
        draw: ImageDraw.ImageDraw,
        rng: random.Random,
        *,
        centre_x: float,
        ground_y: float,
        unit: float,
        ink: RGB,
        light: RGB,
        accent: RGB,
    ) -> None:
        self.draw, self.rng = draw, rng
        self.x, self.y, self.u = centre_x, ground_y, unit
        self.ink, self.light, self.accent = ink, light, accent

    def box(self, left: float, top: float, right: float, bottom: float, fill: RGB | None = None) -> None:
        """A rectangle in units relative to the subject's foot (y grows upwards)."""
        u = self.u
        self.draw.rectangle(
            (self.x + left * u, self.y - top * u, self.x + right * u, self.y - bottom * u),
            fill=fill or self.ink,
        )

    def poly(self, points: list[tuple[float, float]], fill: RGB | None = None) -> None:
        self.draw.polygon(
            [(self.x + px * self.u, self.y - py * self.u) for px, py in points], fill=fill or self.ink
        )

    def disc(self, cx: float, cy: float, radius: float, fill: RGB | None = None) -> None:
        u = self.u
        x, y = self.x + cx * u, self.y - cy * u
        self.draw.ellipse(
            (x - radius * u, y - radius * u, x + radius * u, y + radius * u), fill=fill or self.ink
        )


Painter = Callable[[Scene], None]


def _crenels(s: Scene, left: float, right: float, top: float, size: float = 0.18) -> None:
    count = max(2, int((right - left) / (size * 2)))
    step = (right - left) / count
    for index in range(count):
        x = left + index * step
        s.box(x, top + size, x + step * 0.55, top)


def _windows(s: Scene, xs: list[float], bottom: float, height: float, width: float = 0.16) -> None:
    for x in xs:
        s.box(x - width / 2, bottom + height, x + width / 2, bottom, fill=s.light)


def _tree(s: Scene, x: float, height: float, round_top: bool = True) -> None:
    s.box(x - 0.06 * height, height * 0.45, x + 0.06 * height, 0)
    if round_top:
        for dx, dy, r in ((0, 0.72, 0.3), (-0.2, 0.58, 0.22), (0.2, 0.6, 0.24), (0.05, 0.88, 0.2)):
            s.disc(x + dx * height, dy * height, r * height)
    else:
        s.poly([(x - 0.28 * height, 0.25 * height), (x, height * 1.1), (x + 0.28 * height, 0.25 * height)])


def castle(s: Scene) -> None:
    s.box(-2.2, 1.4, 2.2, 0)  # curtain wall
    _crenels(s, -2.2, 2.2, 1.4)
    s.box(-0.7, 3.4, 0.7, 0)  # keep
    _crenels(s, -0.7, 0.7, 3.4, 0.2)
    for side in (-1, 1):
        s.box(side * 2.2 - 0.45, 2.1, side * 2.2 + 0.45, 0)
        s.poly([(side * 2.2 - 0.55, 2.1), (side * 2.2, 2.9), (side * 2.2 + 0.55, 2.1)])
    _windows(s, [-0.3, 0.3], 2.3, 0.45, 0.12)
    s.poly([(-0.35, 0), (-0.35, 0.6), (0, 0.85), (0.35, 0.6), (0.35, 0)], fill=s.light)


def church(s: Scene) -> None:
    s.box(-2.4, 1.5, 1.2, 0)  # nave
    s.poly([(-2.5, 1.5), (-0.6, 2.5), (1.3, 1.5)])
    s.box(1.2, 3.0, 2.1, 0)  # bell tower
    s.poly([(1.1, 3.0), (1.65, 4.8), (2.2, 3.0)])
    s.box(1.62, 5.2, 1.68, 4.7)
    s.box(1.5, 5.05, 1.8, 4.98)
    s.disc(-0.6, 1.75, 0.25, fill=s.light)
    _windows(s, [-1.9, -1.2, 0.0, 0.7], 0.5, 0.6, 0.18)


def manor(s: Scene) -> None:
    s.box(-2.3, 1.6, 0.9, 0)
    s.poly([(-2.45, 1.6), (-2.0, 2.9), (0.6, 2.9), (1.05, 1.6)])
    s.box(-1.6, 3.3, -1.35, 2.5)  # chimneys
    s.box(0.1, 3.3, 0.35, 2.5)
    s.box(0.9, 2.4, 1.8, 0)  # round tower
    s.poly([(0.8, 2.4), (1.35, 3.9), (1.9, 2.4)])
    s.box(-0.3, 2.2, 0.1, 1.5)  # stair turret
    s.poly([(-0.38, 2.2), (-0.1, 2.8), (0.18, 2.2)])
    _windows(s, [-1.8, -1.0, 0.3, 1.35], 0.75, 0.45)
    _windows(s, [1.35], 1.6, 0.35, 0.12)


def half_timbered(s: Scene) -> None:
    x = -2.6
    for width, height in ((1.2, 1.8), (1.0, 2.2), (1.3, 1.9), (1.0, 2.4)):
        s.box(x, height, x + width, 0)
        s.poly([(x - 0.05, height), (x + width / 2, height + 0.8), (x + width + 0.05, height)])
        for frac in (0.25, 0.75):
            s.box(
                x + width * frac - 0.12, height * 0.75, x + width * frac + 0.12, height * 0.45, fill=s.light
            )
        x += width + 0.05


def museum(s: Scene) -> None:
    s.box(-2.4, 0.25, 2.4, 0)
    s.box(-2.2, 2.1, 2.2, 1.8)
    s.poly([(-2.4, 2.1), (0, 2.9), (2.4, 2.1)])
    for index in range(6):
        x = -1.9 + index * 0.76
        s.box(x - 0.14, 1.8, x + 0.14, 0.25)


def trees(s: Scene) -> None:
    for index in range(7):
        x = -3 + index + s.rng.uniform(-0.3, 0.3)
        _tree(s, x, s.rng.uniform(1.8, 3.4), round_top=s.rng.random() < 0.7)


def pond(s: Scene) -> None:
    u = s.u
    s.draw.ellipse((s.x - 3 * u, s.y - 0.35 * u, s.x + 3 * u, s.y + 0.45 * u), fill=s.light)
    for x in (-3.4, -2.6, 2.7, 3.5):
        _tree(s, x, s.rng.uniform(2.0, 3.0))


def spring(s: Scene) -> None:
    pond(s)
    s.poly([(-0.9, 0.1), (-0.8, 0.9), (0.8, 0.9), (0.9, 0.1)])  # stone basin
    s.box(-0.15, 0.75, 0.15, 0.45, fill=s.light)


def viewpoint(s: Scene) -> None:
    s.poly([(-3.5, 0), (-1.5, 1.0), (0, 1.4), (1.2, 1.1), (3.5, 0)])
    s.box(-0.5, 1.75, 0.5, 1.6)  # bench
    for x in (-0.42, 0.42):
        s.box(x - 0.05, 1.6, x + 0.05, 1.3)
    s.disc(1.05, 2.05, 0.14)  # a walker looking out
    s.box(0.95, 1.9, 1.15, 1.15)


def orchard(s: Scene) -> None:
    for index in range(5):
        x = -3 + index * 1.5
        _tree(s, x, 1.9 + 0.3 * math.sin(index * 1.7))
        for _ in range(5):
            s.disc(x + s.rng.uniform(-0.45, 0.45), s.rng.uniform(1.2, 1.9), 0.07, fill=s.accent)
    s.box(2.6, 1.3, 4.0, 0)  # barn
    s.poly([(2.5, 1.3), (3.3, 2.0), (4.1, 1.3)])


def market(s: Scene) -> None:
    for index in range(3):
        x = -2.7 + index * 1.9
        s.box(x, 0.9, x + 1.6, 0)
        for stripe in range(4):
            colour = s.accent if stripe % 2 == 0 else s.light
            s.poly(
                [
                    (x + stripe * 0.4, 1.5),
                    (x + stripe * 0.4 + 0.4, 1.5),
                    (x + stripe * 0.4 + 0.45, 1.1),
                    (x + stripe * 0.4 - 0.05, 1.1),
                ],
                fill=colour,
            )
        s.box(x + 0.05, 1.1, x + 0.12, 0.9)
        s.box(x + 1.48, 1.1, x + 1.55, 0.9)


def house(s: Scene, sign: str | None = None) -> None:
    s.box(-2.0, 1.5, 2.0, 0)
    s.poly([(-2.2, 1.5), (-1.4, 2.5), (1.4, 2.5), (2.2, 1.5)])
    s.box(1.0, 2.9, 1.3, 2.2)
    _windows(s, [-1.3, -0.5, 0.9], 0.55, 0.5, 0.3)
    s.box(0.05, 0.95, 0.45, 0, fill=s.light)
    if sign is not None:
        s.disc(2.9, 1.8, 0.55, fill=s.accent)
        s.box(2.84, 2.15, 2.96, 2.03, fill=s.light)
        s.box(2.84, 1.95, 2.96, 1.45, fill=s.light)
        s.box(2.86, 1.25, 2.94, 0)


def cafe(s: Scene) -> None:
    house(s)
    s.poly([(-2.1, 1.15), (0.0, 1.15), (0.25, 0.8), (-2.35, 0.8)], fill=s.accent)
    for x in (-3.2, 3.1):
        s.box(x - 0.04, 1.2, x + 0.04, 0)
        s.poly([(x - 0.6, 1.1), (x, 1.5), (x + 0.6, 1.1)], fill=s.accent)
        s.box(x - 0.35, 0.5, x + 0.35, 0.44)


def parking(s: Scene) -> None:
    s.box(-0.06, 2.2, 0.06, 0)
    s.box(-0.7, 3.2, 0.7, 1.8, fill=s.accent)
    s.box(-0.35, 2.95, -0.15, 2.0, fill=s.light)
    s.disc(0.05, 2.65, 0.3, fill=s.light)
    s.disc(0.05, 2.65, 0.12, fill=s.accent)
    for x in (-2.8, 1.4):  # parked cars
        s.box(x, 0.55, x + 1.4, 0.15)
        s.poly([(x + 0.25, 0.55), (x + 0.45, 0.9), (x + 1.0, 0.9), (x + 1.2, 0.55)])
        for wheel in (x + 0.3, x + 1.1):
            s.disc(wheel, 0.15, 0.15)


def picnic(s: Scene) -> None:
    _tree(s, -2.2, 3.6)
    s.box(-1.0, 0.8, 1.4, 0.68)
    s.poly([(-0.7, 0.68), (-0.55, 0.68), (-0.9, 0), (-1.05, 0)])
    s.poly([(1.1, 0.68), (1.25, 0.68), (1.6, 0), (1.45, 0)])
    s.box(-1.2, 0.42, 1.6, 0.34)


def small_building(s: Scene) -> None:
    s.box(-0.9, 1.3, 0.9, 0)
    s.poly([(-1.1, 1.3), (0, 1.9), (1.1, 1.3)])
    s.box(-0.6, 0.9, -0.15, 0, fill=s.light)
    s.box(0.15, 0.9, 0.6, 0, fill=s.light)
    _tree(s, 2.4, 2.6)
    _tree(s, -2.6, 2.2, round_top=False)


SILHOUETTES: dict[str, Painter] = {
    "castle": castle,
    "church_abbey": church,
    "manor": manor,
    "heritage": half_timbered,
    "museum": museum,
    "forest": trees,
    "nature": pond,
    "legend_site": spring,
    "viewpoint": viewpoint,
    "farm_shop": orchard,
    "market": market,
    "restaurant": cafe,
    "cafe": cafe,
    "lodging": house,
    "tourist_office": lambda scene: house(scene, sign="i"),
    "parking": parking,
    "picnic_area": picnic,
    "toilets": small_building,
    "other": small_building,
    # Route themes, so a route's cover matches its story.
    "legends": spring,
    "history": castle,
    "gastronomy": orchard,
    "family": picnic,
}
