"""The application factory: one ``create_app()`` wiring settings, the store, errors and controllers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.types import ControllerRouterHandler

from content.db import Database
from content.settings import Settings, load_settings
from service.conditional import ConditionalJSONMiddleware
from service.health import VERSION, health
from service.pois import PoiController
from service.problems import exception_handlers
from service.routes import RouteController

__all__ = ["create_app"]


def _route_handlers() -> Sequence[ControllerRouterHandler]:
    # Each feature adds its router here; the order is the OpenAPI document's order.
    return [health, RouteController, PoiController]


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the app. Settings are read from the environment once, unless given."""
    settings = settings or load_settings()
    db = Database(settings.db_path, readers=settings.db_readers)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await db.open()
        try:
            yield
        finally:
            await db.close()

    async def provide_db() -> Database:
        return db

    async def provide_settings() -> Settings:
        return settings

    dependencies: dict[str, Any] = {
        "db": Provide(provide_db),
        "settings": Provide(provide_settings),
    }
    return Litestar(
        route_handlers=_route_handlers(),
        dependencies=dependencies,
        lifespan=[lifespan],
        exception_handlers=exception_handlers,
        middleware=[ConditionalJSONMiddleware],
        cors_config=CORSConfig(allow_origins=["*"], allow_headers=["*"], expose_headers=["*"]),
        openapi_config=OpenAPIConfig(
            title="Odyssée API",
            version=VERSION,
            description="Stories, points of interest, producers and offline packs for rural territories.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
        ),
        state=State({"settings": settings, "db": db}),
        debug=False,
    )
