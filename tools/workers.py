"""``odyssee serve --workers N``: N server processes sharing one listening socket and one SQLite database.

uvicorn's supervisor binds the socket, starts the workers (each imports the app through
:func:`create_worker_app`) and starts a new one when one dies. Every worker reads and writes the same
database in WAL mode (SQLite serialises the writers); among them, the pack rebuilder runs in one only,
the holder of a lease in the database (``packs.rebuild``), which another worker takes over within seconds
if its holder dies. Before starting them, the supervisor applies pending migrations and makes the signing
key once, so that the workers do not race for them, and gives them a directory where they keep their
Prometheus values, so that ``/metrics`` sums every worker's (``service.metrics``).
"""

from __future__ import annotations

import inspect
import os
import socket
from typing import Any

import msgspec
import uvicorn
from litestar import Litestar
from uvicorn.supervisors.multiprocess import Multiprocess

from content.core.db import prepare_file
from content.core.settings import Settings, load_settings
from packs.signing import KeyRing
from service.metrics import multiprocess_dir
from tools.logs import configure_logging
from tools.serving import GuardedH11Protocol, GuardedHttpToolsProtocol

__all__ = [
    "SETTINGS_ENV",
    "WorkerH11Protocol",
    "WorkerHttpToolsProtocol",
    "cores",
    "create_worker_app",
    "prepare",
    "serve_workers",
    "worker_count",
]

SETTINGS_ENV = "ODYSSEE__WORKER_SETTINGS"
"""The settings the supervisor resolved (environment and flags), handed to its workers as JSON."""


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(requested: int | None) -> int:
    """``requested`` if positive, else one worker per core."""
    if requested is not None and requested < 0:
        raise ValueError("--workers must be 0 (one per core) or more")
    return requested or cores()


def prepare(settings: Settings) -> None:
    """What must happen once before the workers start: migrations and the active signing key."""
    prepare_file(settings.db_path)
    KeyRing.from_settings(settings).active()


class WorkerH11Protocol(GuardedH11Protocol):
    """``tools.serving``'s protocol with the timeouts of the worker's settings (set by
    :func:`create_worker_app`): uvicorn pickles its configuration for every worker it spawns, and the
    protocol class ``server_options`` makes at run time cannot be pickled."""


if GuardedHttpToolsProtocol is not None:

    class WorkerHttpToolsProtocol(GuardedHttpToolsProtocol):
        """The same for the httptools protocol."""

else:  # pragma: no cover
    WorkerHttpToolsProtocol = None  # type: ignore[assignment,misc,unused-ignore]

_WORKER_PROTOCOLS = {
    "WorkerH11Protocol": WorkerH11Protocol,
    "WorkerHttpToolsProtocol": WorkerHttpToolsProtocol,
}


def create_worker_app() -> Litestar:
    """The app of one worker process (uvicorn's factory), on the supervisor's settings."""
    from service.app import create_app

    raw = os.environ.get(SETTINGS_ENV)
    settings = load_settings(env={}, **msgspec.json.decode(raw)) if raw else load_settings()
    # A worker is a fresh (spawned) process: it sets up the same logging as the supervisor.
    configure_logging(settings.log_level, settings.log_format)
    WorkerH11Protocol.header_timeout_s = settings.header_timeout_s
    WorkerH11Protocol.body_timeout_s = settings.body_timeout_s
    if WorkerHttpToolsProtocol is not None:
        WorkerHttpToolsProtocol.header_timeout_s = settings.header_timeout_s
        WorkerHttpToolsProtocol.body_timeout_s = settings.body_timeout_s
    return create_app(settings)


class _TcpConfig(uvicorn.Config):
    """uvicorn's configuration, whose listening socket says it is TCP.

    ``Config.bind_socket`` makes ``socket.socket(AF_INET)``, whose ``proto`` is 0; the connections it
    accepts inherit that, and asyncio only turns Nagle's algorithm off (``TCP_NODELAY``) on sockets whose
    ``proto`` is ``IPPROTO_TCP``. A response written as headers then body then waits for the client's
    delayed ACK: 40 ms per request. (One process binds through ``loop.create_server``, which is not
    affected.) The same file descriptor, wrapped as the TCP socket it is, fixes that.
    """

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
            sock.set_inheritable(True)
        return sock


def serve_workers(settings: Settings, workers: int, **options: Any) -> None:
    """Run ``workers`` processes until interrupted; ``options`` are uvicorn's (host, port, timeouts…)."""
    prepare(settings)
    os.environ[SETTINGS_ENV] = msgspec.json.encode(settings, enc_hook=str).decode()
    http = options.get("http")
    if (
        isinstance(http, type)
        and GuardedHttpToolsProtocol is not None
        and issubclass(http, GuardedHttpToolsProtocol)
    ):
        options = {**options, "http": f"{__name__}:WorkerHttpToolsProtocol"}
    elif isinstance(http, type) and issubclass(http, GuardedH11Protocol):
        options = {**options, "http": f"{__name__}:WorkerH11Protocol"}
    config = _TcpConfig(f"{__name__}:create_worker_app", factory=True, workers=workers, **options)
    sock = config.bind_socket()
    try:
        with multiprocess_dir():
            if "target" in inspect.signature(Multiprocess).parameters:  # older uvicorn
                Multiprocess(config, target=uvicorn.Server(config).run, sockets=[sock]).run()  # type: ignore[call-arg,unused-ignore]
            else:
                Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
