"""Range serving throughput: a 50 MB variant through ``odyssee serve`` against nginx (sendfile) in the same
run, both on loopback, loaded from a separate process. Prints ours/nginx for whole-file GETs (target: at
least 0.5) and for 64 KiB ranges (requests per second, target: at least 0.3).

The comparison is kept fair: one ``odyssee serve`` worker process against ``worker_processes 1``, keep-alive
on both, the same wrk (one thread, ``CONNECTIONS`` connections) and the same file: nginx serves a hard link
to the variant's blob, so both read the same inode's pages from the page cache. The range load reads
``OFFSETS`` different 64 KiB windows (seeded, cycled by a wrk Lua script), not one identical request.

Run: ``python -m tools.bench.range``. Needs nginx and wrk (Debian's).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from content.blobs import LocalBlobStore
from content.core.db import Database
from content.core.settings import load_settings
from content.media.queries import MediaRecord, VariantRecord, insert_media, upsert_variant
from tools.bench._report import record
from tools.bench._servers import Throughput, fetch, free_port, measure, nginx, odyssee_serve
from tools.serving import event_loop, guarded_protocol

__all__ = ["main"]

FILE_BYTES = 50 * 1024 * 1024
SECONDS = 8
ROUNDS = 2
# Enough connections to keep one server process busy between a response and the next request.
CONNECTIONS = 16
RANGE_BYTES = 64 * 1024
OFFSETS = 4096
SEED = 15
MEDIA_ID = "bench-50mb"


def _offsets() -> list[int]:
    rng = random.Random(SEED)
    return [rng.randrange(0, FILE_BYTES - RANGE_BYTES) for _ in range(OFFSETS)]


def _range_script(path: Path, offsets: list[int]) -> Path:
    """A wrk script cycling through ``offsets``: each request asks for the 64 KiB window at the next one."""
    listed = ",".join(str(offset) for offset in offsets)
    path.write_text(
        f"""local offsets = {{{listed}}}
local requests = {{}}
local i = 0
init = function(args)
  for k, offset in ipairs(offsets) do
    local range = "bytes=" .. offset .. "-" .. (offset + {RANGE_BYTES - 1})
    requests[k] = wrk.format("GET", wrk.path, {{["Range"] = range}})
  end
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
""",
        encoding="utf-8",
    )
    return path


def _random_file(path: Path) -> Path:
    with path.open("wb") as writer:
        for _ in range(FILE_BYTES // (1024 * 1024)):
            writer.write(os.urandom(1024 * 1024))
    return path


async def _place_variant(data_dir: Path, source: Path) -> tuple[str, Path]:
    """Store ``source`` as the ``speech`` variant of a media item, as ingestion would."""
    settings = load_settings(env={}, data_dir=data_dir)
    store = LocalBlobStore(settings.blob_dir)
    blob = await store.put_file(source)
    async with Database(settings.db_path) as db, db.write() as conn:
        await insert_media(
            conn,
            MediaRecord(
                id=MEDIA_ID,
                kind="audio",
                source_sha256=blob.sha256,
                source_type="audio/wav",
                source_size=blob.size,
            ),
        )
        await upsert_variant(
            conn,
            VariantRecord(
                media_id=MEDIA_ID,
                name="speech",
                profile="bench",
                sha256=blob.sha256,
                size=blob.size,
                type="audio/mp4",
            ),
        )
    return blob.sha256, store.path_for(blob.sha256)


def _check_same_bytes(
    ours: int, ours_path: str, theirs: int, theirs_path: str, sha256: str, blob: Path, offsets: list[int]
) -> None:
    data = blob.read_bytes()
    for port, path in ((ours, ours_path), (theirs, theirs_path)):
        status, _, body = fetch(port, path)
        if status != 200 or hashlib.sha256(body).hexdigest() != sha256:
            raise RuntimeError(f"port {port} did not serve the file whole (status {status})")
        for start, end in [(1000, 1999)] + [(o, o + RANGE_BYTES - 1) for o in offsets[:8]]:
            status, headers, body = fetch(port, path, headers={"Range": f"bytes={start}-{end}"})
            if (
                status != 206
                or body != data[start : end + 1]
                or headers.get("content-range") != f"bytes {start}-{end}/{FILE_BYTES}"
            ):
                raise RuntimeError(f"port {port} did not answer a Range request properly (status {status})")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` and its children still running (nginx's worker)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total += (int(stat[11]) + int(stat[12])) / ticks
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        total += sum(_cpu_seconds(int(child)) for child in children.read_text().split())
    return total


@dataclass
class _Load:
    """Range load on one server, in rounds interleaved with the other's: requests/s and CPU per request."""

    requests: float = 0.0
    bytes: float = 0.0
    seconds: float = 0.0
    cpu_s: float = 0.0

    def run(self, pid: int, port: int, path: str, script: Path, seconds: int) -> None:
        cpu = _cpu_seconds(pid)
        figures = measure(port, path, seconds=seconds, connections=CONNECTIONS, script=script)
        self.cpu_s += _cpu_seconds(pid) - cpu
        self.requests += figures.requests_per_s * seconds
        self.bytes += figures.bytes_per_s * seconds
        self.seconds += seconds

    @property
    def throughput(self) -> Throughput:
        return Throughput(self.bytes / self.seconds, self.requests / self.seconds, "wrk")

    @property
    def cpu_us_per_request(self) -> float:
        return self.cpu_s / self.requests * 1e6


