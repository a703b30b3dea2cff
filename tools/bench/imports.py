"""Import speed: 10,000 Tourinsoft objects (no pictures) through ``odyssee import --from tourinsoft``.

Prints objects per second for a first import into an empty store (feed read and import, in process),
the time of a re-run of the same feed (nothing to write) and of a run where 10 % of the objects changed,
as ratios of the first run (aim: re-run ≤ 0.1), and the peak RSS of an ``odyssee import`` process for the
whole feed against the same command importing a one-object feed (``wait4``).

Run: ``python -m tools.bench.imports [OBJECTS]``. The feed is generated here, seeded, in a temp dir.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from content.core.db import Database
from content.importers import ImportOptions, ImportReport, load_objects, reader_for, run_import

__all__ = ["main", "tourinsoft_feed"]

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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    objects = int(args[0]) if args else 10_000
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
