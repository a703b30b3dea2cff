"""Import speed and memory: GeoJSON feeds of 100,000 and 1,000,000 POIs, and 10,000 Tourinsoft objects.

    python -m tools.bench.imports [--sizes 100000,1000000] [--tourinsoft 10000]

Bulk (issue 15, goal 3): for each size, a seeded GeoJSON FeatureCollection is written to a temp dir and
imported by the real command, ``odyssee import --from geojson FILE --no-media``, in a subprocess on a
fresh data dir: POIs/s (wall time of the process, interpreter start included) and its peak RSS
(``VmHWM``). The same rows (POIs with their R*Tree and FTS5 rows by the schema's triggers, one history
row and one source row each) inserted with plain ``sqlite3`` ``executemany``, 500 per transaction, into
another fresh store give the baseline rate of that run; the import's rate is reported as a ratio of it.
(The baseline keeps the 500-row transactions it had when the import used them, so that ratios compare
across sessions; the import now commits 20,000 objects at a time, written 500 at a time with one
``json_each`` statement per table.)
Then the same file is imported again (nothing changed: nothing written) and timed. Goals: ≥ 5,000 POIs/s,
peak RSS at the largest size / at the smallest ≤ 1.1 (flat), re-run ≤ 0.1 of the first import.
``make bench`` runs the default size, 100,000 (about 7 minutes at a load average of 11-13 on 2 cores, then
the Tourinsoft part; each size costs about twice its import's own time); ``--sizes 100000,1000000`` is the
full measure with the RSS ratio (over an hour under such load).

Tourinsoft (issue 13): objects per second for a first import of 10,000 objects into an empty store (in
process), a re-run of the same feed and a run where 10 % changed, as ratios of the first run (aim: re-run
≤ 0.1), and the peak RSS of the command for the whole feed against a one-object feed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from content.core.db import Database, prepare_file
from content.core.model import POI_CATEGORIES
from content.importers import ImportOptions, ImportReport, load_objects, reader_for, run_import
from content.importers.plain import PlainRow, plain_insert
from tools.bench._report import record
from tools.bench.near_me import PLACES, WORDS

__all__ = ["geojson_feed", "main", "tourinsoft_feed"]

ROOT = Path(__file__).resolve().parents[2]
_TYPES = [
    ("PCU", "Patrimoine culturel", "Châteaux"),
    ("PCU", "Patrimoine culturel", "Musées"),
    ("PCU", "Patrimoine culturel", "Édifice religieux"),
    ("PNA", "Patrimoine naturel", ""),
    ("RES", "Restauration", ""),
    ("HOT", "Hôtellerie", "Hôtels"),
    ("DEG", "Dégustation", ""),
    ("FMA", "Fêtes et manifestations", ""),
]
_COMMUNES = ["NOGENT-LE-ROTROU", "BELLÊME", "MORTAGNE-AU-PERCHE", "LA LOUPE", "RÉMALARD EN PERCHE"]
_PERIODS = [
    "01/04/2026|30/09/2026|10:00|12:30|14:00|18:00|Mardi$Mercredi$Jeudi$Vendredi$Samedi$Dimanche|Lundi",
    "01/01/2026|31/12/2026|09:00|19:00|||Samedi$Dimanche$Jours fériés|",
    "01/05/2026|30/09/2026|14:00|18:00|||Dimanche$Sauf jours de pluie|",
    "",
]


def _row(rng: random.Random, n: int, updated_ms: int) -> dict[str, Any]:
    code, type_name, classification = _TYPES[n % len(_TYPES)]
    lat, lon = 48.2 + rng.random() * 0.5, 0.4 + rng.random() * 0.7
    commune = _COMMUNES[n % len(_COMMUNES)]
    return {
        "SyndicObjectID": f"{code}CEN028V5{n:06d}",
        "SyndicObjectName": f"{classification or type_name} n°{n}",
        "SyndicObjectName_GB": f"Place {n}",
        "Updated": f"/Date({updated_ms})/",
        "ObjectTypeName": type_name,
        "Classification": classification or None,
        "GmapLatitude": "" if n % 97 == 0 else f"{lat:.7f}",
        "GmapLongitude": "" if n % 97 == 0 else f"{lon:.7f}",
        "AdresseComplete": f"{n % 40 + 1} rue de l'Église|||28400|{commune}|28280",
        "MoyenDeCom": f"Téléphone filaire|02 37 {n % 90 + 10:02d} 00 00#Mél|contact{n}@example.org",
        "DescriptionCommerciale": "<p>"
        + " ".join(rng.choice(("Un", "lieu", "du", "Perche", "à", "voir")) for _ in range(60))
        + "</p>",
        "PeriodeOuverture": _PERIODS[n % len(_PERIODS)],
        "MediaPhotoss": [
            {"Ordre": 1, "Photo": {"Url": f"https://media.example.org/{n}.jpg", "Credit": "OT"}}
        ],
    }


def tourinsoft_feed(path: Path, objects: int, *, changed_share: float = 0.0, seed: int = 28) -> Path:
    """A v3 syndication of ``objects`` objects; ``changed_share`` of them with a newer ``Updated``."""
    rng = random.Random(seed)
    rows = []
    for n in range(objects):
        moved = changed_share and (n % round(1 / changed_share) == 0)
        rows.append(_row(rng, n, 1_767_225_600_000 + (86_400_000 if moved else 0)))
        if moved:
            rows[-1]["SyndicObjectName"] += " (rénové)"
    path.write_text(json.dumps({"value": rows}, ensure_ascii=False), encoding="utf-8")
    return path


# The child reports its own high-water mark: wait4's ru_maxrss would include the parent's size at fork.
_MEASURED_CLI = (
    "import sys\n"
    "from tools.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM:')]\n"
    "print(peak[0].split()[1], file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def _peak_rss(feed: Path, data: Path) -> int:
    """Peak RSS (bytes) of one ``odyssee import`` process (Linux ``VmHWM``)."""
    command = [sys.executable, "-c", _MEASURED_CLI, "import", "--from", "tourinsoft", str(feed)]
    command += ["--no-media", "--json", "--data-dir", str(data)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"odyssee import failed with status {done.returncode}: {done.stderr.decode()}")
    return int(done.stderr.split()[-1]) * 1024


async def _timed(feed: Path, db_path: Path) -> tuple[float, ImportReport]:
    """Seconds to read the feed and import it (what the command does, without the interpreter's start)."""
    reader = reader_for("tourinsoft")
    started = time.perf_counter()
    entries = await load_objects(reader, str(feed))
    async with Database(db_path, readers=1) as db:
        options = ImportOptions(provider="tourinsoft", format="tourinsoft", table=reader.categories)
        report = await run_import(db, entries, options, pictures=None, now=datetime.now(UTC))
    return time.perf_counter() - started, report


_AREA = (-0.9, 48.1, 1.9, 48.95)  # min_lon, min_lat, max_lon, max_lat: Orne and Eure-et-Loir, roughly


def _feature(rng: random.Random, n: int) -> dict[str, Any]:
    word, place = rng.choice(WORDS), rng.choice(PLACES)
    min_lon, min_lat, max_lon, max_lat = _AREA
    lon, lat = round(rng.uniform(min_lon, max_lon), 6), round(rng.uniform(min_lat, max_lat), 6)
    return {
        "type": "Feature",
        "id": f"poi-{n}",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
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


def geojson_feed(path: Path, pois: int, *, seed: int = 7) -> Path:
    """A FeatureCollection of ``pois`` POIs, written feature by feature (the bench holds none of it)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [\n')
        for n in range(pois):
            out.write((",\n" if n else "") + json.dumps(_feature(rng, n), ensure_ascii=False))
        out.write("\n]}\n")
    return path


def _plain_rows(rng: random.Random, start: int, stop: int, at: str) -> list[PlainRow]:
    rows = []
    for n in range(start, stop):
        feature = _feature(rng, n)
        properties = feature["properties"]
        fields = {
            "category": properties["category"],
            "name": properties["name"],
            "description": properties["description"],
            "commune": properties["commune"],
            "opening_hours": properties["opening_hours"],
            "contact": properties["contact"],
            "accessibility": properties["accessibility"],
            "geometry": feature["geometry"],
        }
        lon, lat = feature["geometry"]["coordinates"]
        poi = {
            "id": f"{properties['name']['fr'].lower().replace(' ', '-')}-{n}",
            "office_id": None,
            "status": "published",
            "category": properties["category"],
            "name": json.dumps(properties["name"], ensure_ascii=False),
            "description": json.dumps(properties["description"], ensure_ascii=False),
            "lat": lat,
            "lon": lon,
            "address": None,
            "commune": properties["commune"],
            "opening_hours": properties["opening_hours"],
            "contact": json.dumps(properties["contact"]),
            "accessibility": json.dumps(properties["accessibility"]),
            "images": "[]",
            "audio": "{}",
            "updated_at": at,
            "updated_by": None,
        }
        rows.append((poi, json.dumps(fields, ensure_ascii=False), feature["id"]))
    return rows


def plain_insert_rate(pois: int, data: Path, *, seed: int = 7, batch: int = 500) -> float:
    """Rows per second of a plain ``sqlite3`` insert of what an import of ``pois`` POIs writes, ``batch``
    per transaction, into a fresh store (``content.importers.plain``); the rows are made as it goes."""
    db_path = data / "odyssee.sqlite3"
    prepare_file(db_path)
    rng, at = random.Random(seed), "2026-11-28T00:00:00Z"
    batches = (_plain_rows(rng, start, min(pois, start + batch), at) for start in range(0, pois, batch))
    started = time.perf_counter()
    plain_insert(db_path, batches, provider="geojson", at=at, digest=uuid.uuid4().hex)
    return pois / (time.perf_counter() - started)


def _run_cli(arguments: list[str]) -> tuple[float, int, dict[str, Any]]:
    """Seconds, peak RSS (bytes, the child's own VmHWM) and JSON report of one ``odyssee`` command."""
    command = [sys.executable, "-c", _MEASURED_CLI, *arguments, "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ODYSSEE_LOG_LEVEL": "warning"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"odyssee {' '.join(arguments)} failed ({done.returncode}): {done.stderr.decode()}")
    return elapsed, int(done.stderr.split()[-1]) * 1024, json.loads(done.stdout)


def bulk(sizes: list[int]) -> None:
    """The GeoJSON figures for each size, then the RSS ratio of the largest to the smallest."""
    mib = 1024 * 1024
    peaks: dict[int, float] = {}
    for pois in sizes:
        with tempfile.TemporaryDirectory(prefix="odyssee-bench-bulk-") as work:
            root = Path(work)
            started = time.perf_counter()
            feed = geojson_feed(root / "pois.geojson", pois)
            written_s = time.perf_counter() - started
            load_before = os.getloadavg()
            arguments = [
                "import",
                "--from",
                "geojson",
                str(feed),
                "--no-media",
                "--data-dir",
                str(root / "data"),
            ]
            first_s, first_rss, first = _run_cli(arguments)
            again_s, again_rss, again = _run_cli(arguments)
            (root / "plain").mkdir()
            baseline = plain_insert_rate(pois, root / "plain")
            load_after = os.getloadavg()
            feed_mib = feed.stat().st_size / mib
        if (first["created"], again["unchanged"], again["created"] + again["updated"]) != (pois, pois, 0):
            raise SystemExit(f"unexpected reports: first {first}, re-run {again}")
        rate = pois / first_s
        peaks[pois] = first_rss / mib
        print(
            f"GeoJSON {pois:,} POIs ({feed_mib:.0f} MiB, written in {written_s:.0f} s); load average before"
            f" {load_before[0]:.2f}, after {load_after[0]:.2f}"
        )
        print(
            f"  odyssee import: {first_s:.1f} s, {rate:,.0f} POIs/s, peak RSS {first_rss / mib:.0f} MiB;"
            f" plain sqlite3 insert of the same rows: {baseline:,.0f} rows/s;"
            f" import / plain = {rate / baseline:.2f}"
        )
        print(
            f"  re-run of the same file (nothing written): {again_s:.1f} s,"
            f" peak RSS {again_rss / mib:.0f} MiB; re-run / first = {again_s / first_s:.3f}"
        )
        record("imports", f"GeoJSON import POIs/s ({pois:,})", rate, at_least=5000)
        record("imports", f"GeoJSON import / plain sqlite3 insert rate ({pois:,})", rate / baseline)
        record("imports", f"GeoJSON import peak RSS MiB ({pois:,})", first_rss / mib)
        record("imports", f"GeoJSON re-run s ({pois:,})", again_s)
        record("imports", f"GeoJSON re-run / first import ({pois:,})", again_s / first_s, at_most=0.1)
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        ratio = peaks[large] / peaks[small]
        print(f"peak RSS {large:,} / {small:,} POIs: {ratio:.2f} (flat: ~1.0)")
        record("imports", f"GeoJSON import peak RSS {large:,} / {small:,}", ratio, at_most=1.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.imports", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--sizes",
        default="100000",
        help="GeoJSON sizes, comma-separated (default 100000; add 1000000 for the RSS ratio: long)",
    )
    parser.add_argument("--tourinsoft", type=int, default=10_000, help="Tourinsoft objects (0: skip)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    print(f"load average at start: {os.getloadavg()}, {os.cpu_count()} cores")
    if sizes:
        bulk(sizes)
    if args.tourinsoft:
        tourinsoft(args.tourinsoft)
    return 0


def tourinsoft(objects: int) -> None:
    with tempfile.TemporaryDirectory(prefix="odyssee-bench-import-") as work:
        root = Path(work)
        feed = tourinsoft_feed(root / "feed.json", objects)
        changed = tourinsoft_feed(root / "changed.json", objects, changed_share=0.1)
        tiny = tourinsoft_feed(root / "tiny.json", 1)
        db_path = root / "data" / "odyssee.sqlite3"
        db_path.parent.mkdir()
        first_s, first = asyncio.run(_timed(feed, db_path))
        again_s, again = asyncio.run(_timed(feed, db_path))
        update_s, update = asyncio.run(_timed(changed, db_path))
        base_rss = _peak_rss(tiny, root / "tiny-data")
        first_rss = _peak_rss(feed, root / "rss-data")
        feed_mib = feed.stat().st_size / (1024 * 1024)
    mib = 1024 * 1024
    skipped = sum(first.skipped.values())
    print(f"feed: {objects} Tourinsoft objects ({feed_mib:.1f} MiB of OData JSON, no pictures)")
    print(
        f"first import: {first_s:.2f} s, {first.read / first_s:,.0f} objects/s"
        f" (created {first.created}, skipped {skipped})"
    )
    print(
        f"re-run of the same feed: {again_s:.2f} s (unchanged {again.unchanged}, written"
        f" {again.created + again.updated}); re-run / first = {again_s / first_s:.3f} (aim <= 0.1)"
    )
    print(f"10 % changed: {update_s:.2f} s (updated {update.updated}); / first = {update_s / first_s:.3f}")
    print(
        f"peak RSS of `odyssee import`: {first_rss / mib:.0f} MiB; importing a one-object feed:"
        f" {base_rss / mib:.0f} MiB; ratio {first_rss / base_rss:.2f}"
    )
    record("imports", f"Tourinsoft re-run / first import ({objects:,})", again_s / first_s, at_most=0.1)


if __name__ == "__main__":
    sys.exit(main())
