"""Vocabulary shared by every aggregate: statuses, closed category lists, and the media reference."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

import msgspec

__all__ = [
    "DIFFICULTIES",
    "POI_CATEGORIES",
    "ROUTE_MODES",
    "ROUTE_THEMES",
    "STATUSES",
    "Difficulty",
    "LangMap",
    "Latitude",
    "Longitude",
    "MediaRef",
    "MediaVariant",
    "PoiCategory",
    "RouteMode",
    "Status",
    "TriggerRadius",
]

Status = Literal["draft", "published", "archived"]
STATUSES: tuple[str, ...] = ("draft", "published", "archived")

# Closed list of POI categories (documented in the README); a new one needs a code change, on purpose.
PoiCategory = Literal[
    "heritage",
    "museum",
    "church_abbey",
    "castle",
    "manor",
    "nature",
    "forest",
    "viewpoint",
    "legend_site",
    "farm_shop",
    "market",
    "restaurant",
    "cafe",
    "lodging",
    "tourist_office",
    "parking",
    "picnic_area",
    "toilets",
    "other",
]
POI_CATEGORIES: tuple[str, ...] = get_args(PoiCategory)

RouteMode = Literal["walk", "bike", "car", "horse"]
ROUTE_MODES: tuple[str, ...] = ("walk", "bike", "car", "horse")
Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
ROUTE_THEMES: tuple[str, ...] = ("legends", "heritage", "nature", "gastronomy", "history", "family")

Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]
TriggerRadius = Annotated[int, msgspec.Meta(ge=5, le=500)]
LangMap = dict[str, str]


class MediaVariant(msgspec.Struct, frozen=True, omit_defaults=True):
    url: str
    sha256: str
    size: int
    type: str
    width: int | None = None
    height: int | None = None


class MediaRef(msgspec.Struct, frozen=True, omit_defaults=True):
    """How the API and packs point at a picture or a narration (``API.md``, media ref)."""

    id: str
    kind: Literal["image", "audio"]
    variants: dict[str, MediaVariant]
    credit: str | None = None
    licence: str | None = None
    alt: str | None = None
    caption: str | None = None
    width: int | None = None
    height: int | None = None
    placeholder: str | None = None
    duration_s: float | None = None
