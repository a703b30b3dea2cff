"""Counters older than the retention setting are rolled up to months."""

from __future__ import annotations

from datetime import date

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.analytics.counters import CounterKey, write_counters
from content.analytics.recorder import local_day
from content.analytics.retention import retention_horizon
from content.core.db import Database
from tests.service.analytics.helpers import ROUTE, counters


def test_the_horizon_is_a_whole_month() -> None:
    assert retention_horizon(date(2026, 11, 28), 25) == date(2024, 10, 1)
    assert retention_horizon(date(2026, 1, 1), 1) == date(2025, 12, 1)
    assert retention_horizon(date(2026, 3, 31), 0) == date(2026, 3, 1)


async def test_day_counters_past_the_horizon_leave_only_their_months(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database
) -> None:
    recorder = app.state.analytics
    horizon = retention_horizon(local_day(recorder.clock()), recorder.retention_months)
    old_month = date(horizon.year - 1, horizon.month, 1)
    days = [old_month.replace(day=3), old_month.replace(day=17), horizon, horizon.replace(day=2)]
    pending = {
        CounterKey(day=d.isoformat(), type="route_started", kind="route", object_id=ROUTE): [n + 1, 0]
        for n, d in enumerate(days)
    }
    async with db.write() as conn:
        await write_counters(conn, pending)
    await recorder.roll_up()
    kept = [(r["day"], r["count"]) for r in await counters(db)]
    assert kept == [(horizon.isoformat(), 3), (horizon.replace(day=2).isoformat(), 4)]
    months = [(r["day"], r["count"]) for r in await counters(db, "month")]
    assert months == [(old_month.isoformat(), 3), (horizon.isoformat(), 7)]
