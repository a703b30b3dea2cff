from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient


async def test_openapi_documents_sign_in_and_the_guarded_endpoints(client: AsyncTestClient[Litestar]) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The token from POST /api/v1/auth/login.",
    }
    paths = document["paths"]
    login = paths["/api/v1/auth/login"]["post"]
    assert "security" not in login
    assert {"200", "401", "422", "429"} <= login["responses"].keys()
    assert login["responses"]["401"]["content"].keys() == {"application/problem+json"}
    guarded = [
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/editor/offices", "get"),
        ("/api/v1/editor/offices", "post"),
        ("/api/v1/editor/users", "get"),
        ("/api/v1/editor/users", "post"),
        ("/api/v1/editor/users/{user_id}", "get"),
        ("/api/v1/editor/users/{user_id}", "patch"),
        ("/api/v1/editor/users/{user_id}/history", "get"),
    ]
    for path, method in guarded:
        operation = paths[path][method]
        assert operation["security"] == [{"bearer": []}], path
        assert "401" in operation["responses"], path
    patch = paths["/api/v1/editor/users/{user_id}"]["patch"]
    assert {"412", "428"} <= patch["responses"].keys()
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert "ETag" in paths["/api/v1/editor/users"]["post"]["responses"]["201"]["headers"]
