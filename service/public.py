"""What the public read controllers share: media type, caching, and the served language header."""

from __future__ import annotations

from typing import Annotated

from litestar.datastructures import CacheControlHeader, State
from litestar.params import HeaderParameter, QueryParameter

from content.core.db import Database
from content.core.settings import Settings
from content.pois.rendered import FeatureCache
from content.text.localize import Localizer

__all__ = [
    "GEO_JSON",
    "LIST_CACHE",
    "AcceptLanguage",
    "UpdatedSince",
    "content_language",
    "feature_cache",
    "store_of",
]

GEO_JSON = "application/geo+json"
# Published content changes by editor action; a minute of staleness keeps phones and CDNs light.
LIST_CACHE = CacheControlHeader(public=True, max_age=60)

UpdatedSince = Annotated[
    str | None,
    QueryParameter(
        description="RFC 3339 date-time with offset: only what was updated after it (incremental sync)"
    ),
]
AcceptLanguage = Annotated[
    str | None,
    HeaderParameter(name="Accept-Language", required=False, description="used when lang is absent"),
]


def content_language(localizer: Localizer) -> dict[str, str]:
    return {"Content-Language": localizer.content_language()}


def store_of(state: State) -> tuple[Database, Settings]:
    """The app's store and settings, read from app state.

    The public reads take them from state rather than through dependency injection, which resolves
    providers in a task group: a measurable cost on the hottest endpoints.
    """
    db, settings = state["db"], state["settings"]
    assert isinstance(db, Database)
    assert isinstance(settings, Settings)
    return db, settings


_FEATURE_CACHE = "poi_feature_cache"


def feature_cache(state: State) -> FeatureCache:
    """The app's rendered POI features (one cache per app, so per database)."""
    cache = state.get(_FEATURE_CACHE)
    if not isinstance(cache, FeatureCache):
        cache = state[_FEATURE_CACHE] = FeatureCache()
    return cache
