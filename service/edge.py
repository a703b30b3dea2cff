"""What every request passes first: the client address (trusted proxies), a request id, the access log
line and the request metrics.

It wraps the whole Litestar handler (``app.asgi_handler``), so unknown paths and 405s are logged too.
The access log never holds a body, a header value other than the request id, or a query secret:
``token``, ``access_token``, ``password`` and the like are written as ``***``.
"""

from __future__ import annotations

import logging
import random
import re
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlencode

import msgspec

from content.core.errors import InvalidParameter
from service.metrics import Metrics
from service.problems import Problem, ProblemField
from service.proxies import TrustedProxies

__all__ = ["REDACTED_QUERY_KEYS", "Edge", "redact_query"]

access_log = logging.getLogger("odyssee.access")

REDACTED_QUERY_KEYS = frozenset(
    {
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "password",
        "passwd",
        "pwd",
        "secret",
        "client_secret",
        "api_key",
        "apikey",
        "key",
        "signature",
        "sig",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
    }
)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


ANONYMOUS_PREFIX = "/api/v1/analytics/"
# New request ids: 32 hex digits, as uuid4().hex was, from a generator seeded once per process from the
# system's randomness: uuid4 reads os.urandom (a system call) on every request. A request id only has to be
# unique; nothing trusts it (a client may send its own), so a predictable sequence is no harm.
_request_ids = random.Random(uuid.uuid4().int)  # noqa: S311 (not a secret, see above)


def _new_request_id() -> str:
    return f"{_request_ids.getrandbits(128):032x}"


def redact_query(query: str) -> str:
    """The query string with the value of every secret-looking parameter replaced by ``***``."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [(key, "***" if key.lower() in REDACTED_QUERY_KEYS else value) for key, value in pairs], safe="*,:/"
    )


class Edge:
    """The outermost ASGI layer of the app (HTTP only; lifespan and websockets pass through)."""

    def __init__(self, app: Any, *, proxies: TrustedProxies, metrics: Metrics) -> None:
        self.app = app
        self.proxies = proxies
        self.metrics = metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = scope.get("headers", [])
        incoming = next((v for k, v in headers if k == b"x-request-id"), b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else _new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        answer: dict[str, int] = {"status": 0, "bytes": 0}

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body":
                answer["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            try:
                self._rewrite_client(scope, headers)
            except InvalidParameter as exc:
                await _refuse(send_with_id, exc)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, request_id, answer, time.perf_counter() - started)

    def _rewrite_client(self, scope: Any, headers: list[tuple[bytes, bytes]]) -> None:
        client = scope.get("client")
        if not client or not self.proxies.networks:
            return
        forwarded = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"]
        address = self.proxies.client(str(client[0]), forwarded)
        if address != client[0]:
            scope["client"] = (address, 0)

    def _record(self, scope: Any, request_id: str, answer: dict[str, int], seconds: float) -> None:
        # Routing sets the template ("/api/v1/pois/{poi_id:str}"); unmatched paths are grouped as one.
        route = scope.get("path_template") or "(unmatched)"
        status = answer["status"] or 500
        method = scope.get("method", "")
        self.metrics.observe_request(method, route, status, seconds)
        if not access_log.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        if str(scope.get("path", "")).startswith(ANONYMOUS_PREFIX):
            client = None  # usage batches are anonymous: their address is written nowhere (issue 11)
        fields = {
            "request_id": request_id,
            "method": method,
            "path": scope.get("path", ""),
            "query": redact_query(scope.get("query_string", b"").decode("latin-1")),
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "bytes": answer["bytes"],
            "client": client[0] if client else None,
        }
        access_log.info(
            "%s %s %s %.1f ms", method, fields["path"], status, seconds * 1000, extra={"fields": fields}
        )


async def _refuse(send: Any, exc: InvalidParameter) -> None:
    fields = [ProblemField(e.field, e.message) for e in exc.errors]
    body = msgspec.json.encode(
        Problem(
            type="/problems/invalid-parameter",
            title="Invalid parameter",
            status=400,
            detail=exc.detail,
            errors=fields,
        )
    )
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
