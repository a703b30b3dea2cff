"""The readers by format name, their default category tables, and the area an import is limited to."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from content.errors import InvalidInput
from content.geo import BBox
from content.importers import geojson, overpass
from content.importers.errors import NotAFeed
from content.importers.fetch import FetchError, read_feed
from content.importers.model import SourceObject

__all__ = ["Reader", "area_bbox", "load_objects", "reader_for"]


@dataclass(frozen=True)
class Reader:
    """``parse`` turns a feed's bytes into objects; ``directory`` reads a folder feed (DATAtourisme)."""

    parse: Callable[[bytes], Iterator[SourceObject]]
    categories: dict[str, str]
    directory: Callable[[Path], Iterator[SourceObject]] | None = None


_READERS: dict[str, Reader] = {
    "geojson": Reader(geojson.read_geojson, geojson.CATEGORIES),
    "osm": Reader(overpass.read_overpass, overpass.CATEGORIES),
}


def reader_for(format_name: str) -> Reader:
    try:
        return _READERS[format_name]
    except KeyError:
        raise InvalidInput.field("from", f"unknown format {format_name!r}") from None


async def load_objects(reader: Reader, source: str) -> Iterable[SourceObject]:
    """Every object of the feed at ``source`` (file, directory or URL), read in full before any write:
    a feed that cannot be read (or parsed) raises :class:`NotAFeed` and nothing changes."""
    path = Path(source)
    is_dir = not source.startswith(("http://", "https://")) and await asyncio.to_thread(path.is_dir)
    if is_dir and reader.directory is not None:
        directory = reader.directory
        return await asyncio.to_thread(lambda: list(directory(path)))
    if is_dir:
        raise NotAFeed(f"{source} is a directory; this format is read from a file or a URL")
    try:
        data = await read_feed(source)
    except FetchError as exc:
        raise NotAFeed(str(exc)) from None
    return await asyncio.to_thread(lambda: list(reader.parse(data)))


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
