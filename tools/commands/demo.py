"""``odyssee demo``: load the demo territory (offices, POIs, routes) with its narrations and pictures, the
demo producers, the Perche area pack, build the packs and make the demo accounts; running it again
changes nothing."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from importlib import resources

from content.core.db import Database
from content.core.errors import InvalidInput, OdysseeError
from content.core.settings import Settings
from content.territory import LoadReport, load_territory, parse_territory
from packs.builder import build_all
from tools.cli import add_common, input_file, settings_from
from tools.demo_accounts import describe_accounts, make_demo_accounts
from tools.demo_analytics import seed_demo_figures_into
from tools.demo_areas import ensure_demo_areas
from tools.demo_basemap import ensure_demo_basemap
from tools.demo_media import attach_demo_media
from tools.demo_producer_loader import load_demo_producers_with_accounts, print_producer_report

__all__ = ["DEMO_TERRITORY", "load_demo", "register"]

DEMO_TERRITORY = "territory.json"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="load the demo territory",
        description="Create or update the demo offices, POIs and routes with narrations and pictures, and"
        " one account per role; loading twice keeps one copy and makes nothing twice.",
    )
    add_common(parser, store="creates")
    parser.add_argument("--file", type=input_file, help="a territory JSON file instead of the bundled demo")
    parser.add_argument(
        "--no-media",
        dest="media",
        action="store_false",
        help="quick load: make no narrations or pictures (media already attached is kept)",
    )
    parser.add_argument(
        "--reset-passwords",
        action="store_true",
        help="give the existing demo accounts new passwords and print them (signs them out)",
    )
    parser.set_defaults(handler=run)


def _demo_bytes() -> bytes:
    return resources.files("tools").joinpath("demo", DEMO_TERRITORY).read_bytes()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def load_demo(settings: Settings, data: bytes | None = None, *, media: bool = True) -> LoadReport:
    """Load ``data`` (default: the bundled demo territory) into the store of ``settings``, with its media
    unless ``media`` is false."""
    territory = parse_territory(data if data is not None else _demo_bytes())
    async with Database(settings.db_path, readers=1) as db:
        territory = await attach_demo_media(db, settings, territory, make=media, progress=_progress)
        return await load_territory(db, territory, updated_at=_now())


def _progress(line: str) -> None:
    print(line, flush=True)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    data = args.file.read_bytes() if args.file else None
    try:
        report = asyncio.run(load_demo(settings, data, media=args.media))
        print(f"demo territory loaded into {settings.data_dir}: {report.summary()}")
        if data is None:
            # The demo producers belong to the bundled territory's offices, so they come with it only.
            loaded = load_demo_producers_with_accounts(settings, reset_passwords=args.reset_passwords)
            print_producer_report(*asyncio.run(loaded))
            for area_id in asyncio.run(ensure_demo_areas(settings)):
                print(f"area pack area:{area_id} defined")
            print(asyncio.run(ensure_demo_basemap(settings)))
        built = asyncio.run(build_all(settings))
        print(f"offline packs: {sum(result.changed for result in built)} built or updated")
        if data is None:
            added = asyncio.run(seed_demo_figures_into(settings))
            print(f"usage figures: {added} daily counters added (a season up to yesterday)")
        accounts = asyncio.run(make_demo_accounts(settings, reset_passwords=args.reset_passwords))
    except InvalidInput as exc:
        for error in exc.errors:
            print(f"odyssee demo: {error.field}: {error.message}", file=sys.stderr)
        return 1
    except OdysseeError as exc:
        print(f"odyssee demo: {exc.detail}", file=sys.stderr)
        return 1
    print(describe_accounts(accounts, f"http://{settings.host}:{settings.port}"))
    return 0
