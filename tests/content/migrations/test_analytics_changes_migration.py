"""Migration 0035 stamps each month of usage counters, and every later write to a counter row (insert,
update, delete, from any connection) gives its month a stamp higher than every stamp before it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from content.core.db import _split_statements, migration_files


def _apply(conn: sqlite3.Connection, upto: int | None = None, after: int = 0) -> None:
    for number, _, sql in migration_files():
        if after < number and (upto is None or number <= upto):
            for statement in _split_statements(sql):
                conn.execute(statement)


def _stamps(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT month, stamp FROM analytics_changes").fetchall())


_ROW = (
    "INSERT INTO analytics_facets (span, facet, type, object_id, key, day, kind, count)"
    " VALUES (?, 'total', 'route_started', 'r1', '', ?, 'route', ?)"
)


def test_every_write_stamps_its_month_higher_than_any_stamp_before(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    _apply(conn, upto=34)
    conn.execute(_ROW, ("day", "2026-05-03", 2))
    conn.execute(_ROW, ("month", "2026-05-01", 2))
    conn.execute(_ROW, ("day", "2026-06-09", 1))
    _apply(conn, after=34, upto=35)
    assert _stamps(conn) == {"2026-05": 1, "2026-06": 1}

    seen = [1]

    def changed(month: str) -> None:
        stamps = _stamps(conn)
        assert stamps[month] > max(seen)
        seen.append(stamps[month])

    conn.execute(_ROW, ("day", "2026-07-01", 4))
    changed("2026-07")
    conn.execute("UPDATE analytics_facets SET count = count + 1 WHERE day = '2026-05-03'")
    changed("2026-05")
    conn.execute("UPDATE analytics_facets SET count = count + 1 WHERE day = '2026-05-03'")
    changed("2026-05")
    conn.execute("DELETE FROM analytics_facets WHERE day = '2026-06-09'")
    changed("2026-06")
    before = _stamps(conn)
    conn.execute("UPDATE analytics_facets SET day = '2026-08-03' WHERE day = '2026-07-01'")
    after = _stamps(conn)
    assert after["2026-07"] > before["2026-07"]
    assert after["2026-08"] > max(before.values())
    conn.execute(
        _ROW + " ON CONFLICT DO UPDATE SET count = count + excluded.count", ("month", "2026-05-01", 3)
    )
    assert _stamps(conn)["2026-05"] > max(after.values())
