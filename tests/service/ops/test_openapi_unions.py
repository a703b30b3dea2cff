"""Issue 14 bug 11: an answer that fits both shapes of a union is valid under the OpenAPI document."""

from __future__ import annotations

from typing import Any

import jsonschema
from litestar import Litestar
from litestar.testing import AsyncTestClient


def _response_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    schema = next(iter(content.values()))["schema"]
    # Resolve references against the whole document (OpenAPI 3.1 schemas are JSON Schema 2020-12).
    return {**schema, "components": document["components"]}


async def test_an_empty_poi_page_matches_the_documented_answer(
    app: Litestar, client: AsyncTestClient[Litestar]
) -> None:
    document = app.openapi_schema.to_schema()
    schema = _response_schema(document, "/api/v1/pois")
    assert "oneOf" not in schema
    for query in ("", "?lang=*"):
        answer = await client.get(f"/api/v1/pois{query}")
        assert answer.status_code == 200
        assert answer.json()["features"] == []
        jsonschema.validate(answer.json(), schema, cls=jsonschema.Draft202012Validator)


def test_no_success_answer_is_documented_as_one_of(app: Litestar) -> None:
    document = app.openapi_schema.to_schema()
    found = [
        f"{method} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, answer in operation.get("responses", {}).items()
        if status.startswith("2")
        for media in answer.get("content", {}).values()
        if "oneOf" in media.get("schema", {})
    ]
    assert found == []
