"""DATAtourisme JSON-LD objects, one file, a list, a ``@graph``, or a flux directory (``index.json``
naming one JSON-LD file per object, under ``objects/``).

Keys are read with or without an ``@context``: ``schema:geo``, ``geo`` and ``http://schema.org/geo``
are the same key here. Literals may be plain values, ``{"@value": …}``, ``{"fr": ["…"]}`` maps or
``[{"@language": "fr", "@value": "…"}]`` lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from content.importers.errors import NotAFeed
from content.importers.model import Entry, Picture, SourceObject
from content.importers.periods import Period, describe, to_opening_hours
from content.importers.prepare import Skip
from content.importers.streaming import Streaming
from content.importers.text import clean_text, lang_texts, place_name
from content.importers.values import as_float, as_rfc3339, first_text

__all__ = [
    "CATEGORIES",
    "STREAMING",
    "datatourisme_directory_entries",
    "datatourisme_entries",
    "read_datatourisme",
    "read_datatourisme_directory",
]

CATEGORIES: dict[str, str] = {
    "Museum": "museum",
    "Castle": "castle",
    "Church": "church_abbey",
    "Cathedral": "church_abbey",
    "Chapel": "church_abbey",
    "Abbey": "church_abbey",
    "ReligiousSite": "church_abbey",
    "TouristInformationCenter": "tourist_office",
    "LocalTouristOffice": "tourist_office",
    "Restaurant": "restaurant",
    "CafeOrTeahouse": "cafe",
    "Market": "market",
    "Hotel": "lodging",
    "HotelTrade": "lodging",
    "Camping": "lodging",
    "CollectiveAccommodation": "lodging",
    "RentalAccommodation": "lodging",
    "Accommodation": "lodging",
    "PicnicArea": "picnic_area",
    "Parking": "parking",
    "RemarkableBuilding": "heritage",
    "CulturalSite": "heritage",
    "NaturalHeritage": "nature",
    "ParkAndGarden": "nature",
    "FoodEstablishment": "restaurant",
}
# Broad classes come last, whatever their order in the file: "Museum" wins over "CulturalSite".
_BROAD = {"CulturalSite", "NaturalHeritage", "ParkAndGarden", "FoodEstablishment", "Accommodation"}
_PREFIXES = (
    "http://schema.org/",
    "https://schema.org/",
    "https://www.datatourisme.fr/ontology/core#",
    "https://www.datatourisme.gouv.fr/ontology/core#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://purl.org/dc/elements/1.1/",
    "http://www.ebu.ch/metadata/ontologies/ebucore/ebucore#",
    "http://xmlns.com/foaf/0.1/",
)
_DAYS = {"Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4, "Saturday": 5, "Sunday": 6}


def _local(name: str) -> str:
    """``schema:geo``, ``http://schema.org/geo`` → ``geo``; ``@id`` and ``@type`` stay."""
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    if ":" in name and not name.startswith(("@", "http")):
        return name.split(":", 1)[1]
    return name


def _normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {_local(k): _normalised(v) for k, v in value.items() if k != "@context"}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def _all(value: object) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _first(node: Mapping[str, Any], key: str) -> Any:
    values = _all(node.get(key))
    return values[0] if values else None


def _literal(value: object) -> object:
    if isinstance(value, dict) and "@value" in value:
        return value["@value"]
    if isinstance(value, list) and value:
        return _literal(value[0])
    return value


def _texts(value: object) -> dict[str, object]:
    """Language maps in their JSON and JSON-LD shapes as ``{lang: text}`` (first text per language)."""
    texts: dict[str, object] = {}
    for item in _all(value):
        if isinstance(item, dict) and "@value" in item:
            texts.setdefault(str(item.get("@language") or "fr"), item["@value"])
        elif isinstance(item, dict):
            for lang, text in item.items():
                if not lang.startswith("@"):
                    texts.setdefault(lang, _literal(text))
        elif isinstance(item, str):
            texts.setdefault("fr", item)
    return texts


def _kinds(node: Mapping[str, Any]) -> list[str]:
    types = [_local(t) for t in _all(node.get("@type")) if isinstance(t, str)]
    return sorted(dict.fromkeys(types), key=lambda t: t in _BROAD)


def _day(value: object) -> date | None:
    text = _literal(value)
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _time(value: object) -> str | None:
    text = _literal(value)
    return text[:5] if isinstance(text, str) and len(text) >= 5 and text[2] == ":" else None


def _periods(specs: list[Any]) -> list[Period]:
    periods: list[Period] = []
    for spec in specs:
        if not isinstance(spec, dict):
            continue
        names = [
            _local(str(_literal(d.get("@id"))) if isinstance(d, dict) else str(d))
            for d in _all(spec.get("dayOfWeek"))
        ]
        days = {_DAYS[n] for n in names if n in _DAYS} if names else None
        opens, closes = _time(spec.get("opens")), _time(spec.get("closes"))
        remark = lang_texts(_texts(spec.get("additionalInformation"))).get("fr", "")
        exact = (
            (opens is None) == (closes is None)
            and not remark
            and (not names or len(days or ()) == len(names))
        )
        start, end = _day(spec.get("validFrom")), _day(spec.get("validThrough"))
        same = next((p for p in periods if (p.start, p.end, p.days) == (start, end, days)), None)
        times = [(opens, closes)] if opens and closes else []
        if same is not None and times and same.times:
            same.times = sorted(same.times + times)
            same.exact = same.exact and exact
            continue
        periods.append(Period(start=start, end=end, days=days, times=times, exact=exact, remark=remark))
    return periods


