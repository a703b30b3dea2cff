"""What the public read controllers share: media type, caching, and the served language header."""

from __future__ import annotations

from typing import Annotated

from litestar.datastructures import CacheControlHeader
from litestar.params import HeaderParameter

from content.localize import Localizer

__all__ = ["GEO_JSON", "LIST_CACHE", "AcceptLanguage", "content_language"]

GEO_JSON = "application/geo+json"
# Published content changes by editor action; a minute of staleness keeps phones and CDNs light.
LIST_CACHE = CacheControlHeader(public=True, max_age=60)

AcceptLanguage = Annotated[
    str | None,
    HeaderParameter(name="Accept-Language", required=False, description="used when lang is absent"),
]


def content_language(localizer: Localizer) -> dict[str, str]:
    return {"Content-Language": localizer.content_language()}
