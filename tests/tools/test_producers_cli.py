"""``odyssee producers expiring|export`` and the demo producers, run in-process on a real store."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from content.accounts.login import login
from content.accounts.offices import NewOffice, create_office
from content.core.clock import utc_now
from content.core.db import Database
from content.producers.model import Contact, OfferInput, PointGeometry, ProducerInput
from content.producers.offer_store import create_offer
from content.producers.store import create_producer
from tools.cli import main
from tools.demo_producers import DEMO_PRODUCERS_PATH


async def _seed(path: Path) -> None:
    now = utc_now()
    async with Database(path) as db, db.write() as conn:
        await create_office(conn, NewOffice(id="ot-perche", name="Perche"), actor_id=None, now=now)
        profile = ProducerInput(
            name="Ferme du Tertre",
            geometry=PointGeometry(type="Point", coordinates=(0.82, 48.32)),
            contact=Contact(phone="+33 2 37 00 00 01", email="tertre@example.fr"),
            labels=["organic"],
        )
        await create_producer(
            conn,
            profile,
            now=now,
            office_id="ot-perche",
            producer_id="tertre",
            status="published",
        )
        for offer_id, days in (("soon", 3), ("later", 30)):
            offer = OfferInput(product={"fr": f"Produit {offer_id}"}, category="eggs",
                               valid_until=now + timedelta(days=days))  # fmt: skip
            await create_offer(conn, "tertre", offer, now=now, offer_id=offer_id)


@pytest.fixture
def data(tmp_path: Path) -> list[str]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    asyncio.run(_seed(data_dir / "odyssee.sqlite3"))
    return ["--data-dir", str(data_dir)]


def test_expiring_lists_offers_with_the_producer_contact(
    data: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["producers", "expiring", "--days", "7", *data]) == 0
    captured = capsys.readouterr()
    lines = [line.split("\t") for line in captured.out.splitlines()]
    assert [line[1:] for line in lines] == [
        ["tertre", "soon", "Produit soon", "+33 2 37 00 00 01", "tertre@example.fr"]
    ]
    expires = datetime.strptime(lines[0][0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(days=2) < expires - utc_now() <= timedelta(days=3)
    assert "1 offer(s) expire within 7 day(s)" in captured.err
    assert main(["producers", "expiring", "--days", "31", *data]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_expiring_refuses_a_bad_day_count(data: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["producers", "expiring", "--days", "0", *data])
    assert exited.value.code == 2
    assert "--days" in capsys.readouterr().err


def test_export_dfc_to_a_file(data: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dfc.json"
    base = "https://perche.example/dfc"
    assert main(["producers", "export", "--format", "dfc", "--out", str(out), "--base-url", base, *data]) == 0
    document = json.loads(out.read_bytes())
    assert document["@context"].startswith("https://w3id.org/dfc/")
    offers = {node["@id"] for node in document["@graph"] if node["@type"] == "dfc-b:Offer"}
    assert offers == {f"{base}/producers/tertre/offers/soon", f"{base}/producers/tertre/offers/later"}
    capsys.readouterr()
    assert main(["producers", "export", "--format", "dfc", "--base-url", base, *data]) == 0
    assert capsys.readouterr().out.strip().encode() == out.read_bytes()
    assert main(["producers", "export", "--format", "dfc", "--base-url", "ftp://x", *data]) == 2


def test_demo_loads_producers_and_accounts_idempotently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    args = ["--data-dir", str(data_dir)]
    assert main(["demo", *args]) == 0
    first = capsys.readouterr().out
    assert "demo producers: 10 created" in first
    passwords = {
        line.split("\t")[0].strip(): line.split("\t")[1] for line in first.splitlines() if "\t" in line
    }
    assert len(passwords) == 10
    assert main(["demo", *args]) == 0
    second = capsys.readouterr().out
    assert (
        "demo producers: 0 created, 0 updated, 10 unchanged; offers: 0 created, 0 updated, 38 unchanged"
        in second
    )
    again = {line.split("\t")[0].strip(): line.split("\t")[1] for line in second.splitlines() if "\t" in line}
    assert again.keys() == passwords.keys()
    assert set(again.values()) == {"unchanged"}  # the passwords printed by the first run still hold
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM producers), (SELECT count(*) FROM offers),"
            " (SELECT count(*) FROM users WHERE role = 'producer'),"
            " (SELECT min(valid_until) FROM offers)"
        ).fetchone()
    finally:
        conn.close()
    assert counts[:3] == (10, 38, 11)  # one account per producer, and the demo's producer@ account
    assert counts[3] > utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
    email = "cidrerie-des-coteaux@demo.odyssee.example"

    async def sign_in() -> str | None:
        async with Database(data_dir / "odyssee.sqlite3") as db:
            signed = await login(
                db, email=email, password=passwords[email], address="test", now=utc_now(), ttl_s=60
            )
            return signed.user.producer_id

    assert asyncio.run(sign_in()) == "cidrerie-des-coteaux"
    out = tmp_path / "dfc.json"
    assert main(["producers", "export", "--format", "dfc", "--out", str(out), *args]) == 0
    graph = json.loads(out.read_bytes())["@graph"]
    exported = {node["@id"].rsplit("/", 1)[1] for node in graph if node["@type"] == "dfc-b:Offer"}
    demo = json.loads(DEMO_PRODUCERS_PATH.read_bytes())
    assert exported == {offer["id"] for producer in demo["producers"] for offer in producer["offers"]}
