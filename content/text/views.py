"""Pieces shared by the public read models: localized text, media lookups, rounding."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from content.core.model import MediaRef
from content.text.localize import FeatureLanguage

__all__ = ["LocalAudio", "Text", "audio_of", "images_of", "round_m", "unset"]

# One translation, every translation (``lang=*``), or null when the field is empty.
Text = str | dict[str, str] | None
# Narration follows the language like text does: one ref, every language's ref, or null.
LocalAudio = MediaRef | dict[str, MediaRef] | None


def images_of(ids: Iterable[str], media: Mapping[str, MediaRef]) -> list[MediaRef]:
    """Refs of the listed images, in order; ids whose media is gone are left out."""
    return [media[media_id] for media_id in ids if media_id in media]


def audio_of(
    audio: Mapping[str, str], media: Mapping[str, MediaRef], language: FeatureLanguage
) -> LocalAudio:
    refs = {tag: media[media_id] for tag, media_id in audio.items() if media_id in media}
    if language.every:
        return refs
    return language.one(refs)


def round_m(metres: float) -> float:
    """Distances and lengths to the decimetre: more would be noise, less loses short hops."""
    return round(metres, 1)


def unset() -> msgspec.UnsetType:
    """A ``default_factory`` for optional dataclass fields of read models.

    msgspec leaves ``UNSET`` values out of the JSON; going through a factory rather than ``= UNSET``
    lets the OpenAPI document show the field as optional without trying to print ``UNSET``.
    """
    return msgspec.UNSET
