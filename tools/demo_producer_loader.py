"""Loading the demo producers (``tools/demo/producers.json``) and one account per producer.

Kept apart from the territory loader on purpose: ``odyssee demo`` calls :func:`load_demo_producers` and
:func:`ensure_producer_accounts` after the territory (whose offices the producers belong to).

Loading again changes only what differs from the file, so a re-run bumps no revision, adds no history
and rebuilds no pack. A producer or offer that anyone but the loader changed (its history names an account)
is left exactly as it is: a re-run never reverts an edit, nor renews an offer its producer looks after.
An offer's ``valid_until`` (load time + ``valid_for_days``) is renewed only once
the stored one has passed (or lies beyond the 120 days an offer may run); a producer's fields are
written only when one differs. Producer accounts follow ``tools.demo_accounts``: a password is made
and printed when the account is created, kept on re-runs, replaced only with ``--reset-passwords``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import aiosqlite
from msgspec import UNSET

from content import editing
from content.accounts.demo import DemoAccount, ensure_account
from content.accounts.users import normalize_email
from content.core.clock import utc_now
from content.core.db import Database
from content.core.errors import FieldError, Gone, InvalidInput
from content.core.events import EventHub, PendingChange
from content.core.paging import EVERY_STATUS
from content.core.settings import Settings
from content.editing import UNCHECKED, EditSession
from content.editing.producers import OFFERS, PRODUCERS, NewProducer, SeededOffer
from content.producers.model import OfferInput, OfferPatch, ProducerInput, ProducerPatch
from content.producers.queries import get_offer, get_producer
from content.producers.validate import OFFER_MAX_VALIDITY_DAYS
from content.territory import edited_by_others
from tools.demo_producers import DEMO_PRODUCERS_PATH, SeedOffer, SeedProducer, read_demo_producers

__all__ = [
    "ProducerLoadReport",
    "ensure_producer_accounts",
    "load_demo_producers",
    "load_demo_producers_with_accounts",
    "print_producer_report",
]

DEMO_EMAIL_DOMAIN = "demo.odyssee.example"


Outcome = Literal["created", "updated", "unchanged", "kept"]


@dataclass
class ProducerLoadReport:
    producers_created: int = 0
    producers_updated: int = 0
    producers_unchanged: int = 0
    offers_created: int = 0
    offers_updated: int = 0
    offers_unchanged: int = 0
    producers_kept: int = 0
    offers_kept: int = 0
    producer_ids: tuple[str, ...] = ()

    def count(self, kind: Literal["producers", "offers"], outcome: Outcome) -> None:
        name = f"{kind}_{outcome}"
        setattr(self, name, getattr(self, name) + 1)


async def _load_producer(session: EditSession, seed: SeedProducer) -> Outcome:
    """Create one producer, or bring it to the seed (nothing is written if it already matches)."""
    existing = await get_producer(_conn(session), seed.id, statuses=EVERY_STATUS)
    if existing is None:
        fields = {name: getattr(seed.profile, name) for name in ProducerInput.__struct_fields__}
        new = NewProducer(**fields, id=seed.id, office_id=seed.office_id)
        await editing.create(session, PRODUCERS, new, office_id=seed.office_id)
        await editing.set_status(session, PRODUCERS, seed.id, seed.status, if_match=UNCHECKED)
        return "created"
    if await edited_by_others(_conn(session), "producer", seed.id, existing.updated_by):
        return "kept"
    patch = ProducerPatch(**{name: getattr(seed.profile, name) for name in ProducerInput.__struct_fields__})
    await editing.update(session, PRODUCERS, seed.id, patch, if_match=UNCHECKED)
    record = await editing.set_status(session, PRODUCERS, seed.id, seed.status, if_match=UNCHECKED)
    return "unchanged" if record.revision == existing.revision else "updated"


def _conn(session: EditSession) -> aiosqlite.Connection:
    assert session.joined is not None
    return session.joined.conn


def _still_valid(valid_until: datetime, now: datetime) -> bool:
    return now < valid_until <= now + timedelta(days=OFFER_MAX_VALIDITY_DAYS)


async def _load_offer(session: EditSession, producer_id: str, seed: SeedOffer) -> Outcome | None:
    """Create one offer or bring it to the seed; None if it was withdrawn (left alone)."""
    existing = await get_offer(_conn(session), producer_id, seed.id)
    if existing is None:
        await editing.create(session, OFFERS, SeededOffer(id=seed.id, offer=seed.offer), parent=producer_id)
        return "created"
    if await edited_by_others(_conn(session), "offer", seed.id, existing.updated_by):
        return "kept"
    fields = {name: getattr(seed.offer, name) for name in OfferInput.__struct_fields__}
    if _still_valid(existing.valid_until, session.now):
        # The seed's date moves with every load: renewing a live offer would bump it on each run.
        fields["valid_until"] = UNSET
    try:
        record = await editing.update(
            session, OFFERS, (producer_id, seed.id), OfferPatch(**fields), if_match=UNCHECKED
        )
    except Gone:
        return None
    return "unchanged" if record.revision == existing.revision else "updated"


async def load_demo_producers(
    db: Database, *, now: datetime, path: Path = DEMO_PRODUCERS_PATH
) -> ProducerLoadReport:
    """Create or update every demo producer and offer in one transaction: all of it, or nothing."""
    seeds = read_demo_producers(now, path)
    report = ProducerLoadReport(producer_ids=tuple(seed.id for seed in seeds))
    async with db.write() as conn:
        # One transaction for the whole load, joined by every write of the editing workflow.
        session = EditSession(db=db, events=EventHub(), principal=None, now=now, joined=PendingChange(conn))
        for index, seed in enumerate(seeds):
            try:
                report.count("producers", await _load_producer(session, seed))
                for offer in seed.offers:
                    outcome = await _load_offer(session, seed.id, offer)
                    if outcome is not None:
                        report.count("offers", outcome)
            except InvalidInput as exc:
                errors = [FieldError(f"producers[{index}].{e.field}", e.message) for e in exc.errors]
                raise InvalidInput(errors) from None
    return report


async def ensure_producer_accounts(
    db: Database,
    producer_ids: tuple[str, ...],
    *,
    now: datetime,
    reset_passwords: bool = False,
    email_domain: str = DEMO_EMAIL_DOMAIN,
) -> list[DemoAccount]:
    """``<producer id>@<domain>`` for each producer. A new account gets a random password (returned to
    be printed once, stored only as an argon2 hash); an existing one keeps its password (returned as
    ``None``) and stays disabled if an admin disabled it, unless ``reset_passwords``."""
    return [
        await ensure_account(
            db,
            normalize_email(f"{producer_id}@{email_domain}"),
            role="producer",
            office_id=None,
            producer_id=producer_id,
            reset_passwords=reset_passwords,
            now=now,
        )
        for producer_id in producer_ids
    ]


async def load_demo_producers_with_accounts(
    settings: Settings, *, reset_passwords: bool = False
) -> tuple[ProducerLoadReport, list[DemoAccount]]:
    """What ``odyssee demo`` runs after the territory: the producers, then their accounts."""
    now = utc_now()
    async with Database(settings.db_path, readers=1) as db:
        report = await load_demo_producers(db, now=now)
        accounts = await ensure_producer_accounts(
            db, report.producer_ids, now=now, reset_passwords=reset_passwords
        )
    return report, accounts


def _kept(count: int) -> str:
    return f", {count} kept as edited" if count else ""


def print_producer_report(report: ProducerLoadReport, accounts: list[DemoAccount]) -> None:
    print(
        f"demo producers: {report.producers_created} created, {report.producers_updated} updated,"
        f" {report.producers_unchanged} unchanged{_kept(report.producers_kept)}; offers:"
        f" {report.offers_created} created, {report.offers_updated} updated,"
        f" {report.offers_unchanged} unchanged{_kept(report.offers_kept)}"
    )
    print("producer accounts (passwords are shown once; --reset-passwords sets new ones):")
    for account in accounts:
        password = "disabled" if account.disabled else account.password or "unchanged"
        print(f"  {account.email}\t{password}\t(producer {account.producer_id})")
