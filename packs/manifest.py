"""``manifest.json``: the signed table of contents of a pack, and its one canonical encoding.

The encoding is compact JSON with the fields in the order declared below, times as UTC RFC 3339 with
whole seconds and a ``Z``, and no trailing newline, so the same content always gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from itertools import pairwise
from typing import Final

import msgspec

from content.text.i18n import validate_tag
from packs.errors import InvalidEntryPath, PackMalformed
from packs.pack_id import PACK_ID_PATTERN
from packs.paths import MANIFEST_NAME, RESERVED_NAMES, validate_entry_path

__all__ = [
    "FORMAT_VERSION",
    "Manifest",
    "ManifestEntry",
    "PackHeader",
    "SignedManifest",
    "TileExtent",
    "build_manifest",
    "decode_manifest",
    "encode_manifest",
    "round_bbox",
    "utc_seconds",
]

FORMAT_VERSION: Final = 1
COORDINATE_DECIMALS = 6
# Checked in __post_init__ rather than with Meta(pattern=...), which msgspec applies only when decoding:
# a manifest the builder constructs must obey the same rules as one a phone decodes.
_PACK_ID = re.compile(PACK_ID_PATTERN)
_KEY_ID = re.compile(r"[0-9]{4}-[a-z]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")

BBox = tuple[float, float, float, float]


class ManifestEntry(msgspec.Struct, frozen=True, omit_defaults=True):
    """One file of the pack. Fields added later must have defaults (phones keep manifests for months)."""

    path: str
    sha256: str
    size: int
    type: str
    # A basemap extract (``tiles/<sha256>.pmtiles``) says what it covers; other entries omit these.
    minzoom: int | None = None
    maxzoom: int | None = None
    bounds: BBox | None = None
    tile_type: str | None = None

    def __post_init__(self) -> None:
        if not _SHA256.fullmatch(self.sha256):
            raise ValueError(f"sha256 of {self.path!r} must be 64 lowercase hex digits")
        if self.size < 0:
            raise ValueError(f"size of {self.path!r} must be >= 0")
        try:
            validate_entry_path(self.path)
        except InvalidEntryPath as exc:
            raise ValueError(str(exc)) from None
        if self.path in RESERVED_NAMES:
            raise ValueError(f"{self.path!r} is reserved for the container")
        # Any non-empty type is accepted here, so that a reader survives a media type added later;
        # the writer refuses types it has no compression rule for.
        if not self.type:
            raise ValueError(f"type of {self.path!r} must not be empty")


# Unknown fields are ignored on decoding rather than forbidden: the format lets later builds add fields,
# and a reader of format 1 must still accept their manifests.
class Manifest(msgspec.Struct, frozen=True, omit_defaults=True):
    """The manifest, field order as in PACK_FORMAT.md. New fields go last, always with a default."""

    format: int
    pack_id: str
    version: int
    built_at: datetime
    expires: datetime
    key_id: str
    languages: tuple[str, ...]
    bbox: BBox
    entries: tuple[ManifestEntry, ...]
    # "none" when the pack has no basemap extract (no basemap, or none of its tiles cover the pack).
    basemap: str | None = None

    def __post_init__(self) -> None:
        if self.format < 1 or self.version < 1:
            raise ValueError("format and version must be >= 1")
        if not _PACK_ID.fullmatch(self.pack_id):
            raise ValueError(f"pack_id {self.pack_id!r} is not route:<id> or area:<id>")
        if not _KEY_ID.fullmatch(self.key_id):
            raise ValueError(f"key_id {self.key_id!r} is not <year>-<letters>")
        for name in ("built_at", "expires"):
            moment: datetime = getattr(self, name)
            if moment.utcoffset() is None or moment.utcoffset() or moment.microsecond:
                raise ValueError(f"{name} must be UTC with whole seconds")
        if self.expires <= self.built_at:
            raise ValueError("expires must be after built_at")
        if not self.languages or len(set(self.languages)) != len(self.languages):
            raise ValueError("languages must be a non-empty list without duplicates")
        for tag in self.languages:
            if validate_tag(tag) != tag:
                raise ValueError(f"language {tag!r} is not in canonical form")
        _check_bbox(self.bbox)
        paths = [entry.path for entry in self.entries]
        if any(a >= b for a, b in pairwise(paths)):
            raise ValueError("entries must be sorted by path, without duplicates")


class PackHeader(msgspec.Struct, frozen=True, kw_only=True):
    """What the builder decides about a pack version; the entries and the key complete the manifest."""

    pack_id: str
    version: int
    built_at: datetime
    expires: datetime
    languages: tuple[str, ...]
    bbox: BBox
    basemap: str | None = None


@dataclass(frozen=True, slots=True)
class TileExtent:
    """The manifest fields of a basemap extract entry."""

    minzoom: int
    maxzoom: int
    bounds: BBox
    tile_type: str


@dataclass(frozen=True)
class SignedManifest:
    """The exact ``manifest.json`` bytes of a version and its ``manifest.sig`` content, as served."""

    manifest_bytes: bytes
    signature: bytes

    @cached_property
    def manifest(self) -> Manifest:
        return decode_manifest(self.manifest_bytes)


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Manifest)


def encode_manifest(manifest: Manifest) -> bytes:
    """The canonical bytes of ``manifest`` (what ``manifest.sig`` signs)."""
    return _encoder.encode(manifest)


def decode_manifest(data: bytes) -> Manifest:
    """Decode and check manifest bytes; anything wrong raises ``PackMalformed`` naming the field."""
    try:
        return _decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise PackMalformed(str(exc), MANIFEST_NAME) from None


def utc_seconds(moment: datetime) -> datetime:
    """``moment`` in UTC, truncated to the second; a naive datetime raises ``ValueError``."""
    if moment.utcoffset() is None:
        raise ValueError("a naive datetime has no defined UTC time")
    return moment.astimezone(UTC).replace(microsecond=0)


def build_manifest(header: PackHeader, entries: Iterable[ManifestEntry], key_id: str) -> Manifest:
    """The manifest of ``entries`` (sorted here), normalised: UTC seconds, canonical tags, rounded bbox."""
    return Manifest(
        format=FORMAT_VERSION,
        pack_id=header.pack_id,
        version=header.version,
        built_at=utc_seconds(header.built_at),
        expires=utc_seconds(header.expires),
        key_id=key_id,
        languages=tuple(validate_tag(tag) for tag in header.languages),
        bbox=round_bbox(header.bbox),
        entries=tuple(sorted(entries, key=lambda entry: entry.path)),
        basemap=header.basemap,
    )


def round_bbox(bbox: Sequence[float]) -> BBox:
    """Round to 6 decimals (about 0.1 m); ``+ 0.0`` turns a rounded ``-0.0`` into ``0.0``."""
    if len(bbox) != 4:
        raise ValueError("bbox must be [min_lon, min_lat, max_lon, max_lat]")
    min_lon, min_lat, max_lon, max_lat = (round(float(v), COORDINATE_DECIMALS) + 0.0 for v in bbox)
    return (min_lon, min_lat, max_lon, max_lat)


def _check_bbox(bbox: BBox) -> None:
    min_lon, min_lat, max_lon, max_lat = bbox
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValueError("bbox must be [min_lon, min_lat, max_lon, max_lat] within WGS 84 bounds")
