"""A second ``odyssee demo`` (what ``make run`` runs each time) never reverts an edit made through the API.

Staff edit a demo POI and a demo route, a producer marks a demo offer sold out; the demo is loaded again:
every edit, its revision and its history stay as they were, and the loader says it kept them. Whatever the
loader itself writes is recorded in the history like any edit.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from content.core.settings import load_settings
from service.app import create_app
from tests.territory import SMALL_TERRITORY as SMALL
from tests.territory import demo_bytes
from tools.cli import main

STAFF = "staff@demo.odyssee.example"
PRODUCER = "producer@demo.odyssee.example"


def _query(data_dir: Path, sql: str, *params: object) -> list[Any]:
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+\w+\s+(\S+@\S+)\s+password (\S+)", output, flags=re.MULTILINE))


def _history(data_dir: Path, entity_type: str, entity_id: str) -> list[Any]:
    return _query(
        data_dir,
        "SELECT revision, action, user_id, before, after FROM history"
        " WHERE entity_type = ? AND entity_id = ? ORDER BY id",
        entity_type,
        entity_id,
    )


async def _edit_through_the_api(data_dir: Path, passwords: dict[str, str], ids: dict[str, str]) -> None:
    app = create_app(load_settings(env={}, data_dir=data_dir))
    async with AsyncTestClient(app=app) as client:

        async def sign_in(email: str) -> dict[str, str]:
            answer = await client.post(
                "/api/v1/auth/login", json={"email": email, "password": passwords[email]}
            )
            assert answer.status_code == 200, answer.text
            return {"Authorization": f"Bearer {answer.json()['token']}"}

        async def change(
            headers: dict[str, str], path: str, field: str, value: Any, text: bool = True
        ) -> None:
            read = await client.get(path, headers=headers)
            assert read.status_code == 200, read.text
            if text:  # a new French text, other languages as they were
                value = {**read.json()[field], "fr": value}
            answer = await client.patch(
                path, json={field: value}, headers={**headers, "If-Match": read.headers["etag"]}
            )
            assert answer.status_code == 200, answer.text

        staff = await sign_in(STAFF)
        await change(staff, f"/api/v1/editor/pois/{ids['poi']}", "name", "Nom choisi par l'office")
        await change(staff, f"/api/v1/editor/routes/{ids['route']}", "title", "Titre choisi par l'office")
        producer = await sign_in(PRODUCER)
        offer_path = f"/api/v1/editor/producers/{ids['producer']}/offers/{ids['offer']}"
        await change(producer, offer_path, "availability", "sold_out", text=False)


def test_a_second_run_keeps_every_edit_and_its_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(data_dir)]) == 0
    passwords = _passwords(capsys.readouterr().out)
    assert {STAFF, PRODUCER} <= set(passwords)
    producer_id = _query(data_dir, "SELECT producer_id FROM users WHERE email = ?", PRODUCER)[0][0]
    ids = {
        "poi": _query(data_dir, "SELECT id FROM pois WHERE office_id = 'perche-tourisme' ORDER BY id")[0][0],
        "route": _query(data_dir, "SELECT id FROM routes WHERE office_id = 'perche-tourisme' ORDER BY id")[0][
            0
        ],
        "producer": producer_id,
        "offer": _query(data_dir, "SELECT id FROM offers WHERE producer_id = ? ORDER BY id", producer_id)[0][
            0
        ],
    }
    asyncio.run(_edit_through_the_api(data_dir, passwords, ids))
    tables = {"poi": "pois", "route": "routes", "offer": "offers"}
    edited = {
        kind: _query(data_dir, f"SELECT * FROM {table} WHERE id = ?", ids[kind])
        for kind, table in tables.items()
    }
    histories = {kind: _history(data_dir, kind, ids[kind]) for kind in tables}
    for kind, rows in histories.items():
        assert rows[-1][2] is not None, kind  # the edit, by its author's account

    assert main(["demo", "--no-media", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "2 kept as edited" in out  # the POI and the route
    assert "offers: 0 created, 0 updated" in out
    assert "1 kept as edited" in out.split("offers:")[1]
    for kind, table in tables.items():
        assert _query(data_dir, f"SELECT * FROM {table} WHERE id = ?", ids[kind]) == edited[kind], kind
        assert _history(data_dir, kind, ids[kind]) == histories[kind], kind
    assert (
        "Nom choisi par l'office" in _query(data_dir, "SELECT name FROM pois WHERE id = ?", ids["poi"])[0][0]
    )
    assert _query(data_dir, "SELECT availability FROM offers WHERE id = ?", ids["offer"]) == [("sold_out",)]


def test_what_the_loader_writes_is_in_the_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(SMALL)]) == 0
    created = _query(
        data_dir,
        "SELECT entity_type, action, user_id, revision FROM history"
        " WHERE entity_type IN ('poi', 'route') ORDER BY id",
    )
    # Through the editing workflow, as staff would: created as a draft, then published.
    created_then_published = [("create", None, 1), ("publish", None, 2)]
    assert (
        created
        == [("poi", *row) for row in created_then_published] * 4
        + [("route", *row) for row in created_then_published] * 2
    )
    assert _query(data_dir, "SELECT action FROM history WHERE entity_type = 'office'") == [("create",)]
    after = json.loads(_history(data_dir, "route", "mortagne-cite-perchee")[0][4])
    assert after["status"] == "draft"
    assert len(after["stops"]) > 0

    territory = json.loads(demo_bytes())
    territory["pois"][0]["name"]["de"] = "Kirche Notre-Dame"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(territory), encoding="utf-8")
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(changed)]) == 0
    assert "0 created, 1 updated, 5 unchanged" in capsys.readouterr().out
    last = _history(data_dir, "poi", "eglise-notre-dame-mortagne")[-1]
    assert last[:3] == (3, "update", None)
    assert json.loads(last[4])["name"]["de"] == "Kirche Notre-Dame"


def test_offices_an_admin_renamed_keep_their_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(SMALL)]) == 0
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        with conn:
            conn.execute("UPDATE offices SET name = 'Renamed', revision = revision + 1")
    finally:
        conn.close()
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), "--file", str(SMALL)]) == 0
    assert _query(data_dir, "SELECT DISTINCT name FROM offices") == [("Renamed",)]
