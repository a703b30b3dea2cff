"""The back-office: server-rendered pages under ``/backoffice/`` for staff, producers and admins.

Templates are in ``templates/``, static files in ``static/``, the French catalogue in ``locale/``.
Pages reach the domain through :mod:`service.backoffice.domain` only.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.di import Provide
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from content.core.settings import Settings
from service.backoffice._access import check_csrf, exception_handlers, provide_user
from service.backoffice._static import static_file
from service.backoffice.pages.auth import auth_pages
from service.backoffice.pages.home import home

__all__ = ["backoffice_router", "backoffice_templates"]

TEMPLATE_DIR = Path(__file__).parent / "templates"


def backoffice_templates() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=TEMPLATE_DIR, engine=JinjaTemplateEngine)


def backoffice_router(settings: Settings) -> Router:
    from service.backoffice.pages.admin import admin_pages
    from service.backoffice.pages.analytics import analytics_pages
    from service.backoffice.pages.content import content_pages
    from service.backoffice.pages.imports import import_pages
    from service.backoffice.pages.producers import producer_pages

    return Router(
        path="/backoffice",
        route_handlers=[
            *auth_pages,
            home,
            *content_pages(settings),
            *producer_pages,
            *admin_pages,
            *analytics_pages,
            *import_pages,
        ],
        dependencies={"user": Provide(provide_user)},
        before_request=check_csrf,
        exception_handlers=exception_handlers,
        include_in_schema=False,
    )


static_handlers = [static_file]
