"""Shaping read models for a pack: multilingual maps filled to the pack's languages, media refs local.

Shared by the route/POI documents (``packs.gather``) and the producer document (``packs.producers``), so
every ``content/`` file follows the same fallback and points at ``media/<sha256>.<ext>`` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import msgspec

from content.core.model import MediaRef
from content.text.i18n import pick

__all__ = ["EXTENSION_BY_TYPE", "PackMedia", "fill_languages", "local_refs"]

EXTENSION_BY_TYPE = {
    "image/webp": "webp",
    "image/avif": "avif",
    "image/jpeg": "jpg",
    "image/png": "png",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
}


@dataclass(frozen=True, slots=True)
class PackMedia:
    path: str
    type: str
    sha256: str
    size: int


def fill_languages(values: Mapping[str, str], languages: Sequence[str], default: str) -> dict[str, str]:
    """The map restricted and completed to ``languages``; an empty map (no text at all) stays empty."""
    filled: dict[str, str] = {}
    for lang in languages:
        picked = pick(values, (lang,), default)
        if picked is not None:
            filled[lang] = picked[1]
    return filled


def local_refs(refs: Mapping[str, MediaRef]) -> tuple[dict[str, MediaRef], dict[str, PackMedia]]:
    """Refs whose variants point into the pack, and the pack's media files by SHA-256 (each once)."""
    files: dict[str, PackMedia] = {}
    local: dict[str, MediaRef] = {}
    for media_id, ref in refs.items():
        variants = {}
        for name, variant in ref.variants.items():
            extension = EXTENSION_BY_TYPE.get(variant.type)
            if extension is None:
                continue
            path = f"media/{variant.sha256}.{extension}"
            files[variant.sha256] = PackMedia(path, variant.type, variant.sha256, variant.size)
            variants[name] = msgspec.structs.replace(variant, url=path)
        local[media_id] = msgspec.structs.replace(ref, variants=variants)
    return local, files
