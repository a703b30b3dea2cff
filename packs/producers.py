"""The producers of a pack (``content/producers.geojson``): who sells what near a route or in an area.

A route pack holds the published producers within :data:`NEAR_PRODUCERS_M` (2 km) of its line, wider
than the 500 m kept for POIs: a farm shop is a short detour by bike or car off the route, not a stop on
it, and the Perche's producers are few and far between, so 500 m would leave most routes with none while
2 km keeps the ones a visitor would actually stop at. An area pack holds the producers inside its box.

Features are the public read model with every translation (``content.producers.public``), then shaped
like the other documents: multilingual fields filled to the pack's languages, image refs pointing at
``media/<sha256>.<ext>``. ``open_now`` is dropped: it depends on the instant, so the phone computes it
offline from the raw ``opening_hours`` string. Offers already past ``valid_until`` when the pack is built
are left out; the others keep ``valid_until`` so the phone hides each one as it expires.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import aiosqlite
import msgspec

from content.core.model import MediaRef
from content.places.geo import BBox
from content.producers.features import ProducerFeature
from content.producers.public import list_published_producers_in_bbox, list_published_producers_near_line
from content.text.views import Text
from packs.fill import PackMedia, fill_languages, local_refs

__all__ = [
    "NEAR_PRODUCERS_M",
    "ProducersDocument",
    "producers_document",
    "producers_in_area",
    "producers_near_route",
]

NEAR_PRODUCERS_M = 2000.0
_encoder = msgspec.json.Encoder()


@dataclasses.dataclass(frozen=True, slots=True)
class ProducersDocument:
    """The encoded FeatureCollection, the producer ids in it and the media files it points at."""

    data: bytes
    producer_ids: list[str]
    media: dict[str, PackMedia]


async def producers_near_route(
    conn: aiosqlite.Connection, line: Sequence[Sequence[float]], *, now: datetime, default: str
) -> list[ProducerFeature]:
    return await list_published_producers_near_line(
        conn, line, NEAR_PRODUCERS_M, now=now, default_lang=default
    )


async def producers_in_area(
    conn: aiosqlite.Connection, bbox: BBox, *, now: datetime, default: str
) -> list[ProducerFeature]:
    return await list_published_producers_in_bbox(conn, bbox, now=now, default_lang=default)


def _text(value: Text, languages: Sequence[str], default: str) -> dict[str, str]:
    # Rendered with every language, a text is always a map (possibly empty).
    return fill_languages(value if isinstance(value, dict) else {}, languages, default)


def _images(images: Sequence[MediaRef], local: Mapping[str, MediaRef]) -> list[MediaRef]:
    return [local[ref.id] for ref in images if ref.id in local]


def _shape(
    feature: ProducerFeature, languages: Sequence[str], default: str, local: Mapping[str, MediaRef]
) -> dict[str, Any]:
    props = feature.properties
    offers = [
        dataclasses.replace(
            offer, product=_text(offer.product, languages, default), images=_images(offer.images, local)
        )
        for offer in props.offers
    ]
    pickup_points = [
        dataclasses.replace(point, name=_text(point.name, languages, default))
        for point in props.pickup_points
    ]
    shaped = dataclasses.replace(
        props,
        description=_text(props.description, languages, default),
        images=_images(props.images, local),
        offers=offers,
        pickup_points=pickup_points,
    )
    document: dict[str, Any] = msgspec.to_builtins(dataclasses.replace(feature, properties=shaped))
    del document["properties"]["open_now"]
    return document


def producers_document(
    features: Sequence[ProducerFeature], languages: Sequence[str], default: str
) -> ProducersDocument:
    """``content/producers.geojson`` for ``features`` (already in id order)."""
    refs: dict[str, MediaRef] = {}
    for feature in features:
        for ref in feature.properties.images:
            refs[ref.id] = ref
        for offer in feature.properties.offers:
            for ref in offer.images:
                refs[ref.id] = ref
    local, files = local_refs(refs)
    collection = {
        "type": "FeatureCollection",
        "features": [_shape(feature, languages, default, local) for feature in features],
    }
    return ProducersDocument(
        data=_encoder.encode(collection),
        producer_ids=[feature.id for feature in features],
        media=files,
    )
