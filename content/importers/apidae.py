"""Apidae API v002: ``objetsTouristiques`` from a search answer, or an export's array of objects.

Read: ``id``, ``type`` (and the cultural/natural heritage sub-type), ``nom.libelleFr/En/…``,
``presentation.descriptifCourt`` (then ``descriptifDetaille``), ``localisation.adresse`` and
``localisation.geolocalisation.geoJson``, ``informations.moyensCommunication``,
``ouverture.periodesOuvertures`` (``periodeEnClair`` kept when they are not exact), ``illustrations``
with their copyright, ``gestion.dateModification``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from functools import partial
from typing import Any

import msgspec

from content.importers.errors import NotAFeed
from content.importers.model import Entry, Picture, SourceObject
from content.importers.periods import Period, describe, to_opening_hours
from content.importers.streaming import Streaming
from content.importers.text import clean_text, lang_texts, place_name
from content.importers.values import as_float, as_rfc3339, first_text, id_text

__all__ = ["CATEGORIES", "STREAMING", "apidae_entries", "read_apidae"]

CATEGORIES: dict[str, str] = {
    "PATRIMOINE_CULTUREL:Château": "castle",
    "PATRIMOINE_CULTUREL:Manoir": "manor",
    "PATRIMOINE_CULTUREL:Musée": "museum",
    "PATRIMOINE_CULTUREL:Église": "church_abbey",
    "PATRIMOINE_CULTUREL:Abbaye": "church_abbey",
    "PATRIMOINE_CULTUREL:Chapelle": "church_abbey",
    "PATRIMOINE_CULTUREL": "heritage",
    "PATRIMOINE_NATUREL:Forêt": "forest",
    "PATRIMOINE_NATUREL:Point de vue": "viewpoint",
    "PATRIMOINE_NATUREL": "nature",
    "RESTAURATION": "restaurant",
    "HOTELLERIE": "lodging",
    "HOTELLERIE_PLEIN_AIR": "lodging",
    "HEBERGEMENT_LOCATIF": "lodging",
    "HEBERGEMENT_COLLECTIF": "lodging",
    "DEGUSTATION": "farm_shop",
}

_LANGS = {"Fr": "fr", "En": "en", "De": "de", "Nl": "nl", "It": "it", "Es": "es", "Ru": "ru", "Zh": "zh"}
_DAYS = {"LUNDI": 0, "MARDI": 1, "MERCREDI": 2, "JEUDI": 3, "VENDREDI": 4, "SAMEDI": 5, "DIMANCHE": 6}
_PHONE, _EMAIL, _WEBSITE = 201, 204, 205


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _libelles(value: object) -> dict[str, object]:
    """``{"libelleFr": …, "libelleEn": …}`` as ``{lang: text}``."""
    texts: dict[str, object] = {}
    for key, text in _mapping(value).items():
        if key.startswith("libelle") and key[7:] in _LANGS:
            texts[_LANGS[key[7:]]] = text
    return texts


def _subtype(item: Mapping[str, Any]) -> str | None:
    for key, field in (
        ("informationsPatrimoineCulturel", "patrimoineCulturelType"),
        ("informationsPatrimoineNaturel", "patrimoineNaturelType"),
    ):
        info = _mapping(item.get(key))
        value = info.get(field)
        if isinstance(value, dict):
            return first_text(value.get("libelleFr"))
        categories = info.get("categories")
        if isinstance(categories, list) and categories and isinstance(categories[0], dict):
            return first_text(categories[0].get("libelleFr"))
    return None


def _contacts(item: Mapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    means = _mapping(item.get("informations")).get("moyensCommunication")
    for mean in means if isinstance(means, list) else []:
        kind = _mapping(_mapping(mean).get("type")).get("id")
        value = first_text(_mapping(_mapping(mean).get("coordonnees")).get("fr"))
        name = (
            {_PHONE: "phone", _EMAIL: "email", _WEBSITE: "website"}.get(kind)
            if isinstance(kind, int)
            else None
        )
        if name and value:
            found.setdefault(name, value)
    return found


def _day(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _time(value: object) -> str | None:
    return value[:5] if isinstance(value, str) and len(value) >= 5 and value[2] == ":" else None


def _period(entry: Mapping[str, Any]) -> Period:
    kind = entry.get("type")
    daily = [d for d in entry.get("ouverturesJournalieres") or [] if isinstance(d, dict)]
    named = {_DAYS[d["jour"]] for d in daily if d.get("jour") in _DAYS}
    exact = not _libelles(entry.get("complementHoraire")) and not any(
        d.get("horaireOuverture") or d.get("horaireFermeture") for d in daily
    )
    days: set[int] | None
    if kind == "OUVERTURE_TOUS_LES_JOURS":
        days = None
    elif kind == "OUVERTURE_SEMAINE":
        days = named
    elif kind == "OUVERTURE_SAUF":
        days = set(range(7)) - named
    else:  # OUVERTURE_MOIS ("the first Sunday") and anything newer
        days, exact = None, False
    opens, closes = _time(entry.get("horaireOuverture")), _time(entry.get("horaireFermeture"))
    times = [(opens, closes)] if opens and closes else []
    if (opens is None) != (closes is None):
        exact = False
    remark = clean_text(_libelles(entry.get("complementHoraire")).get("fr")) or ""
    return Period(
        start=_day(entry.get("dateDebut")),
        end=_day(entry.get("dateFin")),
        yearly=bool(entry.get("tousLesAns")),
        days=days,
        times=times,
        exact=exact,
        remark=remark,
    )


def _opening(item: Mapping[str, Any]) -> tuple[str | None, dict[str, str]]:
    opening = _mapping(item.get("ouverture"))
    entries = opening.get("periodesOuvertures")
    periods = [_period(e) for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    hours = to_opening_hours(periods)
    if hours is not None:
        return hours, {}
    text = lang_texts(_libelles(opening.get("periodeEnClair")), multiline=False)
    if not text and periods:
        text = {"fr": describe(periods)}
    return None, {k: v for k, v in text.items() if v}


def _pictures(item: Mapping[str, Any]) -> list[Picture]:
    pictures = []
    for illustration in item.get("illustrations") or []:
        illustration = _mapping(illustration)
        files = illustration.get("traductionFichiers")
        first = _mapping(files[0]) if isinstance(files, list) and files else {}
        url = first_text(first.get("url"), first.get("urlDiaporama"))
        if url and url.startswith(("http://", "https://")):
            credit = first_text(_libelles(illustration.get("copyright")).get("fr"))
            alt = first_text(
                _libelles(illustration.get("legende")).get("fr"), _libelles(illustration.get("nom")).get("fr")
            )
            pictures.append(Picture(url=url, credit=credit, alt=alt))
    return pictures


def _object(index: int, item: Mapping[str, Any]) -> SourceObject:
    kind = first_text(item.get("type")) or ""
    subtype = _subtype(item)
    location = _mapping(item.get("localisation"))
    address = _mapping(location.get("adresse"))
    geo = _mapping(_mapping(location.get("geolocalisation")).get("geoJson"))
    coordinates = geo.get("coordinates") if geo.get("type") == "Point" else None
    lon = lat = None
    if isinstance(coordinates, list) and len(coordinates) >= 2:
        lon, lat = as_float(coordinates[0]), as_float(coordinates[1])
    commune = place_name(_mapping(address.get("commune")).get("nom"))
    street = ", ".join(t for t in (address.get(f"adresse{n}") for n in (1, 2, 3)) if isinstance(t, str) and t)
    postcode = address.get("codePostal") if isinstance(address.get("codePostal"), str) else ""
    place = " ".join(t for t in (postcode, commune or "") if t)
    presentation = _mapping(item.get("presentation"))
    description = _libelles(presentation.get("descriptifCourt")) or _libelles(
        presentation.get("descriptifDetaille")
    )
    contacts = _contacts(item)
    opening_hours, opening_text = _opening(item)
    return SourceObject(
        external_id=id_text(item.get("id")),
        where=f"objetsTouristiques[{index}]",
        kinds=([f"{kind}:{subtype}"] if subtype else []) + ([kind] if kind else []),
        name=lang_texts(_libelles(item.get("nom"))),
        description=lang_texts(description, multiline=True),
        lat=lat,
        lon=lon,
        updated_at=as_rfc3339(_mapping(item.get("gestion")).get("dateModification")),
        address=clean_text(", ".join(t for t in (street, place) if t), 300),
        commune=commune,
        opening_hours=opening_hours,
        opening_text=opening_text,
        phone=contacts.get("phone"),
        email=contacts.get("email"),
        website=contacts.get("website"),
        pictures=_pictures(item),
    )


def apidae_entries(data: bytes) -> Iterator[Entry]:
    """A search answer (``objetsTouristiques``), an export's array, or one object, read lazily."""
    try:
        document = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise NotAFeed(f"not JSON: {exc}") from None
    if isinstance(document, dict) and "objetsTouristiques" in document:
        items = document["objetsTouristiques"]
    elif isinstance(document, dict) and "id" in document and "type" in document:
        items = [document]
    else:
        items = document
    if not isinstance(items, list):
        raise NotAFeed("not an Apidae answer (no 'objetsTouristiques' list, nor an array of objects)")
    for index, item in enumerate(items):
        entry = _entry(index, item)
        if entry is not None:
            yield entry


def _entry(index: int, item: object) -> Entry | None:
    if not isinstance(item, dict):
        return None
    external_id = id_text(item.get("id"))
    updated_at = as_rfc3339(_mapping(item.get("gestion")).get("dateModification"))
    where = f"objetsTouristiques[{index}]"
    return Entry(external_id, where, updated_at, item, partial(_object, index, item))


STREAMING = Streaming(arrays=("objetsTouristiques", ""), entry=_entry)


def read_apidae(data: bytes) -> Iterator[SourceObject]:
    return (entry.build() for entry in apidae_entries(data))
