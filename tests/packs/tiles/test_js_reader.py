"""The npm ``pmtiles`` decoder (vendored, ``vendor/pmtiles``) reads our extracts in headless Chromium: the
header, the metadata, every tile byte-equal (SHA-256) to what the Python reader sees, and no tile where
the extract has none. A second independent reader, in the language phones' web views use."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pmtiles.reader import MemorySource, all_tiles

from packs.tiles.cover import coverage_tile_ids
from packs.tiles.extract import extract
from packs.tiles.reader import Archive, FileSource
from tests.basemaps import raster_basemap, vector_basemap
from tests.packs.tiles.test_extract import coverage

VENDOR = Path(__file__).parent / "vendor" / "pmtiles" / "pmtiles.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

_PAGE = """<!doctype html><meta charset="utf-8"><pre id="out">pending</pre>
<script>{library}</script>
<script>
const bytes = Uint8Array.from(atob("{data}"), (c) => c.charCodeAt(0));
const wanted = {wanted};
const source = {{
  getKey: () => "extract",
  getBytes: async (offset, length) => ({{ data: bytes.slice(offset, offset + length).buffer }}),
}};
const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
(async () => {{
  try {{
    const archive = new pmtiles.PMTiles(source);
    const header = await archive.getHeader();
    const metadata = await archive.getMetadata();
    const tiles = [];
    for (const [z, x, y] of wanted) {{
      const found = await archive.getZxy(z, x, y);
      tiles.push([z, x, y, found ? hex(await crypto.subtle.digest("SHA-256", found.data)) : null]);
    }}
    document.getElementById("out").textContent = JSON.stringify({{ header, metadata, tiles }});
  }} catch (error) {{
    document.getElementById("out").textContent = "ERROR " + error;
  }}
}})();
</script>"""


def _run_page(page: Path) -> dict[str, object]:
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--virtual-time-budget=20000", "--dump-dom", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    start = result.stdout.find('<pre id="out">')
    assert start >= 0, result.stderr[-2000:]
    text = result.stdout[start + len('<pre id="out">') : result.stdout.find("</pre>", start)]
    assert not text.startswith(("ERROR", "pending")), text
    decoded: dict[str, object] = json.loads(text.replace("&quot;", '"').replace("&amp;", "&"))
    return decoded


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
@pytest.mark.parametrize("kind", ["raster", "vector"])
def test_the_npm_decoder_reads_the_extract_in_chromium(kind: str, tmp_path: Path) -> None:
    basemap = raster_basemap() if kind == "raster" else vector_basemap()
    out = tmp_path / "extract.pmtiles"
    cov = coverage()
    with FileSource(basemap) as source:
        archive = Archive(source)
        assert extract(archive, coverage_tile_ids(cov, 0, 16), out, bounds=cov.box) is not None
    data = out.read_bytes()
    # the JS decoder hands tiles out decompressed (MVT here is gzipped)
    unpack = (lambda tile: tile) if kind == "raster" else gzip.decompress
    inside = {zxy: hashlib.sha256(unpack(tile)).hexdigest() for zxy, tile in all_tiles(MemorySource(data))}
    basemap_tiles = [zxy for zxy, _ in all_tiles(MemorySource(basemap.read_bytes()))]
    outside = [zxy for zxy in basemap_tiles if zxy not in inside][:40]
    assert outside
    wanted = sorted(inside) + outside
    page = tmp_path / "reader.html"
    page.write_text(
        _PAGE.format(
            library=VENDOR.read_text(encoding="utf-8"),
            data=base64.b64encode(data).decode(),
            wanted=json.dumps([list(zxy) for zxy in wanted]),
        ),
        encoding="utf-8",
    )
    seen = _run_page(page)
    header = seen["header"]
    assert isinstance(header, dict)
    assert (header["minZoom"], header["maxZoom"], header["clustered"]) == (0, 16, True)
    assert header["tileType"] == (2 if kind == "raster" else 1)
    assert seen["metadata"] == json.loads(Archive(FileSource(out)).metadata_bytes())
    got = {(z, x, y): digest for z, x, y, digest in seen["tiles"]}  # type: ignore[union-attr]
    for zxy, digest in inside.items():
        assert got[zxy] == digest, zxy
    for zxy in outside:
        assert got[zxy] is None, zxy
