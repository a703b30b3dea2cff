"""The browser tests' content: two offices, one account per role, POIs and a published route with
its pack, a published producer with offers; made through the domain functions, once per session."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import msgspec

from content import editing
from content.accounts.offices import NewOffice, create_office
from content.accounts.user_changes import NewUser, create_user
from content.blobs import open_blob_store
from content.core.clock import utc_now
from content.core.db import Database
from content.core.events import EventHub
from content.core.settings import Settings
from content.editing import UNCHECKED, EditSession
from content.editing.aggregates import OFFERS, POIS, PRODUCERS, ROUTES
from content.editing.producers import NewProducer
from content.pois.model import PoiInput
from content.producers.model import OfferInput
from content.routes.model import RouteInput
from packs.builder import PackBuilder
from packs.pack_id import PackId

__all__ = ["Account", "Seeded", "seed"]


@dataclass(frozen=True)
class Account:
    email: str
    password: str


@dataclass(frozen=True)
class Seeded:
    admin: Account
    staff: Account
    other_staff: Account
    producer: Account
    producer_id: str
    offer_ids: dict[str, str]


def _point(lon: float, lat: float) -> dict[str, object]:
    return {"type": "Point", "coordinates": [lon, lat]}


async def seed(settings: Settings) -> Seeded:
    now = utc_now()
    async with Database(settings.db_path) as db:
        async with db.write() as conn:
            for office_id, name in (("ot-perche", "Office du Perche"), ("ot-loir", "Office du Loir")):
                await create_office(conn, NewOffice(id=office_id, name=name), actor_id=None, now=now)
        # A loader's session (no principal): the same workflow as the API and the back-office.
        session = EditSession(db=db, events=EventHub(), principal=None, now=now)
        producer = await editing.create(
            session,
            PRODUCERS,
            msgspec.convert(
                {
                    "name": "Ferme des Bois",
                    "geometry": _point(0.82, 48.32),
                    "opening_hours": "Sa 09:00-12:00",
                },
                NewProducer,
            ),
            office_id="ot-perche",
        )
        await editing.set_status(session, PRODUCERS, producer.id, "published", if_match=UNCHECKED)
        offers = {}
        for key, name in (("asparagus", "Asperges"), ("eggs", "Œufs frais")):
            body = {
                "product": {"fr": name},
                "category": "vegetables" if key == "asparagus" else "eggs",
                "valid_until": now + timedelta(days=30),
                "price": {"amount_cents": 450, "currency": "EUR", "unit": "bunch"},
            }
            offer = await editing.create(
                session, OFFERS, msgspec.convert(body, OfferInput), parent=producer.id
            )
            offers[key] = offer.id
        accounts = {}
        roster = (
            ("admin", "admin@perche.example", "admin", None, None),
            ("staff", "staff@perche.example", "staff", "ot-perche", None),
            ("other_staff", "staff@loir.example", "staff", "ot-loir", None),
            ("producer", "ferme@perche.example", "producer", None, producer.id),
        )
        for key, email, role, office, producer_id in roster:
            password = secrets.token_urlsafe(12)
            fields = {"email": email, "password": password, "role": role, "office_id": office}
            new = msgspec.convert({**fields, "producer_id": producer_id}, NewUser)
            await create_user(db, new, actor_id=None, now=now)
            accounts[key] = Account(email, password)
        for poi_id, office, name, lon, lat in (
            ("eglise-saint-sauveur", "ot-perche", "Église Saint-Sauveur", 0.5634, 48.3752),
            ("lavoir-du-conflit", "ot-perche", "Lavoir de la Herse", 0.57, 48.38),
            ("moulin-du-loir", "ot-loir", "Moulin du Loir", 0.9, 48.1),
        ):
            body = {"id": poi_id, "category": "heritage", "name": {"fr": name},
                    "description": {"fr": "Un lieu du Perche."}, "geometry": _point(lon, lat)}  # fmt: skip
            await editing.create(session, POIS, msgspec.convert(body, PoiInput), office_id=office)
        manor = {"id": "manoir-publie", "category": "manor", "geometry": _point(0.6, 48.4),
                 "name": {"fr": "Manoir de Courboyer", "en": "Courboyer manor"}}  # fmt: skip
        await editing.create(session, POIS, msgspec.convert(manor, PoiInput), office_id="ot-perche")
        await editing.set_status(session, POIS, "manoir-publie", "published", if_match=UNCHECKED)
        stops = [
            {"id": "porte", "title": {"fr": "La porte", "en": "The gate"},
             "geometry": _point(0.5634, 48.3752)},
            {"id": "fontaine", "title": {"fr": "La fontaine", "en": "The fountain"},
             "geometry": _point(0.5655, 48.3838)},
        ]  # fmt: skip
        route = {
            "id": "legendes",
            "title": {"fr": "Légendes de la forêt", "en": "Forest legends"},
            "summary": {"fr": "Une boucle entre chênes géants."},
            "theme": "legends",
            "mode": "walk",
            "difficulty": "easy",
            "duration_min": 90,
            "geometry": {"type": "LineString", "coordinates": [[0.5634, 48.3752], [0.5655, 48.3838]]},
            "stops": stops,
        }
        await editing.create(session, ROUTES, msgspec.convert(route, RouteInput), office_id="ot-perche")
        await editing.set_status(session, ROUTES, "legendes", "published", if_match=UNCHECKED)
        blobs = open_blob_store(settings)
        try:
            await PackBuilder(db, blobs, settings).build(PackId.route("legendes"))
        finally:
            await blobs.close()
    return Seeded(
        admin=accounts["admin"],
        staff=accounts["staff"],
        other_staff=accounts["other_staff"],
        producer=accounts["producer"],
        producer_id=producer.id,
        offer_ids=offers,
    )
