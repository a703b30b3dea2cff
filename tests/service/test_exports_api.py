"""Routes as GPX and KML, routes and POIs as schema.org JSON-LD (processed for real with pyld)."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pyld import jsonld

from content.core.db import Database
from content.routes.store import set_route_status
from tests.territory import demo_bytes, load_demo

Client = AsyncTestClient[Litestar]
ROUTE = "legendes-foret-de-belleme"
GPX = "{http://www.topografix.com/GPX/1/1}"
KML = "{http://www.opengis.net/kml/2.2}"
SCHEMA = "https://schema.org/"


def _no_remote(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise jsonld.JsonLdError("unexpected remote document", "loading document failed", {"url": url})


OPTIONS = {"documentLoader": _no_remote}


def demo_route() -> dict[str, Any]:
    route: dict[str, Any] = next(r for r in json.loads(demo_bytes())["routes"] if r["id"] == ROUTE)
    return route


@pytest.fixture
async def demo(client: Client, db: Database) -> Client:
    await load_demo(db)
    return client


async def test_route_as_gpx(demo: Client) -> None:
    response = await demo.get(f"/api/v1/routes/{ROUTE}/gpx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/gpx+xml")
    assert response.headers["content-disposition"] == f'attachment; filename="{ROUTE}.gpx"'
    root = ET.fromstring(response.content)
    assert (root.tag, root.get("version")) == (f"{GPX}gpx", "1.1")
    assert [child.tag.removeprefix(GPX) for child in root][:2] == ["metadata", "wpt"]  # schema order
    assert root.find(f"{GPX}metadata/{GPX}name").text == "Légendes de la forêt de Bellême"  # type: ignore[union-attr]
    route = demo_route()
    waypoints = root.findall(f"{GPX}wpt")
    assert [w.find(f"{GPX}name").text for w in waypoints] == [  # type: ignore[union-attr]
        f"{n}. {stop['title']['fr']}" for n, stop in enumerate(route["stops"], start=1)
    ]
    first = route["stops"][0]["geometry"]["coordinates"]
    assert (float(waypoints[0].get("lon", "")), float(waypoints[0].get("lat", ""))) == (first[0], first[1])
    points = root.findall(f"{GPX}trk/{GPX}trkseg/{GPX}trkpt")
    assert [[float(p.get("lon", "")), float(p.get("lat", ""))] for p in points] == route["geometry"][
        "coordinates"
    ]
    english = await demo.get(f"/api/v1/routes/{ROUTE}/gpx", params={"lang": "en"})
    assert b"<name>Legends of Bell\xc3\xaame forest</name>" in english.content
    cached = await demo.get(
        f"/api/v1/routes/{ROUTE}/gpx", headers={"If-None-Match": response.headers["etag"]}
    )
    assert cached.status_code == 304


async def test_route_as_kml(demo: Client) -> None:
    response = await demo.get(f"/api/v1/routes/{ROUTE}/kml", params={"lang": "en"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.google-earth.kml+xml")
    root = ET.fromstring(response.content)
    document = root.find(f"{KML}Document")
    assert document is not None
    assert document.find(f"{KML}name").text == "Legends of Bellême forest"  # type: ignore[union-attr]
    line = document.find(f"{KML}Placemark/{KML}LineString/{KML}coordinates")
    route = demo_route()
    assert line is not None
    assert line.text is not None
    assert [[float(v) for v in pair.split(",")] for pair in line.text.split()] == route["geometry"][
        "coordinates"
    ]
    stops = document.findall(f"{KML}Folder/{KML}Placemark")
    assert [s.find(f"{KML}name").text for s in stops] == [  # type: ignore[union-attr]
        f"{n}. {stop['title']['en']}" for n, stop in enumerate(route["stops"], start=1)
    ]


async def test_route_as_jsonld_is_a_tourist_trip_with_an_ordered_itinerary(demo: Client) -> None:
    response = await demo.get(f"/api/v1/routes/{ROUTE}", params={"format": "jsonld"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    document = response.json()
    assert document["@context"] == {"@vocab": SCHEMA, "@language": "fr"}
    expanded = jsonld.expand(document, OPTIONS)
    assert len(expanded) == 1
    trip = expanded[0]
    assert trip["@type"] == [f"{SCHEMA}TouristTrip"]
    assert trip[f"{SCHEMA}name"] == [{"@value": "Légendes de la forêt de Bellême", "@language": "fr"}]
    itinerary = trip[f"{SCHEMA}itinerary"][0]
    assert itinerary["@type"] == [f"{SCHEMA}ItemList"]
    items = itinerary[f"{SCHEMA}itemListElement"]
    positions = sorted((item[f"{SCHEMA}position"][0]["@value"], item) for item in items)
    route = demo_route()
    assert [p for p, _ in positions] == list(range(1, len(route["stops"]) + 1))
    for (_, item), stop in zip(positions, route["stops"], strict=True):
        attraction = item[f"{SCHEMA}item"][0]
        assert attraction["@type"] == [f"{SCHEMA}TouristAttraction"]
        assert attraction[f"{SCHEMA}name"][0]["@value"] == stop["title"]["fr"]
    quads = jsonld.to_rdf(document, {**OPTIONS, "format": "application/n-quads"})
    assert f"<{SCHEMA}TouristTrip>" in quads
    every = (await demo.get(f"/api/v1/routes/{ROUTE}", params={"format": "jsonld", "lang": "*"})).json()
    assert every["@context"] == {"@vocab": SCHEMA}
    assert {"@value": "Legends of Bellême forest", "@language": "en"} in every["name"]
    jsonld.to_rdf(every, OPTIONS)


async def test_poi_as_jsonld(demo: Client) -> None:
    response = await demo.get(
        "/api/v1/pois/eglise-notre-dame-mortagne", params={"format": "jsonld", "lang": "en"}
    )
    assert response.status_code == 200, response.text
    document = response.json()
    expanded = jsonld.expand(document, OPTIONS)[0]
    assert sorted(expanded["@type"]) == [f"{SCHEMA}Church", f"{SCHEMA}TouristAttraction"]
    assert expanded["@id"].endswith("/api/v1/pois/eglise-notre-dame-mortagne")
    assert expanded[f"{SCHEMA}name"] == [{"@value": "Notre-Dame church, Mortagne", "@language": "en"}]
    geo = expanded[f"{SCHEMA}geo"][0]
    assert (geo[f"{SCHEMA}latitude"][0]["@value"], geo[f"{SCHEMA}longitude"][0]["@value"]) == (
        48.5208,
        0.5476,
    )
    assert expanded[f"{SCHEMA}openingHours"][0]["@value"] == "Mo-Su 09:00-18:00"
    assert jsonld.to_rdf(document, {**OPTIONS, "format": "application/n-quads"})
    assert response.headers["etag"].startswith('"')


async def test_bad_export_requests_name_the_parameter(demo: Client, db: Database) -> None:
    for path in (f"/api/v1/routes/{ROUTE}", "/api/v1/pois/eglise-notre-dame-mortagne"):
        response = await demo.get(path, params={"format": "rdfxml"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "format"
    response = await demo.get(f"/api/v1/routes/{ROUTE}/gpx", params={"lang": "*"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (400, "lang")
    assert (await demo.get("/api/v1/routes/nowhere/kml")).status_code == 404
    async with db.write() as conn:
        await set_route_status(conn, ROUTE, "draft", user_id=None, updated_at="2026-01-01T00:00:00Z")
    for suffix in ("/gpx", "/kml", "?format=jsonld"):
        assert (await demo.get(f"/api/v1/routes/{ROUTE}{suffix}")).status_code == 404
