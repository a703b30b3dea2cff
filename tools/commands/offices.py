"""``odyssee offices add ID NAME`` and ``odyssee offices list``."""

from __future__ import annotations

import argparse

from content.accounts.offices import NewOffice, create_office, list_offices
from content.core.clock import utc_now
from content.core.db import Database
from content.core.paging import MAX_LIMIT, PageRequest
from tools.cli import add_common, settings_from
from tools.commands._store import run_with_database

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "offices", help="manage tourist offices", description="Manage the tourist offices that own content."
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="create an office", description="Create a tourist office.")
    add_common(add)
    add.add_argument("id", metavar="ID", help="a slug kept for good: lowercase letters, digits, hyphens")
    add.add_argument("name", metavar="NAME", help="the office's name as people know it")
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="list offices", description="List the tourist offices.")
    add_common(listing)
    listing.set_defaults(handler=run_list)


def run_add(args: argparse.Namespace) -> int:
    async def work(db: Database) -> int:
        async with db.write() as conn:
            office = await create_office(
                conn, NewOffice(id=args.id, name=args.name), actor_id=None, now=utc_now()
            )
        print(f"created office {office.id} ({office.name})")
        return 0

    return run_with_database(settings_from(args), work)


def run_list(args: argparse.Namespace) -> int:
    async def work(db: Database) -> int:
        cursor = None
        async with db.read() as conn:
            while True:
                page = await list_offices(conn, PageRequest(MAX_LIMIT, cursor))
                for office in page.items:
                    print(f"{office.id}\t{office.name}")
                if page.next is None:
                    return 0
                cursor = page.next

    return run_with_database(settings_from(args), work)
