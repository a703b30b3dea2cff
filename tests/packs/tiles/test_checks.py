"""What ``odyssee basemap set`` refuses, the format primitives against the ``pmtiles`` package, and the
style helpers (glyph ranges from MVT labels, font slugs)."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest
from pmtiles.tile import Entry, serialize_directory, tileid_to_zxy, zxy_to_tileid

from packs.tiles.basemap import check_archive
from packs.tiles.format import Compression, FormatError, Header, TileType, decode_directory, tile_id, tile_zxy
from packs.tiles.reader import Archive, FileSource
from packs.tiles.style import font_slug, label_characters, pack_style
from tests.basemaps import raster_basemap, vector_basemap


def test_tile_ids_match_the_reference_both_ways() -> None:
    rng = random.Random(12)
    assert tile_id(12, 3423, 1763) == 19078479  # the specification's example
    for _ in range(3000):
        z = rng.randint(0, 24)
        x, y = rng.randrange(2**z), rng.randrange(2**z)
        assert tile_id(z, x, y) == zxy_to_tileid(z, x, y)
        assert tile_zxy(tile_id(z, x, y)) == (z, x, y) == tileid_to_zxy(zxy_to_tileid(z, x, y))
    with pytest.raises(ValueError, match="outside"):
        tile_id(3, 8, 0)


def test_directories_decode_what_the_reference_writes() -> None:
    entries = [Entry(5, 0, 10, 1), Entry(6, 10, 20, 3), Entry(9, 0, 10, 1), Entry(40, 100, 7, 0)]
    decoded = decode_directory(gzip.decompress(serialize_directory(entries)))
    assert decoded.tile_ids == [5, 6, 9, 40]
    assert decoded.run_lengths == [1, 3, 1, 0]
    assert decoded.offsets == [0, 10, 0, 100]
    assert decoded.lengths == [10, 20, 10, 7]
    with pytest.raises(FormatError):
        decode_directory(b"\x05\x01")


def _patched(source: Path, target: Path, **changes: int) -> Path:
    data = bytearray(source.read_bytes())
    for name, value in changes.items():
        data[{"internal_compression": 97, "tile_type": 99, "max_zoom": 101}[name]] = value
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tile_type": 0}, "tile type is unknown"),
        ({"internal_compression": 3}, "brotli"),
        ({"max_zoom": 12}, "outside the header's"),
    ],
)
def test_check_refuses_what_the_extractor_cannot_use(
    tmp_path: Path, changes: dict[str, int], message: str
) -> None:
    path = _patched(raster_basemap(), tmp_path / "bad.pmtiles", **changes)
    with FileSource(path) as source, pytest.raises(FormatError, match=message):
        check_archive(Archive(source))


def test_check_summarises_a_good_basemap() -> None:
    with FileSource(vector_basemap()) as source:
        summary = check_archive(Archive(source))
    assert summary.tile_type is TileType.MVT
    assert summary.tile_compression is Compression.GZIP
    assert (summary.min_zoom, summary.max_zoom) == (0, 16)
    assert summary.addressed_tiles >= summary.tile_entries >= summary.tile_contents > 0
    assert [layer["id"] for layer in summary.metadata["vector_layers"]][:2] == ["earth", "landcover"]


def test_header_round_trips() -> None:
    data = raster_basemap().read_bytes()
    header = Header.decode(data)
    assert header.encode() == data[:127]


def test_labels_give_their_characters_and_fonts_become_slugs() -> None:
    with FileSource(vector_basemap()) as source:
        archive = Archive(source)
        chars: set[str] = set()
        for _, _, offset, length in archive.entries():
            chars |= label_characters(archive.read_tile(offset, length), gzipped=True)
    assert set("Bellême") <= chars
    assert (
        font_slug("Noto Sans Regular,Arial Unicode MS Regular")
        == "noto-sans-regular-arial-unicode-ms-regular"
    )
    style = (
        b'{"version":8,"sources":{"b":{"type":"vector","url":"https://x/y.json"}},"layers":[{"id":"t","type":'
        b'"symbol","source":"b","layout":{"text-field":"{name}","text-font":["A Font","B Font"]}}]}'
    )
    files = {
        "fonts/B Font/0-255.pbf": b"b0",
        "fonts/A Font/256-511.pbf": b"a1",
        "fonts/A Font/0-255.pbf": b"a0",
    }
    out = {
        path: data
        for path, _, data in pack_style(style, files, extract_path="tiles/e.pmtiles", glyph_ranges=[0])
    }
    # the first font of the stack that has the range stands for the stack; unused ranges stay out
    assert out["tiles/style/fonts/a-font-b-font/0-255.pbf"] == b"a0"
    assert "tiles/style/fonts/a-font-b-font/256-511.pbf" not in out
    assert b'"url":"pmtiles://tiles/e.pmtiles"' in out["tiles/style/style.json"]
    assert b'"text-font":["a-font-b-font"]' in out["tiles/style/style.json"]
