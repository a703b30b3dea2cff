"""Migration 0017 turns the crossed counters of 0016 into facets, keeping every figure."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from content.core.db import _split_statements, migration_files


def _apply(conn: sqlite3.Connection, upto: int | None = None, after: int = 0) -> None:
    for number, _, sql in migration_files():
        if after < number and (upto is None or number <= upto):
            for statement in _split_statements(sql):
                conn.execute(statement)


def test_counters_of_0016_become_facets(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    _apply(conn, upto=16)
    rows = [
        ("day", "2026-07-14", "stop_reached", "route", "r1", "s1", "gps", "fr", "ios", "2.4.0", 3, 0),
        ("day", "2026-07-14", "stop_reached", "route", "r1", "s1", "qr", "en", "ios", "2.4.0", 2, 0),
        (
            "day",
            "2026-07-14",
            "narration_played",
            "route",
            "r1",
            "s1",
            "finished",
            "fr",
            "android",
            "2.4.0",
            4,
            400,
        ),
        (
            "day",
            "2026-07-14",
            "narration_played",
            "route",
            "r1",
            "s1",
            "skipped",
            "fr",
            "android",
            "2.4.0",
            1,
            5,
        ),
        ("month", "2026-07-01", "pack_downloaded", "pack", "route:r1", "", "", "", "", "", 7, 0),
    ]
    conn.executemany("INSERT INTO analytics_counters VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    _apply(conn, after=16)
    found = {
        tuple(r[:5]): (r[5], r[6])
        for r in conn.execute(
            "SELECT span, facet, type, object_id, key, count, value_sum FROM analytics_facets"
        )
    }
    assert found == {
        ("day", "total", "stop_reached", "r1", ""): (5, 0),
        ("day", "stop", "stop_reached", "r1", "s1"): (5, 0),
        ("day", "detail", "stop_reached", "r1", "gps"): (3, 0),
        ("day", "detail", "stop_reached", "r1", "qr"): (2, 0),
        ("day", "lang", "stop_reached", "r1", "fr"): (3, 0),
        ("day", "lang", "stop_reached", "r1", "en"): (2, 0),
        ("day", "platform", "stop_reached", "r1", "ios"): (5, 0),
        ("day", "app_version", "stop_reached", "r1", "2.4.0"): (5, 0),
        ("day", "total", "narration_played", "r1", ""): (5, 405),
        ("day", "stop", "narration_played", "r1", "s1"): (5, 405),
        ("day", "detail", "narration_played", "r1", "finished"): (4, 400),
        ("day", "detail", "narration_played", "r1", "skipped"): (1, 5),
        ("day", "stop_finished", "narration_played", "r1", "s1"): (4, 400),
        ("day", "lang", "narration_played", "r1", "fr"): (5, 405),
        ("day", "platform", "narration_played", "r1", "android"): (5, 405),
        ("day", "app_version", "narration_played", "r1", "2.4.0"): (5, 405),
        ("month", "total", "pack_downloaded", "route:r1", ""): (7, 0),
    }
    assert conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'analytics_counters'"
    ).fetchone() == (0,)
