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

__all__ = ["DemoAccount", "demo_producer_id", "ensure_account", "ensure_demo_accounts"]

# The office's own producers first, published ones before drafts, then by id: the same pick every run.
_PICK_PRODUCER = """
SELECT id FROM producers WHERE status != 'archived'
ORDER BY office_id IS NOT ?, status != 'published', id LIMIT 1
"""


@dataclass(frozen=True)
class DemoAccount:
    """``password`` is ``None`` for an account that existed and kept its password; ``disabled`` is true
    for one an admin disabled (it stays so until ``--reset-passwords``)."""

    email: str
    role: Role
    password: str | None
    office_id: str | None
    producer_id: str | None
    disabled: bool = False


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
    when its office or producer is given; they must exist already. Accounts that exist are re-assigned;
    with ``reset_passwords`` they also get a new password and are enabled again, so the passwords returned
    always work, and without it they keep theirs (returned as ``None``) and nothing changes; see
    :func:`ensure_account`. A password is never written anywhere but as an argon2 hash."""
    now = now or utc_now()
    wanted: list[tuple[Role, str | None, str | None]] = [("admin", None, None)]
    if office_id is not None:
        wanted.append(("staff", office_id, None))
    if producer_id is not None:
        wanted.append(("producer", None, producer_id))
    return [
        await ensure_account(
            db,
            normalize_email(f"{role}@{email_domain}"),
            role=role,
            office_id=office,
            producer_id=producer,
            reset_passwords=reset_passwords,
            now=now,
        )
        for role, office, producer in wanted
    ]


async def ensure_account(
    db: Database,
    email: str,
    *,
    role: Role,
    office_id: str | None,
    producer_id: str | None,
    reset_passwords: bool,
    now: datetime,
) -> DemoAccount:
    """One demo account: made with a random password if it does not exist; otherwise re-assigned to
    ``role``/``office_id``/``producer_id``, and with ``reset_passwords`` given a new password and enabled
    again. Without ``reset_passwords`` an account an admin disabled stays disabled: a plain re-run of
    ``odyssee demo`` (``make run`` does one at every start) must not undo that."""
    async with db.read() as conn:
        row = await find_user_row(conn, email=email)
    if row is None:
        password = secrets.token_urlsafe(12)
        new = NewUser(email=email, password=password, role=role, office_id=office_id, producer_id=producer_id)
        await create_user(db, new, actor_id=None, now=now)
        return DemoAccount(email, role, password, office_id, producer_id)
    current = user_from_row(row)
    fresh = secrets.token_urlsafe(12) if reset_passwords else None
    changes = UserChanges(
        password=UNSET if fresh is None else fresh,
        role=role,
        office_id=office_id,
        producer_id=producer_id,
        disabled=False if reset_passwords else UNSET,
    )
    await change_user(db, current.id, changes, if_match=user_etag(current), actor_id=None, now=now)
    disabled = current.disabled and not reset_passwords
    return DemoAccount(email, role, fresh, office_id, producer_id, disabled=disabled)
