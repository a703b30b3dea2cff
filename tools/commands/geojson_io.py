"""``odyssee export`` (POIs as GeoJSON, or the catalogue as JSON-LD) and the plain GeoJSON import."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import msgspec

from content.core.db import Database
from content.core.model import Status
from content.core.settings import Settings
from content.exports.catalogue import export_catalogue_jsonld
from content.importers import tune_for_bulk
from content.importers.streaming import STREAM_FROM_BYTES
from content.pois.exchange import export_pois, import_pois, import_pois_streamed
from tools.cli import add_common, output_file, settings_from

__all__ = ["export_file", "export_jsonld", "import_file", "in_file_words", "register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    exporter = subparsers.add_parser(
        "export",
        help="export published POIs as GeoJSON, or the catalogue as schema.org JSON-LD",
        description=(
            "Write published POIs as a GeoJSON FeatureCollection that `odyssee import` reads back, or with"
            " --format jsonld every published route (TouristTrip) and POI (TouristAttraction) as one"
            " schema.org JSON-LD graph."
        ),
    )
    add_common(exporter)
    exporter.add_argument("--out", type=output_file, help="output file (default: standard output)")
    exporter.add_argument(
        "--format", choices=("geojson", "jsonld"), default="geojson", help="default geojson"
    )
    exporter.add_argument(
        "--base-url", help="public address of the service, for JSON-LD ids and links (default: host and port)"
    )
    exporter.set_defaults(handler=run_export)


# Files above this size are read as a stream (a module attribute, so that tests can lower it).
STREAMED_FROM_BYTES = STREAM_FROM_BYTES


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def import_file(
    settings: Settings,
    path: Path,
    *,
    office_id: str | None,
    status: str,
    stream_from_bytes: int | None = None,
) -> int:
    """Insert every POI of the file in one transaction; returns how many. A file over
    ``stream_from_bytes`` (default :data:`STREAMED_FROM_BYTES`) is read as a stream, with the bulk
    import's bounded page cache."""
    status_: Status = "draft" if status == "draft" else "published"
    limit = STREAMED_FROM_BYTES if stream_from_bytes is None else stream_from_bytes
    if (await asyncio.to_thread(path.stat)).st_size > limit:
        async with Database(settings.db_path, readers=1) as db:
            await tune_for_bulk(db)
            return await import_pois_streamed(
                db, path, office_id=office_id, status=status_, user_id=None, updated_at=_now()
            )
    data = await asyncio.to_thread(path.read_bytes)
    async with Database(settings.db_path, readers=1) as db:
        ids = await import_pois(
            db, data, office_id=office_id, status=status_, user_id=None, updated_at=_now()
        )
    return len(ids)


async def export_jsonld(settings: Settings, out: BinaryIO, base_url: str) -> int:
    async with Database(settings.db_path, readers=1) as db:
        document = await export_catalogue_jsonld(db, base_url, settings.default_lang)
    out.write(msgspec.json.format(msgspec.json.encode(document), indent=1) + b"\n")
    return len(document["@graph"])


async def export_file(settings: Settings, out: BinaryIO) -> int:
    async with Database(settings.db_path, readers=1) as db:
        return await export_pois(db, out.write)


def in_file_words(path: Path, field: str, message: str) -> str:
    """An import error for the terminal: the importer names the HTTP body (``body``) when the document as
    a whole is wrong; on the command line, that is the file."""
    if field != "body":
        return f"{field}: {message}"
    if message.startswith("JSON is malformed"):
        detail = message.removeprefix("JSON is malformed").lstrip(": ")
        return f"{path} is not a JSON file ({detail}); expected a GeoJSON FeatureCollection"
    return f"{path}: {message}"


def run_export(args: argparse.Namespace) -> int:
    settings = settings_from(args)

    def export(out: BinaryIO) -> int:
        if args.format == "jsonld":
            base_url = args.base_url or f"http://{settings.host}:{settings.port}"
            return asyncio.run(export_jsonld(settings, out, base_url.rstrip("/")))
        return asyncio.run(export_file(settings, out))

    if args.out is None:
        count = export(sys.stdout.buffer)
    else:
        with args.out.open("wb") as out:
            count = export(out)
    what = "routes and POIs" if args.format == "jsonld" else "POIs"
    print(f"exported {count} {what}", file=sys.stderr)
    return 0
