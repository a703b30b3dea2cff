"""Property: no query string, path id or Accept-Language makes the public read endpoints answer 5xx."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from content.core.db import Database
from content.core.settings import load_settings
from service.app import create_app
from tests.territory import load_demo


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Litestar]]:
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"

    async def seed() -> None:
        async with Database(data_dir / "odyssee.sqlite3") as db:
            await load_demo(db)

    asyncio.run(seed())
    with TestClient(app=create_app(load_settings(env={}, data_dir=data_dir))) as test_client:
        yield test_client


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["0", "-0", "48.5", "0.6", "1e308", "1e-400", ".", "+", "", " ", "١"]),
)
values = st.one_of(
    numbers,
    st.tuples(numbers, numbers).map(",".join),
    st.tuples(numbers, numbers, numbers, numbers).map(",".join),
    st.sampled_from(
        ["48.52,0.55", "-0.9,48.1,1.9,48.95", "*", "fr", "en-GB", "church_abbey", "legends", "eglise"]
    ),
    st.text(max_size=40),
)
PARAMS = ["near", "radius_m", "bbox", "category", "theme", "q", "lang", "limit", "cursor", "other"]
queries = st.dictionaries(st.sampled_from(PARAMS), values, max_size=6)
accept_language = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["en;q=0.5, de", "*", "fr-CH"]))


def check(response_status: int, content_type: str, body: object, sent: set[str]) -> None:
    assert response_status < 500, body
    if response_status == 400:
        assert content_type.startswith("application/problem+json")
        assert isinstance(body, dict)
        fields = {error["field"] for error in body["errors"]}
        assert fields <= sent, (fields, sent)


def headers_for(language: str | None) -> dict[str, bytes]:
    # Header values are bytes on the wire (Latin-1 at most), without control characters.
    if language is None:
        return {}
    printable = "".join(char for char in language if char >= " " and char != "\x7f")
    return {"Accept-Language": printable.encode("latin-1", "replace")}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(["/api/v1/pois", "/api/v1/routes"]), query=queries, language=accept_language)
def test_lists_never_fail(
    client: TestClient[Litestar], path: str, query: dict[str, str], language: str | None
) -> None:
    response = client.get(path, params=query, headers=headers_for(language))
    check(response.status_code, response.headers.get("content-type", ""), response.json(), set(query))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["pois", "routes"]),
    item=st.one_of(
        st.text(min_size=1, max_size=80), st.sampled_from(["abbaye-de-la-trappe", "mortagne-cite-perchee"])
    ),
    lang=st.one_of(st.none(), values),
)
def test_details_never_fail(client: TestClient[Litestar], kind: str, item: str, lang: str | None) -> None:
    params = {} if lang is None else {"lang": lang}
    response = client.get(f"/api/v1/{kind}/{quote(item, safe='')}", params=params)
    body = response.json() if response.content else None
    check(response.status_code, response.headers.get("content-type", ""), body, set(params))
    assert response.status_code in {200, 400, 404}
