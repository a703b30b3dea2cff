"""Issue 14 bug 9 (header and body deadlines, a connection limit) and bug 12 (the chunked upload cap),
on a real server configured as ``odyssee serve`` configures it, with each of its HTTP parsers."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest

from content.accounts.tokens import issue_token
from content.core.db import Database
from content.core.settings import Settings
from service.app import create_app
from tests.service.accounts_fixtures import Accounts, ManualClock
from tests.service.ops.served import serving


@pytest.fixture(params=["httptools", "h11"])
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    return msgspec.structs.replace(settings, http_parser=request.param)


def _read_all(sock: socket.socket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        return data + b"<still open>"
    return data


def test_slow_headers_and_bodies_are_cut_off(settings: Settings) -> None:
    quick = msgspec.structs.replace(settings, header_timeout_s=0.6, body_timeout_s=0.6)
    with serving(quick) as served:
        started = time.monotonic()
        heads = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(50)]
        bodies = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(30)]
        for sock in heads:
            sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
        for sock in bodies:
            sock.sendall(
                b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
                b'content-length: 1000\r\n\r\n{"email":'
            )
        # Trickling a byte now and then does not extend the header deadline.
        for sock in heads[:10]:
            time.sleep(0.05)
            sock.sendall(b"X")
        answers = [_read_all(sock, timeout=5) for sock in heads + bodies]
        elapsed = time.monotonic() - started
        for answer in answers:
            assert answer.startswith(b"HTTP/1.1 408 "), answer[:80]
            assert not answer.endswith(b"<still open>")
        assert elapsed < 10
        # The server still answers normally.
        assert httpx.get(f"{served.url}/api/v1/health").status_code == 200
        for sock in heads + bodies:
            sock.close()


def test_a_connection_that_sends_nothing_is_closed(settings: Settings) -> None:
    quick = msgspec.structs.replace(settings, header_timeout_s=0.5, keep_alive_s=30)
    with serving(quick) as served:
        sock = socket.create_connection(("127.0.0.1", served.port))
        assert not _read_all(sock, timeout=5).endswith(b"<still open>")
        sock.close()


def test_past_the_connection_limit_the_answer_is_503(settings: Settings) -> None:
    limited = msgspec.structs.replace(settings, max_connections=5)
    with serving(limited) as served:
        idle = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(5)]
        time.sleep(0.2)
        assert httpx.get(f"{served.url}/api/v1/health").status_code == 503
        for sock in idle:
            sock.close()
        time.sleep(0.2)
        assert httpx.get(f"{served.url}/api/v1/health").status_code == 200


def test_a_chunked_upload_over_the_cap_is_a_413_naming_the_file(
    settings: Settings, accounts: Accounts, clock: ManualClock, fixtures_dir: Path
) -> None:
    small = msgspec.structs.replace(settings, max_upload_bytes=20_000)
    app = create_app(small, clock=clock)
    photo = (fixtures_dir / "images" / "phone-photo.jpg").read_bytes()
    boundary = "odysseeboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    with serving(small, app) as served:

        async def token() -> str:
            async with Database(small.db_path) as db, db.write() as conn:
                return (await issue_token(conn, accounts.staff.id, now=clock(), ttl_s=600)).token

        bearer = asyncio.run(token())
        headers = {
            "Authorization": f"Bearer {bearer}",
            "content-type": f"multipart/form-data; boundary={boundary}",
        }
        answer = httpx.post(f"{served.url}/api/v1/editor/media", content=chunks(), headers=headers)
        assert answer.status_code == 413, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.json()["errors"]] == ["file"]
