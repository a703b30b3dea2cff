from __future__ import annotations

import io
import random
import subprocess
import zipfile
from pathlib import Path

import pytest

from packs import _zipformat as fmt
from packs.errors import EntryMismatch, InvalidEntryPath
from packs.mediatypes import Compression, compression_for
from packs.zipwriter import CHUNK_SIZE, ZipWriter
from tests.packs.zipparse import parse, zip64_values

Member = tuple[str, bytes, Compression]


def members(fixtures_dir: Path) -> list[Member]:
    text = (
        b'{"type":"FeatureCollection","features":['
        + b'{"id":"poi-1","name":{"fr":"Manoir"}},' * 40000
        + b"{}]}"
    )
    return [
        ("content/empty.json", b"", Compression.DEFLATED),
        ("content/pois.geojson", text, Compression.DEFLATED),  # over a chunk: several compress() calls
        ("media/coffee.png", (fixtures_dir / "images" / "coffee.png").read_bytes(), Compression.STORED),
        (
            "media/narration.mp3",
            (fixtures_dir / "audio" / "narration-fr.mp3").read_bytes(),
            Compression.STORED,
        ),
        ("media/photo.jpg", (fixtures_dir / "images" / "phone-photo.jpg").read_bytes(), Compression.STORED),
    ]


def build(entries: list[Member], **limits: int) -> bytes:
    buffer = io.BytesIO()
    with ZipWriter(buffer, **limits) as writer:
        for path, data, compression in entries:
            writer.add(path, io.BytesIO(data), size=len(data), compression=compression)
    return buffer.getvalue()


def test_two_builds_give_identical_bytes(fixtures_dir: Path) -> None:
    entries = members(fixtures_dir)
    assert build(entries) == build(entries)


