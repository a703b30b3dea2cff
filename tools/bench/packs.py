"""Offline pack benchmark: a 20-stop route, each stop with its own phone photo and 3-minute narration.

Prints, each against a baseline measured in the same run:

- pack size / originals total (target <= 0.25);
- delta after a one-sentence edit / full pack (target <= 0.01), and delta after replacing one photo /
  that photo's variants (target: at most the variants plus 1 % of the pack);
- peak RSS of a build, in a subprocess (``ru_maxrss``), for this pack and one 5x larger (target under
  150 MB and nearly equal), next to a subprocess that only imports and opens the store;
- rebuild time after a one-sentence edit / cold build (target <= 0.05);
- download throughput of the pack through ``odyssee serve`` / nginx serving the same file;
- publish to phone: seconds from a one-sentence PATCH's 200 to the new version in the catalogue, minus
  the debounce (target <= 1 s), and the bytes the server wrote for it / the edit's delta (target <= 2).

Media: the 20 photos are crops and tints of ``phone-photo.jpg``, each ingested through ``content.media``.
Transcoding 20 three-minute narrations costs about 8 s each, so ONE is ingested (a 3-minute MP3 made by
looping ``narration-fr.mp3``); the 19 others are recorded as media whose source is that MP3 with a few
bytes changed and whose ``speech`` variant is the transcoded M4A with its last bytes changed: distinct
files (distinct SHA-256) of the real sizes, which is what pack size, deltas and memory depend on. The 5x
pack (100 stops) reuses the same trick for its photos' variants.

Run: ``python -m tools.bench.packs`` (needs ffmpeg and nginx; uses wrk when installed).
"""

from __future__ import annotations

import asyncio
import dataclasses
import http.client
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from PIL import Image, ImageOps

from content.accounts.tokens import issue_token
from content.accounts.user_changes import NewUser, create_user
from content.blobs import LocalBlobStore
from content.core.db import Database
from content.core.settings import Settings, load_settings
from content.media import ingest
from content.media.queries import MediaRecord, insert_media, upsert_variant, variants_of
from content.places.geojson import LineString, Point
from content.routes.model import RouteInput, StopInput
from content.routes.queries import get_stops
from content.routes.store import create_route, replace_stops
from packs.builder import PackBuilder
from packs.delta_builder import delta_for
from packs.pack_id import PackId
from tools.bench._report import record
from tools.bench._servers import fetch, free_port, measure, nginx, odyssee_serve

__all__ = ["main"]

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
STOPS = 20
LARGE_STOPS = 5 * STOPS
NARRATION_S = 180
NOW = "2026-11-25T10:00:00Z"
SECONDS = 5
CONNECTIONS = 2
PUBLISH_DELAY_S = 1.0


def _photo(source: Image.Image, index: int, out: Path) -> Path:
    """A distinct phone photo: a shifted crop, a tint, saved as a camera would (JPEG q92)."""
    width, height = source.size
    shift = 40 * index
    cropped = source.crop((shift, shift // 2, width - 400 + shift, height - 300 + shift // 2))
    tint = (255 - 4 * index, 235 + index, 220 + 2 * index)
    tinted = Image.blend(cropped.convert("RGB"), ImageOps.colorize(cropped.convert("L"), "black", tint), 0.25)
    tinted.save(out, "JPEG", quality=92)
    return out


def _narration(out: Path) -> Path:
    source = FIXTURES / "audio" / "narration-fr.mp3"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-stream_loop",
            "-1",
            "-i",
            str(source),
            "-t",
            str(NARRATION_S),
            "-c",
            "copy",
            str(out),
        ],
        check=True,
    )
    return out


def _varied(data: bytes, index: int) -> bytes:
    """The same bytes but the last eight, so the SHA-256 differs and the size does not."""
    return data[:-8] + index.to_bytes(8, "big")


