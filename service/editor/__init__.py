"""The editing API: offices, accounts, POIs, routes and media uploads."""

from __future__ import annotations

from service.editor.http import EDITOR_CACHE, if_match, with_etag
from service.editor.offices import OfficesController
from service.editor.pois import PoiEditorController
from service.editor.routes import RouteEditorController
from service.editor.uploads import media_upload
from service.editor.users import UsersController

__all__ = [
    "EDITOR_CACHE",
    "OfficesController",
    "PoiEditorController",
    "RouteEditorController",
    "UsersController",
    "if_match",
    "media_upload",
    "with_etag",
]
