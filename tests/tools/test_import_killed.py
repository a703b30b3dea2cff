"""A killed import (SIGKILL while it waits for a picture of its second batch) leaves the first batch
whole and nothing of the second; the next run completes it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.content.importers.picture_server import picture_server
from tools.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _object(n: int, picture: str | None = None) -> dict[str, object]:
    row: dict[str, object] = {
        "SyndicObjectID": f"PCUTEST{n:04d}",
        "SyndicObjectName": f"Lavoir {n}",
        "Updated": "/Date(1767225600000)/",
        "ObjectTypeName": "Patrimoine culturel",
        "GmapLatitude": "48.4",
        "GmapLongitude": f"0.{700 + n}",
    }
    if picture:
        row["MediaPhotoss"] = [{"Ordre": 1, "Photo": {"Url": picture, "Credit": "OT"}}]
    return row


def _count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_killed_import_keeps_whole_batches_only(
    tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    feed = tmp_path / "feed.json"
    with picture_server(fixtures_dir / "images") as server:
        rows = [_object(1), _object(2, f"{server.base_url}/held/chelsea.png"), _object(3)]
        feed.write_text(json.dumps({"value": rows}))
        command = [sys.executable, "-m", "tools.cli", "import", "--from", "tourinsoft", str(feed)]
        command += ["--batch-size", "1", "--data-dir", str(data)]
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL
        )
        try:
            assert server.hold.wait(120), "the import never asked for the held picture"
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait(60)
        db = data / "odyssee.sqlite3"
        assert (_count(db, "pois"), _count(db, "import_sources"), _count(db, "history")) == (1, 1, 1)
        server.release.set()
        assert main(["import", "--from", "tourinsoft", str(feed), "--data-dir", str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["created"], report["unchanged"], report["pictures_fetched"]) == (2, 1, 1)
    assert (_count(db, "pois"), _count(db, "import_sources")) == (3, 3)
