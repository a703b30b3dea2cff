from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.editing import etag_for
from content.editing.history import list_history
from tests.service.accounts_fixtures import count_rows

OFFICES = "/api/v1/editor/offices"


async def test_admin_lists_offices(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]]
) -> None:
    response = await client.get(OFFICES, headers=auth["admin"])
    assert response.status_code == 200
    body = response.json()
    assert [office["id"] for office in body["items"]] == ["ot-loir", "ot-perche"]
    assert body["next"] is None
    page = await client.get(OFFICES, params={"limit": 1}, headers=auth["admin"])
    assert [office["id"] for office in page.json()["items"]] == ["ot-loir"]
    rest = await client.get(
        OFFICES, params={"limit": 1, "cursor": page.json()["next"]}, headers=auth["admin"]
    )
    assert [office["id"] for office in rest.json()["items"]] == ["ot-perche"]
    assert rest.json()["next"] is None


async def test_admin_creates_an_office_with_its_etag_and_history(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], db: Database
) -> None:
    response = await client.post(OFFICES, json={"id": "ot-bellême", "name": "Bellême"}, headers=auth["admin"])
    assert response.status_code == 422  # not a slug
    response = await client.post(
        OFFICES, json={"id": "ot-belleme", "name": " Bellême "}, headers=auth["admin"]
    )
    assert response.status_code == 201
    assert response.json()["name"] == "Bellême"
    assert response.json()["revision"] == 1
    assert response.headers["etag"] == etag_for("office", "ot-belleme", 1)
    async with db.read() as conn:
        entries = (await list_history(conn, "office", "ot-belleme")).items
    assert [(e.action, e.after) for e in entries] == [("create", {"id": "ot-belleme", "name": "Bellême"})]
    listed = await client.get(OFFICES, headers=auth["admin"])
    assert "ot-belleme" in [office["id"] for office in listed.json()["items"]]


async def test_name_with_sql_and_path_characters_is_stored_literally(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]]
) -> None:
    name = "Robert'); DROP TABLE offices; -- ../../etc/passwd"
    response = await client.post(OFFICES, json={"id": "ot-robert", "name": name}, headers=auth["admin"])
    assert response.status_code == 201
    listed = await client.get(OFFICES, headers=auth["admin"])
    assert {"id": "ot-robert", "name": name} in [
        {"id": o["id"], "name": o["name"]} for o in listed.json()["items"]
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "../etc", "name": "x"}, "id"),
        ({"id": "OT-Perche", "name": "x"}, "id"),
        ({"id": "ot perche", "name": "x"}, "id"),
        ({"id": "-ot", "name": "x"}, "id"),
        ({"id": "", "name": "x"}, "id"),
        ({"id": "o" * 65, "name": "x"}, "id"),
        ({"id": "ot-x", "name": "   "}, "name"),
        ({"id": "ot-x", "name": "bell\x00eme"}, "name"),
        ({"id": "ot-x"}, "name"),
        ({"id": "ot-x", "name": "x", "city": "Mortagne"}, "city"),
        ({"id": 12, "name": "x"}, "id"),
    ],
)
async def test_invalid_office_is_422_naming_the_field_and_writes_nothing(
    client: AsyncTestClient[Litestar],
    auth: dict[str, dict[str, str]],
    db: Database,
    body: dict[str, Any],
    field: str,
) -> None:
    offices, history = await count_rows(db, "offices"), await count_rows(db, "history")
    response = await client.post(OFFICES, json=body, headers=auth["admin"])
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]
    assert (await count_rows(db, "offices"), await count_rows(db, "history")) == (offices, history)


async def test_duplicate_office_is_409(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], db: Database
) -> None:
    response = await client.post(OFFICES, json={"id": "ot-perche", "name": "Again"}, headers=auth["admin"])
    assert response.status_code == 409
    listed = await client.get(OFFICES, headers=auth["admin"])
    assert {o["id"]: o["name"] for o in listed.json()["items"]}["ot-perche"] == "Office de tourisme du Perche"


@pytest.mark.parametrize("role", ["staff", "producer"])
async def test_offices_are_for_admins_only(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], db: Database, role: str
) -> None:
    assert (await client.get(OFFICES, headers=auth[role])).status_code == 403
    response = await client.post(OFFICES, json={"id": "ot-mine", "name": "Mine"}, headers=auth[role])
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await count_rows(db, "offices") == 2


async def test_bad_list_parameters_are_400_naming_them(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]]
) -> None:
    for params, field in (({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"cursor": "nope"}, "cursor")):
        response = await client.get(OFFICES, params=params, headers=auth["admin"])
        assert response.status_code == 400
        assert [e["field"] for e in response.json()["errors"]] == [field]