def _server() -> str:
    """The HTTP parser and event loop ``odyssee serve`` runs on here (``ODYSSEE_HTTP_PARSER`` chooses)."""
    parser = os.environ.get("ODYSSEE_HTTP_PARSER") or "auto"
    name = guarded_protocol(parser).__name__.removeprefix("Guarded").removesuffix("Protocol")
    return f"{name} on {event_loop(parser)}"


def _line(label: str, ours: Throughput, theirs: Throughput) -> None:
    print(
        f"{label:<34} ours {ours.bytes_per_s / 1e6:8.1f} MB/s {ours.requests_per_s:8.1f} req/s | "
        f"nginx {theirs.bytes_per_s / 1e6:8.1f} MB/s {theirs.requests_per_s:8.1f} req/s | "
        f"ours/nginx {ours.bytes_per_s / theirs.bytes_per_s:5.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    with tempfile.TemporaryDirectory(prefix="odyssee-bench-range-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # nginx workers may run as another user
        source = _random_file(work / "source.bin")
        sha256, blob_path = asyncio.run(_place_variant(work / "data", source))
        # The store keeps its files 0600 in 0700 directories; nginx workers may run as another user.
        blob_path.chmod(0o644)
        for parent in blob_path.parents:
            if parent == work:
                break
            parent.chmod(0o755)
        source.unlink()
        # odyssee serve makes its data directory private (0700) at startup, which would hide the blob from
        # nginx's unprivileged workers: nginx serves a hard link to it (same inode, same cached pages).
        public = work / "public"
        public.mkdir(mode=0o755)
        linked = public / "blob"
        os.link(blob_path, linked)
        offsets = _offsets()
        script = _range_script(work / "ranges.lua", offsets)
        ours_port, nginx_port = free_port(), free_port()
        ours_path, nginx_path = f"/api/v1/media/{MEDIA_ID}/speech", "/blob"
        with (
            odyssee_serve(work / "data", ours_port) as ours_process,
            nginx(work, linked, nginx_port, nginx_path) as nginx_process,
        ):
            _check_same_bytes(ours_port, ours_path, nginx_port, nginx_path, sha256, linked, offsets)
            for port, path in ((ours_port, ours_path), (nginx_port, nginx_path)):
                measure(port, path, seconds=1, connections=CONNECTIONS)  # warm-up
            whole_ours = measure(ours_port, ours_path, seconds=SECONDS, connections=CONNECTIONS)
            whole_nginx = measure(nginx_port, nginx_path, seconds=SECONDS, connections=CONNECTIONS)
            ours_load, nginx_load = _Load(), _Load()
            for port, path in ((ours_port, ours_path), (nginx_port, nginx_path)):
                measure(port, path, seconds=1, connections=CONNECTIONS, script=script)  # warm-up
            # Interleaved rounds, so that a change in the machine's load falls on both servers alike.
            for _ in range(ROUNDS):
                ours_load.run(ours_process.pid, ours_port, ours_path, script, SECONDS // ROUNDS)
                nginx_load.run(nginx_process.pid, nginx_port, nginx_path, script, SECONDS // ROUNDS)
    range_ours, range_nginx = ours_load.throughput, nginx_load.throughput
    for label, figures in (("ours", range_ours), ("nginx", range_nginx)):
        per_request = figures.bytes_per_s / figures.requests_per_s
        if not RANGE_BYTES <= per_request < 2 * RANGE_BYTES:
            raise RuntimeError(f"{label} sent {per_request:.0f} bytes per range request, not about 64 KiB")
    print(
        f"50 MB variant, {CONNECTIONS} connections, {SECONDS} s each, loopback, client: {whole_ours.tool}"
        f" (1 thread); 1 odyssee serve worker ({_server()}) against nginx worker_processes 1,"
        " both keep-alive;"
        f" ranges: {OFFSETS} seeded 64 KiB windows; {os.cpu_count()} cores shared by client and server;"
        f" load average {os.getloadavg()[0]:.2f}"
    )
    _line("whole file (GET 200)", whole_ours, whole_nginx)
    _line(f"{RANGE_BYTES // 1024} KiB ranges (GET 206)", range_ours, range_nginx)
    ratio = whole_ours.bytes_per_s / whole_nginx.bytes_per_s
    print(f"throughput ratio ours/nginx: {ratio:.2f} (target >= 0.5)")
    record("range", "whole-file throughput ours/nginx", ratio, at_least=0.5)
    small = range_ours.requests_per_s / range_nginx.requests_per_s
    print(f"{RANGE_BYTES // 1024} KiB range requests/s ours/nginx: {small:.2f} (target >= 0.3)")
    record("range", f"{RANGE_BYTES // 1024} KiB range req/s ours/nginx", small, at_least=0.3)
    # Less sensitive to the other processes on the machine: server CPU time per request (the inverse ratio
    # is what the requests/s ratio would be with each server alone on a core and a client that keeps up).
    cpu_ratio = nginx_load.cpu_us_per_request / ours_load.cpu_us_per_request
    print(
        f"server CPU per 64 KiB range request: ours {ours_load.cpu_us_per_request:.0f} us,"
        f" nginx {nginx_load.cpu_us_per_request:.0f} us; nginx/ours {cpu_ratio:.2f}"
    )
    record("range", f"{RANGE_BYTES // 1024} KiB range server CPU per request nginx/ours", cpu_ratio)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
