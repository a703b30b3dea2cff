from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from service.bodies import MAX_JSON_DEPTH, json_depth_exceeds
from tests.service.accounts_fixtures import *  # noqa: F403 (the signed-in fixtures)
from tests.service.accounts_fixtures import count_rows

JSON = {"content-type": "application/json"}


def nested(depth: int) -> bytes:
    return b'{"email": ' + b"[" * depth + b"]" * depth + b', "password": "x"}'


async def test_ten_megabyte_body_is_413_problem_json(client: AsyncTestClient[Litestar]) -> None:
    body = b'{"email": "a@perche.example", "password": "' + b"x" * 10_000_000 + b'"}'
    response = await client.post("/api/v1/auth/login", content=body, headers=JSON)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "/problems/payload-too-large"


async def test_ten_megabyte_body_to_an_editor_endpoint_writes_nothing(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], db: Database
) -> None:
    users = await count_rows(db, "users")
    body = b'{"email": "big@perche.example", "password": "' + b"x" * 10_000_000 + b'", "role": "admin"}'
    response = await client.post("/api/v1/editor/users", content=body, headers={**JSON, **auth["admin"]})
    assert response.status_code == 413
    assert await count_rows(db, "users") == users


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 500, 5_000, 100_000])
async def test_deeply_nested_body_is_422_naming_body(client: AsyncTestClient[Litestar], depth: int) -> None:
    response = await client.post("/api/v1/auth/login", content=nested(depth), headers=JSON)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["body"]


async def test_deeply_nested_body_inside_an_unknown_field_is_refused_too(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], db: Database
) -> None:
    users = await count_rows(db, "users")
    body = b'{"email": "a@perche.example", "extra": ' + b'{"a":' * 2000 + b"1" + b"}" * 2000 + b"}"
    response = await client.post("/api/v1/editor/users", content=body, headers={**JSON, **auth["admin"]})
    assert response.status_code == 422
    assert await count_rows(db, "users") == users


async def test_malformed_json_is_a_4xx(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/api/v1/auth/login", content=b'{"email": "a@', headers=JSON)
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/problem+json")


def test_depth_counts_containers_not_brackets_in_strings() -> None:
    assert not json_depth_exceeds(b"[" * 32 + b"]" * 32)
    assert json_depth_exceeds(b"[" * 33 + b"]" * 33)
    assert json_depth_exceeds(b'{"a": ' * 33 + b"1" + b"}" * 33)
    assert not json_depth_exceeds(b'{"a": "' + b"[{" * 100 + b'"}')
    assert not json_depth_exceeds(b'{"a": "\\"' + b"[" * 100 + b'"}')
    # Siblings do not add up: a long flat list of small lists is shallow.
    assert not json_depth_exceeds(b"[" + b"[1, 2]," * 10_000 + b"[1, 2]]")
