"""``GET /api/v1/health``: liveness and the running version; ``?deep=true`` also checks the database and
the blob store, and answers 503 naming the part that fails."""

from __future__ import annotations

import asyncio
from importlib import metadata
from typing import Annotated

import msgspec
from litestar import get
from litestar.datastructures import CacheControlHeader, State
from litestar.params import QueryParameter

from content.core.errors import FieldError, Unavailable
from content.operations.probes import probe_blob_store, probe_database
from service.problems import problem_responses

__all__ = ["VERSION", "Health", "health"]

try:
    VERSION = metadata.version("odyssee")
except metadata.PackageNotFoundError:  # running from a source tree without installation
    VERSION = "0.0.0+source"


class Health(msgspec.Struct, frozen=True, omit_defaults=True):
    status: str
    version: str
    checks: dict[str, str] = {}
    """With ``deep=true``: ``database`` and ``blob_store``, each ``ok``."""


@get(
    "/api/v1/health",
    tags=["public"],
    cache_control=CacheControlHeader(no_cache=True),
    responses=problem_responses(503),
)
async def health(
    state: State,
    deep: Annotated[bool, QueryParameter(description="also check the database and blob store")] = False,
) -> Health:
    """Liveness check used by the container HEALTHCHECK and load balancers. ``deep=true`` checks that
    the database answers reads and writes and that the blob store can be reached: 503 otherwise, with
    each failing part named in ``errors``."""
    if not deep:
        return Health(status="ok", version=VERSION)
    database, blob_store = await asyncio.gather(probe_database(state.db), probe_blob_store(state.blobs))
    failing = [
        FieldError(name, reason)
        for name, reason in (("database", database), ("blob_store", blob_store))
        if reason
    ]
    if failing:
        raise Unavailable(failing)
    return Health(status="ok", version=VERSION, checks={"database": "ok", "blob_store": "ok"})
