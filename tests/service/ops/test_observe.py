"""Access logs (JSON, request id, route template, redacted secrets), trusted proxies (issue 14 bug 6),
``GET /metrics`` and the logging setup shared by the CLI and the server (issue 9 point 8)."""

from __future__ import annotations

import io
import json
import logging
import socket
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.settings import Settings
from service.app import create_app
from service.edge import redact_query
from tests.service.accounts_fixtures import Accounts, ManualClock
from tools.cli import main as cli_main
from tools.logs import configure_logging


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging("info", "auto", stream=stream)  # a StringIO is no terminal: JSON
    try:
        yield stream
    finally:
        for handler in list(logging.getLogger().handlers):
            if type(handler).__name__ == "_OursHandler":
                logging.getLogger().removeHandler(handler)


def _access(stream: io.StringIO) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "odyssee.access"]


def test_query_secrets_are_redacted() -> None:
    assert (
        redact_query("a=1&token=abc&Password=x&near=48.3,0.8") == "a=1&token=***&Password=***&near=48.3,0.8"
    )
    assert redact_query("access_token=t&X-Amz-Signature=s") == "access_token=***&X-Amz-Signature=***"
    assert redact_query("") == ""


async def test_access_log_lines_are_json_with_request_id_route_and_no_secret(
    client: AsyncTestClient[Litestar], accounts: Accounts, log_lines: io.StringIO
) -> None:
    await client.get("/api/v1/pois/nowhere?lang=fr&token=s3cr3t-token&password=hunter2")
    await client.get("/api/v1/routes", headers={"X-Request-ID": "abc-123"})
    login = await client.post(
        "/api/v1/auth/login", json={"email": accounts.admin.email, "password": accounts.admin.password}
    )
    assert login.status_code == 200
    token = login.json()["token"]
    await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    await client.get("/no/such/path")
    # Everything our loggers wrote (the test client's own httpx log line shows the URL it sent).
    ours = [line for line in log_lines.getvalue().splitlines() if '"logger": "odyssee' in line]
    text = "\n".join(ours)
    for secret in ("s3cr3t-token", "hunter2", accounts.admin.password, token):
        assert secret not in text
    lines = _access(log_lines)
    assert [line["status"] for line in lines] == [404, 200, 200, 200, 404]
    first = lines[0]
    assert first["route"] == "/api/v1/pois/{poi_id}"
    assert first["path"] == "/api/v1/pois/nowhere"
    assert first["query"] == "lang=fr&token=***&password=***"
    assert first["method"] == "GET"
    assert first["duration_ms"] >= 0
    assert len(first["request_id"]) == 32
    assert lines[1]["request_id"] == "abc-123"
    assert lines[4]["route"] == "(unmatched)"
    assert {"time", "level", "message", "client", "bytes"} <= first.keys()


async def test_every_answer_carries_its_request_id(client: AsyncTestClient[Litestar]) -> None:
    answer = await client.get("/api/v1/health")
    assert len(answer.headers["x-request-id"]) == 32
    given = await client.get("/api/v1/health", headers={"X-Request-ID": "from-the-proxy.1"})
    assert given.headers["x-request-id"] == "from-the-proxy.1"
    odd = await client.get("/api/v1/health", headers={"X-Request-ID": "no spaces\tor tabs"})
    assert odd.headers["x-request-id"] != "no spaces\tor tabs"


def _as_peer(app: Litestar, address: str) -> Any:
    """The app as seen from a TCP peer at ``address`` (the test client's own peer is not an IP)."""

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope["client"] = (address, 40000)
        await app(scope, receive, send)

    return asgi


async def _statuses(app: Litestar, peer: str, forwarded: list[str], accounts: Accounts) -> list[int]:
    statuses = []
    async with AsyncTestClient(app=_as_peer(app, peer)) as client:
        for value in forwarded:
            answer = await client.post(
                "/api/v1/auth/login",
                json={"email": accounts.staff.email, "password": "wrong-wrong-wrong"},
                headers={"X-Forwarded-For": value},
            )
            statuses.append(answer.status_code)
    return statuses


async def test_no_proxy_is_trusted_by_default(
    settings: Settings, clock: ManualClock, accounts: Accounts
) -> None:
    app = create_app(settings, clock=clock)
    # From 127.0.0.1 with a new forged address each time: still one address, locked after five.
    statuses = await _statuses(app, "127.0.0.1", [f"198.51.100.{n}" for n in range(7)], accounts)
    assert statuses == [401] * 5 + [429] * 2