async def _copy_media(
    db: Database, store: LocalBlobStore, media_id: str, new_id: str, index: int, source_size: int
) -> None:
    """Record ``new_id`` as a distinct media whose variants are ``media_id``'s with bytes varied."""
    async with db.read() as conn:
        variants = await variants_of(conn, media_id)
        rows = list(
            await conn.execute_fetchall("SELECT kind, source_type FROM media WHERE id = ?", (media_id,))
        )
    kind, source_type = rows[0]["kind"], rows[0]["source_type"]
    stored = []
    for variant in variants.values():
        if variant.name == "original":
            continue
        with store.open_reader(variant.sha256) as reader:
            data = _varied(reader.read(), index)
        blob = await store.put_bytes(data)
        stored.append(dataclasses.replace(variant, media_id=new_id, sha256=blob.sha256, size=blob.size))
    async with db.write() as conn:
        source = (new_id.encode() * (64 // len(new_id) + 1))[:32].hex()
        record = MediaRecord(
            id=new_id,
            kind=kind,
            source_sha256=source.ljust(64, "0"),
            source_type=source_type,
            source_size=source_size,
            created_at=NOW,
        )
        await insert_media(conn, record)
        for variant in stored:
            await upsert_variant(conn, variant)


def _stop(prefix: str, index: int, lon: float, lat: float, image: str, audio: str) -> StopInput:
    return StopInput(
        id=f"{prefix}-{index:03d}",
        title={"fr": f"Halte {index}", "en": f"Stop {index}"},
        story={
            "fr": f"Halte {index} : le bocage percheron, ses haies, ses manoirs et ses chemins creux.",
            "en": f"Stop {index}: the Perche hedgerows, manors and sunken lanes.",
        },
        geometry=Point(coordinates=[lon, lat]),
        images=[image],
        audio={"fr": audio},
    )


async def _route(db: Database, route_id: str, stops: list[StopInput]) -> None:
    line = LineString(coordinates=[list(stop.geometry.coordinates) for stop in stops])
    route = RouteInput(
        id=route_id,
        title={"fr": f"Banc d'essai {route_id}", "en": f"Benchmark {route_id}"},
        summary={"fr": "Une route de mesure.", "en": "A route for measurements."},
        theme="heritage",
        mode="walk",
        difficulty="easy",
        duration_min=180,
        geometry=line,
        stops=stops,
    )
    async with db.write() as conn:
        await create_route(conn, route, office_id=None, user_id=None, updated_at=NOW, status="published")


async def _prepare(settings: Settings, work: Path) -> tuple[int, str, float]:
    """Ingest the media and create both routes. Returns the originals' total size, the spare photo, and
    the time encoding the route's media from the uploads takes (20 photos measured, 20 narrations
    extrapolated from the one transcoded)."""
    store = LocalBlobStore(settings.blob_dir)
    narration = _narration(work / "narration-3min.mp3")
    narration_bytes = narration.read_bytes()
    source = Image.open(FIXTURES / "images" / "phone-photo.jpg")
    source.load()
    photos_total, photos_s = 0, 0.0
    async with Database(settings.db_path) as db:
        clock = time.perf_counter()
        voice = await ingest(db, store, settings, narration)
        voice_s = time.perf_counter() - clock
        images = []
        for index in range(STOPS + 1):  # one more, to replace a photo later
            photo = _photo(source, index, work / f"photo-{index}.jpg")
            if index < STOPS:
                photos_total += photo.stat().st_size
            clock = time.perf_counter()
            images.append((await ingest(db, store, settings, photo, alt=f"Photo {index}")).id)
            if index < STOPS:
                photos_s += time.perf_counter() - clock
        voices = [voice.id]
        for index in range(1, STOPS):
            await store.put_bytes(_varied(narration_bytes, index))  # the varied original is kept too
            await _copy_media(db, store, voice.id, f"voice-{index}", index, len(narration_bytes))
            voices.append(f"voice-{index}")
        stops = [
            _stop("bench", i, 0.70 + 0.002 * i, 48.30 + 0.001 * (i % 7), images[i], voices[i])
            for i in range(STOPS)
        ]
        await _route(db, "bench", stops)
        large = []
        for i in range(LARGE_STOPS):
            image, audio = f"photo-l{i}", f"voice-l{i}"
            await _copy_media(db, store, images[i % STOPS], image, 1000 + i, 0)
            await _copy_media(db, store, voices[i % STOPS], audio, 2000 + i, 0)
            large.append(_stop("large", i, 0.90 + 0.001 * i, 48.40 + 0.001 * (i % 9), image, audio))
        await _route(db, "bench-large", large)
    return photos_total + STOPS * len(narration_bytes), images[STOPS], photos_s + STOPS * voice_s


def _child_build(data_dir: str, pack_id: str) -> None:
    """In a fresh process: write ``pack_id`` whole (as a cold build does), print RSS and time as JSON."""

    async def run() -> float:
        settings = load_settings(env={}, data_dir=Path(data_dir))
        async with Database(settings.db_path, readers=1) as db:
            builder = PackBuilder(db, LocalBlobStore(settings.blob_dir), settings)
            started = time.perf_counter()
            if pack_id != "-":
                await builder.build(PackId.parse(pack_id), force=True)
            return time.perf_counter() - started

    seconds = asyncio.run(run())
    print(json.dumps({"rss_mb": _peak_rss_mb(), "seconds": seconds}))


def _peak_rss_mb() -> float:
    """This process's peak RSS. ``ru_maxrss`` would do, but Linux carries the parent's peak across
    ``exec`` into it (the benchmark's parent holds 12-megapixel photos), so read the memory map's own
    high-water mark, which starts afresh at ``exec``."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build_in_subprocess(data_dir: Path, pack_id: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "tools.bench.packs", "--child-build", str(data_dir), pack_id],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


async def _edit_story(db: Database, route_id: str) -> None:
    async with db.read() as conn:
        stops = await get_stops(conn, route_id)
    edited = msgspec.structs.replace(stops[3], story={**stops[3].story, "fr": "Une seule phrase a changé."})
    inputs = [stop.to_input() for stop in stops]
    inputs[3] = edited.to_input()
    async with db.write() as conn:
        await replace_stops(conn, route_id, inputs, user_id=None, updated_at=NOW)


async def _replace_photo(db: Database, route_id: str, image_id: str) -> int:
    async with db.read() as conn:
        stops = await get_stops(conn, route_id)
        variants = await variants_of(conn, image_id)
    inputs = [stop.to_input() for stop in stops]
    inputs[7] = msgspec.structs.replace(stops[7], images=[image_id]).to_input()
    async with db.write() as conn:
        await replace_stops(conn, route_id, inputs, user_id=None, updated_at=NOW)
    return sum(v.size for v in variants.values() if v.name in {"screen", "thumb"})


async def _measure_builds(settings: Settings, spare_image: str) -> dict[str, float]:
    figures: dict[str, float] = {}
    async with Database(settings.db_path) as db:
        builder = PackBuilder(db, LocalBlobStore(settings.blob_dir), settings)
        started = time.perf_counter()
        bench = PackId.route("bench")
        first = await builder.build(bench)
        figures["cold_s"] = time.perf_counter() - started
        assert first is not None
        figures["pack_bytes"] = first.size
        await builder.build(PackId.route("bench-large"))

        await _edit_story(db, "bench")
        started = time.perf_counter()
        second = await builder.build(bench)
        figures["edit_s"] = time.perf_counter() - started
        assert second is not None
        assert second.version == 2
        delta = await delta_for(builder, bench, 1)
        assert delta is not None
        figures["edit_delta_bytes"] = delta.size

        figures["photo_variant_bytes"] = await _replace_photo(db, "bench", spare_image)
        third = await builder.build(bench)
        assert third is not None
        assert third.version == 3
        photo_delta = await delta_for(builder, bench, 2)
        assert photo_delta is not None
        figures["photo_delta_bytes"] = photo_delta.size
    return figures


def main(argv: list[str] | None = None) -> int:
    with tempfile.TemporaryDirectory(prefix="odyssee-bench-packs-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # nginx workers may run as another user
        settings = load_settings(env={}, data_dir=work / "data")
        started = time.perf_counter()
        originals, spare_image, encode_s = asyncio.run(_prepare(settings, work))
        print(
            f"setup (ingest {STOPS + 1} photos, 1 narration; record the rest):"
            f" {time.perf_counter() - started:.1f} s"
        )
        figures = asyncio.run(_measure_builds(settings, spare_image))
        baseline = _build_in_subprocess(settings.data_dir, "-")
        small = _build_in_subprocess(settings.data_dir, str(PackId.route("bench")))
        large = _build_in_subprocess(settings.data_dir, str(PackId.route("bench-large")))
        throughput = _throughput(settings)
        latencies, written = _publish_to_phone(settings)
    pack = figures["pack_bytes"]
    print(
        f"pack {pack / 1e6:.1f} MB / originals {originals / 1e6:.1f} MB: {pack / originals:.3f}"
        " (target <= 0.25)"
    )
    record("packs", "pack / originals", pack / originals, at_most=0.25)
    edit = figures["edit_delta_bytes"]
    record("packs", "delta after a one-sentence edit / pack", edit / pack, at_most=0.01)
    print(f"delta after a one-sentence edit {edit / 1e3:.1f} kB / pack: {edit / pack:.4f} (target <= 0.01)")
    photo, variants = figures["photo_delta_bytes"], figures["photo_variant_bytes"]
    print(
        f"delta after replacing one photo {photo / 1e3:.1f} kB / (its variants {variants / 1e3:.1f} kB"
        f" + 1 % of the pack): {photo / (variants + 0.01 * pack):.3f} (target <= 1)"
    )
    record(
        "packs",
        "delta after a photo / (its variants + 1 % of pack)",
        photo / (variants + 0.01 * pack),
        at_most=1,
    )
    record("packs", f"peak build RSS MB, {LARGE_STOPS} stops", large["rss_mb"], at_most=150)
    record("packs", "peak build RSS large/small", large["rss_mb"] / small["rss_mb"], at_most=1.1)
    record(
        "packs",
        "rebuild after a one-sentence edit / cold build",
        figures["edit_s"] / figures["cold_s"],
        at_most=0.05,
    )
    print(
        f"peak build RSS: {small['rss_mb']:.0f} MB ({STOPS} stops, {pack / 1e6:.0f} MB pack),"
        f" {large['rss_mb']:.0f} MB ({LARGE_STOPS} stops), imports only {baseline['rss_mb']:.0f} MB;"
        f" large/small {large['rss_mb'] / small['rss_mb']:.2f} (target < 150 MB, nearly equal)"
    )
    print(
        f"rebuild after a one-sentence edit {figures['edit_s']:.2f} s / cold build {figures['cold_s']:.2f} s:"
        f" {figures['edit_s'] / figures['cold_s']:.3f} (target <= 0.05; the media variants already exist)"
    )
    cold_from_uploads = encode_s + figures["cold_s"]
    print(
        f"rebuild after a one-sentence edit / cold build from the uploads ({cold_from_uploads:.0f} s, media"
        f" encoding included): {figures['edit_s'] / cold_from_uploads:.4f}"
    )
    ours, theirs = throughput
    print(
        f"download {CONNECTIONS} connections {SECONDS} s: ours {ours / 1e6:.1f} MB/s,"
        f" nginx {theirs / 1e6:.1f} MB/s,"
        f" ours/nginx {ours / theirs:.2f}"
    )
    record("packs", "pack download throughput ours/nginx", ours / theirs, at_least=0.5)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    print(
        f"publish to phone (PATCH 200 -> new version in the catalogue), debounce {PUBLISH_DELAY_S} s:"
        f" p50 {p50:.2f} s over {len(latencies)} edits ({', '.join(f'{x:.2f}' for x in latencies)});"
        f" p50 - debounce {p50 - PUBLISH_DELAY_S:.2f} s (target <= 1 s)"
    )
    record("packs", "publish to phone p50 - debounce, s", p50 - PUBLISH_DELAY_S, at_most=1.0)
    print(
        f"bytes the server wrote per one-sentence edit {written / 1e6:.1f} MB"
        f" / its delta {edit / 1e3:.1f} kB:"
        f" {written / edit:.0f} (target <= 2; the sorted layout puts content/ before media/, see the note)"
    )
    record("packs", "bytes written per one-sentence edit / delta", written / edit, at_most=2)
    return 0


def _publish_to_phone(settings: Settings, edits: int = 5) -> tuple[list[float], float]:
    """Through ``odyssee serve``: seconds from each one-sentence PATCH's 200 to the new pack version in the
    catalogue, and the mean bytes the server process wrote (``/proc/PID/io`` wchar) per edit."""

    async def admin_token() -> str:
        async with Database(settings.db_path, readers=1) as db:
            password = secrets.token_urlsafe(16)
            new = NewUser(email="bench@odyssee.example", password=password, role="admin")
            user = await create_user(db, new, actor_id=None, now=datetime.now(UTC))
            async with db.write() as conn:
                issued = await issue_token(conn, user.id, now=datetime.now(UTC), ttl_s=3600)
        return issued.token

    def call(
        port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            answer = conn.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            conn.close()

    def version(port: int) -> int:
        status, _, body = call(port, "GET", "/api/v1/packs/route:bench", {})
        return int(json.loads(body)["version"]) if status == 200 else 0

    def wchar(pid: int) -> int:
        for line in Path(f"/proc/{pid}/io").read_text().splitlines():
            if line.startswith("wchar:"):
                return int(line.split()[1])
        return 0

    token = asyncio.run(admin_token())
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    port = free_port()
    latencies: list[float] = []
    written = 0
    env = {"ODYSSEE_PACK_REBUILD_DELAY_S": str(PUBLISH_DELAY_S)}
    with odyssee_serve(settings.data_dir, port, env=env) as server:
        current = version(port)
        for index in range(edits):
            _, headers, _ = call(port, "GET", "/api/v1/editor/routes/bench", auth)
            body = json.dumps({"summary": {"fr": f"Une route de mesure, version {index}."}}).encode()
            before = wchar(server.pid)
            status, _, text = call(
                port, "PATCH", "/api/v1/editor/routes/bench", {**auth, "If-Match": headers["etag"]}, body
            )
            if status != 200:
                raise RuntimeError(f"PATCH answered {status}: {text[:200]!r}")
            started = time.perf_counter()
            while version(port) <= current:
                if time.perf_counter() - started > 120:
                    raise RuntimeError("the edit never reached the catalogue")
                time.sleep(0.01)
            latencies.append(time.perf_counter() - started)
            current = version(port)
            time.sleep(0.3)  # the builder's last writes (blob, row) are done
            written += wchar(server.pid) - before
    return latencies, written / edits


def _throughput(settings: Settings) -> tuple[float, float]:
    async def current() -> tuple[str, int]:
        async with Database(settings.db_path, readers=1) as db, db.read() as conn:
            rows = list(
                await conn.execute_fetchall("SELECT sha256, size FROM packs WHERE id = 'route:bench'")
            )
        return rows[0]["sha256"], rows[0]["size"]

    sha256, size = asyncio.run(current())
    blob_path = LocalBlobStore(settings.blob_dir).path_for(sha256)
    # odyssee serve makes its data directory private (0700) at startup, which hides the pack from nginx's
    # unprivileged workers (403): nginx serves a hard link to it (same inode, same cached pages).
    public = settings.data_dir.parent / "public"
    public.mkdir(mode=0o755, exist_ok=True)
    linked = public / "pack.zip"
    linked.unlink(missing_ok=True)
    os.link(blob_path, linked)
    linked.chmod(0o644)
    ours_port, nginx_port = free_port(), free_port()
    ours_path, nginx_path = "/api/v1/packs/route:bench/download", "/pack.zip"
    with (
        odyssee_serve(settings.data_dir, ours_port),
        nginx(settings.data_dir.parent, linked, nginx_port, nginx_path),
    ):
        for port, path in ((ours_port, ours_path), (nginx_port, nginx_path)):
            status, _, body = fetch(port, path)
            if status != 200 or len(body) != size:
                raise RuntimeError(f"port {port} did not serve the pack whole (status {status})")
            measure(port, path, seconds=1, connections=CONNECTIONS)
        ours = measure(ours_port, ours_path, seconds=SECONDS, connections=CONNECTIONS)
        theirs = measure(nginx_port, nginx_path, seconds=SECONDS, connections=CONNECTIONS)
    return ours.bytes_per_s, theirs.bytes_per_s


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child-build":
        _child_build(sys.argv[2], sys.argv[3])
        raise SystemExit(0)
    raise SystemExit(main())
