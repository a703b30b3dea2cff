"""``odyssee producers expiring --days N`` and ``odyssee producers export --format dfc``."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from content.core.clock import rfc3339, utc_now
from content.core.db import Database
from content.producers.dfc import encode_dfc
from content.producers.export import dfc_catalogue
from content.producers.queries import expiring_offers
from tools.cli import add_common, output_file, settings_from
from tools.commands._store import fail, run_with_database

__all__ = ["DEFAULT_BASE_URL", "register"]

DEFAULT_BASE_URL = "https://odyssee.example/dfc"
_MAX_DAYS = 120


def _days(text: str) -> int:
    value = int(text) if text.isascii() and text.isdigit() else -1
    if not 1 <= value <= _MAX_DAYS:
        raise argparse.ArgumentTypeError(f"a whole number of days from 1 to {_MAX_DAYS}")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "producers",
        help="producer network tools",
        description="Tools for the Goûter le Perche producers: expiring offers, DFC export.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    expiring = actions.add_parser(
        "expiring",
        help="offers about to expire, with their producer's contact",
        description="List active offers whose valid_until falls within the next DAYS days, soonest first,"
        " one per line: valid_until, producer, offer, product, phone, email. Meant for a daily cron job.",
    )
    add_common(expiring)
    expiring.add_argument("--days", type=_days, default=7, help="look-ahead in days, 1 to 120 (default 7)")
    expiring.set_defaults(handler=run_expiring)

    export = actions.add_parser(
        "export",
        help="export producers and offers",
        description="Export published producers and their current offers as Data Food Consortium JSON-LD.",
    )
    add_common(export)
    export.add_argument("--format", choices=["dfc"], required=True, help="dfc: DFC 2.0 JSON-LD")
    export.add_argument("--out", type=output_file, help="write to this file instead of standard output")
    export.add_argument(
        "--base-url",
        default=DEFAULT_BASE_URL,
        help=f"absolute http(s) URL under which node IRIs live ({DEFAULT_BASE_URL})",
    )
    export.set_defaults(handler=run_export)


def run_expiring(args: argparse.Namespace) -> int:
    async def work(db: Database) -> int:
        now = utc_now()
        async with db.read() as conn:
            found = await expiring_offers(conn, now=now, until=now + timedelta(days=args.days))
        for item in found:
            offer, producer = item.offer, item.producer
            product = offer.product.get("fr") or next(iter(offer.product.values()), "")
            fields = [
                rfc3339(offer.valid_until),
                producer.id,
                offer.id,
                product,
                producer.contact.phone or "-",
                producer.contact.email or "-",
            ]
            print("\t".join(field.replace("\t", " ") for field in fields))
        print(f"{len(found)} offer(s) expire within {args.days} day(s)", file=sys.stderr)
        return 0

    return run_with_database(settings_from(args), work)


def run_export(args: argparse.Namespace) -> int:
    async def work(db: Database) -> int:
        async with db.read() as conn:
            try:
                document = await dfc_catalogue(conn, base_url=args.base_url, now=utc_now())
            except ValueError as exc:
                return fail(str(exc), 2)
        data = encode_dfc(document)
        if args.out is None:
            sys.stdout.buffer.write(data + b"\n")
            sys.stdout.flush()
        else:
            args.out.write_bytes(data)
            print(f"wrote {len(document['@graph'])} DFC nodes to {args.out}", file=sys.stderr)
        return 0

    return run_with_database(settings_from(args), work)
