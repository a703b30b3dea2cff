"""``odyssee users add|list|disable|enable|passwd``: editor accounts from the command line.

Passwords never appear on the command line (where ``ps`` and shell history would keep them): they
are read from standard input with ``--password-stdin``, or asked for when a terminal is attached.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from content.accounts.principal import ROLES
from content.accounts.user_changes import NewUser, UserChanges, change_user, create_user
from content.accounts.users import get_user_by_email, list_users, user_etag
from content.core.clock import utc_now
from content.core.db import Database
from content.core.paging import MAX_LIMIT, PageRequest
from tools.cli import add_common, settings_from
from tools.commands._store import fail, run_with_database

__all__ = ["read_password", "register"]


class _NoPassword(Exception):
    pass


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "users",
        help="manage editor accounts",
        description="Manage the accounts of admins, tourist-office staff and producers.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="create an account", description="Create an editor account.")
    add_common(add, store="creates")
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--role", required=True, choices=ROLES, help="admin, staff (needs --office) or producer")
    add.add_argument("--office", metavar="ID", help="the office a staff account belongs to")
    add.add_argument("--producer", metavar="ID", help="the producer a producer account belongs to")
    _password_flag(add)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="list accounts", description="List every account.")
    add_common(listing)
    listing.set_defaults(handler=run_list)

    for name, verb in (("disable", "disable an account and sign it out"), ("enable", "enable an account")):
        action = actions.add_parser(name, help=verb, description=verb.capitalize() + ".")
        add_common(action)
        action.add_argument("email", metavar="EMAIL")
        action.set_defaults(handler=run_disable if name == "disable" else run_enable)

    passwd = actions.add_parser(
        "passwd", help="set an account's password", description="Set a new password; signs the account out."
    )
    add_common(passwd)
    passwd.add_argument("email", metavar="EMAIL")
    _password_flag(passwd)
    passwd.set_defaults(handler=run_passwd)


def _password_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (otherwise it is asked for)",
    )


def read_password(from_stdin: bool) -> str:
    """The first line of stdin, or typed twice at a terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise _NoPassword("no terminal to ask for the password on; pipe it in with --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise _NoPassword("the two passwords differ")
    return first


def run_add(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    try:
        password = read_password(args.password_stdin)
    except _NoPassword as exc:
        return fail(str(exc), 2)
    new = NewUser(
        email=args.email, password=password, role=args.role, office_id=args.office, producer_id=args.producer
    )

    async def work(db: Database) -> int:
        user = await create_user(db, new, actor_id=None, now=utc_now())
        print(f"created {user.role} account {user.email} ({user.id})")
        return 0

    return run_with_database(settings, work)


def run_list(args: argparse.Namespace) -> int:
    async def work(db: Database) -> int:
        cursor = None
        print("EMAIL\tROLE\tOFFICE\tPRODUCER\tSTATE\tID")
        async with db.read() as conn:
            while True:
                page = await list_users(conn, PageRequest(MAX_LIMIT, cursor))
                for user in page.items:
                    state = "disabled" if user.disabled else "active"
                    print(
                        f"{user.email}\t{user.role}\t{user.office_id or '-'}\t{user.producer_id or '-'}"
                        f"\t{state}\t{user.id}"
                    )
                if page.next is None:
                    return 0
                cursor = page.next

    return run_with_database(settings_from(args), work)


def _change(args: argparse.Namespace, changes: UserChanges, done: str) -> int:
    async def work(db: Database) -> int:
        async with db.read() as conn:
            user = await get_user_by_email(conn, args.email)
        await change_user(db, user.id, changes, if_match=user_etag(user), actor_id=None, now=utc_now())
        print(f"{done} {user.email}")
        return 0

    return run_with_database(settings_from(args), work)


def run_disable(args: argparse.Namespace) -> int:
    return _change(args, UserChanges(disabled=True), "disabled")


def run_enable(args: argparse.Namespace) -> int:
    return _change(args, UserChanges(disabled=False), "enabled")


def run_passwd(args: argparse.Namespace) -> int:
    try:
        password = read_password(args.password_stdin)
    except _NoPassword as exc:
        return fail(str(exc), 2)
    return _change(args, UserChanges(password=password), "new password set for")
