"""What the public read controllers share: media type, caching, and the served language header."""

from __future__ import annotations

from typing import Annotated

from litestar.datastructures import CacheControlHeader, State
from litestar.params import HeaderParameter, QueryParameter

from content.core.db import Database
from content.core.settings import Settings
from content.pois.near_index import NearIndex
from content.pois.rendered import FeatureCache
from content.text.localize import Localizer

__all__ = [
    "GEO_JSON",
    "LIST_CACHE",
    "AcceptLanguage",
    "UpdatedSince",
    "close_near_index",
    "content_language",
    "feature_cache",
    "near_index",
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


_NEAR_INDEX = "poi_near_index"


def near_index(state: State) -> NearIndex:
    """The app's in-memory index for "near me" (one per app, so per database and process)."""
    index = state.get(_NEAR_INDEX)
    if not isinstance(index, NearIndex):
        db, _ = store_of(state)
        index = state[_NEAR_INDEX] = NearIndex(db.path)
    return index


def close_near_index(state: State) -> None:
    index = state.get(_NEAR_INDEX)
    if isinstance(index, NearIndex):
        index.close()
