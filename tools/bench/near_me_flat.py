""" "Near me" as the territory grows: p50 at 1,000,000 published POIs against p50 at 10,000.

    python -m tools.bench.near_me_flat [--small 10000] [--large 1000000] [--duration 8]

Both stores cover the same area (about 60 × 67 km around Mortagne-au-Perche) and are asked the same
questions: ``GET /api/v1/pois?near=…&radius_m=5000&limit=50`` at the same 1,000 seeded positions, all at
least 5 km inside the area, where even the small store has some 200 POIs within 5 km: same radius, same
result count (50). Each store is written through ``content.pois.store.insert_pois`` in batches (the
import's own insert, without parsing a file), served by ``odyssee serve --workers 1``, warmed until its
latency settles (the in-memory index built, the features rendered), then driven by wrk on one
connection (latency, not queueing). Goal: p50 at the large store ≤ 1.5 × p50 at the small one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from content.core.db import Database
from content.core.inputs import convert_input
from content.core.model import POI_CATEGORIES
from content.pois.model import PoiInput
from content.pois.store import insert_pois
from tools.bench._report import record
from tools.bench.near_me import Run, free_port, near_script, parse_wrk, settle, wait_ready

__all__ = ["main"]

AREA = (0.15, 48.25, 0.95, 48.85)  # min_lon, min_lat, max_lon, max_lat
# Asked positions keep 5 km (0.045° of latitude, 0.068° of longitude here) from the area's edges.
ASKED = (0.22, 48.30, 0.88, 48.80)
BATCH = 5_000
AT = "2026-01-01T00:00:00Z"


async def _fill(path: Path, count: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    min_lon, min_lat, max_lon, max_lat = AREA
    async with Database(path) as db:
        for start in range(0, count, BATCH):
            batch = [
                convert_input(
                    {
                        "id": f"poi-{n}",
                        "category": rng.choice(POI_CATEGORIES),
                        "name": {"fr": f"Lieu {n}", "en": f"Place {n}"},
                        "description": {"fr": "Un lieu du Perche."},
                        "geometry": {
                            "type": "Point",
                            "coordinates": [
                                round(rng.uniform(min_lon, max_lon), 6),
                                round(rng.uniform(min_lat, max_lat), 6),
                            ],
                        },
                    },
                    PoiInput,
                )
                for n in range(start, min(count, start + BATCH))
            ]
            async with db.write() as conn:
                await insert_pois(conn, batch, office_id=None, user_id=None, updated_at=AT)


def _wrk(url: str, script: Path, *, duration_s: int, connections: int) -> Run:
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--latency", "--timeout", "5s"]
    result = subprocess.run([*command, "-s", str(script), url], capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


def _measure(data_dir: Path, script: Path, duration_s: int, positions: int) -> tuple[Run, Run]:
    """(one connection, four connections) once the server's latency has settled."""
    env = {**os.environ, "ODYSSEE_LOG_LEVEL": "warning", "ODYSSEE_DATA_DIR": str(data_dir)}
    port = free_port()
    command = [sys.executable, "-m", "tools.cli", "serve", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}/api/v1/pois"
    try:
        wait_ready(f"http://127.0.0.1:{port}", timeout_s=120)
        settle(url, script, connections=4, positions=positions)
        one = _wrk(url, script, duration_s=duration_s, connections=1)
        four = _wrk(url, script, duration_s=duration_s, connections=4)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return one, four


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.near_me_flat", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=8, help="seconds of measured load per store")
    parser.add_argument("--positions", type=int, default=1_000)
    args = parser.parse_args(argv)
    print(f"load average at the start: {os.getloadavg()}")
    results: dict[int, tuple[Run, Run]] = {}
    with tempfile.TemporaryDirectory(prefix="odyssee-flat-") as tmp:
        script = Path(tmp) / "near.lua"
        script.write_text(near_script(ASKED, args.positions, seed=21))
        for count in (args.small, args.large):
            data_dir = Path(tmp) / f"data-{count}"
            data_dir.mkdir()
            started = time.perf_counter()
            asyncio.run(_fill(data_dir / "odyssee.sqlite3", count))
            print(f"{count:,} POIs written in {time.perf_counter() - started:.0f} s", flush=True)
            results[count] = _measure(data_dir, script, args.duration, args.positions)
            for name, run in zip(("1 connection", "4 connections"), results[count], strict=True):
                print(
                    f"{count:>9,} POIs, {name:13}: {run.requests_per_s:7,.0f} req/s"
                    f"   p50 {run.p50_ms:6.2f} ms   p99 {run.p99_ms:6.2f} ms   errors {run.errors}",
                    flush=True,
                )
    small, large = results[args.small][0], results[args.large][0]
    ratio = large.p50_ms / small.p50_ms
    print(f"load average at the end: {os.getloadavg()}")
    print(
        f"near-me p50 at {args.large:,} / at {args.small:,} POIs: {ratio:.2f} (goal <= 1.5;"
        f" {large.p50_ms:.2f} / {small.p50_ms:.2f} ms)"
    )
    record("near_me_flat", f"near-me p50 {args.large:,} / {args.small:,} POIs", ratio, at_most=1.5)
    failed = any(run.errors for pair in results.values() for run in pair)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
