"""``odyssee demo`` with media made for real: narrations and pictures ingested, served over HTTP, made once.

The territory is a slice of the bundled demo (one route, its first two stops and their POIs), so that the
real narration files of those stops exist and the test stays short.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.settings import load_settings
from service.app import create_app
from tools.cli import main
from tools.demo_media import ART_CREDIT, DEMO_LICENCE, SPEECH_CREDIT

MEDIA_TERRITORY = Path(__file__).parents[1] / "data" / "demo_media_territory.json"
ROUTE = "belleme-legendes-de-la-foret"
STOPS = ["belleme-porche", "belleme-saint-sauveur"]
POIS = ["porche-belleme", "eglise-saint-sauveur-belleme"]
# Two POI pictures, one cover, two stop pictures and a French and an English narration per stop.
MADE = 9

Client = AsyncTestClient[Litestar]


def snapshot(data_dir: Path) -> dict[str, object]:
    """Everything a re-run must leave alone: media rows, revisions, stored media fields, history."""
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        return {
            "media": conn.execute("SELECT id, created_at FROM media ORDER BY id").fetchall(),
            "variants": conn.execute("SELECT media_id, name, sha256 FROM media_variants").fetchall(),
            "pois": conn.execute("SELECT id, revision, updated_at, images FROM pois ORDER BY id").fetchall(),
            "routes": conn.execute("SELECT id, revision, updated_at, cover FROM routes").fetchall(),
            "stops": conn.execute("SELECT id, audio, images FROM stops ORDER BY id").fetchall(),
            "users": conn.execute("SELECT email, revision, password_hash FROM users").fetchall(),
            "history": conn.execute("SELECT count(*) FROM history").fetchone(),
        }
    finally:
        conn.close()


def printed_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+\w+\s+(\S+@\S+)\s+password (\S+)", output, flags=re.MULTILINE))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One real load with media, shared by the module's tests (ingesting is the slow part)."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert main(["demo", "--data-dir", str(data_dir), "--file", str(MEDIA_TERRITORY)]) == 0
    return data_dir, output.getvalue()


@pytest.fixture
async def client(loaded: tuple[Path, str]) -> AsyncIterator[Client]:
    app = create_app(load_settings(env={}, data_dir=loaded[0]))
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


def test_the_load_reports_what_it_made(loaded: tuple[Path, str]) -> None:
    _, output = loaded
    assert f"demo media: making {MADE} narrations and pictures, 2 at a time" in output
    assert f"[{MADE}/{MADE}]" in output
    assert "narration of stop belleme-porche (en)" in output
    assert f"demo media: {MADE} made, 0 already attached" in output
    assert "3 created, 0 updated, 0 unchanged" in output


async def test_every_stop_has_narrations_and_a_picture(client: Client) -> None:
    features = (await client.get(f"/api/v1/routes/{ROUTE}?lang=*")).json()["features"]
    route, stops = features[0]["properties"], [f for f in features if f["id"] in STOPS]
    assert route["cover"]["kind"] == "image"
    assert set(route["cover"]["variants"]) == {"thumb", "screen"}
    assert route["cover"]["alt"] == route["title"]["fr"]
    assert [stop["id"] for stop in stops] == STOPS
    for stop in stops:
        audio = stop["properties"]["audio"]
        assert set(audio) == {"fr", "en"}
        for lang, ref in audio.items():
            assert ref["kind"] == "audio"
            assert ref["variants"]["speech"]["type"] == "audio/mp4"
            assert ref["duration_s"] > 1
            assert ref["caption"] == stop["properties"]["title"][lang]
            assert (ref["credit"], ref["licence"]) == (SPEECH_CREDIT, DEMO_LICENCE)
        [image] = stop["properties"]["images"]
        assert (image["credit"], image["licence"]) == (ART_CREDIT, DEMO_LICENCE)
        assert image["alt"] == stop["properties"]["title"]["fr"]
        assert image["variants"]["screen"]["width"] == 1280


async def test_every_poi_has_a_picture(client: Client) -> None:
    for poi_id in POIS:
        properties = (await client.get(f"/api/v1/pois/{poi_id}")).json()["properties"]
        [image] = properties["images"]
        assert image["kind"] == "image"
        assert image["alt"] == properties["name"]
        assert image["placeholder"]


async def test_a_narration_is_served_with_range(client: Client) -> None:
    features = (await client.get(f"/api/v1/routes/{ROUTE}?lang=fr")).json()["features"]
    [porche] = [f for f in features if f["id"] == STOPS[0]]
    speech = porche["properties"]["audio"]["variants"]["speech"]
    whole = await client.get(speech["url"])
    assert whole.status_code == 200
    assert len(whole.content) == speech["size"]
    part = await client.get(speech["url"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{speech['size']}"
    assert part.content == whole.content[100:200]


def test_running_again_makes_nothing_and_bumps_nothing(
    loaded: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, _ = loaded
    before = snapshot(data_dir)
    assert main(["demo", "--data-dir", str(data_dir), "--file", str(MEDIA_TERRITORY)]) == 0
    output = capsys.readouterr().out
    assert f"demo media: all {MADE} already attached" in output
    assert "0 created, 0 updated, 3 unchanged" in output
    assert "password unchanged" in output
    assert snapshot(data_dir) == before
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(MEDIA_TERRITORY)]) == 0
    assert snapshot(data_dir) == before


def test_a_quick_load_makes_no_media(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(MEDIA_TERRITORY)]) == 0
    assert f"demo media: {MADE} left out (--no-media)" in capsys.readouterr().out
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        assert conn.execute("SELECT count(*) FROM media").fetchone() == (0,)
        assert conn.execute("SELECT DISTINCT images FROM pois").fetchall() == [("[]",)]
    finally:
        conn.close()


async def test_the_printed_accounts_sign_in(loaded: tuple[Path, str], client: Client) -> None:
    _, output = loaded
    passwords = printed_passwords(output)
    # No producer in this territory: admin and staff of its only office.
    assert set(passwords) == {"admin@demo.odyssee.example", "staff@demo.odyssee.example"}
    assert "staff     staff@demo.odyssee.example" in output
    assert "belleme-tourisme" in output
    for email, password in passwords.items():
        answer = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        assert answer.json()["user"]["role"] == email.split("@")[0]
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {answer.json()['token']}"})
    assert me.status_code == 200


async def sign_in_status(data_dir: Path, email: str, password: str) -> int:
    app = create_app(load_settings(env={}, data_dir=data_dir))
    async with AsyncTestClient(app=app) as client:
        answer = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
        return answer.status_code


def test_reset_passwords_prints_new_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    quick = ["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(MEDIA_TERRITORY)]
    assert main(quick) == 0
    first = printed_passwords(capsys.readouterr().out)
    assert main([*quick, "--reset-passwords"]) == 0
    second = printed_passwords(capsys.readouterr().out)
    assert set(second) == set(first)
    assert all(second[email] != first[email] for email in first)
    email = "admin@demo.odyssee.example"
    assert asyncio.run(sign_in_status(data_dir, email, first[email])) == 401
    assert asyncio.run(sign_in_status(data_dir, email, second[email])) == 200


def test_the_test_territory_is_a_slice_of_the_demo() -> None:
    """So that its stops' narration files are the real ones."""
    demo = json.loads((Path(__file__).parents[2] / "tools" / "demo" / "territory.json").read_bytes())
    sliced = json.loads(MEDIA_TERRITORY.read_bytes())
    demo_stops = {stop["id"]: stop for route in demo["routes"] for stop in route["stops"]}
    assert all(demo_stops[stop["id"]] == stop for stop in sliced["routes"][0]["stops"])
