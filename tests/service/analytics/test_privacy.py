"""Nothing about a request reaches the disk or the logs: not the address, not a header, not the body."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.core.settings import Settings
from tests.service.accounts_fixtures import ManualClock
from tests.service.analytics.helpers import BATCHES, POI, ROUTE, STOPS, batch, flush, prepare_territory, today

ADDRESS = "198.51.100.77"
USER_AGENT = "CanaryPhone/9.9.9 (x-analytics-canary)"
CANARY = "q7-canary-body-marker"


def stored_bytes(settings: Settings) -> bytes:
    files = sorted(settings.data_dir.glob("odyssee.sqlite3*"))
    assert any(path.name.endswith("-wal") for path in files)
    return b"".join(Path(path).read_bytes() for path in files)


async def test_no_address_header_or_body_is_written_to_the_database_or_the_log(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    db: Database,
    settings: Settings,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    await prepare_territory(db)
    day = today(clock)
    body = msgspec.json.encode(
        batch(
            {"type": "route_started", "day": day, "count": 1, "route_id": ROUTE, "note": CANARY},
            {
                "type": "stop_reached",
                "day": day,
                "count": 1,
                "route_id": ROUTE,
                "stop_id": STOPS[1],
                "trigger": "gps",
            },
            {"type": "poi_viewed", "day": day, "count": 1, "poi_id": POI},
            {"type": f"{CANARY}-type", "day": day, "count": 1},
            app=f"{CANARY}-app",
        )
    )
    # The phone's address as the server sees it (the test client's own is a fixed placeholder).
    transport = httpx.ASGITransport(app=app, client=(ADDRESS, 40123))
    async with httpx.AsyncClient(transport=transport, base_url="http://odyssee.test") as phone:
        for _ in range(3):
            response = await phone.post(
                BATCHES, content=body, headers={"Content-Type": "application/json", "User-Agent": USER_AGENT}
            )
            assert response.status_code == 202, response.text
        # Malformed bodies take the error path, which must be as quiet.
        bad = await phone.post(BATCHES, content=body[:-7], headers={"User-Agent": USER_AGENT})
        assert bad.status_code == 422
        # Server-side counts see the address too.
        assert (
            await phone.get(f"/api/v1/routes/{ROUTE}", headers={"User-Agent": USER_AGENT})
        ).status_code == 200
    await flush(app)
    async with db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT type, count FROM analytics_facets WHERE span = 'day' AND facet = 'total'"
        )
    assert sorted(tuple(row) for row in rows) == [
        ("poi_viewed", 3),
        ("route_read", 1),
        ("route_started", 3),
        ("stop_reached", 3),
    ]

    secrets = [ADDRESS.encode(), USER_AGENT.encode(), CANARY.encode(), body, body[:-7]]
    on_disk = stored_bytes(settings)
    # Every field of every record (structured formatters write the extra fields a plain format leaves
    # out) and what reached stdout/stderr. The access log keeps the address of ordinary API requests
    # (operations' choice, issue 14), such as the route read above; usage batches are left out of it.
    records = [
        record
        for record in caplog.records
        if not (record.name == "odyssee.access" and not record.getMessage().split()[1].startswith(BATCHES))
    ]
    assert any(BATCHES in record.getMessage() for record in records if record.name == "odyssee.access")
    logged = "".join(repr(vars(record)) for record in records).encode()
    logged += "".join(capfd.readouterr()).encode()
    for secret in secrets:
        assert secret not in on_disk
        assert secret not in logged
    # The address in other spellings a log formatter might use.
    assert b"198-51-100-77" not in on_disk
    assert b"198_51_100_77" not in on_disk
