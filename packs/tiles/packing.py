"""The pack builder's hook: the basemap extract (and a vector basemap's style) a pack carries.

``TileCutter.for_pack`` answers the entries to add and the manifest's ``basemap`` marker ("none" when there
is no extract). Extracts are cached by (basemap, coverage): a rebuild after a story edit finds the same
extract, so the pack keeps the same ``tiles/<sha256>.pmtiles`` entry and a delta never carries it; moving
the route's line changes the coverage, hence the extract.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import msgspec

from content.blobs import BlobStore
from content.core.settings import Settings
from content.places.geo import BBox, bbox_of
from packs.container import EntrySource
from packs.manifest import TileExtent, round_bbox
from packs.tiles.basemap import BasemapRef, open_basemap, resolve_basemap
from packs.tiles.cover import Coverage, buffer_bbox, coverage_tile_ids
from packs.tiles.extract import extract
from packs.tiles.format import Compression
from packs.tiles.style import label_characters, pack_style

__all__ = ["NO_BASEMAP", "PMTILES_TYPE", "PackTiles", "TileCutter", "pack_coverage"]

PMTILES_TYPE = "application/vnd.pmtiles"
NO_BASEMAP = "none"
# Bump when the extractor's output for the same input changes, so cached extracts are not reused.
_EXTRACTOR_VERSION = 1


class _Cached(msgspec.Struct, frozen=True):
    sha256: str
    size: int
    minzoom: int
    maxzoom: int
    bounds: tuple[float, float, float, float]
    tile_type: str
    glyph_ranges: list[int] = []


@dataclass(frozen=True, slots=True)
class PackTiles:
    sources: tuple[EntrySource, ...]
    marker: str | None


def pack_coverage(settings: Settings, kind: str, bbox: BBox, line: Sequence[Sequence[float]]) -> Coverage:
    """A route pack: its line's box grown by the buffer up to the box zoom, and the corridor above; an
    area pack (or a route without a line): its box up to the box zoom."""
    if kind == "route" and line:
        points = tuple((round(float(p[0]), 7), round(float(p[1]), 7)) for p in line)
        return Coverage(
            box=buffer_bbox(bbox_of(points), settings.basemap_buffer_m),
            box_maxzoom=settings.basemap_box_maxzoom,
            line=points,
            corridor_m=settings.basemap_corridor_m,
            corridor_maxzoom=settings.basemap_corridor_maxzoom,
        )
    return Coverage(box=tuple(bbox), box_maxzoom=settings.basemap_box_maxzoom)  # type: ignore[arg-type]


class _BlobFiles(Mapping[str, bytes]):
    """Style files read from the blob store only when asked for (a font folder holds 256 ranges)."""

    def __init__(self, files: Mapping[str, str], blobs: BlobStore) -> None:
        self._files = files
        self._blobs = blobs

    def __getitem__(self, name: str) -> bytes:
        with self._blobs.open_reader(self._files[name]) as reader:
            return reader.read()

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


class _DirFiles(Mapping[str, bytes]):
    def __init__(self, root: Path) -> None:
        self._root = root
        self._names = sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())

    def __getitem__(self, name: str) -> bytes:
        if name not in self._names:
            raise KeyError(name)
        return (self._root / name).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class TileCutter:
    """Cuts and caches basemap extracts for one blob store (one per pack builder)."""

    def __init__(self, settings: Settings, blobs: BlobStore) -> None:
        self.settings = settings
        self.blobs = blobs
        self.cache_dir = settings.data_dir / "basemap" / "extracts"

    async def for_pack(self, kind: str, bbox: BBox, line: Sequence[Sequence[float]]) -> PackTiles:
        ref = await asyncio.to_thread(resolve_basemap, self.settings)
        if ref is None:
            return PackTiles((), NO_BASEMAP)
        coverage = pack_coverage(self.settings, kind, bbox, line)
        key = hashlib.sha256(f"{_EXTRACTOR_VERSION}|{ref.identity}|{coverage.key()}".encode()).hexdigest()
        cached = await asyncio.to_thread(self._cached, key)
        if cached is None or not await self.blobs.exists(cached.sha256):
            cached = await self._cut(ref, coverage, key)
            if cached is None:
                return PackTiles((), NO_BASEMAP)
        path = f"tiles/{cached.sha256}.pmtiles"
        extent = TileExtent(cached.minzoom, cached.maxzoom, round_bbox(cached.bounds), cached.tile_type)
        opener = partial(self.blobs.open_reader, cached.sha256)
        sources = [EntrySource(path, PMTILES_TYPE, cached.sha256, cached.size, opener, tiles=extent)]
        if cached.tile_type in {"mvt", "mlt"}:
            sources += await self._style(ref, path, cached.glyph_ranges)
        return PackTiles(tuple(sources), None)

    def _cached(self, key: str) -> _Cached | None:
        try:
            return msgspec.json.decode((self.cache_dir / f"{key}.json").read_bytes(), type=_Cached)
        except (FileNotFoundError, msgspec.DecodeError):
            return None

    async def _cut(self, ref: BasemapRef, coverage: Coverage, key: str) -> _Cached | None:
        work = self.cache_dir / f".{key}.{os.getpid()}.pmtiles"
        try:
            cached = await asyncio.to_thread(self._extract, ref, coverage, work)
            if cached is None:
                return None
            stored = await self.blobs.put_file(work, content_type=PMTILES_TYPE)
            if stored.sha256 != cached.sha256:
                raise OSError("the basemap extract changed while it was stored")
        finally:
            with suppress(FileNotFoundError):
                await asyncio.to_thread(work.unlink)
        await asyncio.to_thread(self._remember, key, cached)
        return cached

    def _extract(self, ref: BasemapRef, coverage: Coverage, out: Path) -> _Cached | None:
        with open_basemap(ref, self.blobs) as archive:
            header = archive.header
            ids = coverage_tile_ids(coverage, header.min_zoom, header.max_zoom)
            chars: set[str] = set()
            on_content = None
            if header.tile_type.is_vector and header.tile_type.label == "mvt":
                gzipped = header.tile_compression is Compression.GZIP

                def on_content(tile: bytes) -> None:
                    chars.update(label_characters(tile, gzipped))

            info = extract(archive, ids, out, bounds=coverage.box, on_content=on_content)
        if info is None:
            return None
        return _Cached(
            sha256=info.sha256,
            size=info.size,
            minzoom=info.min_zoom,
            maxzoom=info.max_zoom,
            bounds=info.bounds,
            tile_type=info.tile_type,
            glyph_ranges=sorted({ord(c) // 256 * 256 for c in chars}),
        )

    def _remember(self, key: str, cached: _Cached) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_dir / f".{key}.{os.getpid()}.json.part"
        tmp.write_bytes(msgspec.json.encode(cached))
        os.replace(tmp, self.cache_dir / f"{key}.json")

    async def _style(self, ref: BasemapRef, extract_path: str, glyph_ranges: list[int]) -> list[EntrySource]:
        files: Mapping[str, bytes]
        if ref.style_dir is not None:
            files = await asyncio.to_thread(_DirFiles, ref.style_dir)
        elif ref.style_files:
            files = _BlobFiles(dict(ref.style_files), self.blobs)
        else:
            return []
        if "style.json" not in files:
            return []
        shaped = await asyncio.to_thread(
            lambda: pack_style(
                files["style.json"], files, extract_path=extract_path, glyph_ranges=glyph_ranges
            )
        )
        sources = []
        for path, media_type, data in shaped:
            await self.blobs.put_bytes(data, content_type=media_type)
            sources.append(EntrySource.from_bytes(path, media_type, data))
        return sources
