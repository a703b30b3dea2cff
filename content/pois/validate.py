"""POI rules beyond the Struct's types: languages, texts, coordinates, media references."""

from __future__ import annotations

from typing import Any

import aiosqlite
import msgspec

from content.core.ids import ID_PATTERN, is_valid_id
from content.core.inputs import ErrorCollector
from content.core.model import POI_CATEGORIES
from content.core.references import MediaUse, check_media
from content.places.geojson import Point, check_point
from content.pois.model import Accessibility, Contact, PoiCategory, PoiInput
from content.text.languages import lang_map

__all__ = [
    "MAX_DESCRIPTION_CHARS",
    "MAX_NAME_CHARS",
    "MAX_NOTES_CHARS",
    "PoiValues",
    "check_poi",
    "check_poi_references",
    "poi_media_uses",
]

MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 20_000
MAX_NOTES_CHARS = 2_000


class PoiValues(msgspec.Struct, kw_only=True, frozen=True):
    """A checked, normalised POI, ready to store; ``to_builtins`` gives the shape history records."""

    category: PoiCategory
    name: dict[str, str]
    description: dict[str, str]
    address: str | None
    commune: str | None
    opening_hours: str | None
    contact: Contact
    accessibility: Accessibility
    images: list[str]
    audio: dict[str, str]
    geometry: Point

    @property
    def lon(self) -> float:
        return self.geometry.coordinates[0]

    @property
    def lat(self) -> float:
        return self.geometry.coordinates[1]

    def fields(self) -> dict[str, Any]:
        result: dict[str, Any] = msgspec.to_builtins(self)
        return result


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


def check_poi(poi: PoiInput, prefix: str = "") -> PoiValues:
    """Validate and normalise ``poi`` (pure).

    Raises ``InvalidInput`` naming every bad field (``name.xx``, ``geometry.coordinates``) under ``prefix``.
    """
    errors = ErrorCollector(prefix)
    name = errors.run(lambda: lang_map(poi.name, "name", required=True, max_chars=MAX_NAME_CHARS))
    description = errors.run(
        lambda: lang_map(poi.description, "description", max_chars=MAX_DESCRIPTION_CHARS)
    )
    notes = errors.run(
        lambda: lang_map(poi.accessibility.notes, "accessibility.notes", max_chars=MAX_NOTES_CHARS)
    )
    audio = errors.run(lambda: lang_map(poi.audio, "audio"))
    position = errors.run(lambda: check_point(poi.geometry, "geometry"))
    # Structs built in Python skip msgspec's constraints; the two that the store relies on are rechecked.
    if poi.id is not None and not is_valid_id(poi.id):
        errors.add("id", f"must match {ID_PATTERN}")
    if poi.category not in POI_CATEGORIES:
        errors.add("category", f"must be one of {', '.join(POI_CATEGORIES)}")
    if len(set(poi.images)) != len(poi.images):
        errors.add("images", "the same media is listed twice")
    errors.raise_if_any()
    assert name is not None
    assert description is not None
    assert notes is not None
    assert audio is not None
    assert position is not None
    return PoiValues(
        category=poi.category,
        name=name,
        description=description,
        address=_blank_to_none(poi.address),
        commune=_blank_to_none(poi.commune),
        opening_hours=_blank_to_none(poi.opening_hours),
        contact=poi.contact,
        accessibility=Accessibility(wheelchair=poi.accessibility.wheelchair, notes=notes),
        images=list(poi.images),
        audio=audio,
        geometry=Point(coordinates=[position[0], position[1]]),
    )


def poi_media_uses(values: PoiValues, prefix: str = "") -> list[MediaUse]:
    head = f"{prefix}." if prefix else ""
    uses: list[MediaUse] = [
        (f"{head}images[{i}]", media_id, "image") for i, media_id in enumerate(values.images)
    ]
    uses += [(f"{head}audio.{tag}", media_id, "audio") for tag, media_id in values.audio.items()]
    return uses


async def check_poi_references(conn: aiosqlite.Connection, values: PoiValues, prefix: str = "") -> None:
    """The media a POI points at exist and are of the right kind."""
    await check_media(conn, poi_media_uses(values, prefix))
