"""Range serving throughput: a 50 MB variant through ``odyssee serve`` against nginx (sendfile) in the same
run, both on loopback, loaded from a separate process. Prints ours/nginx (target: at least 0.5).

Run: ``python -m tools.bench.range``. Needs nginx (Debian's); uses wrk when installed.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from pathlib import Path

from content.blobs import LocalBlobStore
from content.core.db import Database
from content.core.settings import load_settings
from content.media.queries import MediaRecord, VariantRecord, insert_media, upsert_variant
from tools.bench._report import record
from tools.bench._servers import Throughput, fetch, free_port, measure, nginx, odyssee_serve

__all__ = ["main"]

FILE_BYTES = 50 * 1024 * 1024
SECONDS = 8
CONNECTIONS = 2
RANGE_BYTES = 64 * 1024
MEDIA_ID = "bench-50mb"


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


def _check_same_bytes(ours: int, ours_path: str, theirs: int, theirs_path: str, sha256: str) -> None:
    for port, path in ((ours, ours_path), (theirs, theirs_path)):
        status, _, body = fetch(port, path)
        if status != 200 or hashlib.sha256(body).hexdigest() != sha256:
            raise RuntimeError(f"port {port} did not serve the file whole (status {status})")
        status, headers, body = fetch(port, path, headers={"Range": "bytes=1000-1999"})
        if (
            status != 206
            or len(body) != 1000
            or headers.get("content-range") != f"bytes 1000-1999/{FILE_BYTES}"
        ):
            raise RuntimeError(f"port {port} did not answer a Range request properly (status {status})")


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
        ours_port, nginx_port = free_port(), free_port()
        ours_path, nginx_path = f"/api/v1/media/{MEDIA_ID}/speech", "/blob"
        with odyssee_serve(work / "data", ours_port), nginx(work, blob_path, nginx_port, nginx_path):
            _check_same_bytes(ours_port, ours_path, nginx_port, nginx_path, sha256)
            for port, path in ((ours_port, ours_path), (nginx_port, nginx_path)):
                measure(port, path, seconds=1, connections=CONNECTIONS)  # warm-up
            whole_ours = measure(ours_port, ours_path, seconds=SECONDS, connections=CONNECTIONS)
            whole_nginx = measure(nginx_port, nginx_path, seconds=SECONDS, connections=CONNECTIONS)
            ranged = {"Range": f"bytes={FILE_BYTES // 3}-{FILE_BYTES // 3 + RANGE_BYTES - 1}"}
            range_ours = measure(
                ours_port, ours_path, seconds=SECONDS, connections=CONNECTIONS, headers=ranged
            )
            range_nginx = measure(
                nginx_port, nginx_path, seconds=SECONDS, connections=CONNECTIONS, headers=ranged
            )
    print(
        f"50 MB variant, {CONNECTIONS} connections, {SECONDS} s each, loopback, client: {whole_ours.tool};"
        f" {os.cpu_count()} cores shared by client and server"
    )
    _line("whole file (GET 200)", whole_ours, whole_nginx)
    _line(f"{RANGE_BYTES // 1024} KiB ranges (GET 206)", range_ours, range_nginx)
    ratio = whole_ours.bytes_per_s / whole_nginx.bytes_per_s
    print(f"throughput ratio ours/nginx: {ratio:.2f} (target >= 0.5)")
    record("range", "whole-file throughput ours/nginx", ratio, at_least=0.5)
    small = range_ours.requests_per_s / range_nginx.requests_per_s
    print(f"{RANGE_BYTES // 1024} KiB range requests/s ours/nginx: {small:.2f} (target >= 0.3)")
    record("range", f"{RANGE_BYTES // 1024} KiB range req/s ours/nginx", small, at_least=0.3)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
