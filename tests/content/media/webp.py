"""Helpers for tests that look inside WebP files."""

from __future__ import annotations

import io

from PIL import Image

__all__ = ["decode", "webp_chunks"]


def webp_chunks(data: bytes) -> list[str]:
    """The RIFF chunk types of a WebP file, in order."""
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WEBP"
    chunks, offset = [], 12
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset + 4 : offset + 8], "little")
        chunks.append(data[offset : offset + 4].decode("ascii"))
        offset += 8 + size + (size & 1)
    return chunks


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    image.load()
    return image
