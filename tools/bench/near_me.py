""" "Near me" against health: 100,000 POIs, ``odyssee serve`` (1 then 2 workers), ``wrk`` at concurrency 32.

    python -m tools.bench.near_me [--pois 100000] [--duration 10] [--connections 32]

Imports synthetic POIs spread over Eure-et-Loir and Orne through ``odyssee import`` (timed), then drives
``GET /api/v1/pois?near=…&radius_m=5000&limit=50`` at 10,000 seeded positions (cycled through; no
whole-answer cache exists, so repeats answer no faster) and ``GET /api/v1/health`` with wrk
(a separate process), with one worker then two, and prints requests/s, p50 and p99 for both, the
near-me/health ratio and the two-workers/one-worker ratios. Targets: ratio ≥ 0.5, near-me p99 < 50 ms,
2 workers ≥ 1.8× one; import ≥ 5,000 POIs/s.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import http.client
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from content.change_feed import latest_history_id
from content.core.db import Database
from content.core.model import POI_CATEGORIES
from packs.due import history_watermark
from tools.bench._report import record

__all__ = ["main"]

AREA = (-0.9, 48.1, 1.9, 48.95)  # min_lon, min_lat, max_lon, max_lat: Orne and Eure-et-Loir, roughly
# wrk cycles through a seeded list of positions, each thread from its own offset (plus the script's
# argument, if given): many distinct questions (as many phones), the same ones in every run and for
# every server measured.
NEAR_SCRIPT = """
local points = {%(points)s}
local counter = 0
local threads = 0
function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end
function init(args)
  counter = (offset or 0) + (tonumber(args[1]) or 0)
