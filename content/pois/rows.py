"""Between ``pois`` rows and ``PoiRecord``: the column list, JSON columns, and the insert statement."""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec

from content.core.model import Status
from content.places.geojson import Point
from content.pois.model import Accessibility, Contact, PoiRecord, PoiSource
from content.pois.validate import PoiValues

__all__ = [
    "INSERT_POI",
    "POI_COLUMNS",
    "RECORD_JSON",
    "PageEntry",
    "decode_page",
    "decode_records",
    "insert_params",
    "page_entry_json",
    "poi_from_row",
    "poi_params",
    "record_of",
    "same_version",
]

_COLUMNS = (
    "id",
    "office_id",
    "status",
    "revision",
    "category",
    "name",
    "description",
    "lat",
    "lon",
    "address",
    "commune",
    "opening_hours",
    "contact",
    "accessibility",
    "images",
    "audio",
    "created_at",
    "updated_at",
    "updated_by",
    "source",
)
# Where an imported POI came from (import_sources), as the JSON of PoiSource or null.
_SOURCE = (
    "(SELECT json_object('provider', s.provider, 'external_id', s.external_id, 'updated_at',"
    " s.source_updated_at) FROM import_sources AS s WHERE s.poi_id = p.id) AS source"
)
# Qualified with the alias ``p`` so that queries can join the R*Tree and FTS tables. Queries select these
# first, in this order: poi_from_row unpacks them by position (a lookup by name scans the column names).
POI_COLUMNS = ", ".join(_SOURCE if name == "source" else f"p.{name}" for name in _COLUMNS)
_WIDTH = len(_COLUMNS)

# The same record as one JSON object built by SQLite, over a subquery that selected POI_COLUMNS: a list
# page comes back as a single value that msgspec decodes straight into PoiRecords, instead of one
# Python row per POI (each of which costs the reading thread a trip through the GIL).
_JSON_COLUMNS = {"name", "description", "contact", "accessibility", "images", "audio", "source"}
RECORD_JSON = (
    "json_object("
    + ", ".join(
        f"'{name}', json({name})" if name in _JSON_COLUMNS else f"'{name}', {name}"
        for name in _COLUMNS
        if name not in {"lat", "lon"}
    )
    + ", 'geometry', json_object('type', 'Point', 'coordinates', json_array(lon, lat)))"
)


