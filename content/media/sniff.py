"""Identify an upload by its first bytes, never by its name or the client's claimed type."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["HEAD_BYTES", "Sniffed", "sniff", "sniff_file"]

HEAD_BYTES = 64

_MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"iso5", b"iso6", b"dash", b"3gp4"}
_AVIF_BRANDS = {b"avif", b"avis"}


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What the bytes say the file is. ``format`` names the decoder to force (Pillow's or FFmpeg's)."""

    kind: Literal["image", "audio"]
    format: str
    mime: str


def sniff(head: bytes) -> Sniffed | None:
    """The media type of a file starting with ``head`` (its first :data:`HEAD_BYTES` bytes), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "JPEG", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "PNG", "image/png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image", "GIF", "image/gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "WEBP", "image/webp")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio", "wav", "audio/wav")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _AVIF_BRANDS:
            return Sniffed("image", "AVIF", "image/avif")
        if brand in _MP4_AUDIO_BRANDS:
            return Sniffed("audio", "mp4", "audio/mp4")
        return None
    if head.startswith(b"OggS"):
        return Sniffed("audio", "ogg", "audio/ogg")
    if head.startswith(b"fLaC"):
        return Sniffed("audio", "flac", "audio/flac")
    if head.startswith(b"ID3"):
        return Sniffed("audio", "mp3", "audio/mpeg")
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # An MPEG audio frame sync; layer bits 00 mean ADTS AAC rather than MP1/2/3.
        if head[1] & 0x06 == 0:
            return Sniffed("audio", "aac", "audio/aac")
        return Sniffed("audio", "mp3", "audio/mpeg")
    return None


def sniff_file(path: Path) -> Sniffed | None:
    """:func:`sniff` on a file's first bytes (blocking: call it from a worker thread)."""
    with path.open("rb") as reader:
        return sniff(reader.read(HEAD_BYTES))
