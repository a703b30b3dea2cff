"""``GET /api/v1/tiles/{z}/{x}/{y}`` and ``GET /api/v1/tiles.json``: the operator's basemap for web maps.

Tiles are read from the PMTiles basemap by range (``packs.tiles``), never the whole file: a local file with
``pread`` in a worker thread, an object-store blob with ranged GETs. The tile URL in the TileJSON carries
``?v=`` (the basemap's identity); a tile asked for with the current ``v`` is cached for a year as
immutable, otherwise for a day, always with a strong ETag. Inside the grid but without a tile: 204.
A configured basemap that cannot be read (the file gone or not PMTiles, the blob missing) is an error
logged for the operator and a 503 naming ``basemap`` for the client, re-checked every few seconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import HttpMethod, Request, Response, get, route
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from content.blobs import BlobNotFound, BlobStore, LocalBlobStore
from content.core.errors import FieldError, InvalidParameter, NotFound, Unavailable
from content.core.settings import Settings
from packs.tiles.basemap import BasemapRef, resolve_basemap
from packs.tiles.format import MAX_ZOOM, Compression, FormatError
from packs.tiles.reader import Archive, FileSource, RangeSource
from service.conditional import etag_matches
from service.problems import Problem

__all__ = ["TileJSON", "tile", "tilejson"]

TILES_PATH = "/api/v1/tiles"
_RECHECK_S = 5.0
_DAY = "public, max-age=86400"
_YEAR = "public, max-age=31536000, immutable"
_PROBLEM = "application/problem+json"
T = TypeVar("T")
log = logging.getLogger("odyssee.tiles")


class _BlobRange:
    """A ``RangeSource`` over an object-store blob: each read is one ranged GET, run on the event loop
    from the worker thread that asks (the blob store's API is async)."""

    def __init__(self, blobs: BlobStore, key: str, size: int, loop: asyncio.AbstractEventLoop) -> None:
        self._blobs = blobs
        self._key = key
        self._loop = loop
        self.size = size

    def read_at(self, offset: int, length: int) -> bytes:
        async def collect() -> bytes:
            return b"".join([chunk async for chunk in self._blobs.read_range(self._key, offset, length)])

        return _run(collect(), self._loop)

    def close(self) -> None:
        pass


def _run(coroutine: Coroutine[Any, Any, T], loop: asyncio.AbstractEventLoop) -> T:
    return asyncio.run_coroutine_threadsafe(coroutine, loop).result()


@dataclass
class _Open:
    ref: BasemapRef
    archive: Archive
    version: str


def _unreadable() -> Unavailable:
    # A new exception each time: raising one instance again would grow its traceback at every request.
    return Unavailable(FieldError("basemap", "the basemap cannot be read at the moment"))


class TileServer:
    """The basemap as served: re-resolved every few seconds (``odyssee basemap set`` takes effect
    without a restart), one archive open at a time, reads serialised by a lock (the leaf cache)."""

    def __init__(self, settings: Settings, blobs: BlobStore) -> None:
        self.settings = settings
        self.blobs = blobs
        self._lock = threading.Lock()
        self._open: _Open | None = None
        self._checked = 0.0
        self._failed = False  # the basemap could not be read at ``_checked``

    async def current(self) -> _Open | None:
        """The basemap open for reading, or None if none is configured; :class:`Unavailable` (503, naming
        ``basemap``) if it cannot be read, logged once per re-check for the operator."""
        now = time.monotonic()
        if now - self._checked < _RECHECK_S:
            if self._failed:
                raise _unreadable()
            if self._open is not None:
                return self._open
        try:
            opened = await self._reopen(now)
        except (OSError, FormatError, BlobNotFound) as exc:
            self._close()
            self._checked = now
            log.error("the basemap cannot be read, tiles answer 503: %s: %s", type(exc).__name__, exc)
            self._failed = True
            raise _unreadable() from None
        self._failed = False
        return opened

    async def _reopen(self, now: float) -> _Open | None:
        ref = await asyncio.to_thread(resolve_basemap, self.settings)
        self._checked = now
        if ref is None:
            self._close()
            return None
        if self._open is not None and self._open.ref.identity == ref.identity:
            return self._open
        source: RangeSource
        if ref.path is not None:
            source = FileSource(ref.path)
        elif ref.blob is not None and isinstance(self.blobs, LocalBlobStore):
            source = FileSource(self.blobs.path_for(ref.blob))
        else:
            assert ref.blob is not None
            size = await self.blobs.size(ref.blob)
            source = _BlobRange(self.blobs, ref.blob, size, asyncio.get_running_loop())
        archive = await asyncio.to_thread(Archive, source)
        self._close()
        version = hashlib.sha256(ref.identity.encode()).hexdigest()[:16]
        self._open = _Open(ref, archive, version)
        return self._open

    def _close(self) -> None:
        if self._open is not None:
            self._open.archive.source.close()
            self._open = None

    def read(self, archive: Archive, z: int, x: int, y: int) -> tuple[int, bytes] | None:
        """``(offset, bytes)`` of a tile, or None. Blocking: call it in a worker thread."""
        with self._lock:
            found = archive.find(z, x, y)
            if found is None:
                return None
            return found[0], archive.read_tile(*found)


def _server(state: State) -> TileServer:
    server: TileServer | None = state.get("tiles")
    if server is None:
        server = TileServer(state.settings, state.blobs)
        state.tiles = server
    return server


def _check_zxy(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidParameter.field("z", f"must be between 0 and {MAX_ZOOM}")
    for name, value in (("x", x), ("y", y)):
        if not 0 <= value < (1 << z):
            raise InvalidParameter.field(name, f"must be between 0 and {(1 << z) - 1} at zoom {z}")


@route(
    f"{TILES_PATH}/{{z:int}}/{{x:int}}/{{y:int}}",
    http_method=[HttpMethod.GET, HttpMethod.HEAD],
    tags=["public"],
    summary="One basemap tile",
    description="The tile `z/x/y` (XYZ scheme) of the operator's basemap: PNG, JPEG, WebP, AVIF, or MVT with "
    "`Content-Encoding: gzip` when the basemap stores it gzipped. 204 inside the grid where the basemap "
    "has no tile. Strong ETag (304 on If-None-Match); cached a day, or a year (immutable) when `v` is the "
    "current one from tiles.json.",
    responses={
        200: ResponseSpec(None, description="The tile's bytes"),
        204: ResponseSpec(None, description="No tile there (outside the basemap's coverage)"),
        304: ResponseSpec(None, description="Not modified: If-None-Match lists the ETag"),
        400: ResponseSpec(Problem, description="z, x or y outside the tile grid", media_type=_PROBLEM),
        404: ResponseSpec(Problem, description="No basemap is configured", media_type=_PROBLEM),
        503: ResponseSpec(Problem, description="The basemap cannot be read", media_type=_PROBLEM),
    },
    media_type="application/octet-stream",
)
async def tile(
    request: Request[Any, Any, Any],
    # Bounds declared for OpenAPI and checked before any lookup (issue 14 bug 2); _check_zxy checks x, y at z.
    z: Annotated[int, Parameter(description="Zoom level", ge=0, le=MAX_ZOOM)],
    x: Annotated[int, Parameter(description="Column, 0 at the west", ge=0, le=(1 << MAX_ZOOM) - 1)],
    y: Annotated[int, Parameter(description="Row, 0 at the north (XYZ)", ge=0, le=(1 << MAX_ZOOM) - 1)],
    v: Annotated[str | None, Parameter(description="The basemap version from tiles.json")] = None,
) -> Response[bytes]:
    _check_zxy(z, x, y)
    server = _server(request.app.state)
    current = await server.current()
    if current is None:
        raise NotFound("no basemap is configured (odyssee basemap set FILE)")
    cache = _YEAR if v == current.version else _DAY
    found = await asyncio.to_thread(server.read, current.archive, z, x, y)
    if found is None:
        return Response(b"", status_code=204, headers={"Cache-Control": cache})
    offset, data = found
    tag = hashlib.sha256(f"{current.ref.identity}:{offset}:{len(data)}".encode()).hexdigest()[:32]
    etag = f'"{tag}"'
    header = current.archive.header
    headers = {"ETag": etag, "Cache-Control": cache, "Vary": "Accept-Encoding"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(b"", status_code=304, headers=headers)
    if header.tile_compression is Compression.GZIP:
        headers["Content-Encoding"] = "gzip"
    return Response(data, media_type=header.tile_type.media_type, headers=headers)


class TileJSON(msgspec.Struct, omit_defaults=True):
    """TileJSON 3.0.0 (github.com/mapbox/tilejson-spec)."""

    tilejson: str
    tiles: list[str]
    scheme: str
    minzoom: int
    maxzoom: int
    name: str | None = None
    description: str | None = None
    attribution: str | None = None
    bounds: list[float] | None = None
    center: list[float] | None = None
    vector_layers: list[dict[str, Any]] | None = None
    format: str | None = None


@get(
    f"{TILES_PATH}.json",
    tags=["public"],
    summary="The basemap's TileJSON",
    description="TileJSON 3.0.0 for the basemap: the tile URL template (with `?v=` for long caching), zooms, "
    "bounds, centre, attribution and, for vector tiles, `vector_layers`; MapLibre, Leaflet or OpenLayers "
    "can draw it. 404 when no basemap is configured.",
    responses={
        404: ResponseSpec(Problem, description="No basemap is configured", media_type=_PROBLEM),
        503: ResponseSpec(Problem, description="The basemap cannot be read", media_type=_PROBLEM),
    },
    cache_control=None,
)
async def tilejson(request: Request[Any, Any, Any]) -> Response[TileJSON]:
    current = await _server(request.app.state).current()
    if current is None:
        raise NotFound("no basemap is configured (odyssee basemap set FILE)")
    header = current.archive.header
    metadata = await asyncio.to_thread(_metadata, current.archive)
    base = str(request.base_url).rstrip("/")

    def text(key: str) -> str | None:
        value = metadata.get(key)
        return value if isinstance(value, str) else None

    layers = metadata.get("vector_layers")
    body = TileJSON(
        tilejson="3.0.0",
        tiles=[f"{base}{TILES_PATH}/{{z}}/{{x}}/{{y}}?v={current.version}"],
        scheme="xyz",
        name=text("name"),
        description=text("description"),
        attribution=text("attribution"),
        minzoom=header.min_zoom,
        maxzoom=header.max_zoom,
        bounds=list(header.bounds),
        center=[*header.center[:2], float(header.center[2])],
        vector_layers=layers if isinstance(layers, list) and header.tile_type.is_vector else None,
        format=header.tile_type.label if not header.tile_type.is_vector else "pbf",
    )
    return Response(body, headers={"Cache-Control": "public, max-age=300"})


def _metadata(archive: Archive) -> dict[str, Any]:
    try:
        return archive.metadata()
    except ValueError:
        return {}
