"""``GET /api/v1/health``: liveness and the running version."""

from __future__ import annotations

from importlib import metadata

import msgspec
from litestar import get
from litestar.datastructures import CacheControlHeader

__all__ = ["VERSION", "Health", "health"]

try:
    VERSION = metadata.version("odyssee")
except metadata.PackageNotFoundError:  # running from a source tree without installation
    VERSION = "0.0.0+source"


class Health(msgspec.Struct, frozen=True):
    status: str
    version: str


@get("/api/v1/health", tags=["public"], cache_control=CacheControlHeader(no_cache=True), sync_to_thread=False)
def health() -> Health:
    """Liveness check used by the container HEALTHCHECK and load balancers."""
    return Health(status="ok", version=VERSION)