end
function request()
  counter = counter + 1
  local p = points[(counter %% #points) + 1]
  local path = "/api/v1/pois?near=%%.5f,%%.5f&radius_m=%(radius)d&limit=50"
  return wrk.format("GET", string.format(path, p[1], p[2]))
end
"""


def positions(area: tuple[float, float, float, float], count: int, *, seed: int = 15) -> list[str]:
    """``count`` seeded positions within ``area`` (lon/lat box), as ``lat,lon`` to 5 decimals."""
    rng = random.Random(seed)
    min_lon, min_lat, max_lon, max_lat = area
    return [f"{rng.uniform(min_lat, max_lat):.5f},{rng.uniform(min_lon, max_lon):.5f}" for _ in range(count)]


def near_script(
    area: tuple[float, float, float, float], count: int, *, radius_m: int = 5000, seed: int = 15
) -> str:
    """The wrk script asking "near me" at ``count`` seeded positions within ``area`` (lon/lat box)."""
    points = ",".join(f"{{{point}}}" for point in positions(area, count, seed=seed))
    return NEAR_SCRIPT % {"points": points, "radius": radius_m}


def ask_every_position(
    base_url: str,
    area: tuple[float, float, float, float],
    count: int,
    *,
    radius_m: int = 5000,
    seed: int = 15,
    connections: int = 1,
) -> None:
    """Ask "near me" once at each of the positions the wrk script asks, on each of ``connections``
    keep-alive connections (several, so that every worker of a multi-process server is likely to be
    asked each): each process renders a POI on its first page, and a server that has run for a while
    has rendered them all. wrk alone cannot be made to ask each position: its threads restart at the
    same offsets in every run and share the requests unevenly."""
    host, port = urllib.parse.urlsplit(base_url).netloc.split(":")
    paths = [
        f"/api/v1/pois?near={point}&radius_m={radius_m}&limit=50"
        for point in positions(area, count, seed=seed)
    ]

    def ask_all() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            for path in paths:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"{path}: {response.status}")
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        for done in [pool.submit(ask_all) for _ in range(connections)]:
            done.result()


WORDS = [
    "Lavoir",
    "Calvaire",
    "Moulin",
    "Église",
    "Manoir",
    "Fontaine",
    "Chapelle",
    "Ferme",
    "Château",
    "Pont",
]
PLACES = ["Bellême", "Mortagne", "Nogent", "Rémalard", "Longny", "Senonches", "Thiron", "Authon", "Tourouvre"]


@dataclass
class Run:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


def synthetic_pois(count: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    min_lon, min_lat, max_lon, max_lat = AREA
    features = []
    for n in range(count):
        word, place = rng.choice(WORDS), rng.choice(PLACES)
        features.append(
            {
                "type": "Feature",
                "id": f"poi-{n}",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(rng.uniform(min_lon, max_lon), 6),
                        round(rng.uniform(min_lat, max_lat), 6),
                    ],
                },
                "properties": {
                    "category": rng.choice(POI_CATEGORIES),
                    "name": {"fr": f"{word} de {place} {n}", "en": f"{word} in {place} {n}"},
                    "description": {"fr": f"Un {word.lower()} du Perche, près de {place}."},
                    "commune": place,
                    "opening_hours": "Mo-Su 09:00-18:00" if n % 3 == 0 else None,
                    "contact": {"phone": "+33 2 33 00 00 00"} if n % 5 == 0 else {},
                    "accessibility": {"wheelchair": "yes"} if n % 2 == 0 else {},
                },
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(base_url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/api/v1/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not come up")


_DURATION = re.compile(r"^\s*(\d+)%\s+([\d.]+)(us|ms|s)\s*$")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> Run:
    percentiles = {}
    for line in output.splitlines():
        match = _DURATION.match(line)
        if match:
            percentiles[int(match.group(1))] = _ms(match.group(2), match.group(3))
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*?timeout (\d+)", output)
    if rate is None or 50 not in percentiles or 99 not in percentiles:
        raise RuntimeError(f"cannot read wrk output:\n{output}")
    failures = int(errors.group(1)) if errors else 0
    failures += int(socket_errors.group(1)) if socket_errors else 0
    return Run(float(rate.group(1)), percentiles[50], percentiles[99], failures)


def drive(url: str, *, duration_s: int, connections: int, script: Path | None = None, start: int = 0) -> Run:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration_s}s", "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["-s", str(script)]
    result = subprocess.run([*command, url, "--", str(start)], capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


def settle(url: str, script: Path, *, connections: int, positions: int, max_runs: int = 40) -> None:
    """Drive ``url`` with ``script`` until every position was asked twice and the median latency
    settles: each server process builds its "near me" index in a thread and renders each POI once per
    language choice, on first use (a server that has run for a while has them). Each run starts where
    the previous one stopped: every wrk run starts its threads at the same offsets, so runs that all
    started there would ask the first positions only, and a longer measured run would then reach
    positions never asked (its latency tail would be first renders, not the steady state)."""
    previous, asked = None, 0.0
    for _ in range(max_runs):
        # Two wrk threads, one counter each: a thread asked about half the requests.
        run = drive(url, duration_s=3, connections=connections, script=script, start=int(asked / 2))
        asked += run.requests_per_s * 3
        if asked >= 2 * positions and previous is not None and abs(run.p50_ms - previous) <= 0.1 * previous:
            return
        previous = run.p50_ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.near_me", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--pois", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=4, help="seconds of load per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each measuring every endpoint once")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--positions", type=int, default=10_000, help="seeded positions wrk cycles through")
    args = parser.parse_args(argv)
    print(f"load average at the start: {os.getloadavg()}")
    if shutil.which("wrk") is None:
        print("wrk is not installed", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="odyssee-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        source = work / "pois.geojson"
        source.write_bytes(synthetic_pois(args.pois))
        env = {**os.environ, "ODYSSEE_LOG_LEVEL": "warning", "ODYSSEE_DATA_DIR": str(data_dir)}
        cli = [sys.executable, "-m", "tools.cli"]
        started = time.perf_counter()
        subprocess.run([*cli, "import", str(source)], env=env, check=True, capture_output=True)
        import_s = time.perf_counter() - started
        import_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"import: {args.pois} POIs in {import_s:.1f} s ({args.pois / import_s:,.0f} POIs/s),"
            f" peak RSS {import_rss_mb:.0f} MB"
        )

        script = work / "near.lua"
        script.write_text(near_script(AREA, args.positions))
        runs = _serve_and_drive(
            cli, env, script, args.duration, args.connections, args.rounds, args.positions
        )

    print(
        f"concurrency {args.connections}, {args.rounds} interleaved rounds of {args.duration} s per endpoint;"
        f" load average {os.getloadavg()}"
    )
    for workers, (health, near) in runs.items():
        for name, run in (("health", health), ("near-me", near)):
            print(
                f"{workers} worker(s) {name:8} {run.requests_per_s:9,.0f} req/s   p50 {run.p50_ms:6.2f} ms"
                f"   p99 {run.p99_ms:6.2f} ms   errors {run.errors}"
            )
    health, near = runs[1]
    ratio = near.requests_per_s / health.requests_per_s
    print(f"near-me/health throughput ratio (1 worker): {ratio:.2f} (target >= 0.5)")
    print(f"near-me p99 (1 worker): {near.p99_ms:.1f} ms (target < 50 ms)")
    record("near_me", "near-me / health req/s, 1 worker", ratio, at_least=0.5)
    record("near_me", "near-me p99 ms, 1 worker", near.p99_ms, at_most=50)
    health2, near2 = runs[2]
    record(
        "near_me",
        "near-me / health req/s, 2 workers",
        near2.requests_per_s / health2.requests_per_s,
        at_least=0.5,
    )
    record("near_me", "near-me p99 ms, 2 workers", near2.p99_ms, at_most=50)
    record(
        "near_me",
        "health req/s 2 workers / 1 worker",
        health2.requests_per_s / health.requests_per_s,
        at_least=1.8,
    )
    record(
        "near_me",
        "near-me req/s 2 workers / 1 worker",
        near2.requests_per_s / near.requests_per_s,
        at_least=1.8,
    )
    record("near_me", f"import POIs/s ({args.pois:,} POIs)", args.pois / import_s, at_least=5000)
    record("near_me", f"import peak RSS MB ({args.pois:,} POIs)", import_rss_mb)
    failed = any(run.errors for pair in runs.values() for run in pair)
    return 1 if failed else 0


def _wait_caught_up(db_path: Path, timeout_s: float = 600) -> None:
    """Wait until the pack rebuilder has read every history row (an import may write one per POI), so
    that its catch-up does not run during the measurements."""

    async def behind() -> int:
        async with Database(db_path, readers=1) as db, db.read() as conn:
            return await latest_history_id(conn) - await history_watermark(conn)

    deadline = time.monotonic() + timeout_s
    while asyncio.run(behind()) > 0:
        if time.monotonic() > deadline:
            raise RuntimeError("the pack rebuilder did not catch up with the history")
        time.sleep(0.5)


def _combined(runs: list[Run]) -> Run:
    """Several runs of one endpoint as one: mean rate, median p50, worst p99, all errors."""
    p50s = sorted(run.p50_ms for run in runs)
    return Run(
        requests_per_s=sum(run.requests_per_s for run in runs) / len(runs),
        p50_ms=p50s[len(p50s) // 2],
        p99_ms=max(run.p99_ms for run in runs),
        errors=sum(run.errors for run in runs),
    )


def _serve_and_drive(
    cli: list[str],
    env: dict[str, str],
    script: Path,
    duration_s: int,
    connections: int,
    rounds: int,
    positions: int,
) -> dict[int, tuple[Run, Run]]:
    """One server with one worker and one with two, on the same database, both up at once; every round
    measures health and near-me on each, one after the other, so that the machine's load (shared with
    other work) weighs on every figure alike. Returns ``{workers: (health, near-me)}``."""
    servers: dict[int, tuple[subprocess.Popen[bytes], str]] = {}
    try:
        for workers in (1, 2):
            port = free_port()
            command = [*cli, "serve", "--port", str(port), "--workers", str(workers)]
            servers[workers] = (subprocess.Popen(command, env=env), f"http://127.0.0.1:{port}")
        for _, base_url in servers.values():
            wait_ready(base_url, timeout_s=90)
        _wait_caught_up(Path(env["ODYSSEE_DATA_DIR"]) / "odyssee.sqlite3")
        for workers, (_, base_url) in servers.items():
            # Warm both paths (page cache, reader connections) before measuring.
            ask_every_position(base_url, AREA, positions, connections=2 * workers)
            settle(f"{base_url}/api/v1/pois", script, connections=connections, positions=positions)
            # Once more as measured: the positions a measured run asks (wrk's two threads need not
            # share the requests evenly, so the warm-up's tiling can leave a few out).
            drive(f"{base_url}/api/v1/pois", duration_s=duration_s, connections=connections, script=script)
            drive(f"{base_url}/api/v1/health", duration_s=1, connections=connections)
        measured: dict[int, tuple[list[Run], list[Run]]] = {workers: ([], []) for workers in servers}
        for _ in range(rounds):
            for workers, (_, base_url) in servers.items():
                health, near = measured[workers]
                health.append(
                    drive(f"{base_url}/api/v1/health", duration_s=duration_s, connections=connections)
                )
                near.append(
                    drive(
                        f"{base_url}/api/v1/pois",
                        duration_s=duration_s,
                        connections=connections,
                        script=script,
                    )
                )
    finally:
        for process, _ in servers.values():
            process.terminate()
        for process, _ in servers.values():
            process.wait(timeout=30)
    return {workers: (_combined(health), _combined(near)) for workers, (health, near) in measured.items()}


if __name__ == "__main__":
    sys.exit(main())
