"""An edit through the editor API shows at once in "near me", answered from each process's in-memory
index: on the app that took the edit and on another app instance on the same database."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.settings import Settings
from service.app import create_app
from service.public import near_index
from tests.service.editor.content_helpers import POIS, new_poi

Auth = dict[str, dict[str, str]]
NEAR = {"near": "48.3752,0.5634", "radius_m": "5000"}


async def _index_ready(app: Litestar, client: AsyncTestClient[Litestar]) -> None:
    """Ask until the app's index is current (the first query after a change starts its rebuild)."""
    for _ in range(200):
        await client.get("/api/v1/pois", params=NEAR)
        if near_index(app.state).current() is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the near-me index was never rebuilt")


async def _near(client: AsyncTestClient[Litestar], **params: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/pois", params={**NEAR, **params})
    assert response.status_code == 200, response.text
    features: list[dict[str, Any]] = response.json()["features"]
    return features


async def test_an_edit_shows_at_once_here_and_in_another_process(
    client: AsyncTestClient[Litestar], app: Litestar, settings: Settings, auth: Auth
) -> None:
    created = await client.post(POIS, json=new_poi(), headers=auth["staff"])
    url = f"{POIS}/{created.json()['id']}"
    published = await client.post(
        f"{url}/publish", headers={**auth["staff"], "If-Match": created.headers["etag"]}
    )
    assert published.status_code == 200
    other_app = create_app(settings)
    async with AsyncTestClient(app=other_app) as other:
        for each_app, each in ((app, client), (other_app, other)):
            await _index_ready(each_app, each)
            features = await _near(each)
            assert [f["properties"]["name"] for f in features] == ["Église Saint-Sauveur"]
            assert features[0]["properties"]["distance_m"] == 0.0

        renamed = await client.patch(
            url,
            json={"name": {"fr": "Église Saint-Sauveur de Bellême"}},
            headers={**auth["staff"], "If-Match": published.headers["etag"]},
        )
        assert renamed.status_code == 200, renamed.text
        for each in (client, other):  # no wait: the very next query
            assert [f["properties"]["name"] for f in await _near(each)] == ["Église Saint-Sauveur de Bellême"]
            english = await _near(each, lang="en")
            assert [f["properties"]["name"] for f in english] == ["Saint-Sauveur church"]

        for each_app, each in ((app, client), (other_app, other)):
            await _index_ready(each_app, each)
        moved = await client.patch(
            url,
            json={"geometry": {"type": "Point", "coordinates": [0.6134, 48.3752]}},
            headers={**auth["staff"], "If-Match": renamed.headers["etag"]},
        )
        assert moved.status_code == 200, moved.text
        for each in (client, other):
            assert [f["properties"]["distance_m"] for f in await _near(each)] == [3693.1]

        for each_app, each in ((app, client), (other_app, other)):
            await _index_ready(each_app, each)
        unpublished = await client.post(
            f"{url}/unpublish", headers={**auth["staff"], "If-Match": moved.headers["etag"]}
        )
        assert unpublished.status_code == 200, unpublished.text
        for each in (client, other):
            assert await _near(each) == []
