from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import av
import pytest

from content.blobs import LocalBlobStore
from content.core.db import Database
from content.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMedia
from content.core.model import MediaRef
from content.core.settings import Settings, load_settings
from content.media import ingest, load_media_refs, media_kinds
from content.media.audio import mp4_top_level_boxes


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    async with Database(settings.db_path) as db:
        yield db


@pytest.fixture
def store(settings: Settings) -> LocalBlobStore:
    return LocalBlobStore(settings.blob_dir)


def _blob_files(store: LocalBlobStore) -> list[Path]:
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []


async def _rows(db: Database) -> tuple[int, int]:
    async with db.read() as conn:
        media = await (await conn.execute("SELECT count(*) FROM media")).fetchone()
        variants = await (await conn.execute("SELECT count(*) FROM media_variants")).fetchone()
    assert media is not None
    assert variants is not None
    return media[0], variants[0]


def _check_variant_blobs(ref: MediaRef, store: LocalBlobStore) -> None:
    for name, variant in ref.variants.items():
        data = store.path_for(variant.sha256).read_bytes()
        assert hashlib.sha256(data).hexdigest() == variant.sha256
        assert len(data) == variant.size
        assert variant.url == f"/api/v1/media/{ref.id}/{name}"


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("phone-photo.jpg", (3024, 4032)),
        ("coffee.png", (600, 400)),
        ("chelsea.png", (451, 300)),
        ("cmyk.jpg", (451, 300)),
        ("alpha.png", (600, 300)),
    ],
)
async def test_images_get_thumb_and_screen(
    database: Database,
    store: LocalBlobStore,
    settings: Settings,
    fixtures_dir: Path,
    name: str,
    size: tuple[int, int],
) -> None:
    source = fixtures_dir / "images" / name
    ref = await ingest(
        database,
        store,
        settings,
        source,
        credit=" Office du Perche ",
        licence="CC-BY-4.0",
        alt="A view",
        user_id="u1",
    )
    assert ref.kind == "image"
    assert list(ref.variants) == ["thumb", "screen"]
    assert (ref.width, ref.height) == size
    assert ref.placeholder
    assert (ref.credit, ref.licence, ref.alt, ref.caption) == (
        "Office du Perche",
        "CC-BY-4.0",
        "A view",
        None,
    )
    assert ref.duration_s is None
    thumb, screen = ref.variants["thumb"], ref.variants["screen"]
    assert thumb.type == screen.type == "image/webp"
    assert thumb.width is not None
    assert thumb.height is not None
    assert screen.width is not None
    assert screen.height is not None
    assert max(thumb.width, thumb.height) <= 320
    assert max(screen.width, screen.height) <= 1280
    _check_variant_blobs(ref, store)
    assert store.path_for(hashlib.sha256(source.read_bytes()).hexdigest()).is_file()  # the original, kept
    assert await _rows(database) == (1, 2)


@pytest.mark.parametrize("name", ["narration-fr.mp3", "narration-fr.m4a", "narration-en.ogg", "short-fr.wav"])
async def test_narrations_get_a_speech_variant(
    database: Database, store: LocalBlobStore, settings: Settings, fixtures_dir: Path, name: str
) -> None:
    source = fixtures_dir / "audio" / name
    ref = await ingest(database, store, settings, source, alt="Le cheval blanc")
    assert ref.kind == "audio"
    assert list(ref.variants) == ["speech"]
    assert (ref.caption, ref.alt, ref.width, ref.placeholder) == ("Le cheval blanc", None, None, None)
    speech = ref.variants["speech"]
    assert speech.type == "audio/mp4"
    _check_variant_blobs(ref, store)
    path = store.path_for(speech.sha256)
    with av.open(str(source)) as original:
        source_s = float(original.duration or 0) / av.time_base
    with av.open(str(path)) as container:
        assert "mp4" in container.format.name
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "aac"
        assert stream.codec_context.profile == "LC"
        assert stream.codec_context.channels == 1
        assert stream.codec_context.sample_rate == settings.speech_sample_rate
        assert stream.duration is not None
        assert stream.time_base is not None
        speech_s = float(stream.duration * stream.time_base)
    assert ref.duration_s is not None
    assert abs(speech_s - ref.duration_s) < 0.1
    assert abs(ref.duration_s - source_s) < 0.2
    # moov first: a phone can start playing and seek before the whole file is down.
    assert mp4_top_level_boxes(path)[:2] == ["ftyp", "moov"]
    kbps = speech.size * 8 / speech_s / 1000
    assert 30 < kbps < 70
    assert await _rows(database) == (1, 1)


