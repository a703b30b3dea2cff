"""``tools.serving``: the httptools protocol answers malformed or unusual requests as the h11 one does (where
llhttp is stricter, the difference is listed), refuses an endless request head, and puts the same bytes on
the wire for the same answer. The deadlines themselves: tests/service/ops/test_serve.py, on both parsers."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from content.blobs import LocalBlobStore
from content.core.db import Database
from content.core.settings import load_settings
from content.media.queries import VariantRecord, upsert_variant
from tests.service.ops.served import Served, serving
from tools.serving import GuardedH11Protocol, GuardedHttpToolsProtocol, guarded_protocol, server_options

PARSERS = ["h11", "httptools"]
HEALTH = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n"
LOGIN = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"

# (name, request, statuses on h11, statuses on httptools): the answers' status codes, in order.
CASES: list[tuple[str, bytes, list[int], list[int]]] = [
    ("plain", HEALTH + b"\r\n", [200], [200]),
    ("HTTP/1.0 without Host", b"GET /api/v1/health HTTP/1.0\r\n\r\n", [200], [200]),
    ("HTTP/1.1 without Host", b"GET /api/v1/health HTTP/1.1\r\n\r\n", [400], [400]),
    ("two Host headers", HEALTH + b"Host: y\r\n\r\n", [400], [400]),
    (
        "upper-case names",
        b"GET /api/v1/health HTTP/1.1\r\nHOST: x\r\nX-REQUEST-ID: Ab1\r\n\r\n",
        [200],
        [200],
    ),
    ("space in a name", HEALTH + b"Bad Name: v\r\n\r\n", [400], [400]),
    ("space before the colon", b"GET /api/v1/health HTTP/1.1\r\nHost : x\r\n\r\n", [400], [400]),
    ("NUL in a value", HEALTH + b"X-A: a\x00b\r\n\r\n", [400], [400]),
    ("tab and Latin-1 in values", HEALTH + b"X-A: a\tb\r\nX-B: caf\xe9\r\n\r\n", [200], [200]),
    ("empty name", HEALTH + b": v\r\n\r\n", [400], [400]),
    ("two different lengths", LOGIN + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", [400], [400]),
    ("negative length", LOGIN + b"Content-Length: -1\r\n\r\n", [400], [400]),
    ("unknown transfer coding", LOGIN + b"Transfer-Encoding: gzip\r\n\r\n", [400], [400]),
    ("bad chunk size", LOGIN + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", [400], [400]),
    ("chunked body", LOGIN + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", [422], [422]),
    ("non-ASCII target", b"GET /api/v1/h\xc3\xa9alth HTTP/1.1\r\nHost: x\r\n\r\n", [400], [400]),
    ("escaped target", b"GET /api/v1/h%C3%A9alth HTTP/1.1\r\nHost: x\r\n\r\n", [404], [404]),
    ("bad method token", b"G@T /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", [400], [400]),
    ("TLS hello", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 40, [400], [400]),
    ("HTTP/0.9", b"GET /api/v1/health\r\n\r\n", [400], [400]),
    ("pipelined", HEALTH + b"\r\n" + HEALTH + b"\r\n", [200, 200], [200, 200]),
    ("HEAD", b"HEAD /api/v1/media/none/speech HTTP/1.1\r\nHost: x\r\n\r\n", [404], [404]),
    # llhttp is stricter or reads more of the standard; h11's answer first.
    ("control character in a value", HEALTH + b"X-A: a\x01b\r\n\r\n", [200], [400]),
    ("folded header line", HEALTH + b"X-A: a\r\n b\r\n\r\n", [200], [400]),
    ("bare LF line ends", b"GET /api/v1/health HTTP/1.1\nHost: x\n\n", [200], [400]),
    (
        "length and chunked",
        LOGIN + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        [422],
        [400],
    ),
    ("same length twice", LOGIN + b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", [422], [400]),
    ("unknown method", b"FOO /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", [405], [400]),
    ("absolute-form target", b"GET http://x/api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", [404], [200]),
    ("empty line first", b"\r\n" + HEALTH + b"\r\n", [400], [200]),
    ("fragment in the target", b"GET /api/v1/health#f HTTP/1.1\r\nHost: x\r\n\r\n", [404], [200]),
]


def _exchange(port: int, request: bytes, *, then: bytes = b"", pause: float = 0.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(5)
        sock.sendall(request)
        if then:
            time.sleep(pause)
            sock.sendall(then)
        time.sleep(0.1)  # the answer starts before the end of input reaches the server
        sock.shutdown(socket.SHUT_WR)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return data


def _statuses(answer: bytes) -> list[int]:
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Served]]:
    data = tmp_path_factory.mktemp("serving") / "data"
    first = load_settings(env={}, data_dir=data, http_parser="h11")
    second = msgspec.structs.replace(first, http_parser="httptools")
    with serving(first) as h11, serving(second) as httptools:
        yield {"h11": h11, "httptools": httptools}


@pytest.mark.parametrize(
    ("name", "request_bytes", "on_h11", "on_httptools"), CASES, ids=[c[0] for c in CASES]
)
def test_both_parsers_answer_unusual_requests_alike(
    servers: dict[str, Served], name: str, request_bytes: bytes, on_h11: list[int], on_httptools: list[int]
) -> None:
    assert _statuses(_exchange(servers["h11"].port, request_bytes)) == on_h11
    assert _statuses(_exchange(servers["httptools"].port, request_bytes)) == on_httptools


@pytest.mark.parametrize("parser", PARSERS)
def test_100_continue_is_sent_before_the_body_is_read(servers: dict[str, Served], parser: str) -> None:
    request = LOGIN + b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\n"
    answer = _exchange(servers[parser].port, request, then=b"{}", pause=0.2)
    assert _statuses(answer)[:2] == [100, 422]


@pytest.mark.parametrize("parser", PARSERS)
def test_a_request_head_that_never_ends_is_refused(servers: dict[str, Served], parser: str) -> None:
    with socket.create_connection(("127.0.0.1", servers[parser].port)) as sock:
        sock.settimeout(5)
        sock.sendall(HEALTH)
        time.sleep(0.05)
        answer = b""
        try:
            for _ in range(64):  # 64 KiB of headers, a line at a time: refused long before the end
                sock.sendall(b"X-A: " + b"a" * 1017 + b"\r\n")
                time.sleep(0.005)
        except OSError:
            pass
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    assert _statuses(answer) == [400]


def test_both_parsers_put_the_same_bytes_on_the_wire(servers: dict[str, Served]) -> None:
    settings = servers["h11"].app.state.settings
    data = os.urandom(300_000)

    async def place() -> None:
        blob = await LocalBlobStore(settings.blob_dir).put_bytes(data)
        async with Database(settings.db_path) as db, db.write() as conn:
            await conn.execute(
                "INSERT INTO media (id, kind, source_sha256, source_type, source_size, created_at)"
                " VALUES ('wire', 'audio', ?, 'audio/wav', ?, '')",
                ("0" * 64, len(data)),
            )
            variant = VariantRecord(
                media_id="wire",
                name="speech",
                profile="t",
                sha256=blob.sha256,
                size=blob.size,
                type="audio/mp4",
            )
            await upsert_variant(conn, variant)

    asyncio.run(place())
    media = b"/api/v1/media/wire/speech HTTP/1.1\r\nHost: x\r\n"
    requests = [
        b"GET " + media + b"Range: bytes=1000-66535\r\n\r\n",
        b"GET " + media + b"Range: bytes=299990-\r\n\r\n",
        b"GET " + media + b"\r\n",
        b"HEAD " + media + b"\r\n",
        b"GET " + media + b"Range: bytes=400000-\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /api/v1/pois/nope HTTP/1.0\r\n\r\n",
    ]
    for request in requests:
        answers = [_exchange(servers[parser].port, request) for parser in PARSERS]
        # Only the date and request id differ, and the case of the Connection header h11 adds itself.
        h11, httptools = (
            re.sub(rb"(date|x-request-id): [^\r]*\r\n", b"", answer).replace(
                b"\nConnection:", b"\nconnection:"
            )
            for answer in answers
        )
        assert h11 == httptools, request
        assert _statuses(h11)[0] in (200, 206, 404, 416)
    assert _statuses(_exchange(servers["httptools"].port, requests[0])) == [206]
    assert data[1000:66536] in _exchange(servers["httptools"].port, requests[0])


def test_serve_picks_httptools_and_uvloop_when_installed(tmp_path: Path) -> None:
    settings = load_settings(env={}, data_dir=tmp_path / "data", header_timeout_s=3, body_timeout_s=7)
    options = server_options(settings)
    assert issubclass(options["http"], GuardedHttpToolsProtocol)
    assert (options["http"].header_timeout_s, options["http"].body_timeout_s) == (3, 7)
    assert options["loop"] == "uvloop"
    assert guarded_protocol("h11") is GuardedH11Protocol
    h11 = server_options(msgspec.structs.replace(settings, http_parser="h11"))
    assert issubclass(h11["http"], GuardedH11Protocol)
    assert h11["loop"] == "asyncio"
