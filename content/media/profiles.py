"""Variant profiles. A profile's ``key`` names everything that shapes the output bytes, so a variant is
computed once per (source SHA-256, key), and changing a setting or the pipeline gives a new variant.
"""

from __future__ import annotations

from dataclasses import dataclass

from content.core.settings import Settings

__all__ = [
    "IMAGE_PROFILES",
    "PIPELINE_VERSION",
    "PUBLIC_VARIANTS",
    "ImageProfile",
    "SpeechProfile",
    "speech_profile",
]

# Bump when the code changes the output for the same settings (a new encoder option, a colour fix).
PIPELINE_VERSION = "v1"

# The only variants the API serves; originals are kept but never public.
PUBLIC_VARIANTS: tuple[str, ...] = ("thumb", "screen", "speech")


@dataclass(frozen=True, slots=True)
class ImageProfile:
    """A WebP variant fitting in ``max_side_px`` on its long side (never enlarged)."""

    name: str
    max_side_px: int
    quality: int
    method: int

    @property
    def key(self) -> str:
        return f"{self.name}:webp:max{self.max_side_px}:q{self.quality}:m{self.method}:{PIPELINE_VERSION}"


@dataclass(frozen=True, slots=True)
class SpeechProfile:
    """Narration for phones: AAC-LC, mono, in an MP4 (.m4a) whose index comes first for progressive play."""

    bitrate: int
    sample_rate: int
    name: str = "speech"

    @property
    def key(self) -> str:
        return f"speech:aac-lc:m4a:mono:{self.bitrate}bps:{self.sample_rate}hz:faststart:{PIPELINE_VERSION}"


# ``screen`` (at most 1280 px) and ``thumb`` (at most 320 px, API.md), largest first: each is made from
# the one before it. WebP only: AVIF, measured at equal PSNR on the fixtures (tools/bench/media.py), is 0.8
# to 0.95 of WebP's size for 6 to 12 times the encode time, and older phones cannot decode it.
IMAGE_PROFILES: tuple[ImageProfile, ...] = (
    ImageProfile("screen", max_side_px=1280, quality=80, method=4),
    ImageProfile("thumb", max_side_px=320, quality=75, method=4),
)


def speech_profile(settings: Settings) -> SpeechProfile:
    return SpeechProfile(bitrate=settings.speech_bitrate, sample_rate=settings.speech_sample_rate)