async def test_a_named_proxy_is_trusted_and_bad_values_are_refused(
    settings: Settings, clock: ManualClock, accounts: Accounts
) -> None:
    proxied = msgspec.structs.replace(settings, trusted_proxies="127.0.0.1, 10.0.0.0/8")
    app = create_app(proxied, clock=clock)
    # The proxy appends the real client; whatever the client claimed on the left is ignored.
    statuses = await _statuses(app, "127.0.0.1", ["1.2.3.4, 203.0.113.7"] * 6, accounts)
    assert statuses == [401] * 5 + [429]
    clock.advance(61)  # past the account-wide slow-down (tests/service/ops/test_throttle.py)
    assert await _statuses(app, "127.0.0.1", ["1.2.3.4, 203.0.113.8"], accounts) == [401]
    assert await _statuses(app, "127.0.0.1", ["203.0.113.7, 10.1.2.3"], accounts) == [429]
    async with AsyncTestClient(app=_as_peer(app, "127.0.0.1")) as client:
        bad = await client.get("/api/v1/health", headers={"X-Forwarded-For": "evil, not-an-address"})
        assert bad.status_code == 400
        assert bad.json()["errors"][0]["field"] == "X-Forwarded-For"
    # From a peer that is not a named proxy the header means nothing.
    clock.advance(61)
    assert await _statuses(app, "192.0.2.50", ["not-an-address"], accounts) == [401]


def test_trusted_proxies_must_be_addresses(settings: Settings) -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        create_app(msgspec.structs.replace(settings, trusted_proxies="127.0.0.1, proxy.example"))


async def test_metrics_are_off_by_default_and_protected_by_a_token(
    settings: Settings, clock: ManualClock, accounts: Accounts
) -> None:
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:
        assert (await client.get("/metrics")).status_code == 404
    app = create_app(msgspec.structs.replace(settings, metrics_token="scrape-me"), clock=clock)
    async with AsyncTestClient(app=app) as client:
        await client.get("/api/v1/pois/nowhere")
        await client.post(
            "/api/v1/auth/login", json={"email": accounts.staff.email, "password": "wrong-wrong"}
        )
        assert (await client.get("/metrics")).status_code == 401
        assert (await client.get("/metrics", headers={"Authorization": "Bearer nope"})).status_code == 401
        answer = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        text = answer.text
        assert (
            'odyssee_http_requests_total{method="GET",route="/api/v1/pois/{poi_id}",status="404"} 1.0' in text
        )
        assert "odyssee_http_request_duration_seconds_bucket" in text
        assert "odyssee_login_failures_total 1.0" in text
        assert "odyssee_packs_stale 0.0" in text
        assert "odyssee_pack_rebuild_lag_seconds 0.0" in text
        assert "odyssee_blob_store_errors" in text
        assert "/metrics" not in app.openapi_schema.to_schema()["paths"]


def test_the_cli_logs_at_the_level_it_is_given(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    from content.core.db import prepare_file

    (tmp_path / "d").mkdir()
    prepare_file(tmp_path / "d" / "odyssee.sqlite3")
    assert cli_main(["--log-level", "debug", "packs", "list", "--data-dir", str(tmp_path / "d")]) == 0
    logging.getLogger("odyssee.test").debug("visible at debug")
    assert "visible at debug" in capsys.readouterr().err
    assert cli_main(["--log-level", "warning", "packs", "list", "--data-dir", str(tmp_path / "d")]) == 0
    logging.getLogger("odyssee.test").info("hidden at warning")
    assert "hidden at warning" not in capsys.readouterr().err
    assert cli_main(["--log-level", "loud", "packs", "list", "--data-dir", str(tmp_path / "d")]) == 2


async def test_deep_health_checks_the_database_and_the_blob_store(client: AsyncTestClient[Litestar]) -> None:
    shallow = await client.get("/api/v1/health")
    assert shallow.json().keys() == {"status", "version"}
    deep = await client.get("/api/v1/health?deep=true")
    assert deep.status_code == 200
    assert deep.json()["checks"] == {"database": "ok", "blob_store": "ok"}


async def test_deep_health_names_an_unreachable_blob_store(settings: Settings, s3_credentials: None) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = msgspec.structs.replace(
        settings, storage="s3", s3_endpoint_url=f"http://127.0.0.1:{port}", s3_bucket="nowhere"
    )
    async with AsyncTestClient(app=create_app(unreachable)) as client:
        answer = await client.get("/api/v1/health?deep=true")
        assert answer.status_code == 503
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.json()["errors"]] == ["blob_store"]
        assert (await client.get("/api/v1/health")).status_code == 200


async def test_the_app_keeps_the_configured_log_level_and_handler(settings: Settings) -> None:
    """Litestar's default logging setup replaced the root handler and level: every access line was
    printed at INFO, even under ``--log-level warning`` (a measurable cost on every request)."""
    stream = io.StringIO()
    configure_logging("warning", "json", stream=stream)
    try:
        async with AsyncTestClient(app=create_app(settings)) as client:
            assert (await client.get("/api/v1/health")).status_code == 200
        root = logging.getLogger()
        assert root.level == logging.WARNING
        names = {type(handler).__name__ for handler in root.handlers}
        assert "_OursHandler" in names
        assert "QueueListenerHandler" not in names  # Litestar's
        assert _access(stream) == []
    finally:
        for handler in list(logging.getLogger().handlers):
            if type(handler).__name__ == "_OursHandler":
                logging.getLogger().removeHandler(handler)
