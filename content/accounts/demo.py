"""Demo accounts, one per role, with fresh random passwords for ``odyssee demo`` to print."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from msgspec import UNSET

from content.accounts.principal import Role
from content.accounts.user_changes import NewUser, UserChanges, change_user, create_user
from content.accounts.users import find_user_row, normalize_email, user_etag, user_from_row
from content.core.clock import utc_now
from content.core.db import Database

__all__ = ["DemoAccount", "demo_producer_id", "ensure_demo_accounts"]

# The office's own producers first, published ones before drafts, then by id: the same pick every run.
_PICK_PRODUCER = """
SELECT id FROM producers WHERE status != 'archived'
ORDER BY office_id IS NOT ?, status != 'published', id LIMIT 1
"""


@dataclass(frozen=True)
class DemoAccount:
    """``password`` is ``None`` for an account that existed and kept its password."""

    email: str
    role: Role
    password: str | None
    office_id: str | None
    producer_id: str | None


async def demo_producer_id(db: Database, office_id: str) -> str | None:
    """A producer for the demo ``producer`` account (preferably of ``office_id``), or ``None`` if there is
    none."""
    async with db.read() as conn:
        cursor = await conn.execute(_PICK_PRODUCER, (office_id,))
        row = await cursor.fetchone()
        await cursor.close()
    return None if row is None else str(row["id"])


async def ensure_demo_accounts(
    db: Database,
    *,
    office_id: str | None,
    producer_id: str | None,
    reset_passwords: bool = True,
    email_domain: str = "demo.odyssee.example",
    now: datetime | None = None,
) -> list[DemoAccount]:
    """``admin@…``, ``staff@…`` (of ``office_id``) and ``producer@…`` (of ``producer_id``), each role only
    when its office or producer is given; they must exist already. Accounts that exist are re-enabled and
    re-assigned; with ``reset_passwords`` they also get a new password, so the passwords returned always
    work, and without it they keep theirs (returned as ``None``) and nothing changes. A password is never
    written anywhere but as an argon2 hash."""
    now = now or utc_now()
    wanted: list[tuple[Role, str | None, str | None]] = [("admin", None, None)]
    if office_id is not None:
        wanted.append(("staff", office_id, None))
    if producer_id is not None:
        wanted.append(("producer", None, producer_id))
    accounts = []
    for role, office, producer in wanted:
        email = normalize_email(f"{role}@{email_domain}")
        async with db.read() as conn:
            row = await find_user_row(conn, email=email)
        password: str | None
        if row is None:
            password = secrets.token_urlsafe(12)
            new = NewUser(email=email, password=password, role=role, office_id=office, producer_id=producer)
            await create_user(db, new, actor_id=None, now=now)
        else:
            current = user_from_row(row)
            password = secrets.token_urlsafe(12) if reset_passwords else None
            changes = UserChanges(
                password=UNSET if password is None else password,
                role=role,
                office_id=office,
                producer_id=producer,
                disabled=False,
            )
            await change_user(db, current.id, changes, if_match=user_etag(current), actor_id=None, now=now)
        accounts.append(
            DemoAccount(email=email, role=role, password=password, office_id=office, producer_id=producer)
        )
    return accounts
