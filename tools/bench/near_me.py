""" "Near me" against health: 100,000 POIs, ``odyssee serve`` in a subprocess, ``wrk`` at concurrency 32.

    python -m tools.bench.near_me [--pois 100000] [--duration 10] [--connections 32]

Imports synthetic POIs spread over Eure-et-Loir and Orne through ``odyssee import`` (timed), then drives
``GET /api/v1/pois?near=…&radius_m=5000&limit=50`` at random points and ``GET /api/v1/health`` with wrk
(a separate process), and prints requests/s, p50 and p99 for both and the near-me/health ratio.
Targets: ratio ≥ 0.5 and near-me p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from content.core.model import POI_CATEGORIES

__all__ = ["main"]

AREA = (-0.9, 48.1, 1.9, 48.95)  # min_lon, min_lat, max_lon, max_lat: Orne and Eure-et-Loir, roughly
NEAR_SCRIPT = """
function init(args)
  math.randomseed(os.time() + tonumber(string.sub(tostring({}), 8), 16) %% 100000)
end
function request()
  local lat = %(min_lat)f + math.random() * %(span_lat)f
  local lon = %(min_lon)f + math.random() * %(span_lon)f
  return wrk.format("GET", string.format("/api/v1/pois?near=%%.5f,%%.5f&radius_m=5000&limit=50", lat, lon))
end
"""
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


def drive(url: str, *, duration_s: int, connections: int, script: Path | None = None) -> Run:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration_s}s", "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["-s", str(script)]
    result = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.near_me", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--pois", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
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
        print(f"import: {args.pois} POIs in {import_s:.1f} s ({args.pois / import_s:,.0f} POIs/s)")

        min_lon, min_lat, max_lon, max_lat = AREA
        script = work / "near.lua"
        script.write_text(
            NEAR_SCRIPT
            % {
                "min_lat": min_lat,
                "span_lat": max_lat - min_lat,
                "min_lon": min_lon,
                "span_lon": max_lon - min_lon,
            }
        )
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env)
        try:
            wait_ready(base_url)
            # Warm both paths (page cache, reader connections) before measuring.
            drive(f"{base_url}/api/v1/pois", duration_s=2, connections=args.connections, script=script)
            drive(f"{base_url}/api/v1/health", duration_s=2, connections=args.connections)
            health = drive(
                f"{base_url}/api/v1/health", duration_s=args.duration, connections=args.connections
            )
            near = drive(
                f"{base_url}/api/v1/pois",
                duration_s=args.duration,
                connections=args.connections,
                script=script,
            )
        finally:
            server.terminate()
            server.wait(timeout=10)

    ratio = near.requests_per_s / health.requests_per_s
    print(f"concurrency {args.connections}, {args.duration} s each")
    for name, run in (("health", health), ("near-me", near)):
        print(
            f"{name:8} {run.requests_per_s:9,.0f} req/s   p50 {run.p50_ms:6.2f} ms   p99 {run.p99_ms:6.2f} ms"
            f"   errors {run.errors}"
        )
    print(f"near-me/health throughput ratio: {ratio:.2f} (target >= 0.5)")
    print(f"near-me p99: {near.p99_ms:.1f} ms (target < 50 ms)")
    return 0 if near.errors == 0 and health.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
