"""The API documentation pages, ``/schema`` (Scalar) and ``/schema/swagger`` (Swagger UI), with every file
they load served by the app itself: no CDN, so they work offline and behind a filtering proxy.

The JavaScript and CSS are vendored from the npm registry at pinned versions, with their licences, in
``service/docs_assets/<package>-<version>/`` (``python -m tools.vendor_docs`` fetches and checks them).
The version is in the URL, so the files are cached for a year.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import OpenAPIRenderPlugin, ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

__all__ = ["ASSETS_DIR", "ASSETS_PATH", "SCALAR", "SWAGGER_UI", "docs_assets_router", "docs_render_plugins"]

ASSETS_DIR = Path(__file__).resolve().parent / "docs_assets"
ASSETS_PATH = "/schema/assets"
SCALAR = f"{ASSETS_PATH}/scalar-api-reference-1.76.0"
SWAGGER_UI = f"{ASSETS_PATH}/swagger-ui-dist-5.32.0"
_YEAR_S = 365 * 24 * 3600


def docs_render_plugins() -> list[OpenAPIRenderPlugin]:
    favicon = f"<link rel='icon' type='image/png' href='{SWAGGER_UI}/favicon-32x32.png'>"
    return [
        ScalarRenderPlugin(
            js_url=f"{SCALAR}/standalone.js",
            # Scalar's bundle carries its own styles; this only replaces Litestar's CDN-hosted theme.
            css_url=f"{ASSETS_PATH}/docs.css",
            favicon=favicon,
            # No web fonts from fonts.scalar.com and no telemetry: the page asks nothing of other hosts.
            options={"withDefaultFonts": False, "telemetry": False},
        ),
        SwaggerRenderPlugin(
            path="/swagger",
            js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
            css_url=f"{SWAGGER_UI}/swagger-ui.css",
            standalone_preset_js_url=f"{SWAGGER_UI}/swagger-ui-standalone-preset.js",
            favicon=favicon,
        ),
    ]


def docs_assets_router() -> Router:
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[ASSETS_DIR],
        name="docs-assets",
        cache_control=CacheControlHeader(public=True, max_age=_YEAR_S),
        include_in_schema=False,
    )
