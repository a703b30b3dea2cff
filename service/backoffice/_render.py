"""Rendering a back-office page: the template, the common context (who, language, CSRF token, asset
URLs), no caching by shared caches, and gzip for the phones on a slow link."""

from __future__ import annotations

import gzip
from typing import Any, Literal

from litestar import Request, Response
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect

from content.accounts.principal import Principal
from service.backoffice._i18n import LANGS, choose_lang, translations
from service.backoffice._session import CSRF_FIELD, csrf_token, pre_session_cookie
from service.backoffice._static import static_url

__all__ = ["AnyRequest", "gettext_for", "redirect", "render"]

AnyRequest = Request[Any, Any, Any]
_GZIP_MIN_BYTES = 1024
_NO_STORE = "no-store"
_SECURITY_HEADERS = {
    # Everything comes from this origin; no inline script; no framing (clickjacking); forms post here only.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:;"
    " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    # Upload forms carry the CSRF token in their URL: never send it to another site.
    "Referrer-Policy": "same-origin",
}


def gettext_for(request: AnyRequest) -> Any:
    return translations(choose_lang(request)).gettext


def render(
    request: AnyRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    principal: Principal | None = None,
    status_code: int = 200,
) -> Response[bytes]:
    lang = choose_lang(request)
    catalogue = translations(lang)
    engine = request.app.template_engine
    assert isinstance(engine, JinjaTemplateEngine)
    values: dict[str, Any] = {
        "_": catalogue.gettext,
        "ngettext": catalogue.ngettext,
        "lang": lang,
        "langs": LANGS,
        "user": principal,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "static": static_url,
        "path": request.url.path,
        "query": request.url.query,
        **(context or {}),
    }
    body = engine.get_template(template).render(**values).encode()
    headers = {
        "Cache-Control": _NO_STORE,
        "Content-Language": lang,
        "Vary": "Accept-Encoding, Cookie",
        **_SECURITY_HEADERS,
    }
    if len(body) >= _GZIP_MIN_BYTES and "gzip" in request.headers.get("accept-encoding", ""):
        body = gzip.compress(body, 6, mtime=0)
        headers["Content-Encoding"] = "gzip"
    response = Response(body, status_code=status_code, media_type="text/html", headers=headers)
    cookie = pre_session_cookie(request)
    if cookie is not None:
        response.set_cookie(cookie)
    return response


def redirect(path: str, *, status_code: Literal[302, 303] = 303) -> Redirect:
    return Redirect(path, status_code=status_code, headers={"Cache-Control": _NO_STORE, **_SECURITY_HEADERS})
