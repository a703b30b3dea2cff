"""Routes for other systems: ``GET /api/v1/routes/{id}/gpx`` and ``…/kml``, and the JSON-LD answers
of the route and POI details (``?format=jsonld``)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import PathParameter, QueryParameter

from content.core.errors import InvalidParameter, NotFound
from content.core.ids import is_valid_id
from content.exports import GPX_MEDIA_TYPE, JSONLD_MEDIA_TYPE, KML_MEDIA_TYPE, route_gpx, route_kml
from content.routes.features import RouteDetail
from content.routes.public import public_route
from content.text.localize import LanguageChoice, Localizer
from service.params import parse_language
from service.problems import problem_responses
from service.public import LIST_CACHE, AcceptLanguage, content_language, store_of

__all__ = ["FORMATS", "RouteExportController", "base_url", "jsonld_response", "parse_format"]

FORMATS = ("geojson", "jsonld")
FormatParam = Annotated[
    str | None,
    QueryParameter(
        description="geojson (the default), or jsonld for schema.org JSON-LD (application/ld+json)"
    ),
]
_encode = msgspec.json.Encoder().encode


def parse_format(value: str | None) -> str:
    if value is None or value == "geojson":
        return "geojson"
    if value == "jsonld":
        return value
    raise InvalidParameter.field("format", f"must be one of {', '.join(FORMATS)}")


def base_url(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")


def jsonld_response(document: dict[str, Any], localizer: Localizer) -> Response[bytes]:
    return Response(_encode(document), media_type=JSONLD_MEDIA_TYPE, headers=content_language(localizer))


def _one_language(lang: str | None, accept_language: str | None) -> LanguageChoice:
    if lang == "*":
        raise InvalidParameter.field("lang", "GPX and KML hold one language: use a language tag such as fr")
    choice, _ = parse_language(lang, accept_language)
    return choice


LangParam = Annotated[str | None, QueryParameter(description="language tag (one language)")]


class RouteExportController(Controller):
    path = "/api/v1/routes"

    async def _detail(
        self, state: State, route_id: str, lang: str | None, accept_language: str | None
    ) -> tuple[RouteDetail, Localizer]:
        db, settings = store_of(state)
        localizer = Localizer(_one_language(lang, accept_language), settings.default_lang)
        if not is_valid_id(route_id):
            raise NotFound(f"no published route {route_id[:80]!r}")
        async with db.snapshot() as conn:
            return await public_route(conn, route_id, localizer), localizer

    def _file(self, body: bytes, media_type: str, name: str, localizer: Localizer) -> Response[bytes]:
        headers = {**content_language(localizer), "Content-Disposition": f'attachment; filename="{name}"'}
        return Response(body, media_type=media_type, headers=headers)

    @get(
        "/{route_id:str}/gpx",
        media_type=GPX_MEDIA_TYPE,
        cache_control=LIST_CACHE,
        tags=["public"],
        responses=problem_responses(400, 404),
    )
    async def route_as_gpx(
        self,
        state: State,
        request: Request[Any, Any, Any],
        route_id: Annotated[str, PathParameter(description="the route id")],
        accept_language: AcceptLanguage = None,
        lang: LangParam = None,
    ) -> Response[bytes]:
        """A published route as GPX 1.1: a track, and one waypoint per stop in order."""
        detail, localizer = await self._detail(state, route_id, lang, accept_language)
        body = route_gpx(detail, f"{base_url(request)}/api/v1/routes/{route_id}")
        return self._file(body, GPX_MEDIA_TYPE, f"{route_id}.gpx", localizer)

    @get(
        "/{route_id:str}/kml",
        media_type=KML_MEDIA_TYPE,
        cache_control=LIST_CACHE,
        tags=["public"],
        responses=problem_responses(400, 404),
    )
    async def route_as_kml(
        self,
        state: State,
        request: Request[Any, Any, Any],
        route_id: Annotated[str, PathParameter(description="the route id")],
        accept_language: AcceptLanguage = None,
        lang: LangParam = None,
    ) -> Response[bytes]:
        """A published route as KML 2.2: the line, then a folder of its stops in order."""
        detail, localizer = await self._detail(state, route_id, lang, accept_language)
        body = route_kml(detail, f"{base_url(request)}/api/v1/routes/{route_id}")
        return self._file(body, KML_MEDIA_TYPE, f"{route_id}.kml", localizer)
