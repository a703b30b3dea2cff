"""``GET /api/v1/producers`` and ``/{id}`` through HTTP: filters, distance, open_now, availability."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.editing import etag_for
from tests.service.accounts_fixtures import ManualClock
from tests.service.producers.network import EDITOR, PUBLIC, Network, build_network

Auth = dict[str, dict[str, str]]


@pytest.fixture
async def network(client: AsyncTestClient[Litestar], auth: Auth, clock: ManualClock) -> Network:
    return await build_network(client, auth["admin"], clock())


async def ids(client: AsyncTestClient[Litestar], query: str = "") -> list[str]:
    response = await client.get(f"{PUBLIC}?{query}")
    assert response.status_code == 200, response.text
    return [feature["id"] for feature in response.json()["features"]]


async def test_list_shows_published_producers_with_their_offers(
    client: AsyncTestClient[Litestar], network: Network
) -> None:
    response = await client.get(PUBLIC, params={"lang": "fr"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    assert "max-age=30" in response.headers["cache-control"]
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["next"] is None
    assert [f["id"] for f in body["features"]] == ["cidrerie-des-coteaux", "ferme-du-tertre"]
    tertre = body["features"][1]
    assert tertre["geometry"] == {"type": "Point", "coordinates": [0.8218, 48.3219]}
    props = tertre["properties"]
    assert props["name"] == "Ferme du Tertre"
    assert props["description"] == "Maraîchage bio au pied du tertre."
    assert props["labels"] == ["organic"]
    assert props["opening_hours"] == "Tu-Sa 09:00-12:00; PH off"
    assert isinstance(props["open_now"], bool)
    assert props["contact"] == {"phone": "+33 2 37 00 00 01", "email": "tertre@example.fr"}
    assert props["images"] == []
    assert props["pickup_points"][0]["name"] == "Marché place Saint-Pol"
    offers = {offer["category"]: offer for offer in props["offers"]}
    assert offers["eggs"]["price"] == {"amount_cents": 420, "currency": "EUR", "unit": "dozen"}
    assert offers["eggs"]["product"] == "Œufs plein air"
    assert offers["vegetables"]["season_months"] == [4, 5, 6]
    assert set(offers["eggs"]) == {
        "id", "product", "category", "price", "availability", "season_months", "valid_until", "images"
    }  # fmt: skip
    cider = body["features"][0]["properties"]["offers"][0]
    assert cider["price"] is None


async def test_every_language_and_one_producer(client: AsyncTestClient[Litestar], network: Network) -> None:
    response = await client.get(f"{PUBLIC}/ferme-du-tertre", params={"lang": "*"})
    assert response.status_code == 200
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["properties"]["description"]["en"] == "Organic market garden."
    assert feature["properties"]["offers"][0]["product"].keys() >= {"fr"}
    english = await client.get(f"{PUBLIC}/ferme-du-tertre", params={"lang": "en"})
    assert english.json()["properties"]["pickup_points"][0]["name"] == "Saint-Pol market"
    etag = response.headers["etag"]
    again = await client.get(
        f"{PUBLIC}/ferme-du-tertre", params={"lang": "*"}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    assert (await client.get(f"{PUBLIC}/miellerie-du-loir")).status_code == 404
    assert (await client.get(f"{PUBLIC}/nobody")).status_code == 404


async def test_near_sorts_by_distance_and_bbox_filters(
    client: AsyncTestClient[Litestar], network: Network
) -> None:
    response = await client.get(PUBLIC, params={"near": "48.3300,0.8960", "radius_m": "20000"})
    features = response.json()["features"]
    assert [f["id"] for f in features] == ["cidrerie-des-coteaux", "ferme-du-tertre"]
    distances = [f["properties"]["distance_m"] for f in features]
    assert distances[0] < 100 < 5000 < distances[1] < 7000
    assert await ids(client, "near=48.3300,0.8960&radius_m=1000") == ["cidrerie-des-coteaux"]
    assert await ids(client, "bbox=0.80,48.30,0.85,48.35") == ["ferme-du-tertre"]
    assert await ids(client, "bbox=0.90,47.90,1.00,48.00") == []  # the draft is never public
    first = await client.get(PUBLIC, params={"limit": "1"})
    assert [f["id"] for f in first.json()["features"]] == ["cidrerie-des-coteaux"]
    second = await client.get(PUBLIC, params={"limit": "1", "cursor": first.json()["next"]})
    assert [f["id"] for f in second.json()["features"]] == ["ferme-du-tertre"]
    assert second.json()["next"] is None


async def test_open_now_respects_french_public_holidays(
    client: AsyncTestClient[Litestar], network: Network
) -> None:
    # 14 July 2026 is a Tuesday and Bastille Day: "PH off" closes the shop; a week later it is open.
    holiday = await client.get(PUBLIC, params={"open_now": "true", "at": "2026-07-14T08:30:00Z"})
    assert holiday.json()["features"] == []
    normal = await client.get(PUBLIC, params={"open_now": "true", "at": "2026-07-21T08:30:00Z"})
    assert [f["id"] for f in normal.json()["features"]] == ["ferme-du-tertre"]
    assert normal.json()["features"][0]["properties"]["open_now"] is True
    every = await client.get(PUBLIC, params={"at": "2026-07-14T10:30:00+02:00"})
    assert all(f["properties"]["open_now"] is False for f in every.json()["features"])


async def test_open_now_follows_the_season(client: AsyncTestClient[Litestar], network: Network) -> None:
    # "Apr-Oct: Sa 09:00-12:30": open on a Saturday morning in October, closed on one in November.
    october = "bbox=0.89,48.32,0.90,48.34&open_now=true&at=2026-10-31T09:00:00%2B01:00"
    assert await ids(client, october) == ["cidrerie-des-coteaux"]
    november = "bbox=0.89,48.32,0.90,48.34&open_now=true&at=2026-11-07T09:00:00%2B01:00"
    assert await ids(client, november) == []
    one = await client.get(f"{PUBLIC}/cidrerie-des-coteaux", params={"at": "2026-10-17T08:00:00Z"})
    assert one.json()["properties"]["open_now"] is True


async def test_category_label_and_availability_filters(
    client: AsyncTestClient[Litestar], network: Network, clock: ManualClock
) -> None:
    assert await ids(client, "category=cider") == ["cidrerie-des-coteaux"]
    assert await ids(client, "category=cider_perry") == ["cidrerie-des-coteaux"]
    assert await ids(client, "category=vegetables") == ["ferme-du-tertre"]
    assert await ids(client, "category=honey") == []
    assert await ids(client, "label=organic") == ["ferme-du-tertre"]
    assert await ids(client, "label=aop") == []
    # Asparagus is in season in May only for available=today; eggs are all year.
    may = "available=today&category=vegetables&at=2026-05-12T10:00:00Z"
    december = "available=today&category=vegetables&at=2026-12-01T10:00:00Z"
    assert await ids(client, may) == ["ferme-du-tertre"]
    assert await ids(client, december) == []


async def test_sold_out_from_the_phone_shows_at_once(
    client: AsyncTestClient[Litestar], network: Network, auth: Auth
) -> None:
    assert await ids(client, "available=today&category=cider") == ["cidrerie-des-coteaux"]
    url = f"{EDITOR}/cidrerie-des-coteaux/offers/{network.offers['cider']}"
    current = (await client.get(f"{EDITOR}/cidrerie-des-coteaux/offers", headers=auth["staff"])).json()
    assert [o["id"] for o in current["items"]] == [network.offers["cider"]]
    read = await client.get(f"{EDITOR}/cidrerie-des-coteaux/offers", headers=auth["admin"])
    assert read.status_code == 200
    one = await client.get(url, headers=auth["staff"])
    offer_etag = one.headers["etag"]
    assert offer_etag == etag_for("offer", network.offers["cider"], 1)
    sold = await client.patch(
        url, json={"availability": "sold_out"}, headers={**auth["staff"], "If-Match": offer_etag}
    )
    assert sold.status_code == 200, sold.text
    assert sold.json()["availability"] == "sold_out"
    assert sold.json()["revision"] == 2
    assert await ids(client, "available=today&category=cider") == []
    listed = await client.get(f"{PUBLIC}/cidrerie-des-coteaux")
    assert listed.json()["properties"]["offers"][0]["availability"] == "sold_out"


async def test_expired_offers_disappear(
    client: AsyncTestClient[Litestar], network: Network, clock: ManualClock
) -> None:
    assert await ids(client, "category=eggs") == ["ferme-du-tertre"]
    clock.advance(31 * 86400)
    assert await ids(client, "category=eggs") == []
    assert await ids(client, "available=today") == []
    tertre = await client.get(f"{PUBLIC}/ferme-du-tertre")
    assert tertre.json()["properties"]["offers"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("at=yesterday", "at"),
        ("at=2026-07-14T08:30:00", "at"),
        ("at=2026-02-30T08:30:00Z", "at"),
        ("open_now=yes", "open_now"),
        ("available=tomorrow", "available"),
        ("category=cheeses", "category"),
        ("label=bio", "label"),
        ("near=48.3,0.8&bbox=0,48,1,49", "bbox"),
        ("radius_m=5", "radius_m"),
        ("lang=xx-!!", "lang"),
        ("limit=0", "limit"),
        ("cursor=abc", "cursor"),
    ],
)
async def test_bad_parameters_are_400_naming_them(
    client: AsyncTestClient[Litestar], network: Network, query: str, field: str
) -> None:
    response = await client.get(f"{PUBLIC}?{query}")
    assert response.status_code == 400, response.text
    problem: dict[str, Any] = response.json()
    assert [error["field"] for error in problem["errors"]] == [field]


async def test_bad_at_on_one_producer(client: AsyncTestClient[Litestar], network: Network) -> None:
    response = await client.get(f"{PUBLIC}/ferme-du-tertre", params={"at": "14/07/2026"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "at"


async def test_open_now_defaults_to_the_app_clock(
    client: AsyncTestClient[Litestar], network: Network, clock: ManualClock
) -> None:
    clock.now = datetime(2026, 7, 21, 8, 30, tzinfo=UTC)  # a Tuesday, 10:30 in Paris
    assert await ids(client, "open_now=true") == ["ferme-du-tertre"]
    clock.now = datetime(2026, 7, 14, 8, 30, tzinfo=UTC)  # Bastille Day
    assert await ids(client, "open_now=true") == []


async def test_updated_since_counts_offer_changes(
    client: AsyncTestClient[Litestar], network: Network, auth: Auth, clock: ManualClock
) -> None:
    assert len(await ids(client, "updated_since=2020-01-01T00:00:00Z")) == len(await ids(client))
    clock.advance(2)
    since = clock().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert await ids(client, f"updated_since={since}") == []
    clock.advance(2)
    url = f"{EDITOR}/cidrerie-des-coteaux/offers/{network.offers['cider']}"
    etag = (await client.get(url, headers=auth["staff"])).headers["etag"]
    sold = await client.patch(
        url, json={"availability": "sold_out"}, headers={**auth["staff"], "If-Match": etag}
    )
    assert sold.status_code == 200, sold.text
    assert await ids(client, f"updated_since={since}") == ["cidrerie-des-coteaux"]
