"""A real ``odyssee serve`` server (uvicorn with tools.serving's configuration) in a thread, on a port
the system picked."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from litestar import Litestar

from content.core.settings import Settings
from service.app import create_app
from tools.serving import server_config


@dataclass
class Served:
    app: Litestar
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def serving(settings: Settings, app: Litestar | None = None, **overrides: Any) -> Iterator[Served]:
    app = app or create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(server_config(app, settings, **overrides))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield Served(app, port)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
