"""Export producers and their offers as Data Food Consortium (DFC 2.0) JSON-LD.

One document: ``@context`` (the published DFC context) and a ``@graph`` of flat nodes
(Organization, Address, PhoneNumber, SuppliedProduct, QuantitativeValue, CatalogItem, Offer, Price),
each with a stable IRI under a base URL. The same input gives the same bytes. ``docs/dfc-mapping.md``
explains every field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlsplit

import msgspec

from content.producers.model import PointGeometry

__all__ = [
    "DFC_CONTEXT",
    "DFC_JSON_LD",
    "encode_dfc",
    "export_dfc",
]

# DFC ontology 2.0.0 ("Enterprise" became "Organization"); the version is pinned so meaning never drifts.
DFC_CONTEXT = "https://w3id.org/dfc/ontology/context/context_2.0.0.json"
DFC_JSON_LD = "application/ld+json"
_SCHEMA = "https://schema.org/"
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
_COUNTRY = "http://publications.europa.eu/resource/authority/country/FRA"
_FRANCE_DIALING_CODE = 33

# Offer category → DFC product type (taxonomy v2.0.0). The taxonomy has no cheese or perry concept.
_PRODUCT_TYPES = {
    "vegetables": "dfc-pt:Vegetable",
    "fruit": "dfc-pt:Fruit",
    "dairy": "dfc-pt:DairyProduct",
    "cheese": "dfc-pt:DairyProduct",
    "meat": "dfc-pt:MeatProduct",
    "poultry": "dfc-pt:Poultry",
    "eggs": "dfc-pt:Egg",
    "cider_perry": "dfc-pt:Cider",
    "honey": "dfc-pt:Honey",
    "bakery": "dfc-pt:Bakery",
    "beverages": "dfc-pt:Drink",
    "preserves": "dfc-pt:CannedGoods",
    "flowers": "dfc-pt:Flower",
}
_UNITS = {
    "kg": "dfc-m:Kilogram",
    "g": "dfc-m:Gram",
    "piece": "dfc-m:Piece",
    "litre": "dfc-m:Litre",
    "bottle": "dfc-m:Bottle",
    "dozen": "dfc-m:Dozen",
    "bunch": "dfc-m:Bunch",
    "jar": "dfc-m:Jar",
    "box": "dfc-m:Box",
}
_CURRENCIES = {"EUR": "dfc-m:Euro"}
# Only labels that certify a whole farm's production are asserted on each of its products; appellations
# (AOP, AOC, IGP, Label Rouge) belong to particular products the profile does not name.
_FARM_CERTIFICATIONS = {
    "organic": "dfc-f:OrganicFarming",
    "nature_et_progres": "dfc-f:NatureetProgres",
    "demeter": "dfc-f:Demeter",
    "hve": "dfc-f:HEV",
}
_AVAILABILITY = {
    "available": _SCHEMA + "InStock",
    "limited": _SCHEMA + "LimitedAvailability",
    "sold_out": _SCHEMA + "SoldOut",
    "on_request": _SCHEMA + "MadeToOrder",
}
_encoder = msgspec.json.Encoder(order="sorted")


class _Price(msgspec.Struct, frozen=True):
    amount_cents: int
    unit: str
    currency: str = "EUR"


class _Offer(msgspec.Struct, frozen=True):
    id: str
    product: dict[str, str]
    category: str
    valid_until: datetime
    price: _Price | None = None
    availability: str = "available"


class _Contact(msgspec.Struct, frozen=True):
    phone: str | None = None
    email: str | None = None
    website: str | None = None


class _Producer(msgspec.Struct, frozen=True):
    id: str
    name: str
    geometry: PointGeometry
    description: dict[str, str] = {}
    address: str | None = None
    commune: str | None = None
    contact: _Contact = _Contact()
    labels: list[str] = []
    offers: list[_Offer] = []


def export_dfc(
    producers: Iterable[Mapping[str, Any] | msgspec.Struct], *, base_url: str, context: str = DFC_CONTEXT
) -> dict[str, Any]:
    """Build the DFC JSON-LD document for ``producers``, each with its ``offers``.

    A producer is a mapping or Struct in the editor-representation shape (``id``, ``name``,
    ``description``, ``geometry``, ``address``, ``commune``, ``contact``, ``labels``, ``offers``); an offer
    has ``id``, ``product``, ``category``, ``price``, ``availability`` and ``valid_until``. Other fields
    are ignored. Node IRIs live under ``base_url`` (an absolute http(s) URL).

    Raises:
        ValueError: for a malformed base URL or producer.
    """
    base = _base(base_url)
    graph: list[dict[str, Any]] = []
    for item in producers:
        raw = msgspec.to_builtins(item) if isinstance(item, msgspec.Struct) else item
        graph.extend(_producer_nodes(msgspec.convert(raw, _Producer, strict=False), base))
    ids = [node["@id"] for node in graph]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate producer or offer id in the DFC export")
    return {"@context": context, "@graph": sorted(graph, key=lambda node: str(node["@id"]))}


def encode_dfc(document: Mapping[str, Any]) -> bytes:
    """The document as JSON with sorted keys: equal input, equal bytes (and ETag)."""
    return _encoder.encode(document)


def _producer_nodes(producer: _Producer, base: str) -> list[dict[str, Any]]:
    root = f"{base}/producers/{_segment(producer.id)}"
    certifications = sorted({_FARM_CERTIFICATIONS[x] for x in producer.labels if x in _FARM_CERTIFICATIONS})
    organization: dict[str, Any] = {
        "@id": root,
        "@type": "dfc-b:Organization",
        "dfc-b:name": producer.name,
        "dfc-b:hasAddress": _ref(f"{root}#address"),
    }
    if producer.description:
        organization["dfc-b:hasDescription"] = _texts(producer.description)
    if producer.contact.email:
        organization["dfc-b:email"] = producer.contact.email
    if producer.contact.website:
        organization["dfc-b:websitePage"] = producer.contact.website
    address: dict[str, Any] = {
        "@id": f"{root}#address",
        "@type": "dfc-b:Address",
        "dfc-b:hasCountry": _ref(_COUNTRY),
        "dfc-b:latitude": producer.geometry.lat,
        "dfc-b:longitude": producer.geometry.lon,
    }
    if producer.address:
        address["dfc-b:hasStreet"] = producer.address
    if producer.commune:
        address["dfc-b:hasCity"] = producer.commune
    nodes = [organization, address]
    if producer.contact.phone:
        organization["dfc-b:hasPhoneNumber"] = _ref(f"{root}#phone")
        nodes.append(_phone(f"{root}#phone", producer.contact.phone))
    supplied, managed = [], []
    for offer in producer.offers:
        offer_nodes = _offer_nodes(offer, root, certifications)
        supplied.append(_ref(offer_nodes[0]["@id"]))
        managed.append(_ref(offer_nodes[1]["@id"]))
        nodes.extend(offer_nodes)
    if supplied:
        organization["dfc-b:supplies"] = sorted(supplied, key=lambda ref: ref["@id"])
        organization["dfc-b:manages"] = sorted(managed, key=lambda ref: ref["@id"])
    return nodes


def _offer_nodes(offer: _Offer, root: str, certifications: list[str]) -> list[dict[str, Any]]:
    """SuppliedProduct and CatalogItem first (the organization links to them), then the rest."""
    segment = _segment(offer.id)
    product_id = f"{root}/supplied-products/{segment}"
    item_id = f"{root}/catalog-items/{segment}"
    offer_id = f"{root}/offers/{segment}"
    product: dict[str, Any] = {
        "@id": product_id,
        "@type": "dfc-b:SuppliedProduct",
        "dfc-b:name": _texts(offer.product),
        "dfc-b:referencedBy": _ref(item_id),
    }
    if offer.category in _PRODUCT_TYPES:
        product["dfc-b:hasType"] = _ref(_PRODUCT_TYPES[offer.category])
    if certifications:
        product["dfc-b:hasCertification"] = [_ref(concept) for concept in certifications]
    catalog_item = {
        "@id": item_id,
        "@type": "dfc-b:CatalogItem",
        "dfc-b:references": _ref(product_id),
        "dfc-b:offeredThrough": _ref(offer_id),
    }
    offer_node: dict[str, Any] = {
        "@id": offer_id,
        "@type": "dfc-b:Offer",
        "dfc-b:offeredItem": _ref(item_id),
        _SCHEMA + "validThrough": {
            "@value": offer.valid_until.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "@type": _XSD_DATETIME,
        },
    }
    if offer.availability in _AVAILABILITY:
        offer_node[_SCHEMA + "availability"] = _ref(_AVAILABILITY[offer.availability])
    if offer.availability == "sold_out":
        offer_node["dfc-b:stockLimitation"] = 0
    nodes = [product, catalog_item, offer_node]
    if offer.price is not None:
        price_id, quantity_id = f"{offer_id}#price", f"{product_id}#quantity"
        offer_node["dfc-b:hasPrice"] = _ref(price_id)
        price: dict[str, Any] = {
            "@id": price_id,
            "@type": "dfc-b:Price",
            "dfc-b:value": float(Decimal(offer.price.amount_cents) / 100),
        }
        if offer.price.currency in _CURRENCIES:
            price["dfc-b:hasUnit"] = _ref(_CURRENCIES[offer.price.currency])
        nodes.append(price)
        if offer.price.unit in _UNITS:
            # DFC prices a product of a given quantity: this product is "one kilogram", "one bunch"...
            product["dfc-b:hasQuantity"] = _ref(quantity_id)
            nodes.append(
                {
                    "@id": quantity_id,
                    "@type": "dfc-b:QuantitativeValue",
                    "dfc-b:hasUnit": _ref(_UNITS[offer.price.unit]),
                    "dfc-b:value": 1,
                }
            )
    return nodes


def _phone(node_id: str, phone: str) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": node_id, "@type": "dfc-b:PhoneNumber", "dfc-b:phoneNumber": phone}
    if not phone.startswith("+"):
        # A number without an international prefix is a French national number in this territory.
        node["dfc-b:countryCode"] = _FRANCE_DIALING_CODE
    return node


def _texts(values: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"@value": values[lang], "@language": lang} for lang in sorted(values) if values[lang]]


def _ref(iri: str) -> dict[str, str]:
    # Always an explicit node reference: some DFC terms are not declared "@type": "@id" in the context.
    return {"@id": iri}


def _segment(identifier: str) -> str:
    return quote(identifier, safe="-._~")


def _base(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"base_url must be an absolute http(s) URL without query or fragment: {base_url!r}")
    return base_url.rstrip("/")
