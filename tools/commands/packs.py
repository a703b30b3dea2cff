"""``odyssee packs build|list|prune|keys rotate`` and ``odyssee areas add``: offline packs from the shell."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime

from content.blobs import open_blob_store
from content.core.db import Database
from content.core.errors import InvalidParameter
from content.core.ids import is_valid_id
from content.core.settings import Settings
from content.operations.sweep import sweep_leftovers
from content.text.i18n import validate_tag
from packs.builder import BuildResult, PackBuilder, build_all
from packs.pack_id import PackId
from packs.retention import prune_packs
from packs.signing import KeyRing
from packs.store import Area, add_area, list_packs
from tools.cli import add_common, settings_from
from tools.commands._store import fail, run_with_database

__all__ = ["register"]

_BAR_WIDTH = 30


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    packs = subparsers.add_parser(
        "packs", help="build and list offline packs", description="Build, list and sign offline packs."
    )
    actions = packs.add_subparsers(dest="packs_command", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build",
        help="build packs whose content changed",
        description="Build one pack (route:<id> or area:<id>) or every pack (--all). A pack whose"
        " content did not change keeps its version and bytes. Progress goes to stderr.",
    )
    add_common(build)
    target = build.add_mutually_exclusive_group(required=True)
    target.add_argument("--all", action="store_true", help="every route pack and area pack")
    target.add_argument("pack_id", nargs="?", help="route:<route id> or area:<area id>")
    build.set_defaults(handler=run_build)
    listing = actions.add_parser("list", help="list built packs", description="List the packs served.")
    add_common(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=run_list)
    prune = actions.add_parser(
        "prune",
        help="drop old pack versions and deltas",
        description="Drop pack versions replaced more than --days ago (deltas from them are no longer"
        " served), deltas to versions no longer current, and the stored files only they used.",
    )
    add_common(prune)
    prune.add_argument(
        "--days",
        type=_days,
        default=None,
        help="history to keep in days (default: ODYSSEE_PACK_HISTORY_DAYS, 90)",
    )
    prune.set_defaults(handler=run_prune)
    keys = actions.add_parser("keys", help="manage signing keys", description="Manage pack signing keys.")
    key_actions = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    rotate = key_actions.add_parser(
        "rotate",
        help="add a new signing key and make it active",
        description="Create a new Ed25519 key and sign new packs with it. Older keys keep verifying the"
        " packs they signed; run 'odyssee packs build --all' to re-sign every pack.",
    )
    add_common(rotate)
    rotate.set_defaults(handler=run_rotate)

    areas = subparsers.add_parser("areas", help="define areas for area packs", description="Define areas.")
    area_actions = areas.add_subparsers(dest="areas_command", metavar="ACTION", required=True)
    add = area_actions.add_parser(
        "add",
        help="create or redefine an area",
        description="Create or redefine an area; its pack holds every published route meeting the box"
        " and every published POI inside it.",
    )
    add_common(add)
    add.add_argument("area_id", metavar="ID", help="the area id (letters, digits, '-')")
    add.add_argument(
        "--title", action="append", required=True, help="LANG=TEXT or TEXT (default language); repeatable"
    )
    add.add_argument("--bbox", required=True, help="minLon,minLat,maxLon,maxLat")
    add.set_defaults(handler=run_add_area)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return days


def run_prune(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    days = settings.pack_history_days if args.days is None else args.days

    async def work(db: Database) -> int:
        blobs = open_blob_store(settings)
        try:
            report = await prune_packs(db, blobs, history_days=days, now=datetime.now(UTC))
        finally:
            await blobs.close()
        swept = await asyncio.to_thread(sweep_leftovers, settings)
        print(
            f"pruned {report.versions} pack versions and {report.deltas} deltas older than {days} days;"
            f" {report.blobs} stored files deleted; {len(swept)} crash leftovers removed"
        )
        return 0

    return run_with_database(settings, work)


def _progress(done: int, total: int, pack_id: str) -> None:
    filled = _BAR_WIDTH * done // max(total, 1)
    bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
    end = "\n" if done == total else ""
    print(f"\r[{bar}] {done}/{total} {pack_id[:40]:<40}", end=end, file=sys.stderr, flush=True)


def _describe(result: BuildResult) -> str:
    state = "built" if result.changed else "unchanged"
    return f"{result.pack_id}\tv{result.version}\t{result.size} bytes\t{state}\t{result.sha256}"


async def _build_one(settings: Settings, pack_id: PackId) -> BuildResult | None:
    async with Database(settings.db_path, readers=1) as db:
        blobs = open_blob_store(settings)
        try:
            return await PackBuilder(db, blobs, settings).build(pack_id)
        finally:
            await blobs.close()


def run_build(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    try:
        if args.all:
            results = asyncio.run(build_all(settings, progress=_progress))
        else:
            one = asyncio.run(_build_one(settings, PackId.parse(args.pack_id)))
            if one is None:
                return fail(f"{args.pack_id}: no such published route or area; not in the catalogue")
            results = [one]
    except InvalidParameter as exc:
        return fail(exc.detail, 2)
    for result in results:
        print(_describe(result))
    return 0


def run_list(args: argparse.Namespace) -> int:
    settings = settings_from(args)

    async def work(db: Database) -> int:
        async with db.read() as conn:
            packs = await list_packs(conn)
        for pack in packs:
            if args.json:
                row = {
                    "id": pack.id,
                    "kind": pack.kind,
                    "version": pack.version,
                    "size": pack.size,
                    "sha256": pack.sha256,
                    "built_at": pack.built_at,
                    "languages": pack.languages,
                    "stale": pack.stale,
                }
                print(json.dumps(row, ensure_ascii=False))
            else:
                stale = "\tstale" if pack.stale else ""
                print(f"{pack.id}\tv{pack.version}\t{pack.size} bytes\t{pack.built_at}{stale}")
        return 0

    return run_with_database(settings, work)


def run_rotate(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    key = KeyRing.from_settings(settings).rotate()
    print(f"signing key {key.kid} is now active; run 'odyssee packs build --all' to re-sign the packs")
    return 0


def _parse_bbox(text: str) -> tuple[float, float, float, float]:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise ValueError("--bbox: numbers expected, minLon,minLat,maxLon,maxLat") from None
    if len(values) != 4:
        raise ValueError("--bbox: four numbers expected, minLon,minLat,maxLon,maxLat")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValueError("--bbox: must be minLon,minLat,maxLon,maxLat with min <= max, within WGS 84")
    return (min_lon, min_lat, max_lon, max_lat)


def _parse_titles(values: list[str], default: str) -> dict[str, str]:
    titles = {}
    for value in values:
        lang, sep, text = value.partition("=")
        if not sep:
            lang, text = default, value
        text = text.strip()
        if not text:
            raise ValueError(f"--title {value!r}: empty title")
        titles[validate_tag(lang.strip())] = text
    return titles


def run_add_area(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if not is_valid_id(args.area_id):
        return fail(f"{args.area_id!r} is not a valid id (lowercase letters, digits and '-')", 2)
    area = Area(
        id=args.area_id,
        title=_parse_titles(args.title, settings.default_lang),
        bbox=_parse_bbox(args.bbox),
    )
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    async def work(db: Database) -> int:
        async with db.write() as conn:
            await add_area(conn, area, created_at=now)
        print(f"area {area.id} saved; run 'odyssee packs build area:{area.id}' to build its pack")
        return 0

    return run_with_database(settings, work)
