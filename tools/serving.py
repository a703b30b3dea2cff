"""How ``odyssee serve`` runs uvicorn: its HTTP parser and event loop, timeouts and limits for a public
address.

**Parser and loop.** With ``httptools`` and ``uvloop`` importable (both are dependencies), the server parses
HTTP with httptools (llhttp, in C) and runs on uvloop: about twice the requests per second of h11 on asyncio
for small answers (issue 15). ``ODYSSEE_HTTP_PARSER=h11`` (or a missing httptools) gives the pure-Python
server of before, uvicorn's h11 protocol on asyncio's loop; the guards below hold on both.

uvicorn closes idle keep-alive connections but has no deadline for a request's headers or body, so a
client sending a header (or a body) a byte at a time, or nothing after the first line, held its
connection for good (issue 14, bug 9). The guarded protocols add both:

- ``header_timeout_s`` (``ODYSSEE_HEADER_TIMEOUT_S``, default 10): from the connection's start or the
  end of the previous response, the next request's headers must be complete within this time;
- ``body_timeout_s`` (``ODYSSEE_BODY_TIMEOUT_S``, default 30): while the app waits for more of a request
  body, a gap longer than this between two received chunks ends the request;

either way the connection gets ``408 Request Timeout`` if no answer was started, and is closed. Also:
``keep_alive_s`` (``ODYSSEE_KEEP_ALIVE_S``, default 5) for idle connections between requests, and
``max_connections`` (``ODYSSEE_MAX_CONNECTIONS``, default 1000): past it uvicorn answers 503.
h11 refuses a request head that grows past 16 KiB without ending, and an HTTP/1.1 request without exactly
one ``Host`` header (400); llhttp checks neither, so :class:`GuardedHttpToolsProtocol` does, with the same
400. llhttp is stricter than h11 elsewhere (400 for a control character or a line fold in a header value, a
bare LF line end, both Content-Length and Transfer-Encoding, a repeated Content-Length, an unknown method)
and reads absolute-form targets (``GET http://host/path``) as their path: tests/tools/test_serving.py.
Forwarded headers are not applied by uvicorn: ``service.proxies`` does that for named proxies only.
"""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from content.core.settings import Settings

__all__ = [
    "GuardedH11Protocol",
    "GuardedHttpToolsProtocol",
    "guarded_protocol",
    "server_config",
    "server_options",
]

_TIMEOUT_BODY = (
    b'{"type":"/problems/request-timeout","title":"Request Timeout","status":408,'
    b'"detail":"the request headers or body came too slowly"}'
)
_TIMEOUT_ANSWER = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\nconnection: close\r\n"
    b"content-length: " + str(len(_TIMEOUT_BODY)).encode() + b"\r\n\r\n" + _TIMEOUT_BODY
)
MAX_HEAD_BYTES = 16 * 1024
"""An unfinished request head (request line and headers) longer than this is refused: h11's own limit."""


class _Deadlines:
    """The header and body deadlines, for a uvicorn HTTP protocol (h11 or httptools): both keep
    ``loop``, ``transport``, ``flow`` and the current ``cycle`` (``more_body``, ``response_started``,
    ``response_complete``) under the same names."""

    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    loop: asyncio.AbstractEventLoop
    transport: Any
    flow: Any
    cycle: Any

    def _start_deadlines(self) -> None:
        now = self.loop.time()
        self._waiting_since = now  # since when a request head is awaited
        self._waiting_for: object = None  # the finished cycle after which it is awaited (None: first)
        self._last_received = now
        self._tick_interval = max(0.05, min(self.header_timeout_s, self.body_timeout_s) / 4)
        self._ticker: asyncio.TimerHandle | None = self.loop.call_later(self._tick_interval, self._tick)

    def _stop_deadlines(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

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


class GuardedH11Protocol(_Deadlines, H11Protocol):
    """uvicorn's h11 protocol with a deadline for request headers and for gaps in a request body."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._start_deadlines()

    def data_received(self, data: bytes) -> None:
        self._last_received = self.loop.time()
        super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadlines()
        super().connection_lost(exc)


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools missing: h11 only
    HttpToolsProtocol = None  # type: ignore[assignment,misc,unused-ignore]


if HttpToolsProtocol is not None:

    class GuardedHttpToolsProtocol(_Deadlines, HttpToolsProtocol):
        """uvicorn's httptools protocol with the same deadlines as :class:`GuardedH11Protocol`, and h11's
        limit on an unfinished request head (llhttp buffers a head of any length)."""

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            # Bytes of an unfinished head received after the chunk it began in; -1: no head under way.
            self._head_bytes = -1
            self._start_deadlines()

        def data_received(self, data: bytes) -> None:
            self._last_received = self.loop.time()
            if self._head_bytes >= 0:
                self._head_bytes += len(data)
            super().data_received(data)
            if self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
                # The chunk a head began in is not counted (its share of it is unknown): the limit is
                # h11's to within one read, as h11's own check is.
                self.send_400_response("Invalid HTTP request received.")

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_bytes = 0

        def on_headers_complete(self) -> None:
            self._head_bytes = -1
            # h11 (and RFC 9112) refuse an HTTP/1.1 request without a Host header, and any with two; llhttp
            # does not check. An exception here makes the parser fail, and uvicorn answers 400.
            hosts = 0
            for name, _ in self.headers:
                if name == b"host":
                    hosts += 1
            if hosts != 1 and (hosts > 1 or self.parser.get_http_version() != "1.0"):
                raise ValueError("an HTTP/1.1 request needs exactly one Host header")  # (HTTP/0.9: none)
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_deadlines()
            super().connection_lost(exc)

else:  # pragma: no cover
    GuardedHttpToolsProtocol = None  # type: ignore[assignment,misc,unused-ignore]


def guarded_protocol(parser: str = "auto") -> type[asyncio.Protocol]:
    """The guarded protocol class for ``parser`` (``auto``: httptools when importable, else h11)."""
    if parser == "h11" or GuardedHttpToolsProtocol is None:
        if parser == "httptools":
            raise ValueError("ODYSSEE_HTTP_PARSER=httptools but httptools is not installed")
        return GuardedH11Protocol
    return GuardedHttpToolsProtocol


def event_loop(parser: str = "auto") -> str:
    """uvicorn's ``loop`` option: uvloop when importable, else asyncio's (always with ``parser`` h11)."""
    if parser == "h11" or importlib.util.find_spec("uvloop") is None:
        return "asyncio"
    return "uvloop"


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for ``odyssee serve``, one process or several workers alike."""
    base = guarded_protocol(settings.http_parser)
    protocol = type(
        f"Odyssee{base.__name__.removeprefix('Guarded')}",
        (base,),
        {"header_timeout_s": settings.header_timeout_s, "body_timeout_s": settings.body_timeout_s},
    )
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "http": protocol,
        "loop": event_loop(settings.http_parser),
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
