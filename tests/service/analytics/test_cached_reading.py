"""Reports read through the block cache (content/analytics/cache.py) are byte for byte the plain reads:
for every granularity, reader and filter, right after batches arrive, after a write by another process
to a month already cached, after the retention roll-up and after a scope change."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.analytics.cache import HOT_DAYS, FigureCache, blocks_of
from content.analytics.counters import CounterKey, seed_counters, write_counters
from content.analytics.known import published_objects
from content.analytics.periods import plan_reading
from content.analytics.recorder import AnalyticsRecorder, local_day
from content.analytics.retention import retention_horizon
from content.core.db import Database
from tests.service.accounts_fixtures import ManualClock
from tests.service.analytics.helpers import (
    BATCHES,
    OTHER_ROUTE,
    POI,
    PRODUCER,
    ROUTE,
    STOPS,
    batch,
    prepare_territory,
    today,
)
from tools.demo_analytics import demo_figures

ANALYTICS = "/api/v1/editor/analytics"
READERS = ("admin", "staff", "other_staff", "producer")


def recorder_of(app: Litestar) -> AnalyticsRecorder:
    recorder = app.state.analytics
    assert isinstance(recorder, AnalyticsRecorder)
    return recorder


@pytest.fixture
async def season(client: AsyncTestClient[Litestar], db: Database, clock: ManualClock) -> date:
    """150 days of demo figures on the test territory, ending yesterday: cold months and hot ones."""
    await prepare_territory(db)
    last = local_day(clock()) - timedelta(days=1)
    async with db.read() as conn:
        published = await published_objects(conn)
    async with db.write() as conn:
        await seed_counters(conn, demo_figures(published, last, days=150))
    return last


async def same_both_ways(
    client: AsyncTestClient[Litestar], app: Litestar, headers: dict[str, str], **params: str
) -> dict[str, Any]:
    """GET the report plain, then through the cache (twice: filled, then reused); all three bodies are
    the same bytes. Returns the body."""
    recorder = recorder_of(app)
    cache = recorder.figures
    assert cache is not None
    recorder.figures = None
    try:
        plain = await client.get(ANALYTICS, params=params, headers=headers)
    finally:
        recorder.figures = cache
    assert plain.status_code == 200, plain.text
    first = await client.get(ANALYTICS, params=params, headers=headers)
    hits = cache.hits
    again = await client.get(ANALYTICS, params=params, headers=headers)
    assert cache.hits > hits
    assert first.content == plain.content
    # A block that holds figures is checked against the stamps of its months, never against nothing.
    assert all(entry.stamps for entry in cache._entries.values() if entry.rows)
    assert again.content == plain.content
    body: dict[str, Any] = plain.json()
    return body


def started(body: dict[str, Any], route: str = ROUTE) -> Any:
    return next(
        s["total"] for s in body["series"] if s["metric"] == "route_started" and s["object_id"] == route
    )


@pytest.mark.parametrize("granularity", ["day", "week", "month"])
async def test_every_reader_filter_and_range_reads_the_same(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    auth: dict[str, dict[str, str]],
    season: date,
    granularity: str,
) -> None:
    ranges = [
        {},  # the default: twelve months up to today
        {"from": (season - timedelta(days=140)).isoformat()},
        {"from": (season - timedelta(days=130)).isoformat(), "to": (season - timedelta(days=75)).isoformat()},
        {"from": (season - timedelta(days=40)).isoformat(), "to": season.isoformat()},
    ]
    filters = [{}, {"route_id": ROUTE}, {"poi_id": POI, "producer_id": PRODUCER}, {"route_id": OTHER_ROUTE}]
    for reader in READERS:
        for period in ranges:
            for kept in filters:
                body = await same_both_ways(
                    client, app, auth[reader], granularity=granularity, **period, **kept
                )
                if reader == "admin" and not kept and not period:
                    assert started(body) != 0


async def test_batches_arriving_show_at_once(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    auth: dict[str, dict[str, str]],
    season: date,
    clock: ManualClock,
) -> None:
    granularities = ("day", "week", "month")
    before = {g: await same_both_ways(client, app, auth["admin"], granularity=g) for g in granularities}
    events = [
        {"type": "route_started", "day": today(clock, ago), "count": 3, "route_id": ROUTE}
        for ago in (0, 1, 30, 59)
    ]
    events.append(
        {
            "type": "stop_reached",
            "day": today(clock, 59),
            "count": 2,
            "route_id": ROUTE,
            "stop_id": STOPS[1],
            "trigger": "qr",
        }
    )
    response = await client.post(BATCHES, json=batch(*events))
    assert response.json()["dropped"] == []
    for granularity in granularities:
        after = await same_both_ways(client, app, auth["admin"], granularity=granularity)
        assert started(after) == started(before[granularity]) + 12
        staff = await same_both_ways(client, app, auth["staff"], granularity=granularity)
        assert started(staff) == started(after)


async def test_another_process_writing_to_a_cached_month_is_seen(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    auth: dict[str, dict[str, str]],
    season: date,
    clock: ManualClock,
) -> None:
    old_day = local_day(clock()) - timedelta(days=HOT_DAYS + 40)  # in the cold block
    params = {"from": (old_day - timedelta(days=20)).isoformat(), "granularity": "month"}
    before = await same_both_ways(client, app, auth["admin"], **params)
    # A second store on the same file: what another worker (or the demo seeding) would write.
    other = Database(recorder_of(app).db.path, readers=1)
    async with other, other.write() as conn:
        key = CounterKey(day=old_day.isoformat(), type="route_started", kind="route", object_id=ROUTE)
        await write_counters(conn, {key: [5, 0]})
    after = await same_both_ways(client, app, auth["admin"], **params)
    assert started(after) == started(before) + 5
    for granularity in ("day", "week"):
        await same_both_ways(client, app, auth["staff"], **{**params, "granularity": granularity})


async def test_the_retention_roll_up_changes_no_figure(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    db: Database,
    auth: dict[str, dict[str, str]],
    season: date,
) -> None:
    recorder = recorder_of(app)
    horizon = retention_horizon(local_day(recorder.clock()), recorder.retention_months)
    old = date(horizon.year, horizon.month, 1) - timedelta(days=40)
    days = [old, old + timedelta(days=9), horizon, horizon + timedelta(days=3)]
    pending = {
        CounterKey(day=d.isoformat(), type="route_started", kind="route", object_id=ROUTE): [n + 6, 0]
        for n, d in enumerate(days)
    }
    async with db.write() as conn:
        await write_counters(conn, pending)
    params = {"from": (old - timedelta(days=3)).isoformat(), "to": (horizon + timedelta(days=20)).isoformat()}
    bodies = {}
    for granularity in ("day", "week", "month"):
        bodies[granularity] = await same_both_ways(
            client, app, auth["admin"], granularity=granularity, **params
        )
    assert await recorder.roll_up() > 0
    for granularity in ("day", "week", "month"):
        after = await same_both_ways(client, app, auth["admin"], granularity=granularity, **params)
        assert after == bodies[granularity]
        await same_both_ways(client, app, auth["staff"], granularity=granularity, **params)


async def test_a_scope_change_shows_at_once(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    db: Database,
    auth: dict[str, dict[str, str]],
    season: date,
) -> None:
    body = await same_both_ways(client, app, auth["other_staff"])
    assert ROUTE not in {s["object_id"] for s in body["series"]}
    async with db.write() as conn:
        await conn.execute("UPDATE routes SET office_id = 'ot-loir' WHERE id = ?", (ROUTE,))
    body = await same_both_ways(client, app, auth["other_staff"])
    assert ROUTE in {s["object_id"] for s in body["series"]}


async def test_a_small_cache_forgets_blocks_and_still_reads_the_same(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    auth: dict[str, dict[str, str]],
    season: date,
) -> None:
    recorder_of(app).figures = FigureCache(max_rows=300)
    for granularity in ("day", "week", "month"):
        await same_both_ways(client, app, auth["staff"], granularity=granularity)
    cache = recorder_of(app).figures
    assert cache is not None
    assert len(cache) > 0


@given(
    start=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
    length=st.integers(0, 800),
    ago=st.integers(0, 900),
    granularity=st.sampled_from(["day", "week", "month"]),
    retention=st.integers(0, 30),
)
def test_blocks_cover_the_plan_exactly(
    start: date, length: int, ago: int, granularity: str, retention: int
) -> None:
    end = start + timedelta(days=length)
    today_ = end + timedelta(days=ago)
    horizon = retention_horizon(today_, retention)
    plan = plan_reading(start, end, granularity, horizon, today_)  # type: ignore[arg-type]
    parts = [("month", d, d) for d in plan.months] + [("day", a, b) for a, b in plan.day_runs]
    covered: dict[str, list[tuple[date, date]]] = {"month": [], "day": []}
    for block in blocks_of(plan, today_):
        first, last = date.fromisoformat(block.first), date.fromisoformat(block.last)
        assert first <= last
        assert block.first[:7] == block.last[:7] or last < (today_ - timedelta(days=HOT_DAYS)).replace(day=1)
        covered[block.span].append((first, last))
    for span in ("month", "day"):
        wanted = {
            date.fromisoformat(a) + timedelta(days=n)
            for s, a, b in parts
            if s == span
            for n in range((date.fromisoformat(b) - date.fromisoformat(a)).days + 1)
        }
        got = [
            first + timedelta(days=n) for first, last in covered[span] for n in range((last - first).days + 1)
        ]
        got_days = set(got)
        assert len(got) == len(got_days)  # no day in two blocks
        if span == "day":
            assert got_days == wanted
        else:  # month rows sit on first days: the blocks hold exactly the plan's months
            assert {d for d in got_days if d.day == 1} == {d for d in wanted if d.day == 1}
