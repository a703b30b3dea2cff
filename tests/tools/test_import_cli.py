"""``odyssee import --from …``: each format from the command line, reports (text and JSON), exit codes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tools.cli import main

FEEDS = Path(__file__).resolve().parents[1] / "data" / "importers"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["import", *args, "--json"]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def rows(data_dir: Path, sql: str) -> list[Any]:
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_overpass_import_and_rerun(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    args = ("--from", "osm", str(FEEDS / "overpass.json"), "--data-dir", str(data), "--no-media")
    report = run_json(capsys, *args)
    assert (report["read"], report["created"]) == (7, 4)
    assert report["skipped"] == {"no name": 1, "no usable coordinates": 1, "unmapped category": 1}
    assert report["unmapped_kinds"] == {"amenity=bench": 1}
    assert report["opening_hours_as_text"] == 1
    pois = {row[0]: row[1:] for row in rows(data, "SELECT id, category, opening_hours, lat, lon FROM pois")}
    assert pois["musee-des-commerces-et-des-marques"] == (
        "museum",
        "Tu-Su 10:00-12:30,14:00-18:00; PH off",
        48.3219,
        0.8217,
    )
    assert pois["reserve-des-etangs"] == ("nature", None, 48.41, 0.72)
    assert pois["eglise-notre-dame"][0] == "church_abbey"
    castle = rows(data, "SELECT description, accessibility FROM pois WHERE id = 'chateau-de-saint-jean'")[0]
    assert castle == (
        '{"fr":"Ouverture : Apr-Sep: daily 10:00-18:00 sauf les jours de pluie"}',
        '{"wheelchair":"no"}',
    )
    museum = rows(
        data, "SELECT name, contact, address FROM pois WHERE id = 'musee-des-commerces-et-des-marques'"
    )
    assert museum == [
        (
            '{"en":"Museum of Shops and Brands","fr":"Musée des Commerces et des Marques"}',
            '{"phone":"+33 2 37 52 00 00","website":"https://example.org/musee"}',
            "2 Rue de l'Église, 28400 Nogent-le-Rotrou",
        )
    ]
    assert rows(data, "SELECT external_id FROM import_sources ORDER BY 1") == [
        ("node/1001",),
        ("relation/3003",),
        ("way/2002",),
        ("way/2004",),
    ]
    history = rows(data, "SELECT count(*) FROM history")
    again = run_json(capsys, *args)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert rows(data, "SELECT count(*) FROM history") == history


def test_text_report_and_dry_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    source = str(FEEDS / "overpass.json")
    assert main(["import", "--from", "osm", source, "--data-dir", str(data), "--dry-run", "--no-media"]) == 0
    out = capsys.readouterr().out
    assert "would import from osm (osm): 7 objects read" in out
    assert "created 4, updated 0, unchanged 0" in out
    assert "skipped (unmapped category): 1" in out
    assert "opening periods kept as text" in out
    assert rows(data, "SELECT count(*) FROM pois") == [(0,)]


def test_mapping_overrides_the_defaults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"amenity=bench": "picnic_area", "tourism=museum": None}))
    data = tmp_path / "data"
    report = run_json(
        capsys,
        "--from",
        "osm",
        str(FEEDS / "overpass.json"),
        "--data-dir",
        str(data),
        "--no-media",
        "--mapping",
        str(mapping),
        "--provider",
        "osm-perche",
    )
    assert report["provider"] == "osm-perche"
    assert report["unmapped_kinds"] == {"tourism=museum": 1}
    assert report["skipped"]["no name"] == 2  # the bench is mapped now, but has no name


def test_bad_arguments_and_unreadable_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    source = str(FEEDS / "overpass.json")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"amenity=bench": "sauna"}))
    common = ["--data-dir", str(data), "--no-media"]
    assert main(["import", "--from", "osm", source, *common, "--mapping", str(mapping)]) == 2
    assert "mapping.amenity=bench: unknown category 'sauna'" in capsys.readouterr().err
    assert main(["import", "--from", "osm", source, *common, "--bbox", "1,2,3"]) == 2
    assert main(["import", "--from", "osm", source, *common, "--area", "nowhere"]) == 2
    assert "area: unknown area 'nowhere'" in capsys.readouterr().err
    assert main(["import", "--from", "osm", source, *common, "--office", "nope"]) == 2
    assert main(["import", "--from", "osm", str(tmp_path / "missing.json"), *common]) == 1
    broken = tmp_path / "broken.json"
    broken.write_text('{"elements": [')
    assert main(["import", "--from", "osm", str(broken), *common]) == 1
    assert main(["import", "--from", "geojson", source, *common]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert rows(data, "SELECT count(*) FROM pois") == [(0,)]


def test_bbox_limits_the_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    report = run_json(
        capsys,
        "--from",
        "osm",
        str(FEEDS / "overpass.json"),
        "--data-dir",
        str(data),
        "--no-media",
        "--bbox",
        "0.5,48.3,0.7,48.6",
    )
    assert report["created"] == 2
    assert report["skipped"]["outside the area"] == 2


@pytest.mark.parametrize(
    ("format_name", "source", "created", "skipped"),
    [
        (
            "tourinsoft",
            "tourinsoft-v3.json",
            3,
            {"no name": 1, "no usable coordinates": 1, "unmapped category": 1},
        ),
        ("tourinsoft", "tourinsoft-v2.json", 2, {}),
        ("apidae", "apidae.json", 3, {"no name": 1, "no usable coordinates": 1, "unmapped category": 1}),
        ("datatourisme", "datatourisme", 2, {"unreadable object file": 1}),
        ("datatourisme", "datatourisme/objects/1/1a/10-1a2b3c.json", 1, {}),
    ],
)
def test_each_format_imports_and_reruns_as_a_no_op(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    format_name: str,
    source: str,
    created: int,
    skipped: dict[str, int],
) -> None:
    data = tmp_path / "data"
    args = ("--from", format_name, str(FEEDS / source), "--data-dir", str(data), "--no-media")
    report = run_json(capsys, *args)
    assert (report["created"], report["skipped"]) == (created, skipped)
    state = rows(data, "SELECT id, revision, updated_at FROM pois ORDER BY id")
    history = rows(data, "SELECT count(*) FROM history")
    again = run_json(capsys, *args)
    assert (again["created"], again["updated"], again["unchanged"], again["unpublished"]) == (
        0,
        0,
        created,
        0,
    )
    assert rows(data, "SELECT id, revision, updated_at FROM pois ORDER BY id") == state
    assert rows(data, "SELECT count(*) FROM history") == history


def test_export_jsonld_catalogue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pyld import jsonld

    from tests.territory import SMALL_TERRITORY

    data = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(data), "--file", str(SMALL_TERRITORY)]) == 0
    out = tmp_path / "catalogue.jsonld"
    capsys.readouterr()
    args = ["export", "--format", "jsonld", "--base-url", "https://odyssee.example", "--out", str(out)]
    assert main([*args, "--data-dir", str(data)]) == 0
    published = rows(
        data,
        "SELECT (SELECT count(*) FROM routes WHERE status = 'published')"
        " + (SELECT count(*) FROM pois WHERE status = 'published')",
    )[0][0]
    assert capsys.readouterr().err == f"exported {published} routes and POIs\n"
    document = json.loads(out.read_bytes())
    types = [node["@type"] for node in document["@graph"]]
    assert (
        types.count("TouristTrip")
        == rows(data, "SELECT count(*) FROM routes WHERE status = 'published'")[0][0]
    )
    assert document["@graph"][0]["@id"].startswith("https://odyssee.example/api/v1/routes/")

    def no_remote(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        raise AssertionError(url)

    quads = jsonld.to_rdf(document, {"documentLoader": no_remote, "format": "application/n-quads"})
    assert "<https://schema.org/TouristAttraction>" in quads


def test_feeds_are_read_from_urls(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.content.importers.picture_server import picture_server

    data = tmp_path / "data"
    with picture_server(fixtures_dir / "images") as server:
        server.files["syndication/objects.json"] = server.feed(FEEDS / "tourinsoft-v2.json")
        url = f"{server.base_url}/syndication/objects.json"
        report = run_json(capsys, "--from", "tourinsoft", url, "--data-dir", str(data))
        assert (report["created"], report["pictures_fetched"]) == (2, 2)
        assert (
            main(["import", "--from", "tourinsoft", f"{server.base_url}/gone.json", "--data-dir", str(data)])
            == 1
        )
        err = capsys.readouterr().err
        assert "cannot read" in err
        assert "HTTP 404" in err


def test_area_limits_the_import_and_its_unpublishing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    source = str(FEEDS / "overpass.json")
    run_json(capsys, "--from", "osm", source, "--data-dir", str(data), "--no-media")
    assert (
        main(
            [
                "areas",
                "add",
                "perche-ouest",
                "--title",
                "Perche ouest",
                "--bbox",
                "0.5,48.3,0.7,48.6",
                "--data-dir",
                str(data),
            ]
        )
        == 0
    )
    capsys.readouterr()
    empty = tmp_path / "empty-area.json"
    empty.write_text(
        json.dumps(
            {
                "elements": [
                    {
                        "type": "node",
                        "id": 1,
                        "lat": 48.0,
                        "lon": 2.0,
                        "tags": {"tourism": "museum", "name": "Ailleurs"},
                    }
                ]
            }
        )
    )
    report = run_json(
        capsys, "--from", "osm", str(empty), "--data-dir", str(data), "--no-media", "--area", "perche-ouest"
    )
    # Only the two objects inside the area were missing; the two outside it stay published.
    assert (report["unpublished"], report["skipped"]) == (2, {"outside the area": 1})
    statuses = dict(rows(data, "SELECT id, status FROM pois"))
    assert sorted(statuses.values()) == ["draft", "draft", "published", "published"]


def test_print_mapping_shows_the_table_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"FMA": "other", "PCU": None}))
    assert main(["import", "--from", "tourinsoft", "-", "--print-mapping", "--mapping", str(mapping)]) == 0
    table = json.loads(capsys.readouterr().out)
    assert (table["FMA"], table["Châteaux"], "PCU" in table) == ("other", "castle", False)
