"""``odyssee import``: POIs from a GeoJSON file (all or nothing), or from another information system
with ``--from`` (Tourinsoft, Apidae, DATAtourisme, OpenStreetMap/Overpass, GeoJSON) through the import
engine: tracked sources, re-runs that change nothing, local edits kept."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import msgspec

from content.blobs.factory import open_blob_store
from content.core.clock import utc_now
from content.core.db import Database
from content.core.errors import InvalidInput
from content.core.settings import Settings
from content.importers import (
    FORMATS,
    ImportOptions,
    ImportReport,
    NotAFeed,
    PictureFetcher,
    area_bbox,
    open_feed,
    parse_mapping,
    reader_for,
    run_import,
    tune_for_bulk,
)
from content.places.geo import BBox
from content.places.place import Box
from tools.cli import add_common, settings_from
from tools.commands.geojson_io import import_file, in_file_words

__all__ = ["format_report", "register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = subparsers.add_parser(
        "import",
        help="import POIs from GeoJSON or another information system",
        description=(
            "Without --from: insert the POIs of a GeoJSON FeatureCollection (editor shape) in one"
            " transaction; one bad feature aborts the import. With --from: import a Tourinsoft, Apidae,"
            " DATAtourisme,"
            " Overpass or GeoJSON feed through the import engine: each POI keeps its source, re-running"
            " the same feed changes nothing, an object is updated only when its source date moved, local"
            " edits are kept (and reported as conflicts), objects missing from a full feed are unpublished."
        ),
    )
    add_common(importer, store="creates")
    importer.add_argument(
        "source", metavar="SOURCE", help="a file, a directory (DATAtourisme) or an http(s) URL"
    )
    importer.add_argument("--from", dest="source_format", choices=FORMATS, help="the feed's format")
    importer.add_argument("--office", help="office id the POIs belong to (default: none)")
    importer.add_argument(
        "--status", choices=("published", "draft"), default="published", help="status of new POIs"
    )
    importer.add_argument("--provider", help="name of the source, scoping re-syncs (default: the format)")
    importer.add_argument(
        "--mapping", type=Path, help='JSON {"source type": "category" or null} over the defaults'
    )
    area = importer.add_mutually_exclusive_group()
    area.add_argument("--area", help="only objects inside this area (odyssee areas)")
    area.add_argument("--bbox", help="only objects inside minLon,minLat,maxLon,maxLat")
    importer.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    importer.add_argument("--no-media", action="store_true", help="do not fetch pictures")
    importer.add_argument(
        "--partial", action="store_true", help="the feed is not complete: unpublish nothing missing from it"
    )
    importer.add_argument(
        "--batch-size",
        type=int,
        help=f"objects per transaction (default {BULK_BATCH} with --no-media, else {PICTURES_BATCH})",
    )
    importer.add_argument("--json", action="store_true", help="print the report as JSON")
    importer.add_argument(
        "--print-mapping",
        action="store_true",
        help="print the category table in use (the defaults, or with --mapping) as JSON, and import nothing",
    )
    importer.set_defaults(handler=run)


# Objects per transaction. Without pictures, a large batch: each commit writes every index page its rows
# touched, and at a million POIs the rows of a small batch touch as many pages as they are rows (the
# engine still reads and checks them 500 at a time). With pictures, small: each batch waits for its
# pictures, and an interrupted import keeps the batches before it.
BULK_BATCH = 20_000
PICTURES_BATCH = 500


def _bbox(text: str) -> BBox:
    """``--bbox``, read as the API reads ``bbox`` (an empty box, a point or a line, is refused here)."""
    box = Box.parse(text)
    assert box is not None
    if box.min_lon == box.max_lon or box.min_lat == box.max_lat:
        raise InvalidInput.field("bbox", "expected minLon < maxLon and minLat < maxLat")
    return box.bounds


async def _import(settings: Settings, args: argparse.Namespace) -> ImportReport:
    reader = reader_for(args.source_format)
    table = reader.categories
    if args.mapping is not None:
        try:
            table = parse_mapping(await asyncio.to_thread(args.mapping.read_bytes), table)
        except OSError as exc:
            raise InvalidInput.field("mapping", f"{args.mapping}: {exc.strerror or exc}") from None
    batch_size = args.batch_size or (BULK_BATCH if args.no_media else PICTURES_BATCH)
    if not 1 <= batch_size <= 100_000:
        raise InvalidInput.field("batch-size", "must be between 1 and 100000")
    bbox = _bbox(args.bbox) if args.bbox else None
    async with open_feed(reader, args.source) as objects, Database(settings.db_path, readers=1) as db:
        await tune_for_bulk(db)
        if args.area:
            async with db.read() as conn:
                bbox = await area_bbox(conn, args.area)
        options = ImportOptions(
            provider=args.provider or args.source_format,
            format=args.source_format,
            table=table,
            office_id=args.office,
            status=args.status,
            bbox=bbox,
            full_feed=not args.partial,
            dry_run=args.dry_run,
            batch_size=batch_size,
        )
        pictures = None if args.no_media else PictureFetcher(db, open_blob_store(settings), settings)
        return await run_import(db, objects, options, pictures=pictures, now=utc_now())


def format_report(report: ImportReport, elapsed_s: float) -> str:
    verb = "would import" if report.dry_run else "imported"
    lines = [
        f"{verb} from {report.provider} ({report.format}): {report.read} objects read in {elapsed_s:.1f} s",
        f"  created {report.created}, updated {report.updated}, unchanged {report.unchanged},"
        f" unpublished {report.unpublished}, republished {report.republished}",
        f"  pictures fetched {report.pictures_fetched}, failed {report.pictures_failed}",
    ]
    for reason, count in sorted(report.skipped.items()):
        examples = "; ".join(report.skipped_examples.get(reason, [])[:3])
        lines.append(f"  skipped ({reason}): {count}" + (f" e.g. {examples}" if examples else ""))
    if report.unmapped_kinds:
        kinds = ", ".join(
            f"{k} ({n})" for k, n in sorted(report.unmapped_kinds.items(), key=lambda i: -i[1])[:10]
        )
        lines.append(f"  unmapped source types: {kinds}")
    if report.opening_hours_as_text:
        lines.append(
            f"  opening periods kept as text (not exact in OSM syntax): {report.opening_hours_as_text}"
            f" e.g. {'; '.join(report.opening_hours_examples[:3])}"
        )
    for failure in report.picture_failures[:10]:
        lines.append(f"  picture failed: {failure.external_id} {failure.url}: {failure.reason}")
    lines.append(f"  conflicts (local edits kept): {len(report.conflicts)}")
    for conflict in report.conflicts[:50]:
        local, source = (msgspec.json.encode(v).decode()[:120] for v in (conflict.local, conflict.source))
        lines.append(
            f"    {conflict.poi_id} ({conflict.external_id}) {conflict.field}:"
            f" local {local} / source {source}"
        )
    lines.extend(f"  note: {note}" for note in report.notes)
    return "\n".join(lines)


def _print_mapping(args: argparse.Namespace) -> int:
    table = reader_for(args.source_format).categories
    if args.mapping is not None:
        table = parse_mapping(args.mapping.read_bytes(), table)
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(dict(sorted(table.items())))).decode() + "\n")
    return 0


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.source_format is None:
        return _legacy(settings, args)
    if args.print_mapping:
        try:
            return _print_mapping(args)
        except (InvalidInput, OSError) as exc:
            print(f"odyssee import: mapping: {getattr(exc, 'detail', exc)}", file=sys.stderr)
            return 2
    started = time.perf_counter()
    try:
        report = asyncio.run(_import(settings, args))
    except NotAFeed as exc:
        print(f"odyssee import: cannot read {args.source}: {exc}", file=sys.stderr)
        return 1
    except InvalidInput as exc:
        for error in exc.errors:
            print(f"odyssee import: {error.field}: {error.message}", file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(msgspec.json.format(msgspec.json.encode(report)).decode() + "\n")
    else:
        print(format_report(report, time.perf_counter() - started))
    return 0


def _legacy(settings: Settings, args: argparse.Namespace) -> int:
    path = Path(args.source)
    if not path.is_file():
        print(f"odyssee import: {path}: no such file", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        imported = asyncio.run(import_file(settings, path, office_id=args.office, status=args.status))
    except InvalidInput as exc:
        for error in exc.errors:
            print(f"odyssee import: {in_file_words(path, error.field, error.message)}", file=sys.stderr)
        print("odyssee import: nothing was imported", file=sys.stderr)
        return 1
    print(f"imported {imported} POIs in {time.perf_counter() - started:.1f} s")
    return 0