def _pictures(node: Mapping[str, Any]) -> list[Picture]:
    pictures = []
    for representation in _all(node.get("hasMainRepresentation")) + _all(node.get("hasRepresentation")):
        if not isinstance(representation, dict):
            continue
        for resource in _all(representation.get("hasRelatedResource")):
            url = _literal(_first(resource, "locator")) if isinstance(resource, dict) else None
            if isinstance(url, str) and url.startswith(("http://", "https://")):
                credit = first_text(
                    _literal(representation.get("credits")), _literal(representation.get("rights"))
                )
                alt = first_text(_texts(representation.get("title")).get("fr"))
                pictures.append(Picture(url=url, credit=credit, alt=alt))
                break
    return pictures


def _object(where: str, raw: Mapping[str, Any]) -> SourceObject:
    node = _normalised(raw)
    place = _first(node, "isLocatedAt") or {}
    geo = _first(place, "geo") or {}
    address = _first(place, "address") or {}
    description = _first(node, "hasDescription") or {}
    contact = _first(node, "hasContact") or {}
    commune = place_name(_literal(address.get("addressLocality")))
    street = ", ".join(
        s for s in (_literal(v) for v in _all(address.get("streetAddress"))) if isinstance(s, str)
    )
    postcode = _literal(address.get("postalCode"))
    locality = " ".join(p for p in (postcode if isinstance(postcode, str) else "", commune or "") if p)
    periods = _periods(_all(place.get("openingHoursSpecification")))
    hours = to_opening_hours(periods)
    text = {} if hours is not None or not periods else {"fr": describe(periods)}
    descriptions = _texts(description.get("shortDescription")) or _texts(description.get("description"))
    external_id = first_text(_literal(node.get("identifier")), _literal(node.get("@id"))) or ""
    return SourceObject(
        external_id=external_id,
        where=where,
        kinds=_kinds(node),
        name=lang_texts(_texts(node.get("label"))),
        description=lang_texts(descriptions, multiline=True),
        lat=as_float(_literal(geo.get("latitude"))),
        lon=as_float(_literal(geo.get("longitude"))),
        updated_at=as_rfc3339(
            _literal(node.get("lastUpdateDatatourisme")) or _literal(node.get("lastUpdate"))
        ),
        address=clean_text(", ".join(p for p in (street, locality) if p), 300),
        commune=commune,
        opening_hours=hours,
        opening_text=text,
        phone=first_text(_literal(contact.get("telephone"))),
        email=first_text(_literal(contact.get("email"))),
        website=first_text(_literal(contact.get("homepage"))),
        pictures=_pictures(node),
    )


def _decode(data: bytes) -> Any:
    try:
        return msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise NotAFeed(f"not JSON: {exc}") from None


def datatourisme_entries(data: bytes) -> Iterator[Entry]:
    """The objects, read in full (the id may hide under any prefix)."""
    return (Entry.of(source) for source in read_datatourisme(data))


def _entry(index: int, item: object) -> Entry:
    if not isinstance(item, dict):
        raise NotAFeed("not DATAtourisme JSON-LD (objects expected)")
    return Entry.of(_object(f"[{index}]", item))


STREAMING = Streaming(arrays=("@graph", ""), entry=_entry)


def datatourisme_directory_entries(directory: Path) -> Iterator[Entry | Skip]:
    for item in read_datatourisme_directory(directory):
        yield item if isinstance(item, Skip) else Entry.of(item)


def read_datatourisme(data: bytes) -> Iterator[SourceObject]:
    """One object, a list of objects, or a ``@graph``."""
    document = _decode(data)
    if isinstance(document, dict) and isinstance(document.get("@graph"), list):
        document = document["@graph"]
    items = document if isinstance(document, list) else [document]
    if not all(isinstance(item, dict) for item in items):
        raise NotAFeed("not DATAtourisme JSON-LD (objects expected)")
    for index, item in enumerate(items):
        yield _object(f"[{index}]", item)


def read_datatourisme_directory(directory: Path) -> Iterator[SourceObject | Skip]:
    """A flux: ``index.json`` lists ``{"file": …}`` entries under ``objects/``; without an index, every
    ``*.json`` file below the directory. An unreadable object file is skipped, not fatal."""
    index_path = directory / "index.json"
    if index_path.is_file():
        index = _decode(index_path.read_bytes())
        entries = (
            index
            if isinstance(index, list)
            else _all(index.get("objects") if isinstance(index, dict) else None)
        )
        names = [e["file"] for e in entries if isinstance(e, dict) and isinstance(e.get("file"), str)]
        if not names and entries:
            raise NotAFeed("index.json names no object files")
        files = [
            directory / "objects" / n if (directory / "objects" / n).is_file() else directory / n
            for n in names
        ]
    else:
        files = sorted(p for p in directory.rglob("*.json") if p.is_file())
    root = directory.resolve()
    for path in files:
        where = str(path.relative_to(directory)) if path.is_relative_to(directory) else path.name
        if not path.resolve().is_relative_to(root) or not path.is_file():
            yield Skip("unreadable object file", where)
            continue
        try:
            document = msgspec.json.decode(path.read_bytes())
        except (OSError, msgspec.DecodeError):
            yield Skip("unreadable object file", where)
            continue
        if isinstance(document, dict):
            yield _object(where, document)
        else:
            yield Skip("unreadable object file", where)
