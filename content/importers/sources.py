"""The readers by format name, their default category tables, and the area an import is limited to."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from content.core.errors import InvalidInput
from content.importers import apidae, datatourisme, geojson, overpass, tourinsoft
from content.importers.errors import NotAFeed
from content.importers.fetch import FetchError, read_feed
from content.importers.model import Entry, SourceObject
from content.importers.prepare import Skip
from content.places.geo import BBox

__all__ = ["Reader", "area_bbox", "load_objects", "reader_for"]


@dataclass(frozen=True)
class Reader:
    """``entries`` reads a feed's bytes lazily; ``directory_entries`` reads a folder feed (DATAtourisme)."""

    entries: Callable[[bytes], Iterator[Entry]]
    categories: dict[str, str]
    directory_entries: Callable[[Path], Iterator[Entry | Skip]] | None = None

    def parse(self, data: bytes) -> Iterator[SourceObject]:
        """Every object of the feed, read in full."""
        return (entry.build() for entry in self.entries(data))


_READERS: dict[str, Reader] = {
    "geojson": Reader(geojson.geojson_entries, geojson.CATEGORIES),
    "osm": Reader(overpass.overpass_entries, overpass.CATEGORIES),
    "tourinsoft": Reader(tourinsoft.tourinsoft_entries, tourinsoft.CATEGORIES),
    "apidae": Reader(apidae.apidae_entries, apidae.CATEGORIES),
    "datatourisme": Reader(
        datatourisme.datatourisme_entries,
        datatourisme.CATEGORIES,
        datatourisme.datatourisme_directory_entries,
    ),
}


def reader_for(format_name: str) -> Reader:
    try:
        return _READERS[format_name]
    except KeyError:
        raise InvalidInput.field("from", f"unknown format {format_name!r}") from None


async def load_objects(reader: Reader, source: str) -> list[Entry | Skip]:
    """Every entry of the feed at ``source`` (file, directory or URL), read before any write: a feed
    that cannot be read (or parsed) raises :class:`NotAFeed` and nothing changes."""
    path = Path(source)
    is_dir = not source.startswith(("http://", "https://")) and await asyncio.to_thread(path.is_dir)
    if is_dir and reader.directory_entries is not None:
        directory = reader.directory_entries
        try:
            return await asyncio.to_thread(lambda: list(directory(path)))
        except OSError as exc:
            raise NotAFeed(f"{source}: {exc.strerror or exc}") from None
    if is_dir:
        raise NotAFeed(f"{source} is a directory; this format is read from a file or a URL")
    try:
        data = await read_feed(source)
    except FetchError as exc:
        raise NotAFeed(str(exc)) from None
    return await asyncio.to_thread(lambda: list[Entry | Skip](reader.entries(data)))


async def area_bbox(conn: aiosqlite.Connection, area_id: str) -> BBox:
    rows = list(
        await conn.execute_fetchall(
            "SELECT min_lon, min_lat, max_lon, max_lat FROM areas WHERE id = ?", (area_id,)
        )
    )
    if not rows:
        raise InvalidInput.field("area", f"unknown area {area_id!r}")
    row = rows[0]
    return (row[0], row[1], row[2], row[3])
