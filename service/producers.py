"""``GET /api/v1/producers`` and ``GET /api/v1/producers/{id}``: published producers and live offers."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.datastructures import CacheControlHeader, State
from litestar.params import PathParameter, QueryParameter

from content.core.clock import rfc3339
from content.core.errors import NotFound
from content.core.ids import is_valid_id
from content.core.paging import cursor_scope, open_paging
from content.producers.features import ProducerCollection, ProducerFeature
from content.producers.public import ProducerQuery, public_producer, public_producers
from content.producers.vocabulary import LABELS, OFFER_CATEGORIES
from content.text.localize import Localizer
from service.deps import ClockDep, DatabaseDep, SettingsDep
from service.params import (
    CursorQuery,
    LimitQuery,
    parse_language,
    parse_page,
    parse_place,
    parse_updated_since,
)
from service.problems import problem_responses
from service.producer_params import parse_at, parse_available, parse_category, parse_label, parse_open_now
from service.public import GEO_JSON, AcceptLanguage, UpdatedSince, content_language

__all__ = ["PRODUCER_CACHE", "ProducerController"]

# Offers change fast (a producer marks a product sold out from the field): half a minute at most.
PRODUCER_CACHE = CacheControlHeader(public=True, max_age=30)
OptionalQuery = str | None
AtQuery = Annotated[
    OptionalQuery,
    QueryParameter(description="RFC 3339 instant for open_now and available=today; default now"),
]
LangQuery = Annotated[OptionalQuery, QueryParameter(description="language tag, or * for every translation")]


class ProducerController(Controller):
    path = "/api/v1/producers"

    @get(
        "/",
        media_type=GEO_JSON,
        cache_control=PRODUCER_CACHE,
        tags=["public"],
        responses=problem_responses(400),
    )
    async def list_producers(
        self,
        db: DatabaseDep,
        settings: SettingsDep,
        clock: ClockDep,
        state: State,
        accept_language: AcceptLanguage = None,
        near: Annotated[
            OptionalQuery, QueryParameter(description="lat,lon; results sorted by distance")
        ] = None,
        radius_m: Annotated[
            OptionalQuery, QueryParameter(description="with near: (0, 100000], default 10000")
        ] = None,
        bbox: Annotated[OptionalQuery, QueryParameter(description="minLon,minLat,maxLon,maxLat")] = None,
        open_now: Annotated[
            OptionalQuery, QueryParameter(description="true: only farm shops open at `at`")
        ] = None,
        at: AtQuery = None,
        available: Annotated[
            OptionalQuery, QueryParameter(description="today: with an offer buyable today")
        ] = None,
        category: Annotated[
            OptionalQuery, QueryParameter(description=", ".join(OFFER_CATEGORIES) + " (cider = cider_perry)")
        ] = None,
        label: Annotated[OptionalQuery, QueryParameter(description=", ".join(LABELS))] = None,
        lang: LangQuery = None,
        limit: LimitQuery = None,
        cursor: CursorQuery = None,
        updated_since: UpdatedSince = None,
    ) -> Response[ProducerCollection]:
        """Published producers with their current offers, in one FeatureCollection page."""
        now = clock()
        where, box = parse_place(near, radius_m, bbox)
        instant = parse_at(at, now)
        wants_open = parse_open_now(open_now)
        wants_available = parse_available(available)
        chosen = parse_category(category)
        chosen_label = parse_label(label)
        choice, _ = parse_language(lang, accept_language)
        page = parse_page(limit, cursor)
        explicit_at = None if at is None else rfc3339(instant)
        since = parse_updated_since(updated_since)
        scope = cursor_scope(
            "producers", where, box, wants_open, explicit_at, wants_available, chosen, chosen_label, since
        )
        localizer = Localizer(choice, settings.default_lang)
        async with db.read() as conn:
            paging = await open_paging(conn, page, scope)
            query = ProducerQuery(
                now=now,
                at=instant,
                near=where,
                bbox=box,
                open_now=wants_open,
                available_today=wants_available,
                category=chosen,
                label=chosen_label,
                updated_since=since,
                limit=paging.limit,
                after=paging.after,
            )
            collection = await public_producers(conn, query, localizer, paging.cursor_of)
        return Response(collection, media_type=GEO_JSON, headers=content_language(localizer))

    @get(
        "/{producer_id:str}",
        media_type=GEO_JSON,
        cache_control=PRODUCER_CACHE,
        tags=["public"],
        responses=problem_responses(400, 404),
    )
    async def get_producer(
        self,
        db: DatabaseDep,
        settings: SettingsDep,
        clock: ClockDep,
        producer_id: Annotated[str, PathParameter(description="the producer id")],
        accept_language: AcceptLanguage = None,
        at: AtQuery = None,
        lang: LangQuery = None,
    ) -> Response[ProducerFeature]:
        """One published producer as a GeoJSON Feature, with its current offers."""
        now = clock()
        instant = parse_at(at, now)
        choice, _ = parse_language(lang, accept_language)
        if not is_valid_id(producer_id):
            raise NotFound(f"no published producer {producer_id[:80]!r}")
        localizer = Localizer(choice, settings.default_lang)
        async with db.read() as conn:
            feature = await public_producer(conn, producer_id, localizer, now=now, at=instant)
        return Response(feature, media_type=GEO_JSON, headers=content_language(localizer))
