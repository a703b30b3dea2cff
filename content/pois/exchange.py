"""POIs in and out as a GeoJSON FeatureCollection (``odyssee import`` / ``odyssee export``).

A feature's ``properties`` use the editor shape (multilingual maps, media ids); its ``id`` is the POI id.
Export writes published POIs in id order; importing an export into another store gives the same POIs.
Import is all or nothing: every problem is reported as ``features[i].properties.field`` (or
``features[i].geometry``, ``features[i].id``) and nothing is written. A large file is read as a stream
(:func:`import_pois_streamed`): its features are decoded, checked and inserted a chunk at a time, still
in one transaction, so that the file is never held whole.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count, islice
from pathlib import Path

import aiosqlite
import ijson
import msgspec

from content.core.db import Database
from content.core.errors import FieldError, InvalidInput
from content.core.ids import EntityId
from content.core.inputs import convert_input, decode_input
from content.core.model import Status
from content.core.paging import PUBLIC
from content.places.geojson import Point
from content.pois.model import Accessibility, Contact, PoiFields, PoiInput, PoiRecord
from content.pois.queries import PoiQuery, list_pois
from content.pois.store import insert_pois
from content.pois.validate import check_poi

__all__ = [
    "ExportFeature",
    "ExportProperties",
    "export_pois",
    "import_pois",
    "import_pois_streamed",
    "parse_features",
]

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


def _poi_input(index: int, feature: _ImportFeature, errors: list[FieldError]) -> PoiInput:
    """The POI of feature ``index``; an id given twice, differently, is added to ``errors``."""
    fields = msgspec.structs.asdict(feature.properties)
    if feature.id is not None:
        if fields["id"] is not None and fields["id"] != feature.id:
            errors.append(FieldError(f"features[{index}].id", "differs from properties.id"))
        fields["id"] = feature.id
    return PoiInput(**fields, geometry=feature.geometry)


def parse_features(data: bytes) -> tuple[list[PoiInput], Callable[[str], str]]:
    """Decode a FeatureCollection of POIs in one pass; returns the inputs and a mapper from an item
    field (``[i].name.xx``, as the store reports them) to the feature's own path."""
    collection = decode_input(data, _ImportCollection)
    inputs: list[PoiInput] = []
    in_properties: list[bool] = []
    errors: list[FieldError] = []
    for index, feature in enumerate(collection.features):
        in_properties.append(feature.properties.id is not None)
        inputs.append(_poi_input(index, feature, errors))
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


STREAM_CHUNK = 1000
_BUFFER = 256 * 1024


def _malformed(exc: Exception) -> InvalidInput:
    return InvalidInput.field("body", f"JSON is malformed: {(str(exc).splitlines() or [''])[0]}")


def _head(path: Path) -> str | None:
    """The document's ``type`` when it comes before ``features``; reads up to the features array's
    opening bracket. ``InvalidInput`` when the file holds no such array or is not JSON."""
    doc_type: str | None = None
    with path.open("rb") as handle:
        try:
            for prefix, event, value in ijson.parse(handle, buf_size=_BUFFER):
                if prefix == "" and event == "start_array":
                    raise InvalidInput.field("body", "Expected `object`, got `array`")
                if prefix == "type":
                    _check_type(value)
                    doc_type = str(value)
                elif prefix == "features":
                    if event == "start_array":
                        return doc_type
                    raise InvalidInput.field("features", "Expected `array`")
        except ijson.JSONError as exc:
            raise _malformed(exc) from None
    raise InvalidInput.field("features", "required field is missing")


def _check_type(doc_type: object) -> None:
    if doc_type != "FeatureCollection":
        raise InvalidInput.field("type", f"Invalid value {doc_type!r}")


def _tail_type(path: Path) -> None:
    """The document's ``type`` when it comes after ``features`` (one more pass, in C)."""
    with path.open("rb") as handle:
        for doc_type in ijson.items(handle, "type", buf_size=_BUFFER):
            _check_type(doc_type)


@dataclass
class _Chunk:
    """Features read from the stream: ``positions[i]`` is the feature index of ``inputs[i]``."""

    read: int = 0
    positions: list[int] = field(default_factory=list)
    inputs: list[PoiInput] = field(default_factory=list)
    in_properties: list[bool] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)

    def locate(self, item_field: str) -> str:
        match = _ITEM_FIELD.match(item_field)
        if match is None:
            return item_field
        index = int(match.group("index"))
        return _feature_path(self.positions[index], match.group("field") or "", self.in_properties[index])


