"""When a pack needs a new version, and the header of that version (the builder's version policy)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from packs.manifest import Manifest, ManifestEntry, PackHeader, build_manifest, round_bbox, utc_seconds

__all__ = ["plan_header"]


def plan_header(
    previous: Manifest | None,
    entries: Iterable[ManifestEntry],
    *,
    pack_id: str,
    languages: Sequence[str],
    bbox: Sequence[float],
    key_id: str,
    now: datetime,
    valid_for: timedelta,
    refresh_before: timedelta | None = None,
    basemap: str | None = None,
) -> PackHeader | None:
    """The header of the next version, or None when ``previous`` is still the right pack.

    A pack whose entries, languages, bbox and signing key are unchanged keeps its version and its bytes
    (so its SHA-256 and ETag). Otherwise the version goes up by one. Two cases change no entry and still
    make a new version: a key rotation (so every served pack moves to the new key), and a pack within
    ``refresh_before`` (default half of ``valid_for``) of its ``expires``, so that phones keep receiving
    unexpired manifests through the ordinary update path. Keeping "same version, same bytes" means a
    phone, a cache or a CDN never sees two different files under one version.
    """
    entries = tuple(entries)
    if refresh_before is None:
        refresh_before = valid_for / 2
    if refresh_before >= valid_for:
        raise ValueError("refresh_before must be shorter than valid_for")
    now = utc_seconds(now)
    if previous is not None:
        if previous.pack_id != pack_id:
            raise ValueError(f"previous manifest is of {previous.pack_id!r}, not {pack_id!r}")
        unchanged = PackHeader(
            pack_id=pack_id,
            version=previous.version,
            built_at=previous.built_at,
            expires=previous.expires,
            languages=tuple(languages),
            bbox=round_bbox(bbox),
            basemap=basemap,
        )
        if build_manifest(unchanged, entries, key_id) == previous and now < previous.expires - refresh_before:
            return None
    return PackHeader(
        pack_id=pack_id,
        version=1 if previous is None else previous.version + 1,
        built_at=now,
        expires=now + valid_for,
        languages=tuple(languages),
        bbox=round_bbox(bbox),
        basemap=basemap,
    )
