"""``odyssee analytics report`` (exact figures, for the operator) and ``odyssee analytics publish``
(the open-data CSV of monthly figures, small numbers suppressed)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import msgspec

from content.analytics.export import report_csv
from content.analytics.opendata import open_data_csv
from content.analytics.params import parse_report_query
from content.analytics.periods import month_starts
from content.analytics.recorder import local_day
from content.analytics.report import read_report
from content.core.clock import utc_now
from content.core.db import Database
from tools.cli import add_common, settings_from
from tools.commands._store import fail, run_with_database

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "analytics", help="usage figures", description="Read or publish the anonymous usage figures."
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    report = actions.add_parser(
        "report", help="print the figures", description="Print every figure, exact (as an admin sees them)."
    )
    add_common(report)
    report.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="default: 12 months ago")
    report.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="default: today")
    report.add_argument("--granularity", choices=("day", "week", "month"), default="month")
    report.add_argument("--format", choices=("csv", "json"), default="csv")
    report.set_defaults(handler=run_report)

    publish = actions.add_parser(
        "publish",
        help="write the open-data CSV",
        description="Write the territory's monthly figures as open data, figures under 5 shown as <5.",
    )
    add_common(publish)
    publish.add_argument(
        "--to", dest="target", metavar="FILE", required=True, type=Path, help="the CSV to write"
    )
    publish.add_argument(
        "--months", type=int, default=12, help="how many whole months, ending with the last one (default 12)"
    )
    publish.set_defaults(handler=run_publish)


def run_report(args: argparse.Namespace) -> int:
    settings = settings_from(args)

    async def work(db: Database) -> int:
        today = local_day(utc_now())
        query = parse_report_query(today, args.start, args.end, args.granularity)
        report = await read_report(
            db, query, None, today=today, retention_months=settings.analytics_retention_months
        )
        if args.format == "json":
            sys.stdout.write(msgspec.json.format(msgspec.json.encode(report)).decode() + "\n")
        else:
            sys.stdout.write(report_csv(report))
        return 0

    return run_with_database(settings, work)


def run_publish(args: argparse.Namespace) -> int:
    if not 1 <= args.months <= 120:
        return fail("--months must be between 1 and 120", 2)
    settings = settings_from(args)

    async def work(db: Database) -> int:
        this_month = local_day(utc_now()).replace(day=1)
        index = this_month.year * 12 + this_month.month - 1 - args.months
        first = date(index // 12, index % 12 + 1, 1)
        last = month_starts(first, this_month)[-2]
        async with db.read() as conn:
            text = await open_data_csv(conn, first, last, settings.default_lang)
        target: Path = args.target
        partial = target.with_name(target.name + ".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
        print(f"wrote {target} ({text.count(chr(10)) - 1} figures, {first:%Y-%m} to {last:%Y-%m})")
        return 0

    return run_with_database(settings, work)
