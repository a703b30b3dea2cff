"""Property: no query string or path id makes the public producer endpoints answer 5xx."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from content.accounts.offices import NewOffice, create_office
from content.core.clock import utc_now
from content.core.db import Database
from content.core.settings import load_settings
from service.app import create_app
from tools.demo_producer_loader import load_demo_producers


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Litestar]]:
    data_dir = tmp_path_factory.mktemp("producer-fuzz") / "data"

    async def seed() -> None:
        async with Database(data_dir / "odyssee.sqlite3") as db:
            async with db.write() as conn:
                office = NewOffice(id="perche-tourisme", name="Perche")
                await create_office(conn, office, actor_id=None, now=utc_now())
            await load_demo_producers(db, now=utc_now())

    asyncio.run(seed())
    with TestClient(app=create_app(load_settings(env={}, data_dir=data_dir))) as test_client:
        yield test_client


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["0", "48.33", "0.82", "1e308", "", " ", "١"]),
)
instants = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.sampled_from([
        "2026-07-14T08:30:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-23:59",
        "2026-02-29T10:00:00Z", "2026-03-29T02:30:00+01:00", "2026-10-25T02:30:00Z",
    ]),
)  # fmt: skip
values = st.one_of(
    numbers,
    instants,
    st.tuples(numbers, numbers).map(",".join),
    st.tuples(numbers, numbers, numbers, numbers).map(",".join),
    st.sampled_from(
        ["48.33,0.85", "0.5,48.0,1.0,48.6", "true", "false", "today", "cider", "organic", "*", "en"]
    ),
    st.text(max_size=40),
)
PARAMS = ["near", "radius_m", "bbox", "open_now", "at", "available", "category", "label", "lang", "limit",
          "cursor", "other"]  # fmt: skip
queries = st.dictionaries(st.sampled_from(PARAMS), values, max_size=6)


def check(status: int, content_type: str, body: object, sent: set[str]) -> None:
    assert status < 500, body
    if status == 400:
        assert content_type.startswith("application/problem+json")
        assert isinstance(body, dict)
        assert {error["field"] for error in body["errors"]} <= sent


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=queries)
def test_list_never_fails(client: TestClient[Litestar], query: dict[str, str]) -> None:
    response = client.get("/api/v1/producers", params=query)
    check(response.status_code, response.headers.get("content-type", ""), response.json(), set(query))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    item=st.one_of(st.text(min_size=1, max_size=80), st.sampled_from(["cidrerie-des-coteaux"])),
    at=st.one_of(st.none(), instants, st.text(max_size=30)),
)
def test_one_producer_never_fails(client: TestClient[Litestar], item: str, at: str | None) -> None:
    params = {} if at is None else {"at": at}
    response = client.get(f"/api/v1/producers/{quote(item, safe='')}", params=params)
    body = response.json() if response.content else None
    check(response.status_code, response.headers.get("content-type", ""), body, set(params))
    assert response.status_code in {200, 400, 404}
