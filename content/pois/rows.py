"""Between ``pois`` rows and ``PoiRecord``: the column list, JSON columns, and the insert statement."""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec

from content.geojson import Point
from content.model import Status
from content.pois.model import Accessibility, Contact, PoiRecord
from content.pois.validate import PoiValues

__all__ = ["INSERT_POI", "POI_COLUMNS", "insert_params", "poi_from_row", "poi_params"]

# Qualified with the alias ``p`` so that queries can join the R*Tree and FTS tables.
POI_COLUMNS = (
    "p.id, p.office_id, p.status, p.revision, p.category, p.name, p.description, p.lat, p.lon, p.address,"
    " p.commune, p.opening_hours, p.contact, p.accessibility, p.images, p.audio, p.created_at, p.updated_at,"
    " p.updated_by"
)

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
    return PoiRecord(
        id=row["id"],
        status=row["status"],
        revision=row["revision"],
        office_id=row["office_id"],
        category=row["category"],
        name=_lang_map(row["name"]),
        description=_map(row["description"]),
        address=row["address"],
        commune=row["commune"],
        opening_hours=row["opening_hours"],
        contact=_NO_CONTACT if row["contact"] == "{}" else _contact(row["contact"]),
        accessibility=_NO_ACCESSIBILITY
        if row["accessibility"] == "{}"
        else _accessibility(row["accessibility"]),
        images=_ids(row["images"]),
        audio=_map(row["audio"]),
        geometry=Point(coordinates=[row["lon"], row["lat"]]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )
