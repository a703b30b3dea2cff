"""POST /api/v1/analytics/batches: every event type counted, every drop reason, malformed bodies."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from tests.service.accounts_fixtures import ManualClock
from tests.service.analytics.helpers import (
    BATCHES,
    PACK,
    POI,
    PRODUCER,
    ROUTE,
    STOPS,
    batch,
    counters,
    facet_figures,
    flush,
    prepare_territory,
    today,
)


@pytest.fixture
async def territory(client: AsyncTestClient[Litestar], db: Database) -> None:
    await prepare_territory(db)


def every_type(day: str) -> list[dict[str, Any]]:
    return [
        {"type": "route_started", "day": day, "count": 2, "route_id": ROUTE},
        {"type": "route_completed", "day": day, "count": 1, "route_id": ROUTE},
        {
            "type": "stop_reached",
            "day": day,
            "count": 1,
            "route_id": ROUTE,
            "stop_id": STOPS[0],
            "trigger": "qr",
        },
        {
            "type": "narration_played",
            "day": day,
            "count": 1,
            "route_id": ROUTE,
            "stop_id": STOPS[0],
            "listened_s": 95,
            "completion": "finished",
        },
        {"type": "pack_installed", "day": day, "count": 1, "pack_id": PACK, "version": 3},
        {"type": "pack_updated", "day": day, "count": 1, "pack_id": PACK, "version": 2},
        {"type": "rating", "day": day, "count": 1, "route_id": ROUTE, "stars": 4},
        {"type": "producer_viewed", "day": day, "count": 3, "producer_id": PRODUCER},
        {"type": "producer_contacted", "day": day, "count": 1, "producer_id": PRODUCER},
        {"type": "poi_viewed", "day": day, "count": 1, "poi_id": POI},
    ]


@pytest.mark.usefixtures("territory")
async def test_every_event_type_becomes_a_daily_counter(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, clock: ManualClock
) -> None:
    day = today(clock, 1)
    response = await client.post(BATCHES, json=batch(*every_type(day), lang="fr-FR", platform="ios"))
    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": 10, "dropped": []}
    await flush(app)
    figures = await facet_figures(db)
    totals = {
        (type_, object_id): n for (facet, type_, object_id, _), n in figures.items() if facet == "total"
    }
    assert totals == {
        ("route_started", ROUTE): (2, 0),
        ("route_completed", ROUTE): (1, 0),
        ("stop_reached", ROUTE): (1, 0),
        ("narration_played", ROUTE): (1, 95),
        ("pack_installed", PACK): (1, 0),
        ("pack_updated", PACK): (1, 0),
        ("rating", ROUTE): (1, 4),
        ("producer_viewed", PRODUCER): (3, 0),
        ("producer_contacted", PRODUCER): (1, 0),
        ("poi_viewed", POI): (1, 0),
    }
    # Each dimension is counted on its own, never crossed with the others.
    assert {
        key: n for key, n in figures.items() if key[0] not in ("total", "lang", "platform", "app_version")
    } == {
        ("stop", "stop_reached", ROUTE, STOPS[0]): (1, 0),
        ("detail", "stop_reached", ROUTE, "qr"): (1, 0),
        ("stop", "narration_played", ROUTE, STOPS[0]): (1, 95),
        ("detail", "narration_played", ROUTE, "finished"): (1, 95),
        ("stop_finished", "narration_played", ROUTE, STOPS[0]): (1, 95),
        ("detail", "pack_installed", PACK, "3"): (1, 0),
        ("detail", "pack_updated", PACK, "2"): (1, 0),
        ("detail", "rating", ROUTE, "4"): (1, 4),
    }
    audience = {
        (facet, key) for (facet, _, _, key) in figures if facet in ("lang", "platform", "app_version")
    }
    assert audience == {("lang", "fr"), ("platform", "ios"), ("app_version", "2.4.0")}
    assert {r["day"] for r in await counters(db)} == {day}
    assert await facet_figures(db, "month") == figures
    assert {r["day"] for r in await counters(db, "month")} == {day[:7] + "-01"}


@pytest.mark.usefixtures("territory")
async def test_a_second_batch_adds_to_the_same_counters(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, clock: ManualClock
) -> None:
    event = {"type": "route_started", "day": today(clock), "count": 1, "route_id": ROUTE}
    for _ in range(3):
        assert (await client.post(BATCHES, json=batch(event))).status_code == 202
        await flush(app)
    [row] = await counters(db)
    assert row["count"] == 3


@pytest.mark.usefixtures("territory")
async def test_each_drop_reason_is_named_and_nothing_of_it_is_stored(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, clock: ManualClock
) -> None:
    day = today(clock)
    good = {"type": "route_started", "day": day, "count": 1, "route_id": ROUTE}
    events: list[Any] = [
        good,
        {"type": "route_teleported", "day": day, "count": 1, "route_id": ROUTE},
        {"type": "route_started", "day": day, "count": 1},
        {"type": "route_started", "day": "yesterday", "count": 1, "route_id": ROUTE},
        {"type": "route_started", "day": day, "count": 1, "route_id": "no-such-route"},
        {
            "type": "stop_reached",
            "day": day,
            "count": 1,
            "route_id": ROUTE,
            "stop_id": "mortagne-notre-dame",
            "trigger": "gps",
        },
        {"type": "pack_installed", "day": day, "count": 1, "pack_id": PACK, "version": 4},
        {"type": "route_started", "day": today(clock, -1), "count": 1, "route_id": ROUTE},
        {"type": "route_started", "day": today(clock, 61), "count": 1, "route_id": ROUTE},
        {"type": "rating", "day": day, "count": 1, "route_id": ROUTE, "stars": 6},
        {"type": "route_started", "day": day, "count": 0, "route_id": ROUTE},
        {
            "type": "stop_reached",
            "day": day,
            "count": 1,
            "route_id": ROUTE,
            "stop_id": STOPS[0],
            "trigger": "nfc",
        },
        {
            "type": "narration_played",
            "day": day,
            "count": 1,
            "route_id": ROUTE,
            "stop_id": STOPS[0],
            "listened_s": -3,
            "completion": "finished",
        },
        {"type": "route_started", "day": day, "count": True, "route_id": ROUTE},
    ]
    response = await client.post(BATCHES, json=batch(*events))
    assert response.status_code == 202, response.text
    assert response.json() == {
        "accepted": 1,
        "dropped": [
            {"index": 1, "reason": "unknown_type"},
            {"index": 2, "reason": "invalid"},
            {"index": 3, "reason": "invalid"},
            {"index": 4, "reason": "unknown_id"},
            {"index": 5, "reason": "unknown_id"},
            {"index": 6, "reason": "unknown_id"},
            {"index": 7, "reason": "future_day"},
            {"index": 8, "reason": "too_old"},
            {"index": 9, "reason": "out_of_range"},
            {"index": 10, "reason": "out_of_range"},
            {"index": 11, "reason": "out_of_range"},
            {"index": 12, "reason": "out_of_range"},
            {"index": 13, "reason": "invalid"},
        ],
    }
    await flush(app)
    rows = await counters(db)
    assert [(r["type"], r["object_id"], r["count"]) for r in rows] == [("route_started", ROUTE, 1)]
    assert {facet for (facet, _, _, _) in await facet_figures(db)} == {
        "total",
        "lang",
        "platform",
        "app_version",
    }


@pytest.mark.usefixtures("territory")
async def test_draft_content_is_unknown(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, clock: ManualClock
) -> None:
    async with db.write() as conn:
        await conn.execute("UPDATE routes SET status = 'draft' WHERE id = ?", (ROUTE,))
    event = {"type": "route_started", "day": today(clock), "count": 1, "route_id": ROUTE}
    response = await client.post(BATCHES, json=batch(event))
    assert response.json() == {"accepted": 0, "dropped": [{"index": 0, "reason": "unknown_id"}]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"platform": "windows"}, "platform"),
        ({"app_version": "latest"}, "app_version"),
        ({"lang": "français"}, "lang"),
        ({"app": ""}, "app"),
        ({"events": {"type": "route_started"}}, "events"),
        ({"user_id": "abc"}, "user_id"),
        ({"events": [{"type": "route_started"}] * 501}, "events"),
        ({"events": ["not an object"]}, "events[0]"),
    ],
)
@pytest.mark.usefixtures("territory")
async def test_a_malformed_envelope_is_a_problem_naming_the_field_and_stores_nothing(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    db: Database,
    clock: ManualClock,
    change: dict[str, Any],
    field: str,
) -> None:
    good = {"type": "route_started", "day": today(clock), "count": 1, "route_id": ROUTE}
    response = await client.post(BATCHES, json={**batch(good), **change})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [error["field"] for error in response.json()["errors"]]
    await flush(app)
    assert await counters(db) == []


@pytest.mark.parametrize("body", [b"", b"{not json", b"[]", b'"text"'])
@pytest.mark.usefixtures("territory")
async def test_a_body_that_is_not_a_batch_is_a_4xx_problem(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, body: bytes
) -> None:
    response = await client.post(BATCHES, content=body, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    await flush(app)
    assert await counters(db) == []


@pytest.mark.usefixtures("territory")
async def test_five_hundred_events_are_accepted(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, clock: ManualClock
) -> None:
    events = [
        {
            "type": "stop_reached",
            "day": today(clock, n % 30),
            "count": 1,
            "route_id": ROUTE,
            "stop_id": STOPS[n % 4],
            "trigger": "gps",
        }
        for n in range(500)
    ]
    response = await client.post(BATCHES, json=batch(*events))
    # The per-address budget caps each figure: 20 a day for one (type, route, stop), 2,000 units in all.
    answer = response.json()
    assert answer["accepted"] == 80
    assert {d["reason"] for d in answer["dropped"]} == {"over_budget"}
    await flush(app)
    assert sum(r["count"] for r in await counters(db)) == 80


@pytest.mark.usefixtures("territory")
async def test_one_address_adds_at_most_its_budget_to_a_figure_per_day(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, clock: ManualClock
) -> None:
    event = {"type": "route_completed", "day": today(clock), "count": 7, "route_id": ROUTE}
    accepted = 0
    for _ in range(5):
        accepted += (await client.post(BATCHES, json=batch(event))).json()["accepted"]
    assert accepted == 2  # 7 + 7 = 14; a third would make 21 > 20
    await flush(app)
    [row] = await counters(db)
    assert row["count"] == 14
    clock.advance(24 * 3600)
    later = {**event, "day": today(clock)}
    assert (await client.post(BATCHES, json=batch(later))).json()["accepted"] == 1
