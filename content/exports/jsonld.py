"""schema.org JSON-LD: a POI as a ``TouristAttraction`` (with the closest specific type beside it),
a route as a ``TouristTrip`` whose ``itinerary`` is an ordered ``ItemList`` of ``TouristAttraction``s.

Built from the public read models, so it shows exactly what the API shows. One language: plain strings
under the context's ``@language``; every language (``lang=*``): language-tagged values.
"""

from __future__ import annotations

from typing import Any

from content.core.model import MediaRef
from content.pois.features import PoiFeature, PoiFeatureAll
from content.routes.features import RouteDetail, RouteFeature, StopFeature

__all__ = ["JSONLD_MEDIA_TYPE", "catalogue_jsonld", "poi_jsonld", "route_jsonld"]

JSONLD_MEDIA_TYPE = "application/ld+json"
_VOCAB = "https://schema.org/"
# Our categories as the closest schema.org types; TouristAttraction is always there too.
_TYPES = {
    "museum": "Museum",
    "church_abbey": "Church",
    "castle": "LandmarksOrHistoricalBuildings",
    "manor": "LandmarksOrHistoricalBuildings",
    "heritage": "LandmarksOrHistoricalBuildings",
    "nature": "Park",
    "forest": "Park",
    "viewpoint": "Place",
    "legend_site": "Place",
    "farm_shop": "Store",
    "market": "LocalBusiness",
    "restaurant": "Restaurant",
    "cafe": "CafeOrCoffeeShop",
    "lodging": "LodgingBusiness",
    "tourist_office": "TouristInformationCenter",
    "parking": "ParkingFacility",
    "picnic_area": "Place",
    "toilets": "PublicToilet",
}


def _context(lang: str | None) -> dict[str, str]:
    return {"@vocab": _VOCAB, "@language": lang} if lang else {"@vocab": _VOCAB}


def _text(value: str | dict[str, str] | None) -> Any:
    """A string (the context gives its language) or language-tagged values (``lang=*``)."""
    if isinstance(value, dict):
        return [{"@value": text, "@language": tag} for tag, text in sorted(value.items())] or None
    return value or None


def _absolute(base_url: str, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else base_url.rstrip("/") + url


def _image(base_url: str, ref: MediaRef) -> str | None:
    variant = ref.variants.get("screen") or ref.variants.get("thumb")
    return _absolute(base_url, variant.url) if variant else None


def _geo(coordinates: list[float]) -> dict[str, Any]:
    return {"@type": "GeoCoordinates", "longitude": coordinates[0], "latitude": coordinates[1]}


def _clean(node: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in node.items() if value not in (None, [], {}, "")}


def poi_node(feature: PoiFeature | PoiFeatureAll, base_url: str) -> dict[str, Any]:
    """The POI without a context, for a page or a graph."""
    props = feature.properties
    specific = _TYPES.get(props.category)
    address = _clean(
        {
            "@type": "PostalAddress",
            "streetAddress": props.address,
            "addressLocality": props.commune,
            "addressCountry": "FR",
        }
    )
    return _clean(
        {
            "@id": f"{base_url.rstrip('/')}/api/v1/pois/{feature.id}",
            "@type": ["TouristAttraction", specific] if specific else "TouristAttraction",
            "identifier": feature.id,
            "name": _text(props.name),
            "description": _text(props.description),
            "geo": _geo(feature.geometry.coordinates),
            "address": address if len(address) > 2 else None,
            "openingHours": props.opening_hours,
            "telephone": props.contact.phone,
            "email": props.contact.email,
            "url": props.contact.website,
            "image": [url for ref in props.images if (url := _image(base_url, ref))],
            "dateModified": props.updated_at,
        }
    )


def poi_jsonld(feature: PoiFeature | PoiFeatureAll, base_url: str, lang: str | None) -> dict[str, Any]:
    """A POI document; ``lang`` is the language of its texts, None for language-tagged values."""
    return {"@context": _context(lang), **poi_node(feature, base_url)}


def _stop(stop: StopFeature, route_url: str, base_url: str) -> dict[str, Any]:
    props = stop.properties
    target = f"{base_url.rstrip('/')}/api/v1/pois/{props.poi_id}" if props.poi_id else None
    return _clean(
        {
            "@type": "ListItem",
            "position": props.position,
            "item": _clean(
                {
                    "@id": f"{route_url}#stop-{props.id}",
                    "@type": "TouristAttraction",
                    "name": _text(props.title),
                    "description": _text(props.story),
                    "geo": _geo(stop.geometry.coordinates),
                    "image": [url for ref in props.images if (url := _image(base_url, ref))],
                    "sameAs": target,
                }
            ),
        }
    )


def route_node(detail: RouteDetail, base_url: str) -> dict[str, Any]:
    line = next(f for f in detail.features if isinstance(f, RouteFeature))
    stops = sorted(
        (f for f in detail.features if isinstance(f, StopFeature)), key=lambda stop: stop.properties.position
    )
    props = line.properties
    route_url = f"{base_url.rstrip('/')}/api/v1/routes/{line.id}"
    cover = _image(base_url, props.cover) if props.cover else None
    return _clean(
        {
            "@id": route_url,
            "@type": "TouristTrip",
            "identifier": line.id,
            "name": _text(props.title),
            "abstract": _text(props.summary),
            "description": _text(props.description),
            "image": cover,
            "touristType": props.theme,
            "itinerary": {
                "@type": "ItemList",
                "itemListOrder": {"@id": f"{_VOCAB}ItemListOrderAscending"},
                "numberOfItems": len(stops),
                "itemListElement": [_stop(stop, route_url, base_url) for stop in stops],
            },
        }
    )


def route_jsonld(detail: RouteDetail, base_url: str, lang: str | None) -> dict[str, Any]:
    """A route document; ``lang`` as for :func:`poi_jsonld`."""
    return {"@context": _context(lang), **route_node(detail, base_url)}


def catalogue_jsonld(
    routes: list[RouteDetail], pois: list[PoiFeature | PoiFeatureAll], base_url: str
) -> dict[str, Any]:
    """Every published route and POI in one ``@graph`` (texts in every language)."""
    graph = [route_node(detail, base_url) for detail in routes]
    graph += [poi_node(feature, base_url) for feature in pois]
    return {"@context": _context(None), "@graph": graph}
