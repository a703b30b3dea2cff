"""POIs in and out as a GeoJSON FeatureCollection (``odyssee import`` / ``odyssee export``).

A feature's ``properties`` use the editor shape (multilingual maps, media ids); its ``id`` is the POI id.
Export writes published POIs in id order; importing an export into another store gives the same POIs.
Import is all or nothing: every problem is reported as ``features[i].properties.field`` (or
``features[i].geometry``, ``features[i].id``) and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import msgspec

from content.core.db import Database
from content.core.errors import FieldError, InvalidInput
from content.core.ids import EntityId
from content.core.inputs import decode_input
from content.core.model import Status
from content.core.paging import PUBLIC
from content.places.geojson import Point
from content.pois.model import Accessibility, Contact, PoiFields, PoiInput, PoiRecord
from content.pois.queries import PoiQuery, list_pois
from content.pois.store import insert_pois

__all__ = ["ExportFeature", "ExportProperties", "export_pois", "import_pois", "parse_features"]

_MAX_ERRORS = 50
_EXPORT_PAGE = 500
_ITEM_FIELD = re.compile(r"^\[(?P<index>\d+)\](?:\.(?P<field>.*))?$")


class _ImportFeature(msgspec.Struct, frozen=True, tag_field="type", tag="Feature"):
    geometry: Point
    properties: PoiFields
    id: EntityId | None = None


class _ImportCollection(msgspec.Struct, frozen=True, tag_field="type", tag="FeatureCollection"):
    features: list[_ImportFeature]


class ExportProperties(msgspec.Struct, kw_only=True, frozen=True):
    category: str
    name: dict[str, str]
    description: dict[str, str]
    address: str | None
    commune: str | None
    opening_hours: str | None
    contact: Contact
    accessibility: Accessibility
    images: list[str]
    audio: dict[str, str]


class ExportFeature(msgspec.Struct, frozen=True, tag_field="type", tag="Feature"):
    id: str
    geometry: Point
    properties: ExportProperties


def _feature_path(index: int, field: str, id_in_properties: bool) -> str:
    """Where ``field`` of the POI built from feature ``index`` came from in the document."""
    head = f"features[{index}]"
    if field == "geometry" or field.startswith(("geometry.", "geometry[")):
        return f"{head}.{field}"
    if field == "id" and not id_in_properties:
        return f"{head}.id"
    return f"{head}.properties.{field}" if field else f"{head}.properties"


def parse_features(data: bytes) -> tuple[list[PoiInput], Callable[[str], str]]:
    """Decode a FeatureCollection of POIs in one pass; returns the inputs and a mapper from an item
    field (``[i].name.xx``, as the store reports them) to the feature's own path."""
    collection = decode_input(data, _ImportCollection)
    inputs: list[PoiInput] = []
    in_properties: list[bool] = []
    errors: list[FieldError] = []
    for index, feature in enumerate(collection.features):
        fields = msgspec.structs.asdict(feature.properties)
        in_properties.append(feature.properties.id is not None)
        if feature.id is not None:
            if fields["id"] is not None and fields["id"] != feature.id:
                errors.append(FieldError(f"features[{index}].id", "differs from properties.id"))
            fields["id"] = feature.id
        inputs.append(PoiInput(**fields, geometry=feature.geometry))
    if errors:
        raise InvalidInput(errors[:_MAX_ERRORS])

    def locate(item_field: str) -> str:
        match = _ITEM_FIELD.match(item_field)
        if match is None:
            return item_field
        index = int(match.group("index"))
        return _feature_path(index, match.group("field") or "", in_properties[index])

    return inputs, locate


async def import_pois(
    db: Database,
    data: bytes,
    *,
    office_id: str | None,
    status: Status,
    user_id: str | None,
    updated_at: str,
) -> list[str]:
    """Insert every POI of a FeatureCollection in one transaction; returns the new ids."""
    inputs, locate = parse_features(data)
    try:
        async with db.write() as conn:
            return await insert_pois(
                conn, inputs, office_id=office_id, status=status, user_id=user_id, updated_at=updated_at
            )
    except InvalidInput as exc:
        raise InvalidInput([FieldError(locate(e.field), e.message) for e in exc.errors]) from None


def _export_feature(record: PoiRecord) -> ExportFeature:
    properties = ExportProperties(
        category=record.category,
        name=record.name,
        description=record.description,
        address=record.address,
        commune=record.commune,
        opening_hours=record.opening_hours,
        contact=record.contact,
        accessibility=record.accessibility,
        images=record.images,
        audio=record.audio,
    )
    return ExportFeature(id=record.id, geometry=record.geometry, properties=properties)


async def export_pois(db: Database, write: Callable[[bytes], object]) -> int:
    """Stream published POIs, by id, as a FeatureCollection through ``write``; returns the count."""
    encoder = msgspec.json.Encoder()
    write(b'{"type":"FeatureCollection","features":[')
    count = 0
    after = None
    while True:
        async with db.read() as conn:
            page = await list_pois(conn, PoiQuery(statuses=PUBLIC, limit=_EXPORT_PAGE, after=after))
        for record in page.items:
            write((b",\n" if count else b"\n") + encoder.encode(_export_feature(record)))
            count += 1
        if page.next_key is None:
            break
        after = page.next_key
    write(b"\n]}\n")
    return count
