"""DFC JSON-LD export: structure, determinism, and real JSON-LD processing with pyld."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from pyld import jsonld

from content.producers.dfc import DFC_CONTEXT, encode_dfc, export_dfc
from tools.demo_producers import SeedProducer, read_demo_producers

NOW = datetime(2026, 5, 12, 8, 0, tzinfo=UTC)
BASE = "https://odyssee.example.fr/api/v1/dfc"
DFC_B = "http://w3id.org/dfc/ontology/v2.0.0/src/DFC_BusinessOntology.owl#"

# The part of the published DFC 2.0.0 context this export relies on (its namespaces, and the object
# properties it declares as "@type": "@id"), served locally so that the tests need no network.
LOCAL_DFC_CONTEXT = {
    "@context": {
        "dfc-b": DFC_B,
        "dfc-m": "http://w3id.org/dfc/taxonomies/v2.0.0/measures.rdf#",
        "dfc-pt": "http://w3id.org/dfc/taxonomies/v2.0.0/productTypes.rdf#",
        "dfc-f": "http://w3id.org/dfc/taxonomies/v2.0.0/facets.rdf#",
        **{
            f"dfc-b:{term}": {"@type": "@id"}
            for term in (
                "hasAddress",
                "hasCountry",
                "hasPhoneNumber",
                "supplies",
                "manages",
                "referencedBy",
                "references",
                "offeredThrough",
                "hasPrice",
                "hasQuantity",
                "hasType",
                "hasUnit",
                "hasCertification",
            )
        },
    }
}


def _load_document(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url != DFC_CONTEXT:
        raise jsonld.JsonLdError("unexpected remote document", "loading document failed", {"url": url})
    return {"contextUrl": None, "documentUrl": url, "document": LOCAL_DFC_CONTEXT}


OPTIONS = {"documentLoader": _load_document}


def as_representation(seed: SeedProducer) -> dict[str, Any]:
    profile = msgspec.to_builtins(seed.profile)
    offers = [{"id": item.id, **msgspec.to_builtins(item.offer)} for item in seed.offers]
    return {"id": seed.id, "status": seed.status, **profile, "offers": offers}


@pytest.fixture(scope="module")
def seeds() -> list[SeedProducer]:
    return read_demo_producers(NOW)


@pytest.fixture(scope="module")
def document(seeds: list[SeedProducer]) -> dict[str, Any]:
    return export_dfc([as_representation(seed) for seed in seeds], base_url=BASE)


def nodes_by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["@id"]: node for node in document["@graph"]}


def test_valid_json_with_the_dfc_context(document: dict[str, Any]) -> None:
    body = encode_dfc(document)
    assert json.loads(body) == document
    assert document["@context"] == DFC_CONTEXT
    assert set(document) == {"@context", "@graph"}


def test_ids_are_unique_and_every_reference_resolves(document: dict[str, Any]) -> None:
    ids = [node["@id"] for node in document["@graph"]]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(BASE + "/producers/") for i in ids)
    local = set(ids)

    def references(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [value["@id"]] if set(value) == {"@id"} else []
        if isinstance(value, list):
            return [ref for item in value for ref in references(item)]
        return []

    for node in document["@graph"]:
        for key, value in node.items():
            for iri in references(value):
                if iri.startswith(BASE):
                    assert iri in local, (node["@id"], key, iri)
                else:
                    assert iri.split(":")[0] in {"dfc-pt", "dfc-m", "dfc-f", "http", "https"}, iri


def test_every_offer_is_there_with_its_product_and_price(
    seeds: list[SeedProducer], document: dict[str, Any]
) -> None:
    nodes = nodes_by_id(document)
    for seed in seeds:
        organization = nodes[f"{BASE}/producers/{seed.id}"]
        assert organization["@type"] == "dfc-b:Organization"
        assert organization["dfc-b:name"] == seed.profile.name
        assert len(organization["dfc-b:supplies"]) == len(seed.offers)
        for item in seed.offers:
            offer = nodes[f"{BASE}/producers/{seed.id}/offers/{item.id}"]
            assert offer["@type"] == "dfc-b:Offer"
            catalog_item = nodes[offer["dfc-b:offeredItem"]["@id"]]
            assert catalog_item["dfc-b:offeredThrough"] == {"@id": offer["@id"]}
            product = nodes[catalog_item["dfc-b:references"]["@id"]]
            assert product["@type"] == "dfc-b:SuppliedProduct"
            assert {"@id": product["@id"]} in organization["dfc-b:supplies"]
            names = {text["@language"]: text["@value"] for text in product["dfc-b:name"]}
            assert names == item.offer.product
            validity = offer["https://schema.org/validThrough"]["@value"]
            assert datetime.fromisoformat(validity) == item.offer.valid_until
            price = item.offer.price
            if price is None:
                assert "dfc-b:hasPrice" not in offer
                assert "dfc-b:hasQuantity" not in product
                continue
            price_node = nodes[offer["dfc-b:hasPrice"]["@id"]]
            assert price_node["@type"] == "dfc-b:Price"
            assert round(price_node["dfc-b:value"] * 100) == price.amount_cents
            assert price_node["dfc-b:hasUnit"] == {"@id": "dfc-m:Euro"}
            quantity = nodes[product["dfc-b:hasQuantity"]["@id"]]
            assert quantity["dfc-b:value"] == 1
            assert quantity["dfc-b:hasUnit"]["@id"].startswith("dfc-m:")


def test_mapping_details(seeds: list[SeedProducer], document: dict[str, Any]) -> None:
    nodes = nodes_by_id(document)
    cider = nodes[f"{BASE}/producers/cidrerie-des-coteaux/supplied-products/cidre-brut-fermier"]
    assert cider["dfc-b:hasType"] == {"@id": "dfc-pt:Cider"}
    sold_out = nodes[f"{BASE}/producers/cidrerie-des-coteaux/offers/poire-fermier"]
    assert sold_out["dfc-b:stockLimitation"] == 0
    assert sold_out["https://schema.org/availability"] == {"@id": "https://schema.org/SoldOut"}
    bunch = nodes[f"{BASE}/producers/jardins-de-la-loupe/supplied-products/asperges-vertes#quantity"]
    assert bunch["dfc-b:hasUnit"] == {"@id": "dfc-m:Bunch"}
    organic = nodes[f"{BASE}/producers/jardins-de-la-loupe/supplied-products/poireaux"]
    assert organic["dfc-b:hasCertification"] == [{"@id": "dfc-f:OrganicFarming"}]
    address = nodes[f"{BASE}/producers/rucher-de-la-foret#address"]
    assert address["dfc-b:hasCity"] == "Bellême"
    assert address["dfc-b:latitude"] == pytest.approx(48.3889)
    phone = nodes[f"{BASE}/producers/rucher-de-la-foret#phone"]
    assert phone["dfc-b:phoneNumber"].startswith("01 99 00")
    assert phone["dfc-b:countryCode"] == 33
    farm = nodes[f"{BASE}/producers/rucher-de-la-foret"]
    assert [t["@language"] for t in farm["dfc-b:hasDescription"]] == ["en", "fr"]


def test_deterministic_whatever_the_input_order_or_form(seeds: list[SeedProducer]) -> None:
    forward = [as_representation(seed) for seed in seeds]
    backward = [{**rep, "offers": list(reversed(rep["offers"]))} for rep in reversed(forward)]
    first = encode_dfc(export_dfc(forward, base_url=BASE))
    assert encode_dfc(export_dfc(backward, base_url=BASE + "/")) == first
    as_json_round_trip = json.loads(json.dumps(forward))  # datetimes as strings, as stored
    assert encode_dfc(export_dfc(as_json_round_trip, base_url=BASE)) == first


def test_structs_are_accepted(seeds: list[SeedProducer]) -> None:
    class Stored(msgspec.Struct):
        id: str
        name: str
        geometry: dict[str, Any]
        offers: list[dict[str, Any]]

    rep = as_representation(seeds[0])
    stored = Stored(id=rep["id"], name=rep["name"], geometry=rep["geometry"], offers=rep["offers"])
    document = export_dfc([stored], base_url=BASE)
    assert len([n for n in document["@graph"] if n["@type"] == "dfc-b:Offer"]) == len(rep["offers"])


def test_ids_are_percent_encoded_and_duplicates_refused(seeds: list[SeedProducer]) -> None:
    rep = as_representation(seeds[0])
    odd = {**rep, "id": "ferme du lac/2", "offers": rep["offers"][:1]}
    document = export_dfc([odd], base_url=BASE)
    assert f"{BASE}/producers/ferme%20du%20lac%2F2" in nodes_by_id(document)
    with pytest.raises(ValueError, match="duplicate"):
        export_dfc([rep, rep], base_url=BASE)


@pytest.mark.parametrize("base", ["odyssee.example.fr", "ftp://x.example.fr", "https://x.example.fr/?a=1"])
def test_bad_base_url(seeds: list[SeedProducer], base: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        export_dfc([as_representation(seeds[0])], base_url=base)


def test_malformed_producer_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="geometry"):
        export_dfc([{"id": "x", "name": "X"}], base_url=BASE)


def test_pyld_expands_compacts_and_converts_to_rdf(
    seeds: list[SeedProducer], document: dict[str, Any]
) -> None:
    expanded = jsonld.expand(document, OPTIONS)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for node in expanded:
        for node_type in node["@type"]:
            by_type.setdefault(node_type, []).append(node)
    offers_in = sum(len(seed.offers) for seed in seeds)
    assert len(by_type[DFC_B + "Organization"]) == len(seeds)
    assert len(by_type[DFC_B + "Offer"]) == offers_in
    assert len(by_type[DFC_B + "SuppliedProduct"]) == offers_in
    assert len(by_type[DFC_B + "CatalogItem"]) == offers_in
    priced = sum(1 for seed in seeds for item in seed.offers if item.offer.price is not None)
    assert len(by_type[DFC_B + "Price"]) == priced
    for offer in by_type[DFC_B + "Offer"]:
        assert offer[DFC_B + "offeredItem"][0]["@id"].startswith(BASE)

    # Compacting with the same context gives back an equivalent graph.
    compacted = jsonld.compact(expanded, DFC_CONTEXT, OPTIONS)
    assert _canonical(jsonld.expand(compacted, OPTIONS)) == _canonical(expanded)

    quads = jsonld.to_rdf(document, {**OPTIONS, "format": "application/n-quads"})
    assert f"<{DFC_B}hasPrice>" in quads
    validity = next(line for line in quads.splitlines() if "schema.org/validThrough" in line)
    assert '"2026-' in validity
    assert "XMLSchema#dateTime" in validity
    price = next(line for line in quads.splitlines() if f"<{DFC_B}value>" in line and "#price>" in line)
    assert "XMLSchema#double" in price


def _canonical(expanded: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(node, sort_keys=True) for node in expanded)


def test_offers_given_are_the_offers_exported() -> None:
    producer = {
        "id": "p",
        "name": "P",
        "geometry": {"type": "Point", "coordinates": [0.82, 48.32]},
        "offers": [
            {
                "id": "o",
                "product": {"fr": "Œufs"},
                "category": "eggs",
                "price": None,
                "availability": "on_request",
                "valid_until": (NOW + timedelta(days=3)).isoformat(),
            }
        ],
    }
    nodes = nodes_by_id(export_dfc([producer], base_url=BASE))
    assert set(nodes) == {
        f"{BASE}/producers/p",
        f"{BASE}/producers/p#address",
        f"{BASE}/producers/p/supplied-products/o",
        f"{BASE}/producers/p/catalog-items/o",
        f"{BASE}/producers/p/offers/o",
    }
    assert nodes[f"{BASE}/producers/p/offers/o"]["https://schema.org/availability"] == {
        "@id": "https://schema.org/MadeToOrder"
    }
