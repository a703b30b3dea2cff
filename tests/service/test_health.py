from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient


async def test_health_reports_ok_and_version(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"]
    assert response.headers["etag"].startswith('"')


async def test_health_answers_304_to_its_etag(client: AsyncTestClient[Litestar]) -> None:
    first = await client.get("/api/v1/health")
    second = await client.get("/api/v1/health", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 304
    assert second.content == b""


async def test_unknown_path_is_problem_json(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 404
    assert {"type", "title", "detail"} <= body.keys()


async def test_openapi_document_is_served(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/health" in response.json()["paths"]


async def test_openapi_documents_every_error_answer_as_problem_json(
    client: AsyncTestClient[Litestar],
) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    plain = [
        (method, path, status)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status, answer in operation.get("responses", {}).items()
        if status.startswith(("4", "5")) and "application/json" in (answer.get("content") or {})
    ]
    assert plain == []
    assert "Problem" in document["components"]["schemas"]
