"""The open-data file: the territory's monthly figures per object, with small numbers suppressed."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import aiosqlite

from content.analytics.report import SUPPRESS_BELOW, SUPPRESSED

__all__ = ["OPEN_DATA_COLUMNS", "open_data_csv"]

OPEN_DATA_COLUMNS = ("month", "metric", "object_kind", "object_id", "object_title", "value")

_MONTHLY = """
SELECT substr(day, 1, 7), type, kind, object_id, count FROM analytics_facets
WHERE span = 'month' AND facet = 'total' AND day BETWEEN ? AND ?
ORDER BY day, type, kind, object_id
"""
_TITLES = """
SELECT 'route', id, title FROM routes UNION ALL SELECT 'poi', id, name FROM pois
UNION ALL SELECT 'producer', id, name FROM producers UNION ALL SELECT 'pack', id, title FROM packs
"""


def _title(raw: str, lang: str) -> str:
    try:
        texts = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(texts, dict):
        return str(texts)
    return str(texts.get(lang) or next(iter(texts.values()), ""))


async def open_data_csv(conn: aiosqlite.Connection, first_month: date, last_month: date, lang: str) -> str:
    """Every figure of the months from ``first_month`` to ``last_month`` (their first days)."""
    rows = await conn.execute_fetchall(_MONTHLY, (first_month.isoformat(), last_month.isoformat()))
    titles = {(str(r[0]), str(r[1])): _title(str(r[2]), lang) for r in await conn.execute_fetchall(_TITLES)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OPEN_DATA_COLUMNS)
    for month, type_, kind, object_id, count in rows:
        value: int | str = count if count == 0 or count >= SUPPRESS_BELOW else SUPPRESSED
        writer.writerow((month, type_, kind, object_id, titles.get((kind, object_id), ""), value))
    return out.getvalue()