async def test_reimport_is_cached_and_content_addressed(
    database: Database,
    store: LocalBlobStore,
    settings: Settings,
    fixtures_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = await ingest(database, store, settings, fixtures_dir / "images" / "phone-photo.jpg")
    blobs = _blob_files(store)

    def no_encoding(*args: object) -> None:
        raise AssertionError("a cached import must not decode or encode")

    monkeypatch.setattr("content.media.ingestion._compute", no_encoding)
    renamed = tmp_path / "IMG_0001.jpeg"
    shutil.copyfile(fixtures_dir / "images" / "phone-photo.jpg", renamed)
    again = await ingest(database, store, settings, renamed, credit="someone else")
    assert again == first
    assert again.credit is None  # the first import's texts are kept
    assert _blob_files(store) == blobs
    assert await _rows(database) == (1, 2)


async def test_a_changed_profile_makes_a_new_variant(
    database: Database, store: LocalBlobStore, settings: Settings, fixtures_dir: Path
) -> None:
    source = fixtures_dir / "audio" / "short-fr.wav"
    first = await ingest(database, store, settings, source)
    lighter = load_settings(env={}, data_dir=settings.data_dir, speech_bitrate=32_000)
    second = await ingest(database, store, lighter, source)
    assert second.id == first.id
    assert second.variants["speech"].sha256 != first.variants["speech"].sha256
    assert second.variants["speech"].size < first.variants["speech"].size
    # The old bytes stay: packs built before the change still name them.
    assert store.path_for(first.variants["speech"].sha256).is_file()
    assert await _rows(database) == (1, 1)
    async with database.read() as conn:
        row = await (await conn.execute("SELECT profile FROM media_variants")).fetchone()
    assert row is not None
    assert "32000bps" in row["profile"]


async def test_concurrent_imports_of_the_same_file_make_one_media(
    database: Database, store: LocalBlobStore, settings: Settings, fixtures_dir: Path
) -> None:
    source = fixtures_dir / "images" / "coffee.png"
    refs = await asyncio.gather(*(ingest(database, store, settings, source) for _ in range(3)))
    assert refs[0] == refs[1] == refs[2]
    assert await _rows(database) == (1, 2)
    assert len(_blob_files(store)) == 3


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("not-an-image.jpg", UnsupportedMedia, "unknown format"),
        ("truncated.png", UnsupportedMedia, "truncated"),
        ("truncated.mp3", UnsupportedMedia, "cut off"),
        ("fake.mp3", UnsupportedMedia, "not a readable audio file"),
        ("empty.m4a", UnsupportedMedia, "empty"),
        ("bomb.png", InvalidInput, "pixels"),
    ],
)
async def test_bad_files_are_refused_and_leave_nothing(
    database: Database,
    store: LocalBlobStore,
    settings: Settings,
    fixtures_dir: Path,
    name: str,
    error: type[InvalidInput],
    message: str,
) -> None:
    with pytest.raises(error, match=message) as caught:
        await ingest(database, store, settings, fixtures_dir / "bad" / name, credit="x")
    assert type(caught.value) is error
    assert [e.field for e in caught.value.errors] == ["file"]
    assert _blob_files(store) == []
    assert await _rows(database) == (0, 0)


async def test_uploads_over_the_cap_are_refused(
    database: Database, store: LocalBlobStore, tmp_path: Path, fixtures_dir: Path
) -> None:
    small = load_settings(env={}, data_dir=tmp_path / "capped", max_upload_bytes=100_000)
    with pytest.raises(PayloadTooLarge) as caught:
        await ingest(database, store, small, fixtures_dir / "images" / "coffee.png")
    assert caught.value.errors[0].field == "file"
    assert _blob_files(store) == []
    assert await _rows(database) == (0, 0)


async def test_unknown_formats_are_unsupported(
    database: Database, store: LocalBlobStore, settings: Settings, tmp_path: Path
) -> None:
    pdf = tmp_path / "brochure.jpg"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(UnsupportedMedia, match="unknown format"):
        await ingest(database, store, settings, pdf)
    assert _blob_files(store) == []


async def test_text_fields_are_validated_before_anything_is_stored(
    database: Database, store: LocalBlobStore, settings: Settings, fixtures_dir: Path
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await ingest(
            database,
            store,
            settings,
            fixtures_dir / "images" / "coffee.png",
            credit="x" * 301,
            alt="bad\x00alt",
        )
    assert [e.field for e in caught.value.errors] == ["credit", "alt"]
    assert _blob_files(store) == []
    assert await _rows(database) == (0, 0)


async def test_a_failed_transaction_removes_the_blobs_it_wrote(
    database: Database,
    store: LocalBlobStore,
    settings: Settings,
    fixtures_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("content.media.ingestion.upsert_variant", disk_full)
    with pytest.raises(OSError, match="No space"):
        await ingest(database, store, settings, fixtures_dir / "images" / "alpha.png")
    assert _blob_files(store) == []
    assert await _rows(database) == (0, 0)


async def test_load_media_refs_uses_one_query(
    database: Database, store: LocalBlobStore, settings: Settings, fixtures_dir: Path
) -> None:
    image = await ingest(database, store, settings, fixtures_dir / "images" / "alpha.png", alt="Logo")
    audio = await ingest(database, store, settings, fixtures_dir / "audio" / "short-fr.wav", credit="Conteur")
    statements: list[str] = []
    async with database.read() as conn:
        await conn.set_trace_callback(statements.append)
        try:
            refs = await load_media_refs(conn, [image.id, "missing", audio.id, image.id])
            assert await load_media_refs(conn, []) == {}
        finally:
            await conn.set_trace_callback(None)
    assert refs == {image.id: image, audio.id: audio}
    assert list(refs) == [image.id, audio.id]
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


async def test_media_kinds(
    database: Database, store: LocalBlobStore, settings: Settings, fixtures_dir: Path
) -> None:
    image = await ingest(database, store, settings, fixtures_dir / "images" / "coffee.png")
    audio = await ingest(database, store, settings, fixtures_dir / "audio" / "short-fr.wav")
    async with database.read() as conn:
        assert await media_kinds(conn, [audio.id, "nope", image.id]) == {audio.id: "audio", image.id: "image"}
        assert await media_kinds(conn, []) == {}
