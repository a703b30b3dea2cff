"""Media rows as the media pipeline stores them (tables from 0001), for tests of what points at media."""

from __future__ import annotations

import hashlib

import aiosqlite

__all__ = ["add_audio", "add_image"]

_MEDIA = """
INSERT INTO media (id, kind, source_sha256, source_type, source_size, width, height, duration_s, placeholder,
                   credit, licence, alt, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2025-05-01T00:00:00Z')
"""
_VARIANT = """
INSERT INTO media_variants (media_id, name, profile, sha256, size, type, width, height, duration_s)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def add_image(conn: aiosqlite.Connection, media_id: str, alt: str = "une photo") -> None:
    await conn.execute(
        _MEDIA,
        (
            media_id,
            "image",
            _sha(media_id),
            "image/jpeg",
            4_000_000,
            4000,
            3000,
            None,
            "LKO2?U%2Tw=w",
            "OT Perche",
            "CC BY 4.0",
            alt,
        ),
    )
    for name, width, height, size in (
        ("original", 4000, 3000, 4_000_000),
        ("thumb", 320, 240, 9_000),
        ("screen", 1280, 960, 120_000),
    ):
        await conn.execute(
            _VARIANT, (media_id, name, name, _sha(media_id + name), size, "image/webp", width, height, None)
        )


async def add_audio(conn: aiosqlite.Connection, media_id: str, caption: str = "narration") -> None:
    await conn.execute(
        _MEDIA,
        (
            media_id,
            "audio",
            _sha(media_id),
            "audio/wav",
            9_000_000,
            None,
            None,
            93.5,
            None,
            "Studio",
            "CC BY-SA 4.0",
            caption,
        ),
    )
    await conn.execute(
        _VARIANT, (media_id, "speech", "speech", _sha(media_id + "s"), 560_000, "audio/mp4", None, None, 93.5)
    )
