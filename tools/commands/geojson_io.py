"""``odyssee export`` (and the plain GeoJSON import behind ``odyssee import FILE``): POIs as GeoJSON."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from content.db import Database
from content.pois.exchange import export_pois, import_pois
from content.settings import Settings
from tools.cli import add_common, settings_from

__all__ = ["export_file", "import_file", "register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    exporter = subparsers.add_parser(
        "export",
        help="export published POIs as GeoJSON",
        description="Write published POIs as a GeoJSON FeatureCollection that `odyssee import` reads back.",
    )
    add_common(exporter)
    exporter.add_argument("--out", type=Path, help="output file (default: standard output)")
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


def run_export(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.out is None:
        count = asyncio.run(export_file(settings, sys.stdout.buffer))
    else:
        with args.out.open("wb") as out:
            count = asyncio.run(export_file(settings, out))
    print(f"exported {count} POIs", file=sys.stderr)
    return 0
