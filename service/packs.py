"""Offline packs (API.md, "Offline packs"): catalogue, one pack, its manifest, the ZIP, deltas, keys."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, HttpMethod, Request, Response, get, route
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter, QueryParameter
from litestar.response.base import ASGIResponse

from content.blobs import BlobStore
from content.core.errors import NotFound
from content.places.place import Near
from content.text.localize import Localizer
from packs.builder import ZIP_TYPE, PackBuilder
from packs.delta_builder import delta_for
from packs.pack_id import PackId
from packs.signing import PackKeys
from packs.store import PackRow, get_pack, get_version, list_packs
from service.deps import BlobsDep, DatabaseDep, SettingsDep
from service.params import MAX_SQL_INT, parse_language, parse_near
from service.problems import Problem
from service.public import LIST_CACHE, AcceptLanguage, content_language
from service.ranges import blob_response

__all__ = ["PackCatalogue", "PackController", "PackEntry"]

PACKS_PATH = "/api/v1/packs"
_Text = str | dict[str, str] | None
OptionalQuery = str | None
PackIdText = Annotated[str, PathParameter(description="route:<route id> or area:<area id>; ':' may be %3A")]


class PackEntry(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    id: str
    kind: str
    title: _Text
    version: int
    size: int
    sha256: str
    built_at: str
    languages: list[str]
    bbox: list[float]
    download_url: str
    manifest_url: str | None = None


class PackCatalogue(msgspec.Struct, frozen=True):
    """The catalogue, shaped like every non-GeoJSON list (``{items, next}``); it is never paged."""

    items: list[PackEntry]
    next: str | None = None


def _url(pack_id: str, leaf: str) -> str:
    return f"{PACKS_PATH}/{quote(pack_id, safe=':')}/{leaf}"


def _entry(pack: PackRow, localizer: Localizer, *, detail: bool = False) -> PackEntry:
    return PackEntry(
        id=pack.id,
        kind=pack.kind,
        title=localizer.feature().text(pack.title),
        version=pack.version,
        size=pack.size,
        sha256=pack.sha256,
        built_at=pack.built_at,
        languages=pack.languages,
        bbox=list(pack.bbox),
        download_url=_url(pack.id, "download"),
        manifest_url=_url(pack.id, "manifest") if detail else None,
    )


def _meets(pack: PackRow, near: Near) -> bool:
    min_lon, min_lat, max_lon, max_lat = near.box
    return (
        pack.bbox[0] <= max_lon
        and pack.bbox[2] >= min_lon
        and pack.bbox[1] <= max_lat
        and pack.bbox[3] >= min_lat
    )


def _speaks(pack: PackRow, lang: str) -> bool:
    primary = lang.split("-")[0]
    return any(tag == lang or tag.split("-")[0] == primary for tag in pack.languages)


def _builder(state: State) -> PackBuilder:
    builder: PackBuilder = state.packs
    return builder


async def _current(db: DatabaseDep, pack_id: PackId) -> PackRow:
    async with db.read() as conn:
        pack = await get_pack(conn, pack_id)
    if pack is None:
        raise NotFound(f"no pack '{pack_id}'")
    return pack


_PROBLEM = "application/problem+json"
# A malformed id (not route:<id> or area:<id>) is a 400 problem, an unknown one a 404.
_ID_RESPONSES = {
    400: ResponseSpec(Problem, description="Not a pack id", media_type=_PROBLEM),
    404: ResponseSpec(Problem, description="No such pack", media_type=_PROBLEM),
}
_ZIP_RESPONSES = {
    200: ResponseSpec(None, description="The whole ZIP (application/zip), never content-encoded"),
    206: ResponseSpec(None, description="The requested byte range, with Content-Range"),
    304: ResponseSpec(None, description="Not modified"),
    400: ResponseSpec(Problem, description="Not a pack id", media_type=_PROBLEM),
    404: ResponseSpec(Problem, description="No such pack", media_type=_PROBLEM),
    412: ResponseSpec(Problem, description="If-Match does not list the ETag", media_type=_PROBLEM),
    416: ResponseSpec(Problem, description="Range not satisfiable", media_type=_PROBLEM),
}


class PackController(Controller):
    path = PACKS_PATH
    tags = ("packs",)

    @get(
        "/",
        cache_control=LIST_CACHE,
        summary="The pack catalogue",
        responses={400: ResponseSpec(Problem, description="A bad filter", media_type=_PROBLEM)},
    )
    async def catalogue(
        self,
        db: DatabaseDep,
        settings: SettingsDep,
        accept_language: AcceptLanguage = None,
        near: Annotated[
            OptionalQuery, QueryParameter(description="lat,lon; packs whose box meets the circle")
        ] = None,
        radius_m: Annotated[
            OptionalQuery, QueryParameter(description="with near: (0, 100000], default 10000")
        ] = None,
        lang: Annotated[
            OptionalQuery, QueryParameter(description="keep packs in this language; * for every title")
        ] = None,
    ) -> Response[PackCatalogue]:
        """Every pack (``{items}``), optionally only those near a point or in a language."""
        where = parse_near(near, radius_m)
        choice, only_lang = parse_language(lang, accept_language)
        localizer = Localizer(choice, settings.default_lang)
        async with db.read() as conn:
            packs = await list_packs(conn)
        chosen = [
            pack
            for pack in packs
            if (where is None or _meets(pack, where)) and (only_lang is None or _speaks(pack, only_lang))
        ]
        body = PackCatalogue(items=[_entry(pack, localizer) for pack in chosen])
        return Response(body, headers=content_language(localizer))

    @get("/keys", cache_control=LIST_CACHE, summary="The public keys that verify packs")
    async def keys(self, state: State) -> PackKeys:
        """``{"keys": [{kid, alg, public_key}]}``: raw Ed25519 public keys, base64, oldest first."""
        return await asyncio.to_thread(_builder(state).keyring.public_keys)

    @get(
        "/{pack_id:str}",
        cache_control=LIST_CACHE,
        summary="One pack",
        responses=_ID_RESPONSES,
    )
    async def read(
        self,
        db: DatabaseDep,
        settings: SettingsDep,
        pack_id: PackIdText,
        accept_language: AcceptLanguage = None,
        lang: Annotated[OptionalQuery, QueryParameter(description="title language, or *")] = None,
    ) -> Response[PackEntry]:
        """The catalogue entry, plus ``manifest_url``."""
        pack = await _current(db, PackId.parse(pack_id))
        choice, _ = parse_language(lang, accept_language)
        localizer = Localizer(choice, settings.default_lang)
        return Response(_entry(pack, localizer, detail=True), headers=content_language(localizer))

    @get(
        "/{pack_id:str}/manifest",
        summary="The current manifest.json, byte for byte",
        media_type="application/json",
        responses=_ID_RESPONSES,
    )
    async def manifest(self, db: DatabaseDep, pack_id: PackIdText) -> Response[bytes]:
        """The current ``manifest.json``, byte for byte; ``manifest.sig`` in ``X-Pack-Signature``."""
        wanted = PackId.parse(pack_id)
        pack = await _current(db, wanted)
        async with db.read() as conn:
            version = await get_version(conn, wanted, pack.version)
        if version is None:
            raise NotFound(f"pack '{wanted}' has no version {pack.version}")
        headers = {
            "X-Pack-Signature": version.signature.decode("ascii"),
            "ETag": f'"{hashlib.sha256(version.manifest).hexdigest()}"',
            "Cache-Control": "no-cache",
        }
        return Response(version.manifest, media_type="application/json", headers=headers)

    @route(
        "/{pack_id:str}/download",
        http_method=[HttpMethod.GET, HttpMethod.HEAD],
        summary="The pack ZIP",
        media_type=ZIP_TYPE,
        responses={
            **_ZIP_RESPONSES,
            307: ResponseSpec(None, description="The same file at an immutable object-store URL"),
        },
    )
    async def download(
        self,
        request: Request[Any, Any, Any],
        db: DatabaseDep,
        blobs: BlobsDep,
        settings: SettingsDep,
        pack_id: PackIdText,
    ) -> ASGIResponse:
        """The ZIP with full Range semantics; the strong ETag is its SHA-256."""
        wanted = PackId.parse(pack_id)
        pack = await _current(db, wanted)
        if settings.s3_redirect:
            url = blobs.public_url(pack.sha256)
            if url is not None:
                return ASGIResponse(status_code=307, headers={"Location": url, "Cache-Control": "no-cache"})
        return await _zip(request, blobs, pack.sha256, pack.size, f"{wanted.stem}.v{pack.version}.zip")

    @route(
        "/{pack_id:str}/delta",
        http_method=[HttpMethod.GET, HttpMethod.HEAD],
        summary="A delta ZIP from version N",
        media_type=ZIP_TYPE,
        responses={
            **_ZIP_RESPONSES,
            410: ResponseSpec(
                Problem,
                description="Version N is unknown or too old: take the full pack",
                media_type=_PROBLEM,
            ),
        },
    )
    async def delta(
        self,
        request: Request[Any, Any, Any],
        state: State,
        db: DatabaseDep,
        blobs: BlobsDep,
        pack_id: PackIdText,
        from_version: Annotated[
            int, QueryParameter(name="from", ge=0, le=MAX_SQL_INT, description="the installed version")
        ],
    ) -> ASGIResponse:
        """304 if ``from`` is the current version, 410 if it cannot be delta'd from, else the delta ZIP."""
        wanted = PackId.parse(pack_id)
        delta = await delta_for(_builder(state), wanted, from_version)
        if delta is None:
            return ASGIResponse(status_code=304, is_head_response=request.method == "HEAD")
        name = f"{wanted.stem}.delta-{delta.from_version}-{delta.to_version}.zip"
        return await _zip(request, blobs, delta.sha256, delta.size, name)


async def _zip(
    request: Request[Any, Any, Any], blobs: BlobStore, sha256: str, size: int, name: str
) -> ASGIResponse:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return await blob_response(request, blobs, sha256=sha256, size=size, media_type=ZIP_TYPE, headers=headers)
