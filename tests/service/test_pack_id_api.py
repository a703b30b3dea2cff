"""Every pack endpoint reads its id the same way: malformed is a 400 naming ``pack_id``, unknown a 404."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

PACKS = "/api/v1/packs"
LEAVES = ["", "/manifest", "/download", "/delta?from=1"]


@pytest.mark.parametrize("leaf", LEAVES)
@pytest.mark.parametrize("pack_id", ["nowhere", "route:", "pack:x", "%3Ax"])
async def test_malformed_pack_id(client: AsyncTestClient[Litestar], leaf: str, pack_id: str) -> None:
    response = await client.get(f"{PACKS}/{pack_id}{leaf}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["pack_id"]


@pytest.mark.parametrize("leaf", LEAVES)
async def test_unknown_pack_id(client: AsyncTestClient[Litestar], leaf: str) -> None:
    response = await client.get(f"{PACKS}/area%3Anowhere{leaf}")
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
