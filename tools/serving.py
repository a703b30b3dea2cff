"""How ``odyssee serve`` runs uvicorn: timeouts and limits for a public address.

uvicorn closes idle keep-alive connections but has no deadline for a request's headers or body, so a
client sending a header (or a body) a byte at a time, or nothing after the first line, held its
connection for good (issue 14, bug 9). :class:`GuardedH11Protocol` adds both:

- ``header_timeout_s`` (``ODYSSEE_HEADER_TIMEOUT_S``, default 10): from the connection's start or the
  end of the previous response, the next request's headers must be complete within this time;
- ``body_timeout_s`` (``ODYSSEE_BODY_TIMEOUT_S``, default 30): while the app waits for more of a request
  body, a gap longer than this between two received chunks ends the request;

either way the connection gets ``408 Request Timeout`` if no answer was started, and is closed. Also:
``keep_alive_s`` (``ODYSSEE_KEEP_ALIVE_S``, default 5) for idle connections between requests, and
``max_connections`` (``ODYSSEE_MAX_CONNECTIONS``, default 1000): past it uvicorn answers 503.
Forwarded headers are not applied by uvicorn: ``service.proxies`` does that for named proxies only.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from content.core.settings import Settings

__all__ = ["GuardedH11Protocol", "server_config", "server_options"]

_TIMEOUT_BODY = (
    b'{"type":"/problems/request-timeout","title":"Request Timeout","status":408,'
    b'"detail":"the request headers or body came too slowly"}'
)
_TIMEOUT_ANSWER = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\nconnection: close\r\n"
    b"content-length: " + str(len(_TIMEOUT_BODY)).encode() + b"\r\n\r\n" + _TIMEOUT_BODY
)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for request headers and for gaps in a request body."""

    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        now = self.loop.time()
        self._waiting_since = now  # since when a request head is awaited
        self._waiting_for: object = None  # the finished cycle after which it is awaited (None: first)
        self._last_received = now
        self._tick_interval = max(0.05, min(self.header_timeout_s, self.body_timeout_s) / 4)
        self._ticker: asyncio.TimerHandle | None = self.loop.call_later(self._tick_interval, self._tick)

    def data_received(self, data: bytes) -> None:
        self._last_received = self.loop.time()
        super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        super().connection_lost(exc)

    def _tick(self) -> None:
        self._ticker = None
        if self.transport.is_closing():
            return
        now = self.loop.time()
        cycle = self.cycle
        if cycle is None or cycle.response_complete:
            # Between requests: waiting for the next head (uvicorn's keep-alive timer covers silence).
            if cycle is not self._waiting_for:
                self._waiting_for, self._waiting_since = cycle, now
            elif now - self._waiting_since >= self.header_timeout_s:
                self._time_out(answer=True)
                return
        elif (
            cycle.more_body and not self.flow.read_paused and now - self._last_received >= self.body_timeout_s
        ):
            self._time_out(answer=not cycle.response_started)
            return
        self._ticker = self.loop.call_later(self._tick_interval, self._tick)

    def _time_out(self, *, answer: bool) -> None:
        if answer:
            self.transport.write(_TIMEOUT_ANSWER)
        self.transport.close()


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for ``odyssee serve``, one process or several workers alike."""
    protocol = type(
        "OdysseeH11Protocol",
        (GuardedH11Protocol,),
        {"header_timeout_s": settings.header_timeout_s, "body_timeout_s": settings.body_timeout_s},
    )
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "http": protocol,
        "log_level": settings.log_level,
        "log_config": None,  # tools.logs configured logging; uvicorn must not replace it
        "access_log": False,  # service.edge writes the access log
        "proxy_headers": False,  # service.proxies applies X-Forwarded-For from trusted proxies only
        "server_header": False,
        "timeout_keep_alive": settings.keep_alive_s,
        "limit_concurrency": settings.max_connections,
        "timeout_graceful_shutdown": 10,
    }
    return options


def server_config(app: Any, settings: Settings, **overrides: Any) -> uvicorn.Config:
    """The uvicorn configuration of ``odyssee serve`` (tests pass ``fd=`` or ``port=0`` in overrides)."""
    return uvicorn.Config(app, **{**server_options(settings), **overrides})
