"""The demo's sign-in accounts: one per role, made by ``odyssee demo`` and printed at the end of its run.

Passwords are random and shown only when an account is created, or when ``--reset-passwords`` gives every
account a new one. Otherwise a re-run keeps them, so it changes nothing and signs nobody out.
"""

from __future__ import annotations

from collections.abc import Sequence

from content.accounts.demo import DemoAccount, demo_producer_id, ensure_demo_accounts
from content.accounts.offices import list_offices, office_exists
from content.core.db import Database
from content.core.paging import PageRequest
from content.core.settings import Settings

__all__ = ["DEMO_OFFICE", "describe_accounts", "make_demo_accounts"]

# The office whose staff account the demo makes when the territory has it (the bundled one does).
DEMO_OFFICE = "perche-tourisme"


async def make_demo_accounts(settings: Settings, *, reset_passwords: bool = False) -> list[DemoAccount]:
    """Admin, staff of ``DEMO_OFFICE`` (else of the first office; none without offices) and, once a
    producer exists, producer accounts, in the store of ``settings``."""
    async with Database(settings.db_path, readers=1) as db:
        async with db.read() as conn:
            if await office_exists(conn, DEMO_OFFICE):
                office_id: str | None = DEMO_OFFICE
            else:
                office_id = next(
                    (office.id for office in (await list_offices(conn, PageRequest(1))).items), None
                )
        producer_id = await demo_producer_id(db, office_id or DEMO_OFFICE)
        return await ensure_demo_accounts(
            db, office_id=office_id, producer_id=producer_id, reset_passwords=reset_passwords
        )


def describe_accounts(accounts: Sequence[DemoAccount], base_url: str) -> str:
    """The accounts as a short text for the terminal, with how to sign in."""
    lines = [
        f"back-office (sign in with an account below): {base_url}/backoffice/",
        f"demo accounts (sign in with POST /api/v1/auth/login; API docs at {base_url}/schema):",
    ]
    for account in accounts:
        owner = account.office_id or account.producer_id or ""
        password = "disabled" if account.disabled else account.password or "unchanged"
        lines.append(f"  {account.role:<9} {account.email:<32} password {password:<18} {owner}".rstrip())
    fresh = next((a for a in accounts if a.password is not None), None)
    if fresh is not None:
        body = f'{{"email": "{fresh.email}", "password": "{fresh.password}"}}'
        lines.append(
            f"  curl -s {base_url}/api/v1/auth/login -H 'Content-Type: application/json' -d '{body}'"
        )
    if any(account.password is None for account in accounts):
        lines.append("  (passwords are shown once; `odyssee demo --reset-passwords` sets and shows new ones)")
    if any(account.disabled for account in accounts):
        lines.append("  (an admin disabled the accounts marked so; --reset-passwords enables them again)")
    return "\n".join(lines)
