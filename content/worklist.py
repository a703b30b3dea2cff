"""What needs doing, for the back-office home page: drafts, texts missing a language, stops without a
narration. Read-only queries over the editor's scope (one office, or every office for admins)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from content.text.text_search import fts_query

__all__ = [
    "COUNT_CAP",
    "Todo",
    "TodoList",
    "drafts",
    "find_poi_ids",
    "stops_without_narration",
    "untranslated",
]

COUNT_CAP = 1000
"""Totals stop counting here: the home page says "and 1000 more" rather than scanning 100,000 rows."""
_TABLES = {"poi": ("pois", "name"), "route": ("routes", "title")}


@dataclass(frozen=True)
class Todo:
    kind: str
    id: str
    title: dict[str, str]
    count: int = 0


@dataclass(frozen=True)
class TodoList:
    items: list[Todo]
    total: int
    """How many in all, at most :data:`COUNT_CAP`."""


def _lang_path(lang: str) -> str:
    if not lang.isalpha() or len(lang) > 8:
        raise ValueError(f"not a language tag: {lang!r}")
    return f"$.{lang}"


async def _listed(
    conn: aiosqlite.Connection, kind: str, where: str, params: dict[str, object], limit: int
) -> TodoList:
    table, title = _TABLES[kind]
    scope = "(:office_id IS NULL OR office_id = :office_id)"
    base = f"FROM {table} WHERE status != 'archived' AND {scope} AND ({where})"
    rows = await conn.execute_fetchall(
        f"SELECT id, {title} AS title {base} ORDER BY updated_at DESC, id LIMIT :limit",
        {**params, "limit": limit},
    )
    counted = list(await conn.execute_fetchall(f"SELECT count(*) {base}", params))
    items = [Todo(kind, row["id"], json.loads(row["title"])) for row in rows]
    return TodoList(items, int(counted[0][0]))


async def drafts(
    conn: aiosqlite.Connection, kind: str, *, office_id: str | None, limit: int = 30
) -> TodoList:
    return await _listed(conn, kind, "status = 'draft'", {"office_id": office_id}, limit)


async def untranslated(
    conn: aiosqlite.Connection, kind: str, langs: Sequence[str], *, office_id: str | None, limit: int = 30
) -> TodoList:
    """Drafts and published items whose title (a POI's name) lacks one of ``langs``."""
    _, title = _TABLES[kind]
    params: dict[str, object] = {"office_id": office_id}
    missing = []
    for n, lang in enumerate(langs):
        params[f"lang{n}"] = _lang_path(lang)
        missing.append(f"json_extract({title}, :lang{n}) IS NULL")
    return await _listed(conn, kind, " OR ".join(missing) or "0", params, limit)


async def stops_without_narration(
    conn: aiosqlite.Connection, langs: Sequence[str], *, office_id: str | None, limit: int = 30
) -> list[Todo]:
    """Routes (not archived) with stops lacking a narration in one of ``langs``, and how many such stops."""
    params: dict[str, object] = {"office_id": office_id, "limit": limit}
    missing = []
    for n, lang in enumerate(langs):
        params[f"lang{n}"] = _lang_path(lang)
        missing.append(f"json_extract(s.audio, :lang{n}) IS NULL")
    where = " OR ".join(missing) or "0"  # bound placeholders only
    rows = await conn.execute_fetchall(
        "SELECT r.id, r.title, count(*) AS stops FROM stops s JOIN routes r ON r.id = s.route_id"  # noqa: S608
        " WHERE r.status != 'archived' AND (:office_id IS NULL OR r.office_id = :office_id)"
        f" AND ({where}) GROUP BY r.id ORDER BY r.updated_at DESC, r.id LIMIT :limit",
        params,
    )
    return [Todo("route", row["id"], json.loads(row["title"]), row["stops"]) for row in rows]


async def find_poi_ids(
    conn: aiosqlite.Connection,
    *,
    text: str,
    statuses: Sequence[str],
    category: str | None,
    after_id: str | None,
    limit: int,
) -> list[str]:
    """Ids of POIs of any of ``statuses`` (drafts included) matching ``text`` (accents folded, through the
    full-text index) and ``category``, by id after ``after_id``."""
    match = fts_query(text) if text.strip() else None
    params: dict[str, object] = {
        "match": match,
        "category": category or None,
        "after": after_id or "",
        "limit": limit,
        "statuses": json.dumps(list(statuses)),
    }
    source = "pois p JOIN pois_fts f ON f.rowid = p.rowid" if match else "pois p"
    where = "pois_fts MATCH :match AND " if match else ""
    rows = await conn.execute_fetchall(
        f"SELECT p.id FROM {source} WHERE {where}p.status IN (SELECT value FROM json_each(:statuses))"  # noqa: S608
        " AND (:category IS NULL OR p.category = :category) AND p.id > :after ORDER BY p.id LIMIT :limit",
        params,
    )
    return [row[0] for row in rows]
