"""The rendered-feature cache: bounded, and pages byte for byte as the read models encode them."""

from __future__ import annotations

import msgspec

from content.pois.features import PoiCollection, render_pois
from content.pois.model import PoiRecord
from content.pois.rendered import FeatureCache, page_features, page_json
from content.pois.rows import PageEntry
from content.text.localize import LanguageChoice, Localizer

AT = "2025-06-01T08:00:00Z"


def record(n: int) -> PoiRecord:
    document = {
        "id": f"poi-{n}",
        "status": "published",
        "revision": 1,
        "office_id": None,
        "category": "heritage",
        "name": {"fr": f"Lieu {n}", "en": f"Place {n}"},
        "description": {"fr": "Un lieu"} if n % 2 else {},
        "address": None,
        "commune": "Bellême",
        "opening_hours": None,
        "contact": {},
        "accessibility": {"wheelchair": "yes"} if n % 3 else {},
        "images": [],
        "audio": {},
        "geometry": {"type": "Point", "coordinates": [0.5 + n / 1000, 48.5]},
        "created_at": AT,
        "updated_at": AT,
        "updated_by": None,
    }
    return msgspec.json.decode(msgspec.json.encode(document), type=PoiRecord)


def entry(poi: PoiRecord) -> PageEntry:
    raw = msgspec.Raw(msgspec.json.encode(poi))
    return PageEntry(raw, "0.5", 1, poi.id, poi.revision, poi.created_at, poi.updated_at, 0)


def features_of(
    records: list[PoiRecord], localizer: Localizer, cache: FeatureCache, distances: list[float] | None
) -> list[bytes]:
    entries = [entry(r) for r in records]
    known = {}
    for e in entries:
        if (found := cache.get(e, localizer.choice, localizer.default)) is not None:
            known[e.id] = found
    by_id = {r.id: r for r in records if r.id not in known}
    return page_features(entries, known, by_id, {}, localizer, cache, distances)


def test_pages_match_the_read_models_and_the_cache_stays_bounded() -> None:
    records = [record(n) for n in range(6)]
    distances = [12.34, 100.0, 1500.05, 0.0, 99999.9, 7.0]
    cache = FeatureCache(max_entries=4)
    for choice in (LanguageChoice(("en",)), LanguageChoice(("de",)), LanguageChoice.all_languages()):
        for _ in range(2):
            expected_localizer, localizer = Localizer(choice, "fr"), Localizer(choice, "fr")
            expected = render_pois(records, {}, expected_localizer, next_cursor="abc", distances_m=distances)
            features = features_of(records, localizer, cache, distances)
            assert page_json(features, "abc") == msgspec.json.encode(expected)
            assert localizer.content_language() == expected_localizer.content_language()
            assert len(cache) <= 4
    without = features_of(records, Localizer(LanguageChoice(), "fr"), cache, None)
    assert msgspec.json.decode(page_json(without, None), type=PoiCollection) == render_pois(
        records, {}, Localizer(LanguageChoice(), "fr"), next_cursor=None
    )
