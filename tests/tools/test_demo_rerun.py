"""``odyssee demo`` on the bundled Perche: it defines the Perche area pack, and a second run changes
nothing (no revision, no history row, no password, no pack version) except offers that have expired."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tools.cli import main
from tools.demo_producers import DEMO_PRODUCERS_PATH


def _state(data_dir: Path) -> dict[str, list[Any]]:
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        queries = {
            "history": "SELECT count(*) FROM history",
            "revisions": "SELECT 'poi', id, revision FROM pois"
            " UNION ALL SELECT 'route', id, revision FROM routes"
            " UNION ALL SELECT 'producer', id, revision FROM producers"
            " UNION ALL SELECT 'offer', id, revision FROM offers ORDER BY 1, 2",
            "offers": "SELECT id, valid_until, updated_at FROM offers ORDER BY id",
            "users": "SELECT email, password_hash, revision FROM users ORDER BY email",
            "packs": "SELECT pack_id, version, sha256 FROM pack_versions ORDER BY pack_id, version",
        }
        return {name: conn.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        conn.close()


def _run(data_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert main(["demo", "--no-media", "--data-dir", str(data_dir), *extra]) == 0
    return capsys.readouterr().out


def test_second_run_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    seeds = json.loads(DEMO_PRODUCERS_PATH.read_bytes())["producers"]
    offers = sum(len(seed["offers"]) for seed in seeds)
    first_out = _run(data_dir, capsys)
    assert "area pack area:perche defined" in first_out
    first = _state(data_dir)
    assert ("area:perche", 1) in [(pack, version) for pack, version, _ in first["packs"]]
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        manifest = conn.execute(
            "SELECT manifest FROM pack_versions WHERE pack_id = 'area:perche'"
        ).fetchone()[0]
    finally:
        conn.close()
    area_entries = {entry["path"] for entry in json.loads(manifest)["entries"]}
    assert {"content/routes.geojson", "content/pois.geojson", "content/producers.geojson"} <= area_entries

    again = _run(data_dir, capsys)
    assert f"demo producers: 0 created, 0 updated, {len(seeds)} unchanged" in again
    assert f"offers: 0 created, 0 updated, {offers} unchanged" in again
    assert "area pack" not in again
    assert "offline packs: 0 built or updated" in again
    assert _state(data_dir) == first


def test_expired_offers_are_renewed_and_passwords_reset_on_demand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    _run(data_dir, capsys)
    conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
    try:
        expired = conn.execute("SELECT id FROM offers ORDER BY id LIMIT 1").fetchone()[0]
        with conn:
            conn.execute("UPDATE offers SET valid_until = '2020-01-01T00:00:00Z' WHERE id = ?", (expired,))
    finally:
        conn.close()
    before = _state(data_dir)
    out = _run(data_dir, capsys, "--reset-passwords")
    assert "offers: 0 created, 1 updated" in out
    after = _state(data_dir)
    changed = set(after["revisions"]) - set(before["revisions"])
    assert changed == {("offer", expired, 2)}
    hashes = {email: digest for email, digest, _ in before["users"]}
    assert all(hashes[email] != digest for email, digest, _ in after["users"])
    assert "unchanged" not in out.split("producer accounts", 1)[1].split("offline packs", 1)[0]


def test_a_rerun_keeps_accounts_an_admin_disabled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``make run`` runs the demo at every start: it must not enable again what an admin disabled."""
    data_dir = tmp_path / "data"
    _run(data_dir, capsys)
    producer_email = _state(data_dir)["users"][-1][0]
    assert producer_email.endswith("@demo.odyssee.example")
    for email in ("staff@demo.odyssee.example", producer_email):
        assert main(["users", "disable", email, "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()

    def disabled() -> set[str]:
        conn = sqlite3.connect(data_dir / "odyssee.sqlite3")
        try:
            return {email for (email,) in conn.execute("SELECT email FROM users WHERE disabled")}
        finally:
            conn.close()

    before = _state(data_dir)
    out = _run(data_dir, capsys)
    assert disabled() == {"staff@demo.odyssee.example", producer_email}
    assert _state(data_dir) == before
    staff_line = next(line for line in out.splitlines() if "staff@demo.odyssee.example" in line)
    assert "password disabled" in staff_line
    assert "--reset-passwords enables them again" in out
    assert f"  {producer_email}\tdisabled\t" in out

    out = _run(data_dir, capsys, "--reset-passwords")
    assert disabled() == set()
    staff_line = next(line for line in out.splitlines() if "staff@demo.odyssee.example" in line)
    assert "disabled" not in staff_line