def _next_chunk(items: Iterator[object], start: int, size: int) -> _Chunk:
    """The next ``size`` features (fewer at the end), decoded (CPU work: run in a worker thread)."""
    chunk = _Chunk()
    try:
        for index, item in zip(count(start), islice(items, size), strict=False):
            chunk.read += 1
            try:
                feature = convert_input(item, _ImportFeature, prefix=f"features[{index}]")
            except InvalidInput as exc:
                chunk.errors.extend(exc.errors)
                continue
            chunk.positions.append(index)
            chunk.in_properties.append(feature.properties.id is not None)
            chunk.inputs.append(_poi_input(index, feature, chunk.errors))
    except ijson.JSONError as exc:
        raise _malformed(exc) from None
    return chunk


def _check_only(chunk: _Chunk) -> list[FieldError]:
    """What is wrong with a chunk's POIs, once the import is known to write nothing."""
    errors: list[FieldError] = []
    for offset, poi in enumerate(chunk.inputs):
        try:
            check_poi(poi, prefix=f"[{offset}]")
        except InvalidInput as exc:
            errors.extend(FieldError(chunk.locate(e.field), e.message) for e in exc.errors)
    return errors


async def _insert_chunk(
    conn: aiosqlite.Connection,
    chunk: _Chunk,
    first_rowid: int,
    *,
    office_id: str | None,
    status: Status,
    user_id: str | None,
    updated_at: str,
) -> tuple[int, list[FieldError]]:
    try:
        ids = await insert_pois(
            conn, chunk.inputs, office_id=office_id, status=status, user_id=user_id, updated_at=updated_at,
            page_cache_kib=None,
        )  # fmt: skip
    except InvalidInput as exc:
        return 0, [await _restated(conn, chunk, error, first_rowid) for error in exc.errors]
    return len(ids), []


async def _restated(
    conn: aiosqlite.Connection, chunk: _Chunk, error: FieldError, first_rowid: int
) -> FieldError:
    """``error`` at the feature's own path; an id "already taken" by an earlier chunk of this same
    import is said to appear twice, as the whole-file import says it."""
    match = _ITEM_FIELD.match(error.field)
    if match is not None and match.group("field") == "id" and error.message.endswith("already exists"):
        poi_id = chunk.inputs[int(match.group("index"))].id
        rows = list(await conn.execute_fetchall("SELECT rowid FROM pois WHERE id = ?", (poi_id,)))
        if rows and int(rows[0][0]) >= first_rowid:
            return FieldError(chunk.locate(error.field), f"id {poi_id!r} appears twice in the import")
    return FieldError(chunk.locate(error.field), error.message)


async def import_pois_streamed(
    db: Database,
    path: Path,
    *,
    office_id: str | None,
    status: Status,
    user_id: str | None,
    updated_at: str,
    chunk_size: int | None = None,
) -> int:
    """:func:`import_pois` for a file read as a stream: a chunk of features is decoded in a worker thread
    while nothing else is held; every chunk is inserted in the same transaction, so that one bad feature
    (or a file that breaks off) still writes nothing. After a first error the rest is only checked, to
    report up to 50 problems at once. Returns the number of POIs inserted."""
    doc_type = await asyncio.to_thread(_head, path)
    with path.open("rb") as handle:
        items = ijson.items(handle, "features.item", use_float=True, buf_size=_BUFFER)
        async with db.write() as conn:
            rows = await conn.execute_fetchall("SELECT coalesce(max(rowid), 0) + 1 FROM pois")
            first_rowid = int(next(iter(rows))[0])
            inserted, errors, start = 0, list[FieldError](), 0
            while len(errors) < _MAX_ERRORS:
                chunk = await asyncio.to_thread(_next_chunk, items, start, chunk_size or STREAM_CHUNK)
                if not chunk.read:
                    break
                start += chunk.read
                errors.extend(chunk.errors)
                if errors:
                    errors.extend(await asyncio.to_thread(_check_only, chunk))
                    continue
                done, found = await _insert_chunk(
                    conn, chunk, first_rowid,
                    office_id=office_id, status=status, user_id=user_id, updated_at=updated_at,
                )  # fmt: skip
                inserted += done
                errors.extend(found)
            if errors:
                raise InvalidInput(errors[:_MAX_ERRORS])
            if doc_type is None:
                await asyncio.to_thread(_tail_type, path)
    return inserted


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
