"""Loading the demo producers (``tools/demo/producers.json``) and one account per producer.

Kept apart from the territory loader on purpose: ``odyssee demo`` calls :func:`load_demo_producers` and
:func:`ensure_producer_accounts` after the territory (whose offices the producers belong to). Loading
again updates in place: each offer's ``valid_until`` moves to the new load time + ``valid_for_days``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiosqlite
from msgspec import UNSET

from content.accounts.demo import DemoAccount
from content.accounts.user_changes import NewUser, UserChanges, change_user, create_user
from content.accounts.users import find_user_row, normalize_email, user_etag, user_from_row
from content.clock import utc_now
from content.db import Database
from content.errors import FieldError, Gone, InvalidInput
from content.paging import EVERY_STATUS
from content.producers.model import OfferPatch, ProducerPatch
from content.producers.offer_store import create_offer, update_offer
from content.producers.queries import get_offer, get_producer
from content.producers.store import create_producer, set_producer_status, update_producer
from content.settings import Settings
from tools.demo_producers import DEMO_PRODUCERS_PATH, SeedOffer, SeedProducer, read_demo_producers

__all__ = [
    "ProducerLoadReport",
    "ensure_producer_accounts",
    "load_demo_producers",
    "load_demo_producers_with_accounts",
    "print_producer_report",
]

DEMO_EMAIL_DOMAIN = "demo.odyssee.example"


@dataclass
class ProducerLoadReport:
    producers_created: int = 0
    producers_updated: int = 0
    offers_created: int = 0
    offers_updated: int = 0
    producer_ids: tuple[str, ...] = ()


async def _load_producer(conn: aiosqlite.Connection, seed: SeedProducer, now: datetime) -> bool:
    """Create or update one producer; True if it was created."""
    existing = await get_producer(conn, seed.id, statuses=EVERY_STATUS)
    if existing is None:
        await create_producer(
            conn, seed.profile, actor=None, now=now, office_id=seed.office_id, producer_id=seed.id,
            status=seed.status,
        )  # fmt: skip
        return True
    patch = ProducerPatch(**{name: getattr(seed.profile, name) for name in ProducerPatch.__struct_fields__})
    await update_producer(conn, seed.id, patch, if_match=None, actor=None, now=now, require_match=False)
    await set_producer_status(
        conn, seed.id, seed.status, if_match=None, actor=None, now=now, require_match=False
    )
    return False


async def _load_offer(
    conn: aiosqlite.Connection, producer_id: str, seed: SeedOffer, now: datetime
) -> bool | None:
    """Create or update one offer; True if created, False if updated, None if withdrawn (left alone)."""
    existing = await get_offer(conn, producer_id, seed.id)
    if existing is None:
        await create_offer(conn, producer_id, seed.offer, actor=None, now=now, offer_id=seed.id)
        return True
    fields = {name: getattr(seed.offer, name) for name in OfferPatch.__struct_fields__}
    try:
        await update_offer(
            conn, producer_id, seed.id, OfferPatch(**fields), if_match=None, actor=None, now=now,
            require_match=False,
        )  # fmt: skip
    except Gone:
        return None
    return False


async def load_demo_producers(
    db: Database, *, now: datetime, path: Path = DEMO_PRODUCERS_PATH
) -> ProducerLoadReport:
    """Create or update every demo producer and offer in one transaction: all of it, or nothing."""
    seeds = read_demo_producers(now, path)
    report = ProducerLoadReport(producer_ids=tuple(seed.id for seed in seeds))
    async with db.write() as conn:
        for index, seed in enumerate(seeds):
            try:
                created = await _load_producer(conn, seed, now)
                report.producers_created += created
                report.producers_updated += not created
                for offer in seed.offers:
                    outcome = await _load_offer(conn, seed.id, offer, now)
                    report.offers_created += outcome is True
                    report.offers_updated += outcome is False
            except InvalidInput as exc:
                errors = [FieldError(f"producers[{index}].{e.field}", e.message) for e in exc.errors]
                raise InvalidInput(errors) from None
    return report


async def ensure_producer_accounts(
    db: Database, producer_ids: tuple[str, ...], *, now: datetime, email_domain: str = DEMO_EMAIL_DOMAIN
) -> list[DemoAccount]:
    """``<producer id>@<domain>`` for each producer, with a fresh random password every run (printed by
    ``odyssee demo``, stored only as an argon2 hash); existing accounts are re-enabled."""
    accounts = []
    for producer_id in producer_ids:
        email = normalize_email(f"{producer_id}@{email_domain}")
        password = secrets.token_urlsafe(12)
        async with db.read() as conn:
            row = await find_user_row(conn, email=email)
        if row is None:
            new = NewUser(email=email, password=password, role="producer", producer_id=producer_id)
            await create_user(db, new, actor_id=None, now=now)
        else:
            current = user_from_row(row)
            changes = UserChanges(
                password=password, role="producer", office_id=UNSET, producer_id=producer_id, disabled=False
            )
            await change_user(db, current.id, changes, if_match=user_etag(current), actor_id=None, now=now)
        accounts.append(DemoAccount(email, "producer", password, None, producer_id))
    return accounts


async def load_demo_producers_with_accounts(
    settings: Settings,
) -> tuple[ProducerLoadReport, list[DemoAccount]]:
    """What ``odyssee demo`` runs after the territory: the producers, then their accounts."""
    now = utc_now()
    async with Database(settings.db_path, readers=1) as db:
        report = await load_demo_producers(db, now=now)
        accounts = await ensure_producer_accounts(db, report.producer_ids, now=now)
    return report, accounts


def print_producer_report(report: ProducerLoadReport, accounts: list[DemoAccount]) -> None:
    print(
        f"demo producers: {report.producers_created} created, {report.producers_updated} updated;"
        f" offers: {report.offers_created} created, {report.offers_updated} updated (valid from now)"
    )
    print("producer accounts (new random passwords, shown once):")
    for account in accounts:
        print(f"  {account.email}\t{account.password}\t(producer {account.producer_id})")
