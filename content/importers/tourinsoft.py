"""Tourinsoft syndications (OData JSON): v3's ``{"value": [...]}`` and the older ``{"d": {"results": …}}``.

Quirks handled: ``Updated`` as ``/Date(ms)/``, coordinates as strings (``GmapLatitude``, or
``GooglemapLatitude``, with a comma or a point), ``|``/``#``/``$``-separated fields (``AdresseComplete``,
``MoyenDeCom``, ``PeriodeOuverture``, v2 ``Photos``), v3 ``MediaPhotoss``, translated fields suffixed by
a language (``DescriptionCommercialeGB``, ``SyndicObjectName_de``), HTML in descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from functools import lru_cache, partial
from typing import Any

import msgspec

from content.importers.errors import NotAFeed
from content.importers.model import Entry, Picture, SourceObject
from content.importers.periods import Period, describe, to_opening_hours
from content.importers.streaming import Streaming
from content.importers.text import clean_text, lang_texts, place_name
from content.importers.values import as_float, as_rfc3339, first_text

__all__ = ["CATEGORIES", "STREAMING", "read_tourinsoft", "tourinsoft_entries"]

# Kinds are tried in this order: Classification ("Châteaux"), ObjectTypeName ("Patrimoine culturel"),
# then the three-letter type code that starts every SyndicObjectID ("PCU").
CATEGORIES: dict[str, str] = {
    "Musée": "museum",
    "Musées": "museum",
    "Château": "castle",
    "Châteaux": "castle",
    "Manoir": "manor",
    "Manoirs": "manor",
    "Église": "church_abbey",
    "Eglise": "church_abbey",
    "Abbaye": "church_abbey",
    "Édifice religieux": "church_abbey",
    "Edifice religieux": "church_abbey",
    "Site naturel": "nature",
    "Forêt": "forest",
    "Point de vue": "viewpoint",
    "Marché": "market",
    "Marchés": "market",
    "Office de tourisme": "tourist_office",
    "Aire de pique-nique": "picnic_area",
    "Patrimoine culturel": "heritage",
    "Patrimoine naturel": "nature",
    "Restauration": "restaurant",
    "Hôtellerie": "lodging",
    "Hôtellerie de plein air": "lodging",
    "Hébergement locatif": "lodging",
    "Dégustation": "farm_shop",
    "PCU": "heritage",
    "PNA": "nature",
    "RES": "restaurant",
    "HOT": "lodging",
    "HPA": "lodging",
    "HLO": "lodging",
    "DEG": "farm_shop",
}

_LANG_SUFFIXES = {"GB": "en", "UK": "en", "EN": "en", "DE": "de", "NL": "nl", "ES": "es", "IT": "it"}
_DAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
_HOLIDAYS = {"jours fériés", "jours feries", "fériés"}
_EVERY_DAY = {"tous les jours", "toute la semaine"}
_TIME = re.compile(r"^(\d{1,2})[:hH](\d{2})(?::\d{2})?$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _translated(row: Mapping[str, Any], field: str, default: str = "fr") -> dict[str, str]:
    """``field`` in the default language and its translations (``fieldGB``, ``field_de``…)."""
    texts: dict[str, str] = {}
    if isinstance(row.get(field), str):
        texts[default] = row[field]
    for key, lang in _translation_keys(field):
        value = row.get(key)
        if isinstance(value, str) and lang not in texts:
            texts[lang] = value
    return texts


@lru_cache(maxsize=64)
def _translation_keys(field: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (key, lang)
        for suffix, lang in _LANG_SUFFIXES.items()
        for key in (f"{field}{suffix}", f"{field}_{suffix}", f"{field}_{suffix.lower()}")
    )


def _contacts(value: object) -> dict[str, str]:
    """``MoyenDeCom``: ``Type|value#Type|value`` (Téléphone filaire, Mél, Site web (URL)…)."""
    found: dict[str, str] = {}
    if not isinstance(value, str):
        return found
    for entry in value.split("#"):
        kind, _, detail = entry.partition("|")
        kind, detail = kind.strip().lower(), detail.strip()
        if not detail:
            continue
        if kind.startswith("téléphone") or kind.startswith("telephone"):
            found.setdefault("phone", detail)
        elif kind in {"mél", "mel", "e-mail", "email", "courriel"}:
            found.setdefault("email", detail)
        elif kind.startswith("site web"):
            found.setdefault("website", detail if "://" in detail else f"https://{detail}")
    return found


