"""``GET /api/v1/pois`` and ``GET /api/v1/pois/{id}``: published POIs as GeoJSON."""

from __future__ import annotations

from typing import Annotated, Any, cast

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import PathParameter, QueryParameter

from content.core.errors import NotFound
from content.core.ids import is_valid_id
from content.core.model import POI_CATEGORIES
from content.core.paging import cursor_scope, open_paging
from content.exports import poi_jsonld
from content.pois.features import PoiCollection, PoiCollectionAll, PoiFeature, PoiFeatureAll
from content.pois.public import public_near_json, public_poi, public_pois_json
from content.pois.queries import PoiQuery
from content.text.localize import Localizer
from service.exports import FormatParam, base_url, jsonld_response, parse_format
from service.params import (
    CursorQuery,
    LimitQuery,
    parse_choice,
    parse_language,
    parse_page,
    parse_place,
    parse_q,
    parse_updated_since,
)
from service.problems import problem_responses
from service.public import (
    GEO_JSON,
    LIST_CACHE,
    AcceptLanguage,
    UpdatedSince,
    content_language,
    feature_cache,
    near_index,
    store_of,
)

__all__ = ["PoiController"]

OptionalQuery = str | None


class PoiController(Controller):
    path = "/api/v1/pois"

    @get(
        "/", media_type=GEO_JSON, cache_control=LIST_CACHE, tags=["public"], responses=problem_responses(400)
    )
    async def list_pois(
        self,
        state: State,
        accept_language: AcceptLanguage = None,
        near: Annotated[
            OptionalQuery, QueryParameter(description="lat,lon; results sorted by distance")
        ] = None,
        radius_m: Annotated[
            OptionalQuery, QueryParameter(description="with near: (0, 100000], default 10000")
        ] = None,
        bbox: Annotated[OptionalQuery, QueryParameter(description="minLon,minLat,maxLon,maxLat")] = None,
        category: Annotated[OptionalQuery, QueryParameter(description=", ".join(POI_CATEGORIES))] = None,
        q: Annotated[OptionalQuery, QueryParameter(description="text search, accents folded")] = None,
        lang: Annotated[
            OptionalQuery, QueryParameter(description="language tag, or * for every translation")
        ] = None,
        limit: LimitQuery = None,
        cursor: CursorQuery = None,
        updated_since: UpdatedSince = None,
    ) -> Response[PoiCollection | PoiCollectionAll]:
        """Published POIs in one FeatureCollection page, filtered by place, category and text."""
        db, settings = store_of(state)
        where, box = parse_place(near, radius_m, bbox)
        chosen = parse_choice(category, "category", POI_CATEGORIES)
        text = parse_q(q)
        choice, _ = parse_language(lang, accept_language)
        page = parse_page(limit, cursor)
        since = parse_updated_since(updated_since)
        scope = cursor_scope("pois", where, box, chosen, text, since)
        localizer = Localizer(choice, settings.default_lang)
        async with db.read() as conn:
            paging = await open_paging(conn, page, scope)
        query = PoiQuery(
            near=where,
            bbox=box,
            category=chosen,
            q=text,
            updated_since=since,
            limit=paging.limit,
            after=paging.after,
        )
        cache = feature_cache(state)
        body = None
        if query.near is not None:
            body = await public_near_json(db, near_index(state), query, localizer, paging.cursor_of, cache)
        if body is None:
            async with db.read() as conn:
                body = await public_pois_json(conn, query, localizer, paging.cursor_of, cache)
        # The page comes encoded (from features rendered once per POI version); the annotation above
        # still describes it, for the OpenAPI document.
        response = Response(body, media_type=GEO_JSON, headers=content_language(localizer))
        return cast("Response[PoiCollection | PoiCollectionAll]", response)

    @get(
        "/{poi_id:str}",
        media_type=GEO_JSON,
        cache_control=LIST_CACHE,
        tags=["public"],
        responses=problem_responses(400, 404),
    )
    async def get_poi(
        self,
        state: State,
        request: Request[Any, Any, Any],
        poi_id: Annotated[str, PathParameter(description="the POI id")],
        accept_language: AcceptLanguage = None,
        lang: Annotated[
            OptionalQuery, QueryParameter(description="language tag, or * for every translation")
        ] = None,
        format: FormatParam = None,
    ) -> Response[PoiFeature | PoiFeatureAll]:
        """One published POI as a GeoJSON Feature; ``format=jsonld``: a schema.org
        ``TouristAttraction`` (with the closest specific type) as ``application/ld+json``."""
        db, settings = store_of(state)
        choice, _ = parse_language(lang, accept_language)
        wanted = parse_format(format)
        if not is_valid_id(poi_id):
            raise NotFound(f"no published POI {poi_id[:80]!r}")
        localizer = Localizer(choice, settings.default_lang)
        async with db.read() as conn:
            feature = await public_poi(conn, poi_id, localizer)
        if wanted == "jsonld":
            text_lang = None if choice.every else localizer.content_language().split(",")[0].strip()
            document = poi_jsonld(feature, base_url(request), text_lang)
            return cast("Response[PoiFeature | PoiFeatureAll]", jsonld_response(document, localizer))
        return Response(feature, media_type=GEO_JSON, headers=content_language(localizer))
