"""Usage figures: batch ingest against health, and the one-year dashboard query.

    python -m tools.bench.analytics [--duration 10] [--connections 16] [--queries 40]

1. Ingest: ``odyssee serve`` in a subprocess on the demo territory (no media); wrk posts batches of 500
   valid events at concurrency 16, then ``GET /api/v1/health`` the same way. Prints events/s and its
   ratio to health requests/s (aim: ≥ 20,000 events/s). The per-address budget is raised for this run
   (every request comes from 127.0.0.1), so all 500 events of each batch take the accepted path.
2. Dashboard: 50 routes × 20 stops, a year of counters from the demo's seasonal model (≈ 536,000 day
   facet rows and ≈ 58,600 month rows), then ``GET /api/v1/editor/analytics`` over the year per month as
   an admin, one query at a time: first with the report cache off (the plain path, every counter row of
   the year read), then with it on, a new count posted before each query (so each reads the current
   month again: the case that counts while phones send figures), then with nothing new. Prints p50/p95
   of each, the plain/cached ratio of p95 in the same run, and checks that both answers are the same
   bytes (aim: dashboard p95 < 100 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from statistics import quantiles
from typing import Any

from content.accounts.tokens import issue_token
from content.accounts.user_changes import NewUser, create_user
from content.analytics.counters import seed_counters
from content.analytics.known import Published, published_objects
from content.analytics.recorder import local_day
from content.core.clock import utc_now
from content.core.db import Database
from content.core.settings import load_settings
from content.territory import load_territory, parse_territory
from tools.bench._report import record
from tools.bench._servers import fetch, free_port, measure, odyssee_serve
from tools.commands.demo import load_demo
from tools.demo_analytics import demo_figures

__all__ = ["main"]

POST_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[%s]==]
"""


def _batch(published: Published, day: str) -> bytes:
    events: list[dict[str, Any]] = []
    routes = sorted(published.routes.items())
    while len(events) < 500:
        for route_id, stops in routes:
            events.append({"type": "route_started", "day": day, "count": 1, "route_id": route_id})
            for stop_id in stops:
                events.append(
                    {
                        "type": "stop_reached",
                        "day": day,
                        "count": 1,
                        "route_id": route_id,
                        "stop_id": stop_id,
                        "trigger": "gps",
                    }
                )
                events.append(
                    {
                        "type": "narration_played",
                        "day": day,
                        "count": 1,
                        "route_id": route_id,
                        "stop_id": stop_id,
                        "listened_s": 120,
                        "completion": "finished",
                    }
                )
    body = {
        "app": "perche-odyssee",
        "app_version": "2.4.0",
        "platform": "android",
        "lang": "fr",
        "events": events[:500],
    }
    return json.dumps(body, ensure_ascii=True).encode()


def _wrk_post(port: int, path: str, body: bytes, seconds: int, connections: int, work: Path) -> float:
    script = work / "post.lua"
    script.write_text(POST_SCRIPT % body.decode("ascii"), encoding="utf-8")
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is needed for the ingest benchmark (apt-get install wrk)")
    output = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if found is None or "Non-2xx" in output:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    return float(found.group(1))


def ingest(work: Path, seconds: int, connections: int) -> None:
    data_dir = work / "ingest"
    settings = load_settings(env={}, data_dir=data_dir)
    asyncio.run(load_demo(settings, media=False))

    async def objects() -> Published:
        async with Database(settings.db_path, readers=1) as db, db.read() as conn:
            return await published_objects(conn)

    body = _batch(asyncio.run(objects()), local_day(utc_now()).isoformat())
    os.environ["ODYSSEE_ANALYTICS_FIGURE_BUDGET"] = "1000000000"
    os.environ["ODYSSEE_ANALYTICS_DAILY_BUDGET"] = "1000000000"
    port = free_port()
    with odyssee_serve(data_dir, port):
        probe = _post_once(port, body)
        if probe.get("accepted") != 500:
            raise RuntimeError(f"the batch is not fully accepted: {probe}")
        batches = _wrk_post(port, "/api/v1/analytics/batches", body, seconds, connections, work)
        health = measure(port, "/api/v1/health", seconds=seconds, connections=connections).requests_per_s
    events = batches * 500
    print(
        f"ingest: {batches:,.0f} batches/s = {events:,.0f} events/s"
        f" (500-event batches, {connections} connections)"
    )
    print(f"health: {health:,.0f} requests/s")
    print(f"ingest events/s / health requests/s: {events / health:.2f}   (aim: ≥ 20,000 events/s)")
    record("analytics", "ingest events/s (500-event batches)", events, at_least=20_000)
    record("analytics", "ingest events/s / health requests/s", events / health)


def _post_once(port: int, body: bytes) -> dict[str, Any]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST", "/api/v1/analytics/batches", body=body, headers={"Content-Type": "application/json"}
        )
        answer: dict[str, Any] = json.loads(conn.getresponse().read())
        return answer
    finally:
        conn.close()


def _territory(routes: int, stops: int) -> bytes:
    items = []
    for r in range(routes):
        lon, lat = 0.4 + (r % 10) * 0.05, 48.2 + (r // 10) * 0.05
        items.append(
            {
                "id": f"route-{r:02d}",
                "title": {"fr": f"Circuit {r}"},
                "summary": {"fr": "Un circuit de test."},
                "theme": "heritage",
                "mode": "walk",
                "difficulty": "easy",
                "duration_min": 90,
                "geometry": {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.01, lat + 0.01]]},
                "stops": [
                    {
                        "id": f"route-{r:02d}-stop-{s:02d}",
                        "title": {"fr": f"Halte {s}"},
                        "geometry": {"type": "Point", "coordinates": [lon + s * 0.0005, lat + s * 0.0005]},
                    }
                    for s in range(stops)
                ],
            }
        )
    return json.dumps({"routes": items}).encode()


