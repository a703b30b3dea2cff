"""The whole published catalogue (routes and POIs) as one schema.org JSON-LD graph (``odyssee export``)."""

from __future__ import annotations

from typing import Any

from content.core.db import Database
from content.core.paging import PUBLIC
from content.exports.jsonld import catalogue_jsonld
from content.pois.features import PoiFeature, PoiFeatureAll
from content.pois.public import public_poi
from content.pois.queries import PoiQuery, list_pois
from content.routes.features import RouteDetail
from content.routes.public import public_route
from content.routes.queries import RouteQuery, list_routes
from content.text.localize import LanguageChoice, Localizer

__all__ = ["export_catalogue_jsonld"]

_PAGE = 500


async def _route_ids(db: Database) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        async with db.read() as conn:
            page = await list_routes(conn, RouteQuery(limit=_PAGE, after=after))
        ids += [route.id for route in page.items]
        if page.next_key is None:
            return ids
        after = page.next_key


async def _poi_ids(db: Database) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        async with db.read() as conn:
            page = await list_pois(conn, PoiQuery(statuses=PUBLIC, limit=_PAGE, after=after))
        ids += [poi.id for poi in page.items]
        if page.next_key is None:
            return ids
        after = page.next_key


async def export_catalogue_jsonld(db: Database, base_url: str, default_lang: str) -> dict[str, Any]:
    """Every published route and POI, in id order, texts in every language."""
    localizer = Localizer(LanguageChoice.all_languages(), default_lang)
    routes: list[RouteDetail] = []
    for route_id in await _route_ids(db):
        async with db.snapshot() as conn:
            routes.append(await public_route(conn, route_id, localizer))
    pois: list[PoiFeature | PoiFeatureAll] = []
    for poi_id in await _poi_ids(db):
        async with db.read() as conn:
            pois.append(await public_poi(conn, poi_id, localizer))
    return catalogue_jsonld(routes, pois, base_url)