def test_standard_readers_accept_it(fixtures_dir: Path, tmp_path: Path) -> None:
    entries = members(fixtures_dir)
    archive = tmp_path / "a.zip"
    archive.write_bytes(build(entries))
    with zipfile.ZipFile(archive) as reader:
        assert reader.testzip() is None
        assert reader.namelist() == [path for path, _, _ in entries]
        for path, data, _ in entries:
            assert reader.read(path) == data
    result = subprocess.run(["unzip", "-t", str(archive)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors detected" in result.stdout


def test_every_header_field_is_fixed(fixtures_dir: Path) -> None:
    entries = members(fixtures_dir)
    data = build(entries)
    archive = parse(data)
    assert archive.comment == b""
    assert archive.tail == b""
    assert archive.zip64_end is None
    assert [c.name for c in archive.centrals] == sorted(path for path, _, _ in entries)
    expected_offset = 0
    for local, central, (_, content, compression) in zip(
        archive.locals, archive.centrals, entries, strict=True
    ):
        for header in (local, central):
            assert header.flags & fmt.FLAG_DATA_DESCRIPTOR == 0
            assert header.flags == (0x0002 if compression is Compression.DEFLATED else 0)
            assert header.extra == b""
            assert (header.time, header.date) == (0, 0x0021)  # 1980-01-01 00:00:00
            assert header.method == compression
            assert header.version_needed == (20 if compression is Compression.DEFLATED else 10)
            assert header.size == len(content)
        assert central.version_made_by == 0x032D  # UNIX, APPNOTE 4.5
        assert central.external_attrs == 0o100644 << 16
        assert (central.internal_attrs, central.disk_start, central.comment) == (0, 0, b"")
        assert (local.crc, local.csize) == (central.crc, central.csize)
        # Entries are contiguous: nothing hides between them.
        assert local.offset == central.offset == expected_offset
        expected_offset = local.data_offset + local.csize
        if compression is Compression.STORED:
            # Stored media sit verbatim in the file, so a byte range of the pack is a byte range of the file.
            assert data[local.data_offset : local.data_offset + local.csize] == content
    assert expected_offset == archive.eocd[6]  # the central directory follows the last entry


def test_sources_are_read_in_bounded_chunks(fixtures_dir: Path) -> None:
    photo = (fixtures_dir / "images" / "phone-photo.jpg").read_bytes()
    requests: list[int] = []

    class Recording(io.BytesIO):
        def read(self, size: int | None = -1, /) -> bytes:
            requests.append(-1 if size is None else size)
            return super().read(size)

    with ZipWriter(io.BytesIO()) as writer:
        written = writer.add(
            "media/photo.jpg", Recording(photo), size=len(photo), compression=Compression.STORED
        )
    assert len(requests) == len(photo) // CHUNK_SIZE + 2  # full chunks, the remainder, then end of file
    assert set(requests) == {CHUNK_SIZE}
    assert written.size == len(photo)


@pytest.mark.parametrize("declared_delta", [-1, 1])
def test_a_source_of_another_size_is_refused(declared_delta: int) -> None:
    writer = ZipWriter(io.BytesIO())
    with pytest.raises(EntryMismatch, match=r"content/a\.json"):
        writer.add(
            "content/a.json", io.BytesIO(b"{}"), size=2 + declared_delta, compression=Compression.DEFLATED
        )
    with pytest.raises(ValueError, match="broken"):
        writer.close()


def test_entries_must_come_in_path_order_without_duplicates() -> None:
    writer = ZipWriter(io.BytesIO())
    writer.add("media/b.png", io.BytesIO(b"b"), size=1, compression=Compression.STORED)
    with pytest.raises(InvalidEntryPath, match="duplicate"):
        writer.add("media/b.png", io.BytesIO(b"b"), size=1, compression=Compression.STORED)
    with pytest.raises(InvalidEntryPath, match="path order"):
        writer.add("media/a.png", io.BytesIO(b"a"), size=1, compression=Compression.STORED)
    with pytest.raises(InvalidEntryPath):
        writer.add("../evil.png", io.BytesIO(b"a"), size=1, compression=Compression.STORED)


def test_an_unseekable_file_is_refused() -> None:
    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    with pytest.raises(ValueError, match="seekable"):
        ZipWriter(Pipe())


def test_compression_follows_the_media_type() -> None:
    for media_type in ("application/json", "application/geo+json", "text/plain"):
        assert compression_for(media_type) is Compression.DEFLATED
    for media_type in ("image/webp", "image/avif", "image/jpeg", "image/png", "audio/mp4", "audio/mpeg"):
        assert compression_for(media_type) is Compression.STORED
    for media_type in ("audio/aac", "audio/ogg", "application/vnd.pmtiles"):
        assert compression_for(media_type) is Compression.STORED
    with pytest.raises(ValueError, match="video/mp4"):
        compression_for("video/mp4")


def test_zip64_is_decided_by_the_sizes_that_need_it() -> None:
    limit = fmt.ZIP64_LIMIT
    assert not fmt.needs_zip64_sizes(limit - 1, Compression.STORED)
    assert fmt.needs_zip64_sizes(limit, Compression.STORED)  # 0xFFFFFFFF is the "see ZIP64" marker
    assert fmt.needs_zip64_sizes(limit + 1, Compression.STORED)
    # Deflate may grow incompressible data, so a text entry just under the limit reserves ZIP64 sizes.
    assert fmt.needs_zip64_sizes(limit - 1000, Compression.DEFLATED)
    assert not fmt.needs_zip64_sizes(limit - 1000, Compression.STORED)
    assert not fmt.needs_zip64_sizes(3_900_000_000, Compression.DEFLATED)
    assert not fmt.needs_zip64_end(0xFFFE, limit - 1, limit - 1)
    assert fmt.needs_zip64_end(0xFFFF, 0, 0)
    assert fmt.needs_zip64_end(1, limit, 0)
    assert fmt.needs_zip64_end(1, 0, limit)


def test_deflate_bound_holds_for_incompressible_data() -> None:
    data = random.Random(7).randbytes(3 * CHUNK_SIZE + 5)
    archive = parse(build([("media/noise.bin", data, Compression.DEFLATED)]))
    assert archive.centrals[0].csize > len(data)  # random bytes grow under deflate
    assert archive.centrals[0].csize <= fmt.deflate_bound(len(data))


def test_the_zip64_layout_is_read_by_standard_tools(fixtures_dir: Path, tmp_path: Path) -> None:
    # Lowered thresholds put every ZIP64 record in a small file: sizes, offsets, counts and the end records.
    tiny = (fixtures_dir / "bad" / "fake.mp3").read_bytes()
    entries = [*members(fixtures_dir)[:2], ("media/tiny.mp3", tiny, Compression.STORED)]
    # The GeoJSON is over the limit by size but deflates under it, so the tiny file lands past the limit.
    data = build(entries, zip64_limit=4000, zip64_count_limit=2)
    archive = parse(data)
    assert archive.zip64_end is not None
    assert archive.eocd[4] == 0xFFFF
    empty, geojson, tiny_entry = zip(archive.locals, archive.centrals, strict=True)
    assert (empty[0].extra, empty[1].extra, empty[0].version_needed) == (b"", b"", 20)
    assert geojson[0].csize == geojson[0].size == geojson[1].csize == geojson[1].size == 0xFFFFFFFF
    sizes = zip64_values(geojson[0].extra)  # the local header carries both sizes, the central one too
    assert sizes == zip64_values(geojson[1].extra)
    assert sizes[0] == len(entries[1][1])
    assert tiny_entry[0].offset == geojson[0].data_offset + sizes[1]
    assert geojson[0].version_needed == geojson[1].version_needed == 45
    assert tiny_entry[0].extra == b""  # its sizes fit; only its offset, in the central directory, needs ZIP64
    assert tiny_entry[1].offset == 0xFFFFFFFF
    assert zip64_values(tiny_entry[1].extra) == [tiny_entry[0].offset]
    assert tiny_entry[1].version_needed == 45
    archive_path = tmp_path / "zip64.zip"
    archive_path.write_bytes(data)
    with zipfile.ZipFile(archive_path) as reader:
        assert reader.testzip() is None
        assert [reader.read(path) for path, _, _ in entries] == [content for _, content, _ in entries]
    result = subprocess.run(["unzip", "-t", str(archive_path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