class PageEntry(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """A list page element as SQLite builds it (:data:`PAGE_ENTRY_JSON`).

    ``record`` stays JSON until someone needs it: a reader that already holds this version of the POI
    rendered skips decoding it, and may not even ask for it (then it is JSON ``null`` unless the POI
    shows media). ``sort_text`` is the sort value with every digit (SQLite's JSON keeps only
    15 significant digits, and cursors compare sort values exactly); ``tie`` breaks ties (an id or a row
    number). ``id``, ``revision``, ``created_at`` and ``updated_at`` name this version of the record;
    ``has_media`` is 1 when it points at images or narration. Not tracked by the garbage collector
    (it holds no container): the near-me index keeps one per published POI.
    """

    record: msgspec.Raw
    sort_text: str
    tie: int | str
    id: str
    revision: int
    created_at: str
    updated_at: str
    has_media: int

    @property
    def sort_value(self) -> float:
        return float(self.sort_text)


_HAS_MEDIA = "(images <> '[]' OR audio <> '{}')"


def page_entry_json(tie: str, *, every_record: bool = True) -> str:
    """A :class:`PageEntry` over a subquery that selected POI_COLUMNS, ``sort_value`` and ``tie`` (a
    constant column name, never input). Building the records' JSON is a third of a near query's time:
    without ``every_record`` only those that show media come with it."""
    record = RECORD_JSON if every_record else f"CASE WHEN {_HAS_MEDIA} THEN {RECORD_JSON} END"
    return (
        f"json_array({record}, printf('%!.17g', sort_value), {tie}, id, revision, created_at,"
        f" updated_at, {_HAS_MEDIA})"
    )


def same_version(record: PoiRecord | None, entry: PageEntry) -> bool:
    """Whether ``record`` is the version of the POI that ``entry`` names."""
    return (
        record is not None
        and record.id == entry.id
        and record.revision == entry.revision
        and record.created_at == entry.created_at
        and record.updated_at == entry.updated_at
    )


_decode_page = msgspec.json.Decoder(list[PageEntry]).decode
_decode_record = msgspec.json.Decoder(PoiRecord).decode
_decode_records = msgspec.json.Decoder(list[PoiRecord]).decode


def decode_page(document: str) -> list[PageEntry]:
    return _decode_page(document)


def record_of(entry: PageEntry) -> PoiRecord:
    return _decode_record(entry.record)


def decode_records(document: str) -> list[PoiRecord]:
    """Records from a ``json_group_array`` of :data:`RECORD_JSON`."""
    return _decode_records(document)


INSERT_POI = """
INSERT INTO pois (id, office_id, status, category, name, description, lat, lon, address, commune,
                  opening_hours, contact, accessibility, images, audio, created_at, updated_at, updated_by)
VALUES (:id, :office_id, :status, :category, :name, :description, :lat, :lon, :address, :commune,
        :opening_hours, :contact, :accessibility, :images, :audio, :updated_at, :updated_at, :updated_by)
"""

_encode = msgspec.json.Encoder().encode
_lang_map = msgspec.json.Decoder(dict[str, str]).decode
_id_list = msgspec.json.Decoder(list[str]).decode
_contact = msgspec.json.Decoder(Contact).decode
_accessibility = msgspec.json.Decoder(Accessibility).decode
_source = msgspec.json.Decoder(PoiSource).decode
_NO_CONTACT = Contact()
_NO_ACCESSIBILITY = Accessibility()


def _json(value: object) -> str:
    return _encode(value).decode()


def _map(text: str) -> dict[str, str]:
    # Most optional maps are empty; skipping the decoder for them is measurable on list pages.
    return {} if text == "{}" else _lang_map(text)


def _ids(text: str) -> list[str]:
    return [] if text == "[]" else _id_list(text)


def poi_params(values: PoiValues) -> dict[str, Any]:
    """The stored columns of ``values`` (JSON text for maps and lists), for INSERT and UPDATE."""
    return {
        "category": values.category,
        "name": _json(values.name),
        "description": _json(values.description),
        "lat": values.lat,
        "lon": values.lon,
        "address": values.address,
        "commune": values.commune,
        "opening_hours": values.opening_hours,
        "contact": _json(values.contact),
        "accessibility": _json(values.accessibility),
        "images": _json(values.images),
        "audio": _json(values.audio),
    }


def insert_params(
    poi_id: str,
    values: PoiValues,
    *,
    office_id: str | None,
    status: Status,
    user_id: str | None,
    updated_at: str,
) -> dict[str, Any]:
    return {
        "id": poi_id,
        "office_id": office_id,
        "status": status,
        "updated_at": updated_at,
        "updated_by": user_id,
        **poi_params(values),
    }


def poi_from_row(row: sqlite3.Row) -> PoiRecord:
    (
        poi_id,
        office_id,
        status,
        revision,
        category,
        name,
        description,
        lat,
        lon,
        address,
        commune,
        opening_hours,
        contact,
        accessibility,
        images,
        audio,
        created_at,
        updated_at,
        updated_by,
        source,
    ) = row[:_WIDTH]
    return PoiRecord(
        id=poi_id,
        status=status,
        revision=revision,
        office_id=office_id,
        category=category,
        name=_lang_map(name),
        description=_map(description),
        address=address,
        commune=commune,
        opening_hours=opening_hours,
        contact=_NO_CONTACT if contact == "{}" else _contact(contact),
        accessibility=_NO_ACCESSIBILITY if accessibility == "{}" else _accessibility(accessibility),
        images=_ids(images),
        audio=_map(audio),
        geometry=Point(coordinates=[lon, lat]),
        created_at=created_at,
        updated_at=updated_at,
        updated_by=updated_by,
        source=None if source is None else _source(source),
    )
