"""A small producer network made through the editor API (admin), for the producer tests.

- ``ferme-du-tertre`` (organic, ot-perche) near Nogent-le-Rotrou: shop ``Tu-Sa 09:00-12:00; PH off``;
  asparagus (vegetables, Apr-Jun), eggs (all year, price per dozen).
- ``cidrerie-des-coteaux`` (marque_parc, ot-perche) at Brunelles, 6 km east: ``Apr-Oct: Sa 09:00-12:30;
  PH off``; cider (cider_perry, no price).
- ``miellerie-du-loir`` (ot-loir), 40 km away: a draft, never public.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database

__all__ = ["EDITOR", "PUBLIC", "Network", "build_network", "offer_body", "producer_body", "table_state"]

EDITOR = "/api/v1/editor/producers"
PUBLIC = "/api/v1/producers"
Headers = dict[str, str]


def producer_body(**fields: Any) -> dict[str, Any]:
    return {
        "id": "ferme-du-tertre",
        "office_id": "ot-perche",
        "name": "Ferme du Tertre",
        "description": {"fr": "Maraîchage bio au pied du tertre.", "en": "Organic market garden."},
        "geometry": {"type": "Point", "coordinates": [0.8218, 48.3219]},
        "address": "Le Tertre, 28400 Nogent-le-Rotrou",
        "commune": "Nogent-le-Rotrou",
        "contact": {"phone": "+33 2 37 00 00 01", "email": "tertre@example.fr"},
        "labels": ["organic"],
        "opening_hours": "Tu-Sa 09:00-12:00; PH off",
        "pickup_points": [
            {
                "id": "marche-saint-pol",
                "name": {"fr": "Marché place Saint-Pol", "en": "Saint-Pol market"},
                "geometry": {"type": "Point", "coordinates": [0.8220, 48.3215]},
                "opening_hours": "Sa 08:00-12:30",
            }
        ],
        **fields,
    }


def offer_body(now: datetime, **fields: Any) -> dict[str, Any]:
    return {
        "product": {"fr": "Œufs plein air", "en": "Free-range eggs"},
        "category": "eggs",
        "price": {"amount_cents": 420, "unit": "dozen"},
        "availability": "available",
        "season_months": [],
        "valid_until": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **fields,
    }


class Network:
    def __init__(self, client: AsyncTestClient[Litestar], admin: Headers) -> None:
        self.client = client
        self.admin = admin
        self.offers: dict[str, str] = {}

    async def producer(self, body: dict[str, Any], *, publish: bool = True) -> str:
        created = await self.client.post(EDITOR, json=body, headers=self.admin)
        assert created.status_code == 201, created.text
        producer_id = str(created.json()["id"])
        if publish:
            published = await self.client.post(
                f"{EDITOR}/{producer_id}/publish", headers={**self.admin, "If-Match": created.headers["etag"]}
            )
            assert published.status_code == 200, published.text
        return producer_id

    async def offer(self, producer_id: str, key: str, body: dict[str, Any]) -> str:
        created = await self.client.post(f"{EDITOR}/{producer_id}/offers", json=body, headers=self.admin)
        assert created.status_code == 201, created.text
        self.offers[key] = str(created.json()["id"])
        return self.offers[key]


async def build_network(client: AsyncTestClient[Litestar], admin: Headers, now: datetime) -> Network:
    net = Network(client, admin)
    tertre = await net.producer(producer_body())
    await net.offer(tertre, "eggs", offer_body(now))
    asparagus = offer_body(
        now,
        product={"fr": "Asperges blanches", "en": "White asparagus"},
        category="vegetables",
        price={"amount_cents": 600, "currency": "EUR", "unit": "bunch"},
        season_months=[4, 5, 6],
    )
    await net.offer(tertre, "asparagus", asparagus)
    cidrerie = producer_body(
        id="cidrerie-des-coteaux",
        name="Cidrerie des Coteaux",
        description={"fr": "Cidre fermier."},
        geometry={"type": "Point", "coordinates": [0.8967, 48.3301]},
        labels=["marque_parc"],
        opening_hours="Apr-Oct: Sa 09:00-12:30; PH off",
        pickup_points=[],
    )
    await net.producer(cidrerie)
    cider = offer_body(now, product={"fr": "Cidre brut"}, category="cider_perry", price=None)
    await net.offer("cidrerie-des-coteaux", "cider", cider)
    draft = producer_body(
        id="miellerie-du-loir",
        office_id="ot-loir",
        name="Miellerie du Loir",
        geometry={"type": "Point", "coordinates": [0.95, 47.95]},
        labels=[],
        pickup_points=[],
    )
    await net.producer(draft, publish=False)
    await net.offer("miellerie-du-loir", "honey", offer_body(now, product={"fr": "Miel"}, category="honey"))
    return net


async def table_state(db: Database) -> list[tuple[Any, ...]]:
    """Every producer, offer and history row: equal before and after means nothing was written."""
    async with db.read() as conn:
        rows = []
        for table in ("producers", "offers", "history"):
            statement = f"SELECT * FROM {table} ORDER BY 1"  # a fixed table list
            rows += [(table, *row) for row in await conn.execute_fetchall(statement)]
    return rows
