"""GET /api/v1/editor/analytics(.csv): figures per scope, small-number suppression, filters, periods."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.analytics.counters import CounterKey, write_counters
from content.analytics.recorder import local_day
from content.analytics.report import Report
from content.analytics.retention import retention_horizon
from content.analytics.titles import object_titles
from content.core.db import Database
from service.analytics_dashboard import build_dashboard
from tests.service.accounts_fixtures import ManualClock
from tests.service.analytics.helpers import (
    BATCHES,
    OTHER_ROUTE,
    PACK,
    POI,
    PRODUCER,
    ROUTE,
    STOPS,
    batch,
    prepare_territory,
    today,
)

ANALYTICS = "/api/v1/editor/analytics"


@pytest.fixture
async def figures(client: AsyncTestClient[Litestar], db: Database, clock: ManualClock) -> str:
    """Seven route starts and three completions on ROUTE, two starts on OTHER_ROUTE (office ot-loir),
    a small funnel, ratings, producer views and POI views; all on yesterday."""
    await prepare_territory(db)
    day = today(clock, 1)
    events: list[dict[str, Any]] = [
        {"type": "route_started", "day": day, "count": 7, "route_id": ROUTE},
        {"type": "route_completed", "day": day, "count": 3, "route_id": ROUTE},
        {"type": "route_started", "day": day, "count": 2, "route_id": OTHER_ROUTE},
        {
            "type": "stop_reached",
            "day": day,
            "count": 6,
            "route_id": ROUTE,
            "stop_id": STOPS[0],
            "trigger": "gps",
        },
        {
            "type": "stop_reached",
            "day": day,
            "count": 2,
            "route_id": ROUTE,
            "stop_id": STOPS[1],
            "trigger": "qr",
        },
        {
            "type": "narration_played",
            "day": day,
            "count": 5,
            "route_id": ROUTE,
            "stop_id": STOPS[0],
            "listened_s": 60,
            "completion": "finished",
        },
        {"type": "rating", "day": day, "count": 4, "route_id": ROUTE, "stars": 5},
        {"type": "rating", "day": day, "count": 2, "route_id": ROUTE, "stars": 2},
        {"type": "producer_viewed", "day": day, "count": 9, "producer_id": PRODUCER},
        {"type": "producer_contacted", "day": day, "count": 1, "producer_id": PRODUCER},
        {"type": "poi_viewed", "day": day, "count": 12, "poi_id": POI},
        {"type": "pack_installed", "day": day, "count": 5, "pack_id": PACK, "version": 3},
    ]
    response = await client.post(BATCHES, json=batch(*events))
    assert response.json()["dropped"] == []
    return day


def series(body: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {(s["metric"], s["object_id"]): s["total"] for s in body["series"]}


async def test_admins_see_exact_figures_of_everything(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], figures: str
) -> None:
    response = await client.get(ANALYTICS, headers=auth["admin"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["suppressed_below"] == 0
    assert series(body) == {
        ("route_started", ROUTE): 7,
        ("route_completed", ROUTE): 3,
        ("route_started", OTHER_ROUTE): 2,
        ("stop_reached", ROUTE): 8,
        ("narration_played", ROUTE): 5,
        ("rating", ROUTE): 6,
        ("producer_viewed", PRODUCER): 9,
        ("producer_contacted", PRODUCER): 1,
        ("poi_viewed", POI): 12,
        ("pack_installed", PACK): 5,
    }
    assert {"route_id": ROUTE, "count": 6, "mean": 4.0} in body["ratings"]
    overall = {s["metric"]: s["total"] for s in body["overall"]}
    assert overall["route_started"] == 9
    assert {s["object_id"] for s in body["overall"]} == {""}
    funnel = [s for s in body["stops"] if s["route_id"] == ROUTE]
    assert [(s["position"], s["reached"], s["narration_finished"]) for s in funnel] == [
        (1, 6, 5),
        (2, 2, 0),
        (3, 0, 0),
        (4, 0, 0),
        (5, 0, 0),
    ]
    splits = {(s["metric"], s["dimension"], s["key"]): s["value"] for s in body["splits"]}
    assert splits["stop_reached", "trigger", "gps"] == 6
    assert splits["stop_reached", "trigger", "qr"] == 2
    assert splits["route_started", "lang", "fr"] == 9
    assert splits["route_started", "platform", "android"] == 9


async def test_staff_see_their_office_only_with_small_numbers_suppressed(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], figures: str
) -> None:
    body = (await client.get(ANALYTICS, headers=auth["staff"])).json()
    assert body["suppressed_below"] == 5
    assert series(body) == {
        ("route_started", ROUTE): 7,
        ("route_completed", ROUTE): "<5",
        ("stop_reached", ROUTE): 8,
        ("narration_played", ROUTE): 5,
        ("rating", ROUTE): 6,
        ("producer_viewed", PRODUCER): 9,
        ("producer_contacted", PRODUCER): "<5",
        ("poi_viewed", POI): 12,
        ("pack_installed", PACK): 5,
    }
    funnel = [(s["reached"], s["narration_finished"]) for s in body["stops"]]
    assert funnel[:2] == [(6, 5), ("<5", 0)]
    assert {"route_id": ROUTE, "count": 6, "mean": 4.0} in body["ratings"]
    every_value = [v for s in body["series"] + body["overall"] for v in s["values"]]
    every_value += [t["value"] for t in body["totals"]]
    assert not [v for v in every_value if isinstance(v, int) and 0 < v < 5]


async def test_staff_of_another_office_see_nothing_of_the_first(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], figures: str
) -> None:
    body = (await client.get(ANALYTICS, headers=auth["other_staff"])).json()
    assert series(body) == {("route_started", OTHER_ROUTE): "<5"}
    assert body["stops"] == []
    assert body["ratings"] == []
    assert all(s["metric"] == "route_started" for s in body["splits"])
    filtered = (await client.get(ANALYTICS, params={"route_id": ROUTE}, headers=auth["other_staff"])).json()
    assert filtered["series"] == []
    assert filtered["totals"] == []
    text = (await client.get(f"{ANALYTICS}.csv", headers=auth["other_staff"])).text
    assert ROUTE not in text
    assert PRODUCER not in text


async def test_producers_see_their_own_views_and_contacts_only(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], figures: str
) -> None:
    body = (await client.get(ANALYTICS, headers=auth["producer"])).json()
    assert series(body) == {("producer_viewed", PRODUCER): 9, ("producer_contacted", PRODUCER): "<5"}
    assert [t["metric"] for t in body["totals"]] == ["producer_contacted", "producer_viewed"]


async def test_filters_keep_one_route_with_its_pack(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], figures: str
) -> None:
    body = (await client.get(ANALYTICS, params={"route_id": ROUTE}, headers=auth["admin"])).json()
    assert {object_id for _, object_id in series(body)} == {ROUTE, PACK}
    body = (
        await client.get(ANALYTICS, params={"poi_id": POI, "producer_id": PRODUCER}, headers=auth["admin"])
    ).json()
    assert {object_id for _, object_id in series(body)} == {POI, PRODUCER}


async def test_granularities_label_days_weeks_and_months(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], figures: str, clock: ManualClock
) -> None:
    day = date.fromisoformat(figures)
    start, end = day - timedelta(days=13), day + timedelta(days=1)
    params = {"from": start.isoformat(), "to": end.isoformat()}
    daily = (
        await client.get(ANALYTICS, params={**params, "granularity": "day"}, headers=auth["admin"])
    ).json()
    assert len(daily["periods"]) == 15
    started = next(s for s in daily["series"] if s["metric"] == "route_started" and s["object_id"] == ROUTE)
    assert started["values"][daily["periods"].index(figures)] == 7
    assert sum(started["values"]) == 7
    weekly = (
        await client.get(ANALYTICS, params={**params, "granularity": "week"}, headers=auth["admin"])
    ).json()
    monday = (day - timedelta(days=day.weekday())).isoformat()
    started = next(s for s in weekly["series"] if s["metric"] == "route_started" and s["object_id"] == ROUTE)
    assert started["values"][weekly["periods"].index(monday)] == 7
    assert all(date.fromisoformat(p).weekday() == 0 for p in weekly["periods"])
    monthly = (
        await client.get(ANALYTICS, params={**params, "granularity": "month"}, headers=auth["admin"])
    ).json()
    assert figures[:7] in monthly["periods"]
    started = next(s for s in monthly["series"] if s["metric"] == "route_started" and s["object_id"] == ROUTE)
    assert started["total"] == 7


async def test_csv_has_the_same_figures_and_the_same_suppression(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], figures: str
) -> None:
    response = await client.get(f"{ANALYTICS}.csv", headers=auth["staff"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    totals = {r["metric"]: r["value"] for r in rows if r["section"] == "total"}
    assert totals["route_started"] == "7"
    assert totals["route_completed"] == "<5"
    assert not [r for r in rows if r["value"] in {"1", "2", "3", "4"}]
    admin = list(
        csv.DictReader(io.StringIO((await client.get(f"{ANALYTICS}.csv", headers=auth["admin"])).text))
    )
    assert {r["metric"]: r["value"] for r in admin if r["section"] == "total"}["route_completed"] == "3"


async def test_months_past_the_retention_horizon_read_as_months(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    db: Database,
    auth: dict[str, dict[str, str]],
    figures: str,
) -> None:
    recorder = app.state.analytics
    horizon = retention_horizon(local_day(recorder.clock()), recorder.retention_months)
    old = date(horizon.year - 1, horizon.month, 1)
    pending = {
        CounterKey(day=old.replace(day=d).isoformat(), type="route_started", kind="route", object_id=ROUTE): [
            4,
            0,
        ]
        for d in (3, 10, 20)
    }
    async with db.write() as conn:
        await write_counters(conn, pending)
    await recorder.roll_up()
    params = {
        "from": old.replace(day=5).isoformat(),
        "to": old.replace(day=25).isoformat(),
        "granularity": "day",
    }
    body = (await client.get(ANALYTICS, params=params, headers=auth["admin"])).json()
    # The days are gone; the whole month shows under its first day.
    assert series(body) == {("route_started", ROUTE): 12}
    started = body["series"][0]
    assert started["values"][body["periods"].index(old.isoformat())] == 12


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "from"),
        ({"from": "2010-01-01", "to": "2026-01-01"}, "from"),
        ({"granularity": "hour"}, "granularity"),
        ({"route_id": "../etc"}, "route_id"),
        ({"poi_id": "x" * 100}, "poi_id"),
    ],
)
async def test_bad_parameters_are_a_problem_naming_the_field(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], params: dict[str, str], field: str
) -> None:
    for path in (ANALYTICS, f"{ANALYTICS}.csv"):
        response = await client.get(path, params=params, headers=auth["admin"])
        assert response.status_code == 400, response.text
        assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_figures_need_an_account(client: AsyncTestClient[Litestar]) -> None:
    for path in (ANALYTICS, f"{ANALYTICS}.csv"):
        response = await client.get(path)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_the_chart_set_shows_the_same_figures_as_the_report(
    client: AsyncTestClient[Litestar], db: Database, auth: dict[str, dict[str, str]], figures: str
) -> None:
    body = (await client.get(ANALYTICS, headers=auth["staff"])).json()
    report = msgspec.convert(body, Report)
    async with db.read() as conn:
        titles = await object_titles(conn, "fr")
    board = build_dashboard(report, titles, lambda text: text)
    captions = [chart.caption for chart in board.charts]
    assert captions == [
        "Offline packs",
        "Routes started and completed",
        "Stop by stop: Légendes de la forêt de Bellême",
        "How stops were reached",
        "Languages of the app",
        "Ratings",
        "Producers: views and contacts",
    ]
    started = board.charts[1]
    assert ["7", "<5"] in [row[1:] for row in started.rows]
    funnel = board.charts[2]
    assert funnel.rows[:2] == [["1. La porte de Bellême", "6", "5"], ["2. Le chêne de l'école", "<5", "0"]]
    assert board.rating_count == 6
    assert board.rating_mean == 4.0
    panel = build_dashboard(report, titles, lambda text: text, route_id=ROUTE)
    assert "Producers: views and contacts" not in [chart.caption for chart in panel.charts]
