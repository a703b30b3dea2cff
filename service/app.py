"""The application factory: one ``create_app()`` wiring settings, the store, errors and controllers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ControllerRouterHandler

from content.analytics.recorder import AnalyticsRecorder
from content.blobs import BlobStore, open_blob_store
from content.core.clock import Clock, utc_now
from content.core.db import Database
from content.core.events import EventHub
from content.core.settings import Settings, load_settings
from content.media.lookup import VariantLookup
from content.operations.sweep import sweep_leftovers
from packs.rebuild import PackRebuilder
from service.analytics import AnalyticsBatchController
from service.analytics_counting import UsageCountingMiddleware
from service.analytics_reports import AnalyticsReportController
from service.auth import auth_handlers, provide_principal
from service.backoffice import backoffice_router, backoffice_templates, static_handlers
from service.bodies import BoundedJSONRequest
from service.conditional import ConditionalJSONMiddleware
from service.deps import provide_editor
from service.docs import docs_assets_router, docs_render_plugins
from service.edge import Edge
from service.editor import (
    OfficesController,
    PoiEditorController,
    RouteEditorController,
    UsersController,
    media_upload,
)
from service.editor.offers import OfferEditorController
from service.editor.producers import ProducerEditorController
from service.exports import RouteExportController
from service.health import VERSION, health
from service.imports import ImportConflictsController
from service.media import media_variant
from service.media_fast import MediaFastPath
from service.metrics import MeteredPackBuilder, Metrics, metrics_endpoint
from service.openapi import document_problem_answers, document_response_unions
from service.packs import PackController
from service.pois import PoiController
from service.pois_fast import NearMeFastPath
from service.problems import exception_handlers
from service.producers import ProducerController
from service.proxies import TrustedProxies, parse_trusted_proxies
from service.public import close_near_index, near_index
from service.removals import RemovalController
from service.routes import RouteController
from service.tiles import tile, tilejson

__all__ = ["create_app"]


def _route_handlers(settings: Settings) -> Sequence[ControllerRouterHandler]:
    # Each feature adds its router here; the order is the OpenAPI document's order.
    return [
        health,
        RouteController,
        RouteExportController,
        ImportConflictsController,
        PoiController,
        ProducerController,
        RemovalController,
        *auth_handlers,
        OfficesController,
        UsersController,
        PoiEditorController,
        RouteEditorController,
        media_upload(settings),
        ProducerEditorController,
        OfferEditorController,
        media_variant,
        PackController,
        metrics_endpoint,
        AnalyticsBatchController,
        AnalyticsReportController,
        docs_assets_router(),
        backoffice_router(settings),
        *static_handlers,
        tilejson,
        tile,
    ]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Litestar:
    """Build the app. Settings are read from the environment once, unless given; ``clock`` (for
    token expiry and login throttling) is the system clock unless a test passes its own."""
    settings = settings or load_settings()
    db = Database(settings.db_path, readers=settings.db_readers)
    now = clock or utc_now
    events = EventHub()
    blobs = open_blob_store(settings)
    packs = MeteredPackBuilder(db, blobs, settings, clock=now)
    metrics = packs.metrics = Metrics()
    proxies = TrustedProxies(parse_trusted_proxies(settings.trusted_proxies))
    media_lookup = VariantLookup(db)
    analytics = AnalyticsRecorder(
        db,
        now,
        per_figure=settings.analytics_figure_budget,
        per_day=settings.analytics_daily_budget,
        retention_months=settings.analytics_retention_months,
        flush_every_s=settings.analytics_flush_s,
        cache_rows=settings.analytics_cache_rows,
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await db.open()
        await media_lookup.open()
        await asyncio.to_thread(sweep_leftovers, settings)  # leftovers of a previous crash
        # Edits mark the packs they touch due; one debounced rebuilder among the workers rebuilds them.
        rebuilder = PackRebuilder(
            packs, delay_s=settings.pack_rebuild_delay_s, max_wait_s=settings.pack_rebuild_max_wait_s
        )
        app.state.rebuilder = rebuilder
        unsubscribe = events.subscribe(rebuilder.notify)
        rebuilder.start()
        analytics.start()
        near_index(app.state).warm()  # built in a thread; "near me" uses SQLite until it is ready
        try:
            yield
        finally:
            close_near_index(app.state)
            await analytics.stop()
            unsubscribe()
            await rebuilder.stop()
            await blobs.close()
            media_fast.close()
            media_lookup.close()
            await db.close()

    async def provide_db() -> Database:
        return db

    async def provide_settings() -> Settings:
        return settings

    async def provide_clock() -> Clock:
        return now

    async def provide_events() -> EventHub:
        return events

    async def provide_blobs() -> BlobStore:
        return blobs

    dependencies: dict[str, Any] = {
        "db": Provide(provide_db),
        "settings": Provide(provide_settings),
        "clock": Provide(provide_clock),
        "events": Provide(provide_events),
        "principal": Provide(provide_principal),
        "blobs": Provide(provide_blobs),
        "editor": Provide(provide_editor),
    }
    app = Litestar(
        route_handlers=_route_handlers(settings),
        dependencies=dependencies,
        lifespan=[lifespan],
        exception_handlers=exception_handlers,
        template_config=backoffice_templates(),
        middleware=[
            DefineMiddleware(UsageCountingMiddleware, recorder=analytics),
            DefineMiddleware(ConditionalJSONMiddleware),
        ],
        request_class=BoundedJSONRequest,
        # JSON bodies; the media upload handler sets its own, larger limit.
        request_max_body_size=settings.max_body_bytes,
        cors_config=CORSConfig(allow_origins=["*"], allow_headers=["*"], expose_headers=["*"]),
        openapi_config=OpenAPIConfig(
            title="Odyssée API",
            version=VERSION,
            description="Stories, points of interest, producers and offline packs for rural territories.",
            path="/schema",
            render_plugins=docs_render_plugins(),
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="The token from POST /api/v1/auth/login.",
                    )
                }
            ),
        ),
        state=State(
            {
                "settings": settings,
                "db": db,
                "clock": now,
                "events": events,
                "blobs": blobs,
                "packs": packs,
                "metrics": metrics,
                "analytics": analytics,
                "media_lookup": media_lookup,
            }
        ),
        debug=False,
        # Logging is tools.logs' (level, format, the access log): Litestar's default configuration would
        # replace the root handler and level, printing every access line at INFO whatever was asked.
        logging_config=None,
    )
    # The Problem schema is registered by the handlers that document their errors explicitly.
    document_problem_answers(app.openapi_schema)
    document_response_unions(app.openapi_schema)
    # Small media reads skip Litestar (service/media_fast.py), inside the edge so they are logged and counted.
    media_fast = MediaFastPath(app.asgi_handler, blobs=blobs, lookup=media_lookup)
    app.state.media_fast = media_fast
    # Outermost: client address, request id, access log and request metrics for every request.
    # "Near me" skips Litestar too (service/pois_fast.py), inside the edge so it is logged and counted.
    near_fast = NearMeFastPath(media_fast, app)
    app.state.near_fast = near_fast
    app.asgi_handler = Edge(near_fast, proxies=proxies, metrics=metrics)
    return app
