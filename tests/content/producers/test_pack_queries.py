"""The producer queries the pack builder calls: every language, only live offers, by bbox or along a line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from content.core.clock import utc_now
from content.core.db import Database
from content.producers.model import OfferInput, PointGeometry, ProducerInput
from content.producers.offer_store import create_offer
from content.producers.public import list_published_producers_in_bbox, list_published_producers_near_line
from content.producers.store import create_producer

NOW = utc_now()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "odyssee.sqlite3") as database:
        async with database.write() as conn:
            for producer_id, lon, status in (("nogent", 0.82, "published"), ("belleme", 0.56, "published"),
                                             ("brouillon", 0.83, "draft")):  # fmt: skip
                profile = ProducerInput(
                    name=producer_id.title(),
                    geometry=PointGeometry(type="Point", coordinates=(lon, 48.32)),
                    description={"fr": "Ferme", "en": "Farm"},
                    opening_hours="Sa 09:00-12:00",
                )
                await create_producer(conn, profile, now=NOW, producer_id=producer_id, status=status)
            for offer_id, days in (("live", 10), ("short", 1)):
                offer = OfferInput(product={"fr": "Miel", "en": "Honey"}, category="honey",
                                   valid_until=NOW + timedelta(days=days))  # fmt: skip
                await create_offer(conn, "nogent", offer, now=NOW, offer_id=offer_id)
        yield database


async def test_in_bbox_gives_every_language_and_live_offers_only(db: Database) -> None:
    async with db.read() as conn:
        features = await list_published_producers_in_bbox(conn, (0.5, 48.0, 1.0, 48.5), now=NOW)
        later = await list_published_producers_in_bbox(
            conn, (0.8, 48.0, 1.0, 48.5), now=NOW + timedelta(days=2)
        )
    assert [f.id for f in features] == ["belleme", "nogent"]
    nogent = msgspec.to_builtins(features[1])
    assert nogent["properties"]["description"] == {"fr": "Ferme", "en": "Farm"}
    assert [o["id"] for o in nogent["properties"]["offers"]] == ["live", "short"]
    assert nogent["properties"]["offers"][0]["product"] == {"fr": "Miel", "en": "Honey"}
    assert nogent["properties"]["opening_hours"] == "Sa 09:00-12:00"
    assert [f.id for f in later] == ["nogent"]
    assert [o.id for o in later[0].properties.offers] == ["live"]


async def test_near_line_keeps_producers_within_the_buffer(db: Database) -> None:
    line = [[0.80, 48.33], [0.90, 48.33]]  # about 1.1 km north of Nogent, 18 km from Bellême
    async with db.read() as conn:
        close = await list_published_producers_near_line(conn, line, 2000, now=NOW)
        tight = await list_published_producers_near_line(conn, line, 500, now=NOW)
        wide = await list_published_producers_near_line(conn, line, 30_000, now=NOW)
    assert [f.id for f in close] == ["nogent"]
    assert tight == []
    assert [f.id for f in wide] == ["belleme", "nogent"]
