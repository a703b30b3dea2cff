"""``odyssee basemap set|info`` against a real data directory: checks first, stores nothing on refusal."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from packs.tiles.basemap import record_path
from tests.basemaps import raster_basemap, vector_basemap, vector_style
from tests.territory import SMALL_TERRITORY
from tests.tools.stores import empty_store
from tools.cli import main


def _blobs(data: Path) -> list[Path]:
    root = data / "blobs"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_set_stores_the_basemap_and_rebuilds_packs_with_maps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert main(["demo", "--data-dir", str(data), "--file", str(SMALL_TERRITORY)]) == 0
    capsys.readouterr()
    assert main(["basemap", "info", "--data-dir", str(data)]) == 0
    assert "no basemap" in capsys.readouterr().out

    assert main(["basemap", "set", str(raster_basemap()), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "basemap stored as" in out
    assert "offline packs: 2 built or updated" in out
    assert main(["basemap", "info", "--json", "--data-dir", str(data)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["tile_type"], info["minzoom"], info["maxzoom"]) == ("png", 0, 16)
    assert info["bounds"] == [0.45, 48.3, 0.65, 48.58]
    assert info["attribution"].startswith("Synthetic Perche basemap")
    with sqlite3.connect(data / "odyssee.sqlite3") as conn:
        manifests = [
            json.loads(row[0]) for row in conn.execute("SELECT manifest FROM pack_versions WHERE version = 2")
        ]
    assert len(manifests) == 2
    for manifest in manifests:
        assert "basemap" not in manifest
        assert [e["tile_type"] for e in manifest["entries"] if e["path"].startswith("tiles/")] == ["png"]

    # the same basemap again: same extracts, so no new version
    assert main(["basemap", "set", str(raster_basemap()), "--data-dir", str(data)]) == 0
    assert "offline packs: 0 built or updated" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PMTiles\x03" + bytes(119), "root directory"),
        (b"hello", "too short"),
        (b"not a pmtiles file at all, but long enough to hold a header" * 4, "magic"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    data = empty_store(tmp_path / "data")
    bad = tmp_path / "bad.pmtiles"
    bad.write_bytes(content)
    assert main(["basemap", "set", str(bad), "--data-dir", str(data), "--no-build"]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "bad.pmtiles" in err
    assert _blobs(data) == []
    assert not record_path_for(data).exists()


def record_path_for(data: Path) -> Path:
    from content.core.settings import load_settings

    return record_path(load_settings({}, data_dir=data))


def test_a_vector_basemap_needs_its_style(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = empty_store(tmp_path / "data")
    assert main(["basemap", "set", str(vector_basemap()), "--data-dir", str(data), "--no-build"]) == 1
    assert "--style" in capsys.readouterr().err
    assert _blobs(data) == []
    broken = tmp_path / "style"
    shutil.copytree(vector_style(), broken)
    (broken / "sprite.png").unlink()
    args = [
        "basemap",
        "set",
        str(vector_basemap()),
        "--style",
        str(broken),
        "--data-dir",
        str(data),
        "--no-build",
    ]
    assert main(args) == 1
    assert "sprite.png" in capsys.readouterr().err
    assert _blobs(data) == []

    args = [
        "basemap",
        "set",
        str(vector_basemap()),
        "--style",
        str(vector_style()),
        "--data-dir",
        str(data),
        "--no-build",
    ]
    assert main(args) == 0
    capsys.readouterr()
    record = json.loads(record_path_for(data).read_text())
    assert "style.json" in record["style"]
    assert "fonts/Noto Sans Regular/0-255.pbf" in record["style"]
    assert main(["basemap", "info", "--json", "--data-dir", str(data)]) == 0
    assert json.loads(capsys.readouterr().out)["tile_type"] == "mvt"


def test_a_raster_basemap_refuses_a_style(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = empty_store(tmp_path / "data")
    args = ["basemap", "set", str(raster_basemap()), "--style", str(vector_style()), "--data-dir", str(data)]
    assert main(args) == 1
    assert "is for vector basemaps; this one has raster tiles" in capsys.readouterr().err
    assert _blobs(data) == []


def test_set_needs_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert main(["basemap", "set", str(raster_basemap()), "--data-dir", str(data)]) == 1
    assert "no Odyssée store" in capsys.readouterr().err
    assert not data.exists() or _blobs(data) == []
