"""Which counters a reader may see, and which the filters keep, as SQL fragments with named parameters.

Staff see their office's routes (with their packs and stops), POIs and producers, plus the area packs,
which belong to the whole territory; producers see the views and contact clicks of their own producer;
admins see everything. The fragments are fixed text: only the parameters vary.
"""

from __future__ import annotations

from typing import Any

import msgspec

from content.accounts.principal import Principal

__all__ = ["PRODUCER_TYPES", "Filters", "scope_sql"]

PRODUCER_TYPES = ("producer_viewed", "producer_contacted", "producer_read")

_STAFF = """(
 (kind = 'route' AND object_id IN (SELECT id FROM routes WHERE office_id = :office))
 OR (kind = 'poi' AND object_id IN (SELECT id FROM pois WHERE office_id = :office))
 OR (kind = 'producer' AND object_id IN (SELECT id FROM producers WHERE office_id = :office))
 OR (kind = 'pack' AND (object_id LIKE 'area:%'
     OR substr(object_id, 7) IN (SELECT id FROM routes WHERE office_id = :office)))
)"""
_PRODUCER = (
    "(kind = 'producer' AND object_id = :own_producer"
    " AND type IN ('producer_viewed', 'producer_contacted', 'producer_read'))"
)
_ROUTE = "(kind = 'route' AND object_id = :route) OR (kind = 'pack' AND object_id = 'route:' || :route)"
_POI = "(kind = 'poi' AND object_id = :poi)"
_PRODUCER_FILTER = "(kind = 'producer' AND object_id = :producer)"


class Filters(msgspec.Struct, frozen=True):
    route_id: str | None = None
    poi_id: str | None = None
    producer_id: str | None = None


def scope_sql(principal: Principal | None, filters: Filters) -> tuple[str, dict[str, Any]]:
    """``(condition, parameters)`` for ``analytics_facets``; ``principal`` None is the operator (CLI)."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    if principal is not None and principal.role == "staff":
        parts.append(_STAFF)
        params["office"] = principal.office_id
    elif principal is not None and principal.role == "producer":
        parts.append(_PRODUCER)
        params["own_producer"] = principal.producer_id
    wanted: list[str] = []
    if filters.route_id is not None:
        wanted.append(_ROUTE)
        params["route"] = filters.route_id
    if filters.poi_id is not None:
        wanted.append(_POI)
        params["poi"] = filters.poi_id
    if filters.producer_id is not None:
        wanted.append(_PRODUCER_FILTER)
        params["producer"] = filters.producer_id
    if wanted:
        parts.append("(" + " OR ".join(wanted) + ")")
    return (" AND ".join(parts) or "1"), params
