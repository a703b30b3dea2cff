"""The producer editor through HTTP: If-Match, validation (422, nothing written), scope, history, events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.accounts.tokens import issue_token
from content.accounts.user_changes import NewUser, create_user
from content.core.db import Database
from content.core.events import ContentChanged, EventHub
from content.editing import etag_for
from tests.service.accounts_fixtures import ManualClock
from tests.service.producers.network import EDITOR, PUBLIC, Network, build_network, offer_body, table_state

Auth = dict[str, dict[str, str]]


@pytest.fixture
async def network(client: AsyncTestClient[Litestar], auth: Auth, clock: ManualClock) -> Network:
    net = await build_network(client, auth["admin"], clock())
    # The fixture's producer account belongs to ferme-des-bois (ot-perche): give it an offer.
    await net.offer("ferme-des-bois", "bois", offer_body(clock(), product={"fr": "Pommes"}, category="fruit"))
    return net


@pytest.fixture
async def cidrerie_account(db: Database, clock: ManualClock) -> dict[str, str]:
    """A second producer account, for the cidrerie."""
    new = NewUser(
        email="cidre@perche.example", password="a long enough secret", role="producer",
        producer_id="cidrerie-des-coteaux",
    )  # fmt: skip
    user = await create_user(db, new, actor_id=None, now=clock())
    async with db.write() as conn:
        issued = await issue_token(conn, user.id, now=clock(), ttl_s=3600)
    return {"Authorization": f"Bearer {issued.token}"}


def offer_url(producer_id: str, offer_id: str) -> str:
    return f"{EDITOR}/{producer_id}/offers/{offer_id}"


async def test_writes_need_a_current_if_match(
    client: AsyncTestClient[Litestar], network: Network, auth: Auth, db: Database
) -> None:
    url = f"{EDITOR}/ferme-du-tertre"
    read = await client.get(url, headers=auth["staff"])
    assert read.status_code == 200
    etag = read.headers["etag"]
    assert etag == etag_for("producer", "ferme-du-tertre", read.json()["revision"])
    before = await table_state(db)
    missing = await client.patch(url, json={"name": "Autre"}, headers=auth["staff"])
    assert missing.status_code == 428
    star = await client.patch(url, json={"name": "Autre"}, headers={**auth["staff"], "If-Match": "*"})
    assert star.status_code == 428
    stale = etag_for("producer", "ferme-du-tertre", 1)
    old = await client.patch(url, json={"name": "Autre"}, headers={**auth["staff"], "If-Match": stale})
    assert old.status_code == 412
    assert (await client.post(f"{url}/unpublish", headers=auth["staff"])).status_code == 428
    eggs = offer_url("ferme-du-tertre", network.offers["eggs"])
    assert (await client.delete(eggs, headers=auth["staff"])).status_code == 428
    assert (
        await client.patch(eggs, json={"availability": "limited"}, headers=auth["staff"])
    ).status_code == 428
    assert await table_state(db) == before
    done = await client.patch(
        url, json={"name": "Ferme du Tertre (GAEC)"}, headers={**auth["staff"], "If-Match": etag}
    )
    assert done.status_code == 200
    assert done.json()["revision"] == read.json()["revision"] + 1
    assert done.json()["updated_by"] == (await client.get("/api/v1/me", headers=auth["staff"])).json()["id"]
    assert done.headers["etag"] != etag
    public = await client.get(f"{PUBLIC}/ferme-du-tertre")
    assert public.json()["properties"]["name"] == "Ferme du Tertre (GAEC)"


@pytest.mark.parametrize(
    ("target", "body", "field"),
    [
        ("producer", {"opening_hours": "Mo-Fr 25:00-26:00"}, "opening_hours"),
        ("producer", {"opening_hours": "Tu-Sa 09:00-12:00; PH of"}, "opening_hours"),
        ("producer", {"labels": ["bio"]}, "labels[0]"),
        ("offer", {"season_months": [4, 13]}, "season_months[1]"),
        ("offer", {"valid_until": "2020-01-01T00:00:00Z"}, "valid_until"),
        ("offer", {"valid_until": "+121d"}, "valid_until"),
        ("offer", {"price": {"amount_cents": -1, "unit": "kg"}}, "price.amount_cents"),
        ("new_offer", {"season_months": [13]}, "season_months[0]"),
        ("new_offer", {"valid_until": "2020-01-01T00:00:00Z"}, "valid_until"),
        ("new_offer", {"valid_until": "+121d"}, "valid_until"),
        ("new_offer", {"price": {"amount_cents": -5, "unit": "kg"}}, "price.amount_cents"),
    ],
)
async def test_bad_input_is_422_naming_the_field_and_changes_nothing(
    client: AsyncTestClient[Litestar],
    network: Network,
    auth: Auth,
    db: Database,
    clock: ManualClock,
    target: str,
    body: dict[str, Any],
    field: str,
) -> None:
    if body.get("valid_until") == "+121d":
        body = {"valid_until": (clock() + timedelta(days=121)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    before = await table_state(db)
    headers = auth["admin"]
    if target == "producer":
        etag = etag_for("producer", "ferme-du-tertre", 2)
        response = await client.patch(
            f"{EDITOR}/ferme-du-tertre", json=body, headers={**headers, "If-Match": etag}
        )
    elif target == "offer":
        offer_id = network.offers["eggs"]
        etag = etag_for("offer", offer_id, 1)
        url = offer_url("ferme-du-tertre", offer_id)
        response = await client.patch(url, json=body, headers={**headers, "If-Match": etag})
    else:
        new = {**offer_body(clock()), **body}
        response = await client.post(f"{EDITOR}/ferme-du-tertre/offers", json=new, headers=headers)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]], response.text
    assert await table_state(db) == before


async def test_opening_hours_error_carries_the_parser_message(
    client: AsyncTestClient[Litestar], network: Network, auth: Auth
) -> None:
    etag = etag_for("producer", "ferme-du-tertre", 2)
    response = await client.patch(
        f"{EDITOR}/ferme-du-tertre",
        json={"opening_hours": "Mo-Fr 25:00"},
        headers={**auth["admin"], "If-Match": etag},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("not valid OSM opening_hours")


async def test_a_producer_reaches_only_its_own_offers(
    clock: ManualClock,
    client: AsyncTestClient[Litestar],
    network: Network,
    auth: Auth,
    db: Database,
    cidrerie_account: dict[str, str],
) -> None:
    ferme = auth["producer"]
    cider = network.offers["cider"]
    etag = etag_for("offer", cider, 1)
    before = await table_state(db)
    sold_out = {"availability": "sold_out"}
    through_other = await client.patch(
        offer_url("cidrerie-des-coteaux", cider), json=sold_out, headers={**ferme, "If-Match": etag}
    )
    assert through_other.status_code == 403
    through_own = await client.patch(
        offer_url("ferme-des-bois", cider), json=sold_out, headers={**ferme, "If-Match": etag}
    )
    assert through_own.status_code == 404
    withdraw = await client.delete(offer_url("ferme-des-bois", cider), headers={**ferme, "If-Match": etag})
    assert withdraw.status_code == 404
    assert (await client.get(f"{EDITOR}/cidrerie-des-coteaux", headers=ferme)).status_code == 403
    assert (await client.get(f"{EDITOR}/cidrerie-des-coteaux/offers", headers=ferme)).status_code == 403
    new_offer = offer_body(clock())
    assert (
        await client.post(f"{EDITOR}/cidrerie-des-coteaux/offers", json=new_offer, headers=ferme)
    ).status_code == 403
    assert (
        await client.post(
            EDITOR, json={"name": "X", "geometry": {"type": "Point", "coordinates": [0, 48]}}, headers=ferme
        )
    ).status_code == 403
    assert await table_state(db) == before
    # The cidrerie's own account may, and its list shows only its producer.
    own = await client.patch(
        offer_url("cidrerie-des-coteaux", cider),
        json=sold_out,
        headers={**cidrerie_account, "If-Match": etag},
    )
    assert own.status_code == 200
    listed = await client.get(EDITOR, headers=cidrerie_account)
    assert [p["id"] for p in listed.json()["items"]] == ["cidrerie-des-coteaux"]
    mine = await client.get(f"{EDITOR}/ferme-des-bois/offers", headers=ferme)
    assert [o["id"] for o in mine.json()["items"]] == [network.offers["bois"]]
    profile = await client.get(f"{EDITOR}/ferme-des-bois", headers=ferme)
    hours = {"opening_hours": "Sa 09:00-12:00"}
    changed = await client.patch(
        f"{EDITOR}/ferme-des-bois", json=hours, headers={**ferme, "If-Match": profile.headers["etag"]}
    )
    assert changed.status_code == 200
    assert changed.json()["opening_hours"] == "Sa 09:00-12:00"


async def test_staff_edit_their_office_producers_and_admins_all(
    client: AsyncTestClient[Litestar], network: Network, auth: Auth, db: Database
) -> None:
    loir = f"{EDITOR}/miellerie-du-loir"
    etag = (await client.get(loir, headers=auth["staff"])).headers["etag"]
    before = await table_state(db)
    refused = await client.post(f"{loir}/publish", headers={**auth["staff"], "If-Match": etag})
    assert refused.status_code == 403
    assert await table_state(db) == before
    published = await client.post(f"{loir}/publish", headers={**auth["other_staff"], "If-Match": etag})
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert "miellerie-du-loir" in [f["id"] for f in (await client.get(PUBLIC)).json()["features"]]
    unpublished = await client.post(
        f"{loir}/unpublish", headers={**auth["admin"], "If-Match": published.headers["etag"]}
    )
    assert unpublished.json()["status"] == "draft"
    assert "miellerie-du-loir" not in [f["id"] for f in (await client.get(PUBLIC)).json()["features"]]
    staff_create = await client.post(
        EDITOR,
        json={"name": "X", "geometry": {"type": "Point", "coordinates": [0, 48]}},
        headers=auth["staff"],
    )
    assert staff_create.status_code == 403
    everyone = await client.get(EDITOR, headers=auth["staff"])
    assert [p["id"] for p in everyone.json()["items"]] == [
        "cidrerie-des-coteaux", "ferme-des-bois", "ferme-du-tertre", "miellerie-du-loir"
    ]  # fmt: skip


async def test_history_withdraw_and_events(
    client: AsyncTestClient[Litestar], app: Litestar, network: Network, auth: Auth, db: Database
) -> None:
    seen: list[ContentChanged] = []
    hub = app.state.events
    assert isinstance(hub, EventHub)
    hub.subscribe(seen.append)
    eggs = network.offers["eggs"]
    url = offer_url("ferme-du-tertre", eggs)
    refused = await client.patch(url, json={"availability": "sold_out"}, headers=auth["staff"])
    assert refused.status_code == 428
    assert seen == []
    sold = await client.patch(
        url,
        json={"availability": "sold_out"},
        headers={**auth["staff"], "If-Match": etag_for("offer", eggs, 1)},
    )
    assert sold.status_code == 200
    assert sold.json()["office_id"] == "ot-perche"
    assert seen == [ContentChanged(producers=frozenset({"ferme-du-tertre"}))]
    gone = await client.delete(url, headers={**auth["staff"], "If-Match": sold.headers["etag"]})
    assert gone.status_code == 200
    assert gone.json()["status"] == "withdrawn"
    assert len(seen) == 2
    again = await client.patch(
        url, json={"availability": "available"}, headers={**auth["staff"], "If-Match": gone.headers["etag"]}
    )
    assert again.status_code == 410
    public = await client.get(f"{PUBLIC}/ferme-du-tertre")
    assert eggs not in [offer["id"] for offer in public.json()["properties"]["offers"]]
    listed = await client.get(
        f"{EDITOR}/ferme-du-tertre/offers", params={"withdrawn": "true"}, headers=auth["staff"]
    )
    assert eggs in [offer["id"] for offer in listed.json()["items"]]
    history = await client.get(f"{EDITOR}/ferme-du-tertre/history", headers=auth["staff"])
    assert history.status_code == 200
    entries = history.json()["items"]
    assert [(e["entity_type"], e["action"]) for e in entries[:2]] == [
        ("offer", "withdraw"),
        ("offer", "update"),
    ]
    assert entries[1]["before"] == {"availability": "available"}
    assert entries[1]["after"] == {"availability": "sold_out"}
    assert entries[1]["user_email"] == "staff@perche.example"
    actions = {(e["entity_type"], e["action"]) for e in entries}
    assert {("producer", "create"), ("producer", "publish"), ("offer", "create")} <= actions
    page = await client.get(f"{EDITOR}/ferme-du-tertre/history", params={"limit": "2"}, headers=auth["staff"])
    assert page.json()["next"] is not None
    own = await client.get(f"{EDITOR}/ferme-des-bois/history", headers=auth["producer"])
    assert own.status_code == 200
    assert (
        await client.get(f"{EDITOR}/ferme-du-tertre/history", headers=auth["producer"])
    ).status_code == 403
