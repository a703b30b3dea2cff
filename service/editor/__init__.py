"""The editing API: offices and accounts here; content editors plug in beside them."""

from __future__ import annotations

from service.editor.http import EDITOR_CACHE, if_match, with_etag
from service.editor.offices import OfficesController
from service.editor.users import UsersController

__all__ = ["EDITOR_CACHE", "OfficesController", "UsersController", "if_match", "with_etag"]
