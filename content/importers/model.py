"""What every reader hands the import engine: one source object, normalised, and the engine's report."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from content.core.model import LangMap

__all__ = [
    "FORMATS",
    "Conflict",
    "Entry",
    "ImportReport",
    "Picture",
    "PictureFailure",
    "SourceFormat",
    "SourceObject",
]

SourceFormat = Literal["tourinsoft", "apidae", "datatourisme", "osm", "geojson"]
FORMATS: tuple[str, ...] = ("tourinsoft", "apidae", "datatourisme", "osm", "geojson")


class Picture(msgspec.Struct, frozen=True, kw_only=True):
    """A picture the source points at, fetched through the media pipeline with its credit."""

    url: str
    credit: str | None = None
    alt: str | None = None


class SourceObject(msgspec.Struct, kw_only=True):
    """One object of a feed, read but not yet judged: the engine maps its kinds to a category, checks
    its position and text, and decides whether it is new, changed or unchanged.

    ``kinds`` are the source's own type names (``"tourism=museum"``, ``"PCU"``, ``"Museum"``), tried in
    order against the mapping table; ``updated_at`` is the source's date (RFC 3339, UTC) or None when the
    source has none, and ``opening_text`` holds opening periods that OSM syntax cannot express.
    """

    external_id: str
    where: str
    kinds: list[str] = msgspec.field(default_factory=list)
    name: LangMap = msgspec.field(default_factory=dict)
    description: LangMap = msgspec.field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    updated_at: str | None = None
    address: str | None = None
    commune: str | None = None
    opening_hours: str | None = None
    opening_text: LangMap = msgspec.field(default_factory=dict)
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    wheelchair: Literal["yes", "limited", "no"] | None = None
    pictures: list[Picture] = msgspec.field(default_factory=list)
    category: str | None = None  # set by a reader whose feed already names our category (GeoJSON)


_encode_raw = msgspec.json.Encoder(order="sorted").encode


@dataclass(slots=True)
class Entry:
    """An object of a feed, read only as far as telling whether it changed: its id, its source date, and
    (for sources without dates) a hash of its raw form. ``build`` reads the rest, only when needed: a
    re-run of an unchanged feed never pays for HTML, periods or addresses."""

    external_id: str
    where: str
    updated_at: str | None
    raw: object
    build: Callable[[], SourceObject]

    def digest(self) -> str:
        return hashlib.sha256(_encode_raw(self.raw)).hexdigest()[:32]

    @classmethod
    def of(cls, source: SourceObject) -> Entry:
        """An already built object (tests, or readers that need it all to find the id)."""
        return cls(source.external_id, source.where, source.updated_at, source, lambda: source)


class Conflict(msgspec.Struct, frozen=True, kw_only=True):
    """A field a person changed after the import, which the source now changed too: the local value
    is kept, and both are reported."""

    poi_id: str
    external_id: str
    field: str
    local: Any
    source: Any


class PictureFailure(msgspec.Struct, frozen=True, kw_only=True):
    external_id: str
    url: str
    reason: str


class ImportReport(msgspec.Struct, kw_only=True):
    """What an import did (or, with ``dry_run``, would do)."""

    provider: str
    format: str
    dry_run: bool
    full_feed: bool
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unpublished: int = 0
    republished: int = 0
    skipped: dict[str, int] = msgspec.field(default_factory=dict)
    skipped_examples: dict[str, list[str]] = msgspec.field(default_factory=dict)
    unmapped_kinds: dict[str, int] = msgspec.field(default_factory=dict)
    conflicts: list[Conflict] = msgspec.field(default_factory=list)
    opening_hours_as_text: int = 0
    opening_hours_examples: list[str] = msgspec.field(default_factory=list)
    pictures_fetched: int = 0
    pictures_failed: int = 0
    picture_failures: list[PictureFailure] = msgspec.field(default_factory=list)
    notes: list[str] = msgspec.field(default_factory=list)

    def hours_as_text(self, where: str) -> None:
        self.opening_hours_as_text += 1
        if len(self.opening_hours_examples) < 20:
            self.opening_hours_examples.append(where)

    def skip(self, reason: str, where: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        examples = self.skipped_examples.setdefault(reason, [])
        if len(examples) < 5:
            examples.append(where)
