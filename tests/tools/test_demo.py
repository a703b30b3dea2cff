from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.territory import SMALL_TERRITORY as SMALL
from tests.territory import demo_bytes
from tools.cli import main


def counts(data_dir: Path) -> dict[str, int]:
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("offices", "pois", "routes", "stops")
        }
    finally:
        conn.close()


def revisions(data_dir: Path) -> dict[str, int]:
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        rows = conn.execute(
            "SELECT id, revision FROM pois UNION ALL SELECT id, revision FROM routes"
        ).fetchall()
    finally:
        conn.close()
    return dict(rows)


def test_demo_loads_once_however_often_it_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(SMALL)]) == 0
    assert "6 created" in capsys.readouterr().out
    first = counts(data_dir)
    assert first == {"offices": 1, "pois": 4, "routes": 2, "stops": 10}
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(SMALL)]) == 0
    assert "0 created, 0 updated, 6 unchanged" in capsys.readouterr().out
    assert counts(data_dir) == first
    assert set(revisions(data_dir).values()) == {2}  # created as a draft, then published


def test_demo_file_changes_are_applied_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(SMALL)]) == 0
    territory = json.loads(demo_bytes())
    territory["pois"][0]["name"]["de"] = "Kirche Notre-Dame"
    territory["routes"][1]["stops"].pop()
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(territory), encoding="utf-8")
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(changed)]) == 0
    assert "0 created, 2 updated, 4 unchanged" in capsys.readouterr().out
    assert counts(data_dir)["stops"] == 9
    assert revisions(data_dir)["eglise-notre-dame-mortagne"] == 3
    assert revisions(data_dir)["mortagne-cite-perchee"] == 3


def test_a_bad_territory_is_refused_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    territory = json.loads(demo_bytes())
    territory["routes"][0]["stops"][2]["trigger_radius_m"] = 900
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(territory), encoding="utf-8")
    data_dir = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(bad)]) == 1
    assert "routes[0].stops[2].trigger_radius_m" in capsys.readouterr().err
    assert not (data_dir / "odyssee.sqlite3").exists()


def test_a_late_error_rolls_back_earlier_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(SMALL)]) == 0
    territory = json.loads(demo_bytes())
    territory["pois"][1]["name"]["fr"] = "Abbaye renommée"
    territory["routes"][1]["stops"][3]["poi_id"] = "no-such-poi"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(territory), encoding="utf-8")
    capsys.readouterr()
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(bad)]) == 1
    assert "routes[1].stops[3].poi_id: unknown POI" in capsys.readouterr().err
    assert counts(data_dir) == {"offices": 1, "pois": 4, "routes": 2, "stops": 10}
    assert set(revisions(data_dir).values()) == {2}  # created as a draft, then published


def test_the_bundled_perche_demo_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(data_dir)]) == 0
    bundled = json.loads((Path(__file__).parents[2] / "tools" / "demo" / "territory.json").read_bytes())
    loaded = counts(data_dir)
    assert loaded["pois"] == len(bundled["pois"])
    assert loaded["routes"] == len(bundled["routes"])
    assert loaded["stops"] == sum(len(route["stops"]) for route in bundled["routes"])
