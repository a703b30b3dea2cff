"""The editable aggregates, declared once each for the editing workflow (:mod:`content.editing`):
:data:`POIS`, :data:`ROUTES`, :data:`PRODUCERS`, :data:`OFFERS`, :data:`OFFICES` and :data:`USERS`,
plus the editor lists and histories that go with them."""

from __future__ import annotations

from content.editing.accounts import OFFICES, USERS
from content.editing.affected import routes_affected_by_poi
from content.editing.pois import POIS, poi_etag, poi_page
from content.editing.producers import OFFERS, PRODUCERS, OfferKey, producer_history_page
from content.editing.routes import (
    ROUTES,
    EditorRoute,
    edit_stop,
    route_etag,
    route_page,
    set_stops,
)

__all__ = [
    "OFFERS",
    "OFFICES",
    "POIS",
    "PRODUCERS",
    "ROUTES",
    "USERS",
    "EditorRoute",
    "OfferKey",
    "edit_stop",
    "poi_etag",
    "poi_page",
    "producer_history_page",
    "route_etag",
    "route_page",
    "routes_affected_by_poi",
    "set_stops",
]
