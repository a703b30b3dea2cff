"""``odyssee demo``: load the demo territory (offices, POIs, routes); running it again changes nothing."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from content.db import Database
from content.errors import InvalidInput
from content.settings import Settings
from content.territory import LoadReport, load_territory, parse_territory
from packs.builder import build_all
from tools.cli import add_common, settings_from

__all__ = ["DEMO_TERRITORY", "load_demo", "register"]

DEMO_TERRITORY = "territory.json"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="load the demo territory",
        description="Create or update the demo offices, POIs and routes; loading twice keeps one copy.",
    )
    add_common(parser)
    parser.add_argument("--file", type=Path, help="a territory JSON file instead of the bundled demo")
    parser.set_defaults(handler=run)


def _demo_bytes() -> bytes:
    return resources.files("tools").joinpath("demo", DEMO_TERRITORY).read_bytes()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def load_demo(settings: Settings, data: bytes | None = None) -> LoadReport:
    """Load ``data`` (default: the bundled demo territory) into the store of ``settings``."""
    territory = parse_territory(data if data is not None else _demo_bytes())
    async with Database(settings.db_path, readers=1) as db:
        return await load_territory(db, territory, updated_at=_now())


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    data = args.file.read_bytes() if args.file else None
    try:
        report = asyncio.run(load_demo(settings, data))
    except InvalidInput as exc:
        for error in exc.errors:
            print(f"odyssee demo: {error.field}: {error.message}", file=sys.stderr)
        return 1
    print(
        f"demo territory loaded into {settings.data_dir}: "
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    )
    print(f"offline packs: {sum(r.changed for r in asyncio.run(build_all(settings)))} built or updated")
    return 0
