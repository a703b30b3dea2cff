"""Demo accounts, one per role, with fresh random passwords for ``odyssee demo`` to print."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from content.accounts.principal import Role
from content.accounts.user_changes import NewUser, UserChanges, change_user, create_user
from content.accounts.users import find_user_row, normalize_email, user_etag, user_from_row
from content.clock import utc_now
from content.db import Database

__all__ = ["DemoAccount", "ensure_demo_accounts"]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    password: str
    office_id: str | None
    producer_id: str | None


async def ensure_demo_accounts(
    db: Database,
    *,
    office_id: str,
    producer_id: str,
    email_domain: str = "demo.odyssee.example",
    now: datetime | None = None,
) -> list[DemoAccount]:
    """``admin@…``, ``staff@…`` (of ``office_id``) and ``producer@…`` (of ``producer_id``), which must
    exist already. Accounts that exist are re-enabled and get a new password, so the passwords
    returned always work; none is ever written anywhere but as an argon2 hash."""
    now = now or utc_now()
    wanted: list[tuple[Role, str | None, str | None]] = [
        ("admin", None, None),
        ("staff", office_id, None),
        ("producer", None, producer_id),
    ]
    accounts = []
    for role, office, producer in wanted:
        email = normalize_email(f"{role}@{email_domain}")
        password = secrets.token_urlsafe(12)
        async with db.read() as conn:
            row = await find_user_row(conn, email=email)
        if row is None:
            new = NewUser(email=email, password=password, role=role, office_id=office, producer_id=producer)
            await create_user(db, new, actor_id=None, now=now)
        else:
            current = user_from_row(row)
            changes = UserChanges(
                password=password, role=role, office_id=office, producer_id=producer, disabled=False
            )
            await change_user(db, current.id, changes, if_match=user_etag(current), actor_id=None, now=now)
        accounts.append(
            DemoAccount(email=email, role=role, password=password, office_id=office, producer_id=producer)
        )
    return accounts
