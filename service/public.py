"""What the public read controllers share: media type, caching, and the served language header."""

from __future__ import annotations

from litestar.datastructures import CacheControlHeader

from content.localize import Localizer

__all__ = ["GEO_JSON", "LIST_CACHE", "content_language"]

GEO_JSON = "application/geo+json"
# Published content changes by editor action; a minute of staleness keeps phones and CDNs light.
LIST_CACHE = CacheControlHeader(public=True, max_age=60)


def content_language(localizer: Localizer) -> dict[str, str]:
    return {"Content-Language": localizer.content_language()}
