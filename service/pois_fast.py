"""The lean path for "near me", ``GET /api/v1/pois?near=…`` with at most ``radius_m``, ``limit``,
``cursor`` and ``lang``: answered from the process's in-memory index without Litestar.

A phone asking what is around it asks often; Litestar's router, parameter parsing, middleware stack and
response building cost as much as the answer itself (tools/bench/near_me.py). This ASGI layer sits
inside :class:`service.edge.Edge` (the request id, the access log line and the request metrics stay
those of every request) and in front of Litestar. It parses the parameters with the same functions as
:class:`service.pois.PoiController`, builds the same page (:func:`content.pois.public.public_near_json`),
and finishes it through :class:`service.conditional.ConditionalJSONMiddleware`'s own code (strong ETag,
304, gzip); the headers are those Litestar gives (a test compares both paths, byte for byte).

Everything else passes to Litestar unchanged: other parameters (``bbox``, ``category``, ``q``,
``updated_since``), a parameter given twice or empty, any invalid value (Litestar answers the 400
problem naming it), requests with an ``Origin`` header (CORS is Litestar's), a header given twice, and
whenever the index is not current.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from litestar import Litestar

from content.core.cursor import CursorCodec, codec_for
from content.core.errors import InvalidParameter
from content.core.paging import cursor_scope
from content.pois.public import public_near_json
from content.pois.queries import PoiQuery
from content.text.localize import Localizer
from service.conditional import ConditionalJSONMiddleware
from service.params import parse_language, parse_limit, parse_place
from service.public import GEO_JSON, LIST_CACHE, feature_cache, near_index, store_of

__all__ = ["NearMeFastPath"]

PATH = "/api/v1/pois"
_TAKEN = frozenset({"near", "radius_m", "limit", "cursor", "lang"})
_HEADERS = frozenset({b"accept-language", b"accept-encoding", b"if-none-match"})
_CACHE_CONTROL = LIST_CACHE.to_header().encode()
_CONTENT_TYPE = GEO_JSON.encode()


class NearMeFastPath:
    def __init__(self, app: Any, litestar: Litestar) -> None:
        self.app = app
        self.litestar = litestar
        self.enabled = True  # tests compare both paths
        self._codec: CursorCodec | None = None  # the database's cursor secret never changes
        self.answered = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            not self.enabled
            or scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"] != PATH
            or not await self._answer(scope, send)
        ):
            await self.app(scope, receive, send)

    async def _answer(self, scope: Any, send: Any) -> bool:
        """Answer and return True, or return False having sent nothing."""
        headers: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name == b"origin" or (name in _HEADERS and name in headers):
                return False
            headers[name] = value
        params: dict[str, str] = {}
        for name, value in parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True):
            if name not in _TAKEN or name in params or not value:
                return False
            params[name] = value
        if "near" not in params:
            return False
        state = self.litestar.state
        db, settings = store_of(state)
        codec = self._codec
        if codec is None:
            async with db.read() as conn:
                codec = self._codec = await codec_for(conn)
        try:
            where, _ = parse_place(params["near"], params.get("radius_m"), None)
            language = headers.get(b"accept-language")
            choice, _ = parse_language(
                params.get("lang"), None if language is None else language.decode("latin-1")
            )
            limit = parse_limit(params.get("limit"))
            scope_key = cursor_scope("pois", where, None, None, None, None)
            cursor = params.get("cursor")
            after = codec.decode(cursor, scope_key) if cursor else None
        except (InvalidParameter, UnicodeDecodeError):
            return False  # Litestar answers the problem
        query = PoiQuery(near=where, limit=limit, after=after)
        localizer = Localizer(choice, settings.default_lang)
        body = await public_near_json(
            db,
            near_index(state),
            query,
            localizer,
            lambda key: codec.encode(scope_key, key),
            feature_cache(state),
        )
        if body is None:
            return False
        scope["path_template"] = PATH
        start = {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"cache-control", _CACHE_CONTROL),
                (b"content-language", localizer.content_language().encode()),
                (b"content-type", _CONTENT_TYPE),
            ],
        }
        await ConditionalJSONMiddleware.finish(start, body, headers, send)
        self.answered += 1
        return True
