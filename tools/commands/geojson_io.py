"""``odyssee import`` and ``odyssee export``: POIs as a GeoJSON FeatureCollection."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from content.db import Database
from content.errors import InvalidInput
from content.pois.exchange import export_pois, import_pois
from content.settings import Settings
from tools.cli import add_common, input_file, output_file, settings_from

__all__ = ["export_file", "import_file", "register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = subparsers.add_parser(
        "import",
        help="import POIs from a GeoJSON file",
        description=(
            "Insert the POIs of a GeoJSON FeatureCollection (properties in the editor shape) in one"
            " transaction: one bad feature aborts the import and nothing is written."
        ),
    )
    add_common(importer, store="creates")
    importer.add_argument("file", type=input_file, metavar="FILE.geojson")
    importer.add_argument("--office", help="office id the POIs belong to (default: none)")
    importer.add_argument(
        "--status", choices=("published", "draft"), default="published", help="status of the new POIs"
    )
    importer.set_defaults(handler=run_import)

    exporter = subparsers.add_parser(
        "export",
        help="export published POIs as GeoJSON",
        description="Write published POIs as a GeoJSON FeatureCollection that `odyssee import` reads back.",
    )
    add_common(exporter)
    exporter.add_argument("--out", type=output_file, help="output file (default: standard output)")
    exporter.set_defaults(handler=run_export)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def import_file(settings: Settings, path: Path, *, office_id: str | None, status: str) -> list[str]:
    data = await asyncio.to_thread(path.read_bytes)
    async with Database(settings.db_path, readers=1) as db:
        return await import_pois(
            db,
            data,
            office_id=office_id,
            status="draft" if status == "draft" else "published",
            user_id=None,
            updated_at=_now(),
        )


async def export_file(settings: Settings, out: BinaryIO) -> int:
    async with Database(settings.db_path, readers=1) as db:
        return await export_pois(db, out.write)


def run_import(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    started = time.perf_counter()
    try:
        ids = asyncio.run(import_file(settings, args.file, office_id=args.office, status=args.status))
    except InvalidInput as exc:
        for error in exc.errors:
            print(f"odyssee import: {_in_file_words(args.file, error.field, error.message)}", file=sys.stderr)
        print("odyssee import: nothing was imported", file=sys.stderr)
        return 1
    print(f"imported {len(ids)} POIs in {time.perf_counter() - started:.1f} s")
    return 0


def _in_file_words(path: Path, field: str, message: str) -> str:
    """The importer names the HTTP body (``body``) when the document as a whole is wrong: name the file."""
    if field != "body":
        return f"{field}: {message}"
    if message.startswith("JSON is malformed"):
        detail = message.removeprefix("JSON is malformed").lstrip(": ")
        return f"{path} is not a JSON file ({detail}); expected a GeoJSON FeatureCollection"
    return f"{path}: {message}"


def run_export(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.out is None:
        count = asyncio.run(export_file(settings, sys.stdout.buffer))
    else:
        with args.out.open("wb") as out:
            count = asyncio.run(export_file(settings, out))
    print(f"exported {count} POIs", file=sys.stderr)
    return 0