def _joined(street: str, postcode: str, commune: str | None) -> str | None:
    place = " ".join(part for part in (postcode, commune or "") if part)
    return clean_text(", ".join(part for part in (street, place) if part), 300)


def _address(row: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """``AdresseComplete`` (``line1|line2|line3|postcode|COMMUNE|insee``), else ``Adresse1``…"""
    full = row.get("AdresseComplete")
    if isinstance(full, str) and "|" in full:
        parts = [p.strip() for p in full.split("|")] + [""] * 6
        commune = place_name(parts[4])
        return _joined(", ".join(p for p in parts[:3] if p), parts[3], commune), commune
    lines = (row.get("Adresse1"), row.get("Adresse2"))
    postcode = row.get("CodePostal")
    commune = place_name(row.get("Commune"))
    street = ", ".join(p for p in lines if isinstance(p, str) and p)
    return _joined(street, postcode if isinstance(postcode, str) else "", commune), commune


def _v2_pictures(value: str) -> list[Picture]:
    """``url|title|credit#url|title|credit``."""
    pictures = []
    for entry in value.split("#"):
        url, title, credit = ([p.strip() for p in entry.split("|")] + ["", ""])[:3]
        if url.startswith(("http://", "https://")):
            pictures.append(Picture(url=url, credit=credit or None, alt=title or None))
    return pictures


def _v3_pictures(value: list[object]) -> list[Picture]:
    """``[{"Ordre": 1, "Photo": {"Url", "Titre", "Credit"}}]``, in their order."""
    entries = sorted((e for e in value if isinstance(e, dict)), key=lambda e: e.get("Ordre") or 0)
    pictures = []
    for entry in entries:
        photo: dict[str, Any] = entry["Photo"] if isinstance(entry.get("Photo"), dict) else entry
        url = photo.get("Url") or photo.get("URL")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            credit, title = first_text(photo.get("Credit")), first_text(photo.get("Titre"))
            pictures.append(Picture(url=url, credit=credit, alt=title))
    return pictures


def _pictures(row: Mapping[str, Any]) -> list[Picture]:
    pictures = []
    for key in ("MediaPhotoss", "Photos"):
        value = row.get(key)
        if isinstance(value, str):
            pictures += _v2_pictures(value)
        elif isinstance(value, list):
            pictures += _v3_pictures(value)
    return pictures


def _time(value: str) -> str | None:
    match = _TIME.match(value.strip())
    if not match or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _date(value: str) -> date | None:
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def _period(entry: str) -> list[Period]:
    """One ``start|end|open1|close1|open2|close2|days$…|closed days`` entry; a day named "soir"
    ("Mardi soir") or "matin" opens for the second or first slot only."""
    fields = [f.strip() for f in entry.split("|")] + [""] * 8
    start, end = _date(fields[0]), _date(fields[1])
    exact = (start is not None or not fields[0]) and (end is not None or not fields[1])
    slots: list[tuple[str, str]] = []
    for opens, closes in ((fields[2], fields[3]), (fields[4], fields[5])):
        if opens or closes:
            times = (_time(opens), _time(closes))
            if times[0] is None or times[1] is None:
                exact = False
            else:
                slots.append((times[0], times[1]))
    whole: set[int] = set()
    partial: dict[int, list[tuple[str, str]]] = {}
    holidays = False
    unknown: list[str] = []
    named = [d.strip().lower() for d in fields[6].split("$") if d.strip()]
    for name in named:
        word, _, part = name.partition(" ")
        if name in _HOLIDAYS:
            holidays = True
        elif name in _EVERY_DAY:
            whole.update(range(7))
        elif word in _DAYS and not part:
            whole.add(_DAYS[word])
        elif word in _DAYS and part in {"matin", "soir", "après-midi"} and len(slots) == 2:
            partial[_DAYS[word]] = [slots[0] if part == "matin" else slots[1]]
        else:
            exact = False
            unknown.append(name)
    closed = {_DAYS[d.strip().lower()] for d in fields[7].split("$") if d.strip().lower() in _DAYS}
    days: set[int] | None = (whole - closed) if named else (set(range(7)) - closed if closed else None)
    remark = ", ".join(unknown)
    # Half-day rules first: a later rule wins for the days it names, so public holidays listed in the
    # whole-day rule keep its hours even when they fall on a half day.
    periods = [
        Period(start=start, end=end, days={day}, times=times, exact=exact) for day, times in partial.items()
    ]
    periods.append(
        Period(
            start=start, end=end, days=days, times=slots, public_holidays=holidays, exact=exact, remark=remark
        )
    )
    return periods


def _opening(value: object) -> tuple[str | None, dict[str, str]]:
    if not isinstance(value, str) or not value.strip():
        return None, {}
    periods = [p for entry in value.split("#") if entry.strip() for p in _period(entry)]
    hours = to_opening_hours(periods)
    if hours is not None:
        return hours, {}
    return None, {"fr": describe(periods) or value.strip()}


def _object(index: int, row: Mapping[str, Any]) -> SourceObject:
    external_id = first_text(row.get("SyndicObjectID")) or ""
    kinds = [k for k in (first_text(row.get("Classification")), first_text(row.get("ObjectTypeName"))) if k]
    if len(external_id) >= 3 and external_id[:3].isalpha():
        kinds.append(external_id[:3].upper())
    address, commune = _address(row)
    contacts = _contacts(row.get("MoyenDeCom"))
    opening_hours, opening_text = _opening(row.get("PeriodeOuverture"))
    descriptions = {
        lang: text
        for field in ("DescriptionCommerciale", "Descriptif")
        for lang, text in _translated(row, field).items()
    }
    return SourceObject(
        external_id=external_id,
        where=f"value[{index}]",
        kinds=kinds,
        name=lang_texts(_translated(row, "SyndicObjectName")),
        description=lang_texts(descriptions, multiline=True),
        lat=as_float(row.get("GmapLatitude", row.get("GooglemapLatitude", row.get("Latitude")))),
        lon=as_float(row.get("GmapLongitude", row.get("GooglemapLongitude", row.get("Longitude")))),
        updated_at=as_rfc3339(row.get("Updated")),
        address=address,
        commune=commune,
        opening_hours=opening_hours,
        opening_text=opening_text,
        phone=contacts.get("phone"),
        email=contacts.get("email"),
        website=contacts.get("website"),
        pictures=_pictures(row),
    )


def tourinsoft_entries(data: bytes) -> Iterator[Entry]:
    """The objects of a syndication answer (v3 or v2 OData JSON), read lazily; :class:`NotAFeed` when
    the answer is not one."""
    try:
        document = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise NotAFeed(f"not JSON: {exc}") from None
    rows: object = None
    if isinstance(document, dict):
        rows = document.get("value")
        if rows is None and isinstance(document.get("d"), dict):
            rows = document["d"].get("results")
    elif isinstance(document, list):
        rows = document
    if not isinstance(rows, list):
        raise NotAFeed("not a Tourinsoft syndication (no 'value' or 'd.results' list)")
    for index, row in enumerate(rows):
        entry = _entry(index, row)
        if entry is not None:
            yield entry


def _entry(index: int, row: object) -> Entry | None:
    if not isinstance(row, dict):
        return None
    external_id = first_text(row.get("SyndicObjectID")) or ""
    updated_at = as_rfc3339(row.get("Updated"))
    return Entry(external_id, f"value[{index}]", updated_at, row, partial(_object, index, row))


STREAMING = Streaming(arrays=("value", "d.results", ""), entry=_entry)


def read_tourinsoft(data: bytes) -> Iterator[SourceObject]:
    return (entry.build() for entry in tourinsoft_entries(data))
