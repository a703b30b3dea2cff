"""The media pipeline: ingest uploads, make phone variants, describe them as API media refs."""

from __future__ import annotations

from content.media.ingestion import TEXT_LIMITS, ingest
from content.media.profiles import PUBLIC_VARIANTS
from content.media.queries import VariantFile, find_public_variant
from content.media.refs import load_media_refs, media_kinds, variant_url

__all__ = [
    "PUBLIC_VARIANTS",
    "TEXT_LIMITS",
    "VariantFile",
    "find_public_variant",
    "ingest",
    "load_media_refs",
    "media_kinds",
    "variant_url",
]
