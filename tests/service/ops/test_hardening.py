"""Issue 14 bugs 1, 2 and 12: hostile bodies and numbers get problems naming the field, never a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.accounts.tokens import issue_token
from content.core.db import Database
from content.core.settings import Settings
from service.app import create_app
from service.params import MAX_SQL_INT
from tests.service.accounts_fixtures import Accounts, ManualClock, count_rows
from tests.service.packs_fixtures import ROUTE_PACK, prepare_packs

JSON = {"content-type": "application/json"}


def _fields(answer: Any) -> list[str]:
    return [item["field"] for item in answer.json()["errors"]]


async def test_invalid_utf8_in_a_login_body_is_a_422_naming_the_body(
    client: AsyncTestClient[Litestar], db: Database, accounts: Accounts
) -> None:
    before = await count_rows(db, "login_attempts")
    body = b'{"email":"\xff@x.org","password":"secret-secret"}'
    answer = await client.post("/api/v1/auth/login", content=body, headers=JSON)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert _fields(answer) == ["body"]
    assert "UTF-8" in answer.json()["detail"]
    assert await count_rows(db, "login_attempts") == before


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_invalid_utf8_in_editor_bodies_is_a_422_naming_the_body(
    client: AsyncTestClient[Litestar], db: Database, auth: dict[str, dict[str, str]], method: str
) -> None:
    before = await count_rows(db, "history")
    body = b'{"name":{"fr":"Caf\xe9"},"lat":48.3,"lon":0.8,"category":"heritage"}'
    url = "/api/v1/editor/pois" if method == "POST" else "/api/v1/editor/pois/nowhere"
    headers = {**JSON, **auth["staff"], "If-Match": '"1"'}
    answer = await client.request(method, url, content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert _fields(answer) == ["body"]
    assert await count_rows(db, "history") == before


async def test_empty_and_missing_bodies_and_parameters_name_what_is_missing(
    client: AsyncTestClient[Litestar],
) -> None:
    empty = await client.post("/api/v1/auth/login", content=b"", headers=JSON)
    assert empty.status_code == 422
    assert empty.json()["errors"] == [{"field": "body", "message": "a JSON body is required"}]
    missing = await client.get(f"/api/v1/packs/{ROUTE_PACK}/delta")
    assert missing.status_code == 400
    assert _fields(missing) == ["from"]
    negative = await client.get(f"/api/v1/packs/{ROUTE_PACK}/delta?from=-1")
    assert negative.status_code == 400
    assert _fields(negative) == ["from"]


async def test_integers_beyond_sqlite_range_are_400_not_500(
    app: Litestar, client: AsyncTestClient[Litestar], fixtures_dir: Path
) -> None:
    await prepare_packs(app, fixtures_dir)
    for value in (str(MAX_SQL_INT + 1), "18446744073709551616", "1" + "0" * 40):
        answer = await client.get(f"/api/v1/packs/{ROUTE_PACK}/delta?from={value}")
        assert answer.status_code == 400, (value, answer.text)
        assert _fields(answer) == ["from"]
    # The largest SQLite integer is accepted as a value (and is no known version).
    assert (await client.get(f"/api/v1/packs/{ROUTE_PACK}/delta?from={MAX_SQL_INT}")).status_code == 410


def test_every_integer_parameter_is_bounded(app: Litestar) -> None:
    """Every integer in a query, path or header parameter declares a maximum SQLite can hold."""
    document = app.openapi_schema.to_schema()
    unbounded = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                for schema in _integer_schemas(parameter.get("schema", {})):
                    if float(schema.get("maximum", "inf")) > float(MAX_SQL_INT):
                        unbounded.append(f"{method.upper()} {path} {parameter['name']}")
    assert unbounded == []


def _integer_schemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found = [schema] if schema.get("type") == "integer" else []
    for key in ("oneOf", "anyOf", "allOf"):
        for part in schema.get(key, []):
            found.extend(_integer_schemas(part))
    return found


async def test_an_upload_over_the_body_cap_is_a_413_naming_the_file(
    settings: Settings, accounts: Accounts, clock: ManualClock, fixtures_dir: Path
) -> None:
    """Past the framework's own cap (Content-Length over it); a chunked body is tried on a real server
    in test_serve.py, since the test client cannot stream one."""
    small = msgspec.structs.replace(settings, max_upload_bytes=20_000)
    app = create_app(small, clock=clock)
    photo = (fixtures_dir / "images" / "phone-photo.jpg").read_bytes()
    boundary = "odysseeboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )

    async with AsyncTestClient(app=app) as client:
        async with app.state.db.write() as conn:
            issued = await issue_token(conn, accounts.staff.id, now=clock(), ttl_s=600)
        headers = {
            "Authorization": f"Bearer {issued.token}",
            "content-type": f"multipart/form-data; boundary={boundary}",
        }
        history = await count_rows(app.state.db, "history")
        answer = await client.post("/api/v1/editor/media", content=body, headers=headers)
        assert answer.status_code == 413, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert _fields(answer) == ["file"]
        assert await count_rows(app.state.db, "history") == history
