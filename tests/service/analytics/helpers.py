"""Test material for usage figures: the small territory split between two offices, a published
producer, a pack row, and batch bodies."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.analytics.recorder import AnalyticsRecorder, local_day
from content.core.db import Database
from tests.service.accounts_fixtures import ManualClock
from tests.territory import load_demo

__all__ = [
    "BATCHES",
    "OTHER_ROUTE",
    "PACK",
    "POI",
    "PRODUCER",
    "ROUTE",
    "STOPS",
    "batch",
    "counters",
    "facet_figures",
    "flush",
    "prepare_territory",
    "today",
]

BATCHES = "/api/v1/analytics/batches"
ROUTE = "legendes-foret-de-belleme"  # office ot-perche
STOPS = ["belleme-porte", "belleme-chene-ecole", "belleme-fontaine-herse", "belleme-etang-herse"]
OTHER_ROUTE = "mortagne-cite-perchee"  # office ot-loir
POI = "abbaye-de-la-trappe"  # office ot-perche
PRODUCER = "ferme-des-bois"  # office ot-perche, the producer account's own
PACK = f"route:{ROUTE}"


async def prepare_territory(db: Database) -> None:
    await load_demo(db)
    async with db.write() as conn:
        await conn.execute("UPDATE routes SET office_id = 'ot-perche'")
        await conn.execute("UPDATE pois SET office_id = 'ot-perche'")
        await conn.execute("UPDATE routes SET office_id = 'ot-loir' WHERE id = ?", (OTHER_ROUTE,))
        await conn.execute("UPDATE producers SET status = 'published' WHERE id = ?", (PRODUCER,))
        await conn.execute(
            "INSERT INTO packs (id, kind, title, version, sha256, size, built_at, languages,"
            " min_lon, min_lat, max_lon, max_lat) VALUES (?, 'route', '{}', 3, ?, 10, '2025-06-01T08:00:00Z',"
            " '[\"fr\"]', 0.5, 48.3, 0.6, 48.4)",
            (PACK, "0" * 64),
        )


def today(clock: ManualClock, days_ago: int = 0) -> str:
    return (local_day(clock()) - timedelta(days=days_ago)).isoformat()


def batch(*events: dict[str, Any], **envelope: Any) -> dict[str, Any]:
    return {
        "app": "perche-odyssee",
        "app_version": "2.4.0",
        "platform": "android",
        "lang": "fr",
        "events": list(events),
        **envelope,
    }


async def flush(app: Litestar) -> None:
    recorder = app.state.analytics
    assert isinstance(recorder, AnalyticsRecorder)
    await recorder.flush()


async def counters(db: Database, span: str = "day", facet: str = "total") -> list[dict[str, Any]]:
    """Stored counter rows of one facet (``total``: one row per type, object and day)."""
    async with db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT * FROM analytics_facets WHERE span = ? AND facet = ? ORDER BY day, type, object_id, key",
            (span, facet),
        )
    return [dict(row) for row in rows]


async def facet_figures(db: Database, span: str = "day") -> dict[tuple[str, str, str, str], tuple[int, int]]:
    """``{(facet, type, object_id, key): (count, value_sum)}`` summed over days."""
    async with db.read() as conn:
        rows = await conn.execute_fetchall(
            "SELECT facet, type, object_id, key, sum(count), sum(value_sum) FROM analytics_facets"
            " WHERE span = ? GROUP BY facet, type, object_id, key",
            (span,),
        )
    return {(r[0], r[1], r[2], r[3]): (r[4], r[5]) for r in rows}


async def post(client: AsyncTestClient[Litestar], body: dict[str, Any]) -> Any:
    return await client.post(BATCHES, json=body)


def day_of(text: str) -> date:
    return date.fromisoformat(text)
