"""The readers by format name, their default category tables, and the area an import is limited to."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from content.core.errors import InvalidInput
from content.importers import apidae, datatourisme, geojson, overpass, tourinsoft
from content.importers.errors import NotAFeed
from content.importers.fetch import FetchError, download_feed, is_url, read_feed
from content.importers.model import Entry, SourceObject
from content.importers.prepare import Skip
from content.importers.streaming import STREAM_FROM_BYTES, Streaming, stream_entries
from content.places.geo import BBox

__all__ = ["Reader", "area_bbox", "load_objects", "open_feed", "reader_for"]


@dataclass(frozen=True)
class Reader:
    """``entries`` reads a feed's bytes lazily; ``directory_entries`` reads a folder feed (DATAtourisme);
    ``streaming`` reads a large feed file object by object."""

    entries: Callable[[bytes], Iterator[Entry]]
    categories: dict[str, str]
    directory_entries: Callable[[Path], Iterator[Entry | Skip]] | None = None
    streaming: Streaming | None = None

    def parse(self, data: bytes) -> Iterator[SourceObject]:
        """Every object of the feed, read in full."""
        return (entry.build() for entry in self.entries(data))


_READERS: dict[str, Reader] = {
    "geojson": Reader(geojson.geojson_entries, geojson.CATEGORIES, streaming=geojson.STREAMING),
    "osm": Reader(overpass.overpass_entries, overpass.CATEGORIES, streaming=overpass.STREAMING),
    "tourinsoft": Reader(
        tourinsoft.tourinsoft_entries, tourinsoft.CATEGORIES, streaming=tourinsoft.STREAMING
    ),
    "apidae": Reader(apidae.apidae_entries, apidae.CATEGORIES, streaming=apidae.STREAMING),
    "datatourisme": Reader(
        datatourisme.datatourisme_entries,
        datatourisme.CATEGORIES,
        datatourisme.datatourisme_directory_entries,
        datatourisme.STREAMING,
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


@asynccontextmanager
async def open_feed(
    reader: Reader, source: str, *, stream_from_bytes: int = STREAM_FROM_BYTES
) -> AsyncIterator[Iterable[Entry | Skip]]:
    """The entries of the feed at ``source``, read lazily (pull them off the event loop).

    A feed file up to ``stream_from_bytes`` (and a directory's index) is read and parsed before the
    first entry, as :func:`load_objects` does: :class:`NotAFeed` then comes before anything is
    written. A larger file, or a URL's body (downloaded to a temporary file first), is streamed one
    object at a time, and an unreadable part raises :class:`NotAFeed` where it is found.
    """
    path = Path(source)
    is_dir = not is_url(source) and await asyncio.to_thread(path.is_dir)
    if is_dir and reader.directory_entries is not None:
        directory = reader.directory_entries
        yield _reading_errors(source, directory(path))
        return
    if is_dir:
        raise NotAFeed(f"{source} is a directory; this format is read from a file or a URL")
    with tempfile.TemporaryDirectory(prefix="odyssee-feed-") as work:
        if is_url(source):
            try:
                path = await download_feed(source, Path(work) / "feed")
            except FetchError as exc:
                raise NotAFeed(str(exc)) from None
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
        except OSError as exc:
            raise NotAFeed(f"{source}: {exc.strerror or exc}") from None
        streamed = None
        if reader.streaming is not None and size > stream_from_bytes:
            streamed = await asyncio.to_thread(_stream, source, path, reader.streaming)
        if streamed is not None:
            yield streamed
            return
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            raise NotAFeed(f"{source}: {exc.strerror or exc}") from None
        entries = await asyncio.to_thread(_every_entry, reader, data)
        del data  # the entries hold what they need of it
        yield entries


def _every_entry(reader: Reader, data: bytes) -> list[Entry | Skip]:
    return list(reader.entries(data))


def _stream(source: str, path: Path, streaming: Streaming) -> Iterator[Entry | Skip] | None:
    try:
        found = stream_entries(path, streaming)
    except OSError as exc:
        raise NotAFeed(f"{source}: {exc.strerror or exc}") from None
    return None if found is None else _reading_errors(source, found)


def _reading_errors(source: str, entries: Iterable[Entry | Skip]) -> Iterator[Entry | Skip]:
    """``entries``, with a read error of the file or directory said as :class:`NotAFeed`."""
    try:
        yield from entries
    except OSError as exc:
        raise NotAFeed(f"{source}: {exc.strerror or exc}") from None


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
