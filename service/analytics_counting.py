"""Counts what the server serves itself, seen from outside the handlers so none of them changes:
full pack downloads (200, a 206 from byte 0, or a 307 to the object store), deltas per (pack, from, to),
and public detail reads of routes, POIs and producers.

Only the path, the status and two response headers are looked at; the address goes to the in-memory
budget and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from content.analytics.counters import Kind
from content.analytics.recorder import AnalyticsRecorder

__all__ = ["UsageCountingMiddleware"]

# Plain ASGI shapes, as in service.conditional: only the start message is read.
Scope = Any
Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Any, Send], Awaitable[None]]

_DETAIL = re.compile(r"^/api/v1/(routes|pois|producers)/([a-z0-9][a-z0-9-]{0,63})/?$")
_PACK = re.compile(r"^/api/v1/packs/((?:route|area):[a-z0-9][a-z0-9-]{0,63})/(download|delta)$")
_DELTA_NAME = re.compile(rb"\.delta-(\d+)-(\d+)\.zip")
_READS: dict[str, tuple[str, Kind]] = {
    "routes": ("route_read", "route"),
    "pois": ("poi_read", "poi"),
    "producers": ("producer_read", "producer"),
}


def _header(message: Message, name: bytes) -> bytes:
    for key, value in message.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return b""


class UsageCountingMiddleware:
    def __init__(self, app: ASGIApp, recorder: AnalyticsRecorder) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith("/api/v1/"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        detail = _DETAIL.match(path)
        pack = None if detail else _PACK.match(path)
        if detail is None and pack is None:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else ""

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                if detail is not None and status in (200, 304):
                    type_, kind = _READS[detail.group(1)]
                    self.recorder.count(address, type_, kind, detail.group(2))
                elif pack is not None:
                    self._count_pack(address, pack.group(1), pack.group(2), message)
            await send(message)

        await self.app(scope, receive, counting_send)

    def _count_pack(self, address: str, pack_id: str, leaf: str, message: Message) -> None:
        status = message["status"]
        whole = status in (200, 307) or (
            status == 206 and _header(message, b"content-range").startswith(b"bytes 0-")
        )
        if not whole:
            return
        if leaf == "download":
            self.recorder.count(address, "pack_downloaded", "pack", pack_id)
            return
        versions = _DELTA_NAME.search(_header(message, b"content-disposition"))
        if versions is not None:
            delta = f"{int(versions.group(1))}-{int(versions.group(2))}"
            self.recorder.count(address, "pack_delta_served", "pack", pack_id, delta)
