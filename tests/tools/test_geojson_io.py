from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from content.pois import exchange
from tests.territory import SMALL_TERRITORY
from tools.cli import main
from tools.commands import geojson_io


def feature(n: int, **properties: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "category": "heritage",
        "name": {"fr": f"Lavoir n°{n}", "en": f"Wash house {n}"},
        "commune": "Longny-au-Perche",
        "contact": {"phone": "+33 2 33 73 66 92"},
        "accessibility": {"wheelchair": "yes", "notes": {"fr": "Plat"}},
    }
    base.update(properties)
    return {
        "type": "Feature",
        "id": f"lavoir-{n}",
        "geometry": {"type": "Point", "coordinates": [0.75 + n * 0.0001, 48.53]},
        "properties": base,
    }


def write(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def poi_count(data_dir: Path) -> int:
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        return int(conn.execute("SELECT count(*) FROM pois").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(params=["whole", "streamed"])
def data_dir(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A demo store; every test runs twice: files read whole, and read as a stream (every file counts as
    big, in chunks of 7 features, so that a file spans several chunks of the same transaction)."""
    if request.param == "streamed":
        monkeypatch.setattr(geojson_io, "STREAMED_FROM_BYTES", 0)
        monkeypatch.setattr(exchange, "STREAM_CHUNK", 7)
    directory = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(directory), "--file", str(SMALL_TERRITORY)]) == 0
    capsys.readouterr()
    return directory


def test_import_inserts_every_feature(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "in.geojson", [feature(n) for n in range(200)])
    assert main(["import", str(source), "--data-dir", str(data_dir), "--office", "perche"]) == 0
    assert "imported 200 POIs" in capsys.readouterr().out
    assert poi_count(data_dir) == 204
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    row = conn.execute("SELECT office_id, status, name FROM pois WHERE id = 'lavoir-7'").fetchone()
    hits = conn.execute("SELECT count(*) FROM pois_fts WHERE pois_fts MATCH 'lavoir'").fetchone()[0]
    conn.close()
    assert row == ("perche", "published", '{"en":"Wash house 7","fr":"Lavoir n°7"}')
    assert hits == 200


@pytest.mark.parametrize(
    ("broken", "field"),
    [
        (
            {"properties": {**feature(12)["properties"], "category": "volcano"}},
            "features[12].properties.category",
        ),
        (
            {"properties": {**feature(12)["properties"], "name": {"xx": "?"}}},
            "features[12].properties.name.xx",
        ),
        ({"properties": {**feature(12)["properties"], "colour": "red"}}, "features[12].properties.colour"),
        ({"geometry": {"type": "Point", "coordinates": [48.53, 120.0]}}, "features[12].geometry.coordinates"),
        ({"geometry": None}, "features[12].geometry"),
        ({"id": "Lavoir 12"}, "features[12].id"),
        ({"id": "lavoir-3"}, "features[12].id"),
        ({"id": "eglise-notre-dame-mortagne"}, "features[12].id"),
        (
            {"properties": {**feature(12)["properties"], "images": ["missing"]}},
            "features[12].properties.images[0]",
        ),
    ],
)
def test_one_bad_feature_aborts_the_import(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], broken: dict[str, Any], field: str
) -> None:
    features = [feature(n) for n in range(30)]
    features[12] = {**features[12], **broken}
    source = write(tmp_path / "bad.geojson", features)
    assert main(["import", str(source), "--data-dir", str(data_dir), "--office", "perche"]) == 1
    err = capsys.readouterr().err
    assert f"odyssee import: {field}: " in err
    assert "nothing was imported" in err
    assert poi_count(data_dir) == 4


def test_import_refuses_an_unknown_office_and_a_non_collection(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "in.geojson", [feature(1)])
    assert main(["import", str(source), "--data-dir", str(data_dir), "--office", "nowhere"]) == 1
    assert "office_id" in capsys.readouterr().err
    (tmp_path / "point.geojson").write_text('{"type": "Point", "coordinates": [0, 48]}', encoding="utf-8")
    assert main(["import", str(tmp_path / "point.geojson"), "--data-dir", str(data_dir)]) == 1
    assert "type" in capsys.readouterr().err
    (tmp_path / "broken.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    assert main(["import", str(tmp_path / "broken.geojson"), "--data-dir", str(data_dir)]) == 1
    assert poi_count(data_dir) == 4


def test_export_then_import_round_trips(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "more.geojson", [feature(n) for n in range(20)])
    assert main(["import", str(tmp_path / "more.geojson"), "--data-dir", str(data_dir)]) == 0
    first = tmp_path / "first.geojson"
    assert main(["export", "--data-dir", str(data_dir), "--out", str(first)]) == 0
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert len(exported["features"]) == 24
    assert exported["features"][0]["id"] == "abbaye-de-la-trappe"

    fresh = tmp_path / "fresh"
    assert main(["import", str(first), "--data-dir", str(fresh)]) == 0
    second = tmp_path / "second.geojson"
    assert main(["export", "--data-dir", str(fresh), "--out", str(second)]) == 0
    assert second.read_bytes() == first.read_bytes()
    capsys.readouterr()


def test_a_streamed_file_names_a_repeated_id_and_a_late_type(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read as a stream, an id repeated in a later chunk is still "twice in the import" (not "already
    exists": nothing was written), and a ``type`` written after the features is still checked."""
    monkeypatch.setattr(geojson_io, "STREAMED_FROM_BYTES", 0)
    monkeypatch.setattr(exchange, "STREAM_CHUNK", 7)
    features = [feature(n) for n in range(30)]
    features[20] = {**features[20], "id": "lavoir-2"}
    source = write(tmp_path / "twice.geojson", features)
    assert main(["import", str(source), "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "features[20].id: id 'lavoir-2' appears twice in the import" in err
    late = tmp_path / "late.geojson"
    late.write_text(json.dumps({"features": [feature(1)], "type": "Point"}), encoding="utf-8")
    assert main(["import", str(late), "--data-dir", str(data_dir)]) == 1
    assert "type: Invalid value 'Point'" in capsys.readouterr().err
    assert poi_count(data_dir) == 4
    fine = tmp_path / "fine.geojson"
    fine.write_text(json.dumps({"features": [feature(1)], "type": "FeatureCollection"}), encoding="utf-8")
    assert main(["import", str(fine), "--data-dir", str(data_dir)]) == 0
    assert poi_count(data_dir) == 5
