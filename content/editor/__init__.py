"""Editor use cases for tourism content: scope, ``If-Match``, the write, history and the change event,
all in one transaction per request."""

from __future__ import annotations

from content.editor.affected import routes_affected_by_poi
from content.editor.pois import (
    PoiEditorPage,
    archive_poi,
    change_poi_status,
    edit_poi,
    new_poi,
    poi_etag,
    poi_for_editor,
    poi_history,
    poi_page,
)
from content.editor.routes import (
    EditorRoute,
    RouteEditorPage,
    archive_route,
    change_route_status,
    edit_route,
    new_route,
    route_etag,
    route_for_editor,
    route_history,
    route_page,
    set_stops,
)

__all__ = [
    "EditorRoute",
    "PoiEditorPage",
    "RouteEditorPage",
    "archive_poi",
    "archive_route",
    "change_poi_status",
    "change_route_status",
    "edit_poi",
    "edit_route",
    "new_poi",
    "new_route",
    "poi_etag",
    "poi_for_editor",
    "poi_history",
    "poi_page",
    "route_etag",
    "route_for_editor",
    "route_history",
    "route_page",
    "routes_affected_by_poi",
    "set_stops",
]
