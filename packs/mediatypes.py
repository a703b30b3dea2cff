"""Media types of pack entries and the compression each one gets: text is deflated, media is stored."""

from __future__ import annotations

from enum import IntEnum
from typing import Final

__all__ = [
    "DEFLATED_TYPES",
    "STORED_TYPES",
    "TYPE_BY_EXTENSION",
    "Compression",
    "compression_for",
    "type_for_path",
]


class Compression(IntEnum):
    """ZIP compression methods (APPNOTE 4.4.5); a pack uses only these two."""

    STORED = 0
    DEFLATED = 8


# Text compresses well; the media formats are already compressed, so deflating them would cost CPU on the
# phone for nothing and break byte ranges into the file.
DEFLATED_TYPES: Final = frozenset(
    {
        "application/json",
        "application/geo+json",
        "text/plain",
        "text/markdown",
        "text/csv",
        # a vector basemap's glyph ranges (signed-distance bitmaps, which deflate well)
        "application/x-protobuf",
    }
)
STORED_TYPES: Final = frozenset(
    {
        "image/webp",
        "image/avif",
        "image/jpeg",
        "image/png",
        "audio/mp4",
        "audio/aac",
        "audio/mpeg",
        "audio/ogg",
        "audio/opus",
        "application/vnd.pmtiles",
    }
)

TYPE_BY_EXTENSION: Final = {
    "json": "application/json",
    "geojson": "application/geo+json",
    "txt": "text/plain",
    "sig": "text/plain",
    "md": "text/markdown",
    "csv": "text/csv",
    "webp": "image/webp",
    "avif": "image/avif",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "opus": "audio/ogg",
    "pmtiles": "application/vnd.pmtiles",
    "pbf": "application/x-protobuf",
}


def compression_for(media_type: str) -> Compression:
    """The compression for an entry of ``media_type``; an unknown type raises ``ValueError``.

    Unknown types are refused rather than guessed so that a new media format is a deliberate decision.
    """
    if media_type in STORED_TYPES:
        return Compression.STORED
    if media_type in DEFLATED_TYPES:
        return Compression.DEFLATED
    raise ValueError(f"no pack compression rule for media type {media_type!r}")


def type_for_path(path: str) -> str:
    """The media type of an entry, from its extension; an unknown extension raises ``ValueError``."""
    _, dot, extension = path.rpartition(".")
    media_type = TYPE_BY_EXTENSION.get(extension) if dot else None
    if media_type is None:
        raise ValueError(f"no media type for entry {path!r}")
    return media_type
