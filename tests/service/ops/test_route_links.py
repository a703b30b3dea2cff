"""Issue 14 bug 10: a published route never names a POI the public cannot see."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.service.editor.content_helpers import POIS, ROUTES, new_poi, new_route, new_stop

Auth = dict[str, dict[str, str]]


async def _publish(client: AsyncTestClient[Litestar], headers: dict[str, str], url: str, etag: str) -> None:
    answer = await client.post(f"{url}/publish", headers={**headers, "If-Match": etag})
    assert answer.status_code == 200, answer.text


async def test_a_link_to_another_offices_draft_poi_is_not_public(
    client: AsyncTestClient[Litestar], auth: Auth
) -> None:
    # Another office drafts a POI; this office links a stop to it and publishes the route.
    draft = await client.post(POIS, json=new_poi(), headers=auth["other_staff"])
    assert draft.status_code == 201, draft.text
    poi_id = draft.json()["id"]
    stops = [new_stop("La porte", 0.5634, 48.3752, poi_id=poi_id), new_stop("La fontaine", 0.5655, 48.3838)]
    created = await client.post(ROUTES, json=new_route(stops=stops), headers=auth["staff"])
    assert created.status_code == 201, created.text
    route_id = created.json()["id"]
    await _publish(client, auth["staff"], f"{ROUTES}/{route_id}", created.headers["etag"])

    public = (await client.get(f"/api/v1/routes/{route_id}")).json()
    stop_links = [
        f["properties"].get("poi_id") for f in public["features"] if f["properties"].get("position")
    ]
    assert poi_id not in stop_links
    assert (await client.get(f"/api/v1/pois/{poi_id}")).status_code == 404
    # The editor still sees the link it made.
    editor = (await client.get(f"{ROUTES}/{route_id}", headers=auth["staff"])).json()
    assert editor["stops"][0]["poi_id"] == poi_id

    # Once the other office publishes its POI, the link is public.
    await _publish(client, auth["other_staff"], f"{POIS}/{poi_id}", draft.headers["etag"])
    public = (await client.get(f"/api/v1/routes/{route_id}")).json()
    stop_links = [
        f["properties"].get("poi_id") for f in public["features"] if f["properties"].get("position")
    ]
    assert poi_id in stop_links
    assert (await client.get(f"/api/v1/pois/{poi_id}")).status_code == 200
