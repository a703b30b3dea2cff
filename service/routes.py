"""``GET /api/v1/routes`` (summaries) and ``GET /api/v1/routes/{id}`` (GeoJSON line and stops)."""

from __future__ import annotations

from typing import Annotated, Any, cast

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import PathParameter, QueryParameter

from content.core.errors import NotFound
from content.core.ids import is_valid_id
from content.core.model import ROUTE_THEMES
from content.core.paging import cursor_scope, open_paging
from content.exports import route_jsonld
from content.routes.features import RouteDetail, RouteList
from content.routes.public import public_route, public_routes
from content.routes.queries import RouteQuery
from content.text.localize import Localizer
from packs.route_packs import route_packs
from service.exports import FormatParam, base_url, jsonld_response, parse_format
from service.params import (
    CursorQuery,
    LimitQuery,
    parse_choice,
    parse_language,
    parse_near,
    parse_page,
    parse_updated_since,
)
from service.problems import problem_responses
from service.public import GEO_JSON, LIST_CACHE, AcceptLanguage, UpdatedSince, content_language, store_of

__all__ = ["RouteController"]

OptionalQuery = str | None
LangParam = Annotated[
    OptionalQuery,
    QueryParameter(
        description="language tag (lists keep only routes complete in it), or * for every translation"
    ),
]


class RouteController(Controller):
    path = "/api/v1/routes"

    @get("/", cache_control=LIST_CACHE, tags=["public"], responses=problem_responses(400))
    async def list_routes(
        self,
        state: State,
        accept_language: AcceptLanguage = None,
        near: Annotated[
            OptionalQuery, QueryParameter(description="lat,lon; routes passing nearest first")
        ] = None,
        radius_m: Annotated[
            OptionalQuery, QueryParameter(description="with near: (0, 100000], default 10000")
        ] = None,
        theme: Annotated[OptionalQuery, QueryParameter(description=", ".join(ROUTE_THEMES))] = None,
        lang: LangParam = None,
        limit: LimitQuery = None,
        cursor: CursorQuery = None,
        updated_since: UpdatedSince = None,
    ) -> Response[RouteList]:
        """Published route summaries (``{items, next}``), filtered by place, theme and language."""
        db, settings = store_of(state)
        where = parse_near(near, radius_m)
        chosen = parse_choice(theme, "theme", ROUTE_THEMES)
        choice, only_lang = parse_language(lang, accept_language)
        page = parse_page(limit, cursor)
        since = parse_updated_since(updated_since)
        scope = cursor_scope("routes", where, chosen, only_lang, since)
        localizer = Localizer(choice, settings.default_lang)
        async with db.read() as conn:
            paging = await open_paging(conn, page, scope)
            query = RouteQuery(
                near=where,
                theme=chosen,
                lang=only_lang,
                updated_since=since,
                limit=paging.limit,
                after=paging.after,
            )
            routes = await public_routes(conn, query, localizer, paging.cursor_of, route_packs)
        return Response(routes, headers=content_language(localizer))

    @get(
        "/{route_id:str}",
        media_type=GEO_JSON,
        cache_control=LIST_CACHE,
        tags=["public"],
        responses=problem_responses(400, 404),
    )
    async def get_route(
        self,
        state: State,
        request: Request[Any, Any, Any],
        route_id: Annotated[str, PathParameter(description="the route id")],
        accept_language: AcceptLanguage = None,
        lang: Annotated[
            OptionalQuery, QueryParameter(description="language tag, or * for every translation")
        ] = None,
        format: FormatParam = None,
    ) -> Response[RouteDetail]:
        """A published route: its LineString feature, then one Point feature per stop, in order.

        ``format=jsonld``: a schema.org ``TouristTrip`` whose ``itinerary`` is an ordered ``ItemList`` of
        ``TouristAttraction``s (``application/ld+json``)."""
        db, settings = store_of(state)
        choice, _ = parse_language(lang, accept_language)
        wanted = parse_format(format)
        if not is_valid_id(route_id):
            raise NotFound(f"no published route {route_id[:80]!r}")
        localizer = Localizer(choice, settings.default_lang)
        async with db.snapshot() as conn:
            detail = await public_route(conn, route_id, localizer, route_packs)
        if wanted == "jsonld":
            text_lang = None if choice.every else localizer.content_language().split(",")[0].strip()
            document = route_jsonld(detail, base_url(request), text_lang)
            return cast("Response[RouteDetail]", jsonld_response(document, localizer))
        return Response(detail, media_type=GEO_JSON, headers=content_language(localizer))
