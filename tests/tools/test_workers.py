"""``tools.workers``: the worker processes' listening socket turns Nagle's algorithm off on every connection
(without it each response waited 40 ms for the client's delayed ACK), and the worker count."""

from __future__ import annotations

import asyncio
import pickle
import socket
from pathlib import Path

import msgspec
import pytest

from content.core.settings import load_settings
from tools.workers import (
    SETTINGS_ENV,
    WorkerH11Protocol,
    WorkerHttpToolsProtocol,
    _TcpConfig,
    cores,
    create_worker_app,
    worker_count,
)


async def test_connections_accepted_by_the_workers_socket_have_tcp_nodelay() -> None:
    config = _TcpConfig("tools.workers:create_worker_app", factory=True, workers=2, host="127.0.0.1", port=0)
    sock = config.bind_socket()
    seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
    try:
        port = sock.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(seen, 10) != 0
        writer.close()
        await writer.wait_closed()
    finally:
        server.close()
        await server.wait_closed()


def test_worker_count_defaults_to_the_cores() -> None:
    assert worker_count(None) == worker_count(0) == cores() >= 1
    assert worker_count(3) == 3
    with pytest.raises(ValueError, match="workers"):
        worker_count(-1)


def test_a_worker_gets_the_supervisors_settings_and_timeouts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(env={}, data_dir=tmp_path / "data", header_timeout_s=3, body_timeout_s=7)
    monkeypatch.setenv(SETTINGS_ENV, msgspec.json.encode(settings, enc_hook=str).decode())
    app = create_worker_app()
    assert app.state.settings == settings
    assert (WorkerH11Protocol.header_timeout_s, WorkerH11Protocol.body_timeout_s) == (3, 7)
    assert (WorkerHttpToolsProtocol.header_timeout_s, WorkerHttpToolsProtocol.body_timeout_s) == (3, 7)
    # uvicorn pickles its configuration for each spawned worker: the protocol must be importable.
    config = _TcpConfig(
        "tools.workers:create_worker_app", factory=True, http="tools.workers:WorkerH11Protocol"
    )
    assert pickle.loads(pickle.dumps(config)).http == "tools.workers:WorkerH11Protocol"
    for name in ("WorkerH11Protocol", "WorkerHttpToolsProtocol"):
        config = _TcpConfig(
            "tools.workers:create_worker_app", factory=True, http=f"tools.workers:{name}", loop="uvloop"
        )
        assert pickle.loads(pickle.dumps(config)).http == f"tools.workers:{name}"
