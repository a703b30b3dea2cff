"""``ingest()``: turn an uploaded file into a stored, deduplicated media item with its phone variants.

A variant is computed once per (source SHA-256, profile key): importing the same bytes again costs one hash
and a lookup. Every rejection happens before anything is stored; the blobs and rows of one import are
written inside one database transaction, and blobs it created are removed again if that transaction fails.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from content.blobs import BlobStore
from content.core.db import Database
from content.core.errors import FieldError, InvalidInput, PayloadTooLarge, UnsupportedMedia
from content.core.model import MediaRef
from content.core.settings import Settings
from content.media.audio import SPEECH_TYPE, process_audio
from content.media.images import process_image
from content.media.profiles import IMAGE_PROFILES, speech_profile
from content.media.queries import (
    MediaRecord,
    VariantRecord,
    encode_probe,
    insert_media,
    media_by_source,
    upsert_variant,
    variants_of,
)
from content.media.refs import load_media_refs
from content.media.sniff import Sniffed, sniff_file

__all__ = ["TEXT_LIMITS", "ingest", "media_id_for"]

TEXT_LIMITS = {"credit": 300, "licence": 120, "alt": 1000}
_HASH_CHUNK_BYTES = 1024 * 1024
_SUPPORTED = "JPEG, PNG, WebP, GIF or AVIF images; MP3, M4A (AAC), Ogg (Opus, Vorbis), WAV or FLAC audio"
# Decoding and encoding are CPU-bound: at most one job per core, however many uploads arrive at once, in a
# pool of their own so that queued jobs never take the default executor's threads from blob and file I/O.
_MEDIA_POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="odyssee-media")


@dataclass(frozen=True, slots=True)
class _Variant:
    name: str
    profile: str
    type: str
    data: bytes | None = None
    path: Path | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


@dataclass(slots=True)
class _Computed:
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    placeholder: str | None = None
    probe: dict[str, Any] = field(default_factory=dict)
    variants: list[_Variant] = field(default_factory=list)


async def ingest(
    db: Database,
    store: BlobStore,
    settings: Settings,
    path: Path,
    *,
    credit: str | None = None,
    licence: str | None = None,
    alt: str | None = None,
    user_id: str | None = None,
) -> MediaRef:
    """Store the image or narration at ``path`` (an uploaded temp file; it is only read) and return its ref.

    Re-importing bytes already stored returns the existing ref (its credit, licence and alt are kept) and
    only computes variants whose profile changed. Raises ``PayloadTooLarge`` over
    ``settings.max_upload_bytes``, ``UnsupportedMedia`` for an unknown, empty or undecodable file and
    ``InvalidInput`` for a decompression bomb or bad text fields; nothing is stored then.
    """
    texts = _clean_texts(credit=credit, licence=licence, alt=alt)
    size = await asyncio.to_thread(_file_size, path)
    if size > settings.max_upload_bytes:
        raise PayloadTooLarge.field(
            "file", f"{size} bytes is over the limit of {settings.max_upload_bytes} bytes"
        )
    if size == 0:
        raise UnsupportedMedia.field("file", "the file is empty")
    sniffed = await asyncio.to_thread(sniff_file, path)
    if sniffed is None:
        raise UnsupportedMedia.field("file", f"unknown format; supported: {_SUPPORTED}")
    source_sha256 = await asyncio.to_thread(_sha256_of, path)
    wanted = _wanted_profiles(sniffed.kind, settings)

    async with db.read() as conn:
        existing = await media_by_source(conn, source_sha256)
        current = await variants_of(conn, existing.id) if existing else {}
    stale = [name for name, key in wanted.items() if name not in current or current[name].profile != key]
    stale += [name for name in wanted if name not in stale and not await store.exists(current[name].sha256)]
    if existing is not None and not stale and await store.exists(source_sha256):
        return await _ref(db, existing.id)

    work_dir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="odyssee-media-"))
    try:
        job = partial(_compute, path, sniffed, stale, settings, work_dir)
        computed = await asyncio.get_running_loop().run_in_executor(_MEDIA_POOL, job)
        media_id = await _store(db, store, path, sniffed, source_sha256, size, computed, texts, user_id)
    finally:
        await asyncio.to_thread(shutil.rmtree, work_dir, True)
    return await _ref(db, media_id)


def media_id_for(source_sha256: str) -> str:
    """The id of the media made from these bytes: stable across imports and installs (reproducible demo
    data and packs), yet not a prefix of the original's blob key, which must stay unguessable.
    """
    return hashlib.sha256(b"odyssee-media\x00" + source_sha256.encode("ascii")).hexdigest()[:32]


def _clean_texts(**texts: str | None) -> dict[str, str | None]:
    cleaned: dict[str, str | None] = {}
    problems: list[FieldError] = []
    for name, value in texts.items():
        value = value.strip() if value is not None else None
        if value and len(value) > TEXT_LIMITS[name]:
            problems.append(FieldError(name, f"at most {TEXT_LIMITS[name]} characters"))
        elif value and any(ord(c) < 32 and c not in "\n\t" for c in value):
            problems.append(FieldError(name, "control characters are not allowed"))
        cleaned[name] = value or None
    if problems:
        raise InvalidInput(problems)
    return cleaned


def _file_size(path: Path) -> int:
    try:
        if not path.is_file():
            raise InvalidInput.field("file", "not a regular file")
        return path.stat().st_size
    except OSError as exc:
        raise InvalidInput.field("file", f"cannot read the upload ({exc.strerror})") from exc


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        while chunk := reader.read(_HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _wanted_profiles(kind: str, settings: Settings) -> dict[str, str]:
    if kind == "image":
        return {profile.name: profile.key for profile in IMAGE_PROFILES}
    speech = speech_profile(settings)
    return {speech.name: speech.key}


def _compute(path: Path, sniffed: Sniffed, stale: list[str], settings: Settings, work_dir: Path) -> _Computed:
    """Decode and encode (blocking, in the media pool). Always decodes, so facts are fresh and proven."""
    if sniffed.kind == "image":
        image = process_image(path, sniffed.format, IMAGE_PROFILES, max_pixels=settings.max_image_pixels)
        return _Computed(
            width=image.width,
            height=image.height,
            placeholder=image.placeholder,
            probe=image.probe,
            variants=[
                _Variant(v.profile.name, v.profile.key, v.type, data=v.data, width=v.width, height=v.height)
                for v in image.variants
                if v.profile.name in stale
            ],
        )
    profile = speech_profile(settings)
    audio = process_audio(path, sniffed.format, profile, work_dir / "speech.m4a")
    variants = [
        _Variant(
            profile.name,
            profile.key,
            SPEECH_TYPE,
            path=audio.speech_path,
            duration_s=audio.speech_duration_s,
        )
    ]
    return _Computed(
        duration_s=audio.duration_s,
        probe=audio.probe,
        variants=[v for v in variants if v.name in stale],
    )


async def _store(
    db: Database,
    store: BlobStore,
    path: Path,
    sniffed: Sniffed,
    source_sha256: str,
    size: int,
    computed: _Computed,
    texts: dict[str, str | None],
    user_id: str | None,
) -> str:
    """Write blobs and rows in one transaction. Blob writes sit inside it, under the writer lock (which
    SQLite holds across processes), so that a failed import never deletes a blob a concurrent import of the
    same bytes has just recorded.
    """
    created: list[str] = []
    try:
        async with db.write() as conn:
            existing = await media_by_source(conn, source_sha256)
            media_id = existing.id if existing else media_id_for(source_sha256)
            original = await store.put_file(path, content_type=sniffed.mime)
            if original.created:
                created.append(original.sha256)
            if existing is None:
                await insert_media(
                    conn,
                    MediaRecord(
                        id=media_id,
                        kind=sniffed.kind,
                        source_sha256=source_sha256,
                        source_type=sniffed.mime,
                        source_size=size,
                        width=computed.width,
                        height=computed.height,
                        duration_s=computed.duration_s,
                        placeholder=computed.placeholder,
                        probe=encode_probe(computed.probe),
                        credit=texts["credit"],
                        licence=texts["licence"],
                        alt=texts["alt"],
                        created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        created_by=user_id,
                    ),
                )
            for variant in computed.variants:
                if variant.data is not None:
                    blob = await store.put_bytes(variant.data, content_type=variant.type)
                else:
                    assert variant.path is not None
                    blob = await store.put_file(variant.path, content_type=variant.type)
                if blob.created:
                    created.append(blob.sha256)
                await upsert_variant(
                    conn,
                    VariantRecord(
                        media_id=media_id,
                        name=variant.name,
                        profile=variant.profile,
                        sha256=blob.sha256,
                        size=blob.size,
                        type=variant.type,
                        width=variant.width,
                        height=variant.height,
                        duration_s=variant.duration_s,
                    ),
                )
    except BaseException:
        for sha256 in created:
            await store.delete(sha256)
        raise
    return media_id


async def _ref(db: Database, media_id: str) -> MediaRef:
    async with db.read() as conn:
        refs = await load_media_refs(conn, [media_id])
    return refs[media_id]
