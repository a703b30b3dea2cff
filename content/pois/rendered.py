"""Public POI pages as JSON bytes, from features rendered once per version of a POI and language choice.

Rendering a feature (picking languages, building Structs, encoding) costs more than finding it, and on
a list page it is repeated for every POI. A :class:`FeatureCache` keeps each feature's JSON split around
its distance, keyed by what identifies the record's version (id, revision, creation and update times)
and the language choice: an edit bumps the revision, so a stale entry is never found again. Features
that show media are rendered every time, because media can change without the POI's revision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec

from content.core.model import MediaRef
from content.pois.features import render_poi
from content.pois.model import PoiRecord
from content.pois.rows import PageEntry
from content.text.localize import LanguageChoice, Localizer
from content.text.views import round_m

__all__ = [
    "DEFAULT_CACHED_FEATURES",
    "FeatureCache",
    "RenderedFeature",
    "near_page_json",
    "page_features",
    "page_json",
    "render",
]

# About 0.7 kB each: tens of megabytes at most, for the largest territories.
DEFAULT_CACHED_FEATURES = 100_000

_encode = msgspec.json.Encoder().encode
# Rendered in place of the distance, then cut out: no real distance has this value (radii stop at
# 100 km), and rounding to the decimetre keeps it as it is.
_MARK_VALUE = 987_654_321.5
_MARK = b',"distance_m":' + _encode(_MARK_VALUE)
_DISTANCE = b',"distance_m":'
_PAGE_HEAD = b'{"type":"FeatureCollection","features":['

_MAX_LOCALIZERS = 256
_SERVED: dict[frozenset[str], frozenset[str]] = {}

# id, revision, created_at, updated_at, then the language choice as plain values (tuples of strings
# leave the garbage collector's lists; a dataclass would keep every key there), and the default.
CacheKey = tuple[str, int, str, str, tuple[str, ...], bool, str]


class RenderedFeature(msgspec.Struct, frozen=True, gc=False):
    """A feature's JSON before and after its ``distance_m``, and the languages it serves.

    Kept by the hundred thousand: not tracked by the garbage collector (it holds bytes and one of a
    few shared sets of strings, so it can be in no cycle), whose full passes would otherwise walk them
    all and show in the latency's tail."""

    head: bytes
    tail: bytes
    served: frozenset[str]
    lead: bytes = b""  # head and the distance's key, joined once

    def json(self, distance_m: float | None) -> bytes:
        if distance_m is None:
            return self.head + self.tail
        return self.head + _DISTANCE + _encode(round_m(distance_m)) + self.tail


def render(record: PoiRecord, media: Mapping[str, MediaRef], localizer: Localizer) -> RenderedFeature:
    """``record`` as the API shows it, with the distance left out to be filled in per request.
    ``localizer`` is one of the renderer's own: its served languages are taken, then cleared."""
    localizer.served.clear()
    document = _encode(render_poi(record, media, localizer, distance_m=_MARK_VALUE))
    # The distance is the last property but ``lang`` (a language tag), so its last occurrence is ours.
    head, mark, tail = document.rpartition(_MARK)
    assert mark, "the distance mark is missing from a rendered feature"
    served = frozenset(localizer.served)
    if len(_SERVED) < _MAX_LOCALIZERS:
        served = _SERVED.setdefault(served, served)  # one set per combination of languages
    localizer.served.clear()
    return RenderedFeature(head=head, tail=tail, served=served, lead=head + _DISTANCE)


class FeatureCache:
    """Rendered features of one process, oldest dropped first past ``max_entries``."""

    def __init__(self, max_entries: int = DEFAULT_CACHED_FEATURES) -> None:
        self.max_entries = max(0, max_entries)
        self._entries: dict[CacheKey, RenderedFeature] = {}
        # One localizer per language choice renders every feature in it (setting one up costs more
        # than rendering a feature's texts).
        self._localizers: dict[tuple[LanguageChoice, str], Localizer] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def localizer(self, choice: LanguageChoice, default: str) -> Localizer:
        """The localizer to :func:`render` in ``choice`` with."""
        found = self._localizers.get((choice, default))
        if found is None:
            if len(self._localizers) >= _MAX_LOCALIZERS:  # clients choose the languages: keep it bounded
                self._localizers.clear()
            found = self._localizers[(choice, default)] = Localizer(choice, default)
        return found

    def get(self, entry: PageEntry, choice: LanguageChoice, default: str) -> RenderedFeature | None:
        """The rendered feature of this version of a media-free POI in ``choice``, if kept."""
        return self._entries.get(_key(entry, choice, default))

    def put(self, entry: PageEntry, choice: LanguageChoice, default: str, rendered: RenderedFeature) -> None:
        if not self.max_entries or entry.has_media:
            return
        if len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries[_key(entry, choice, default)] = rendered


def _key(entry: PageEntry, choice: LanguageChoice, default: str) -> CacheKey:
    return (
        entry.id,
        entry.revision,
        entry.created_at,
        entry.updated_at,
        choice.preferred,
        choice.every,
        default,
    )


def page_features(
    entries: Sequence[PageEntry],
    known: Mapping[str, RenderedFeature],
    records: Mapping[str, PoiRecord],
    media: Mapping[str, MediaRef],
    localizer: Localizer,
    cache: FeatureCache,
    distances_m: Sequence[float] | None,
) -> list[bytes]:
    """The page's features as JSON, in order: ``known`` ones as found in the cache, the others rendered
    from ``records`` (with ``media``, their refs) and kept. The languages served are added to
    ``localizer``."""
    choice, default, served = localizer.choice, localizer.default, localizer.served
    features = []
    for index, entry in enumerate(entries):
        rendered = known.get(entry.id)
        if rendered is None:
            rendered = render(records[entry.id], media, cache.localizer(choice, default))
            cache.put(entry, choice, default, rendered)
        served |= rendered.served
        features.append(rendered.json(None if distances_m is None else distances_m[index]))
    return features


def near_page_json(
    features: Sequence[RenderedFeature], distances_m: Sequence[float], next_cursor: str | None
) -> bytes:
    """:func:`page_json` of ``features`` at ``distances_m``, byte for byte, in one join."""
    parts = [_PAGE_HEAD]
    # The rounded distances encoded as one list, then cut apart: a number holds no comma.
    numbers = _encode([round(distance_m, 1) for distance_m in distances_m])[1:-1].split(b",")  # round_m
    if not distances_m:
        numbers = []
    for feature, number in zip(features, numbers, strict=True):
        parts += (feature.lead, number, feature.tail, b",")
    if features:
        parts.pop()
    parts += (b'],"next":', _encode(next_cursor), b"}")
    return b"".join(parts)


def page_json(features: Sequence[bytes], next_cursor: str | None) -> bytes:
    """A FeatureCollection page, byte for byte as msgspec encodes ``PoiCollection``."""
    return _PAGE_HEAD + b",".join(features) + b'],"next":' + _encode(next_cursor) + b"}"