async def _dashboard_store(data_dir: Path) -> str:
    settings = load_settings(env={}, data_dir=data_dir)
    async with Database(settings.db_path, readers=1) as db:
        await load_territory(db, parse_territory(_territory(50, 20)), updated_at="2026-01-01T00:00:00Z")
        async with db.read() as conn:
            published = await published_objects(conn)
        started = time.perf_counter()
        figures = demo_figures(published, local_day(utc_now()) - timedelta(days=1))
        async with db.write() as conn:
            rows = await seed_counters(conn, figures)
        print(
            f"dashboard data: {rows:,} day counters for 50 routes × 20 stops over a year "
            f"({time.perf_counter() - started:.0f} s to make)"
        )
        user = await create_user(
            db,
            NewUser(email="bench@example.org", password="bench-password-1", role="admin"),
            actor_id=None,
            now=utc_now(),
        )
        async with db.write() as conn:
            issued = await issue_token(conn, user.id, now=utc_now(), ttl_s=3600)
    return issued.token


def _latencies(
    port: int, path: str, count: int, headers: dict[str, str], before: Callable[[], None] | None = None
) -> list[float]:
    timings = []
    for _ in range(count):
        if before is not None:
            before()
        started = time.perf_counter()
        status, _, _ = fetch(port, path, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    return timings


def _p50_p95(timings: list[float]) -> tuple[float, float]:
    cuts = quantiles(timings, n=100)
    return cuts[49], cuts[94]


def _one_count(port: int, today: str) -> Callable[[], None]:
    """Posts one route start for today: the next report flushes it, which changes the current month."""
    body = json.dumps(
        {
            "app": "perche-odyssee",
            "app_version": "2.4.0",
            "platform": "android",
            "lang": "fr",
            "events": [{"type": "route_started", "day": today, "count": 1, "route_id": "route-00"}],
        }
    ).encode()

    def post() -> None:
        if _post_once(port, body).get("accepted") != 1:
            raise RuntimeError("the one-event batch was not accepted")

    return post


def dashboard(work: Path, count: int) -> None:
    """The year per month as an admin, three ways, each in its own server on the same data:
    the plain path (every counter row read: ``ODYSSEE_ANALYTICS_CACHE_ROWS=0``), the cached path with a
    new count written before each query (the current month's sums are read again), and the cached path
    with nothing new (every block reused)."""
    data_dir = work / "dashboard"
    token = asyncio.run(_dashboard_store(data_dir))
    today = local_day(utc_now())
    start = date(today.year - 1, today.month, 1).isoformat()
    path = f"/api/v1/editor/analytics?from={start}&to={today.isoformat()}&granularity=month"
    print(f"dashboard query: GET {path} (admin, {count} times after 3 unmeasured)")
    auth = {"Authorization": f"Bearer {token}"}
    budget = {"ODYSSEE_ANALYTICS_FIGURE_BUDGET": "1000000000", "ODYSSEE_ANALYTICS_DAILY_BUDGET": "1000000000"}
    bodies: dict[str, bytes] = {}
    timings: dict[str, list[float]] = {}
    for mode, rows in (("plain", "0"), ("cached", "100000")):
        port = free_port()
        with odyssee_serve(data_dir, port, env={**budget, "ODYSSEE_ANALYTICS_CACHE_ROWS": rows}):
            if mode == "cached":  # the same data as the plain server's last answer
                _, _, bodies[mode] = fetch(port, path, headers=auth)
            _latencies(port, path, 3, auth)  # warm the page cache (and the block cache)
            if mode == "plain":
                timings["plain"] = _latencies(port, path, count, auth, _one_count(port, today.isoformat()))
                _, _, bodies[mode] = fetch(port, path, headers=auth)
            else:
                timings["cached, a new count before each"] = _latencies(
                    port, path, count, auth, _one_count(port, today.isoformat())
                )
                timings["cached, nothing new"] = _latencies(port, path, count, auth)
                health = _latencies(port, "/api/v1/health", count, {})
    report = json.loads(bodies["plain"])
    print(
        f"report: {len(report['series'])} series, {len(report['stops'])} stops,"
        f" {len(bodies['plain']):,} bytes; the plain and cached first answers are"
        f" {'the same bytes' if bodies['plain'] == bodies['cached'] else 'DIFFERENT'}"
    )
    if bodies["plain"] != bodies["cached"]:
        raise RuntimeError("the cached report differs from the plain one")
    for mode, found in timings.items():
        p50, p95 = _p50_p95(found)
        print(f"dashboard {mode}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    h50, h95 = _p50_p95(health)
    print(f"health: p50 {h50:.2f} ms, p95 {h95:.2f} ms")
    plain95 = _p50_p95(timings["plain"])[1]
    fresh95 = _p50_p95(timings["cached, a new count before each"])[1]
    print(f"dashboard p95, plain / cached with a new count: {plain95 / fresh95:.1f}   (aim: p95 < 100 ms)")
    record("analytics", "dashboard p95 ms (year per month, new count before each)", fresh95, at_most=100)
    record("analytics", "dashboard p95 ms, plain path (same run)", plain95)
    record("analytics", "dashboard p95 plain / cached (same run)", plain95 / fresh95)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.analytics", description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--queries", type=int, default=40)
    args = parser.parse_args(argv)
    # Two cores shared with other work make every figure noisy; the load says how much.
    print(f"load average before: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory(prefix="odyssee-bench-analytics-") as tmp:
        work = Path(tmp)
        ingest(work, args.duration, args.connections)
        dashboard(work, args.queries)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
