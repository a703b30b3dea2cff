from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from content.core.db import Database
from content.core.errors import InvalidParameter
from content.core.paging import PageRequest
from content.editing.history import changed_fields, list_history, record


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "odyssee.sqlite3") as db:
        yield db


def test_changed_fields_keeps_only_differences() -> None:
    before = {"name": {"fr": "Abbaye"}, "category": "heritage", "lat": 48.5}
    after = {"name": {"fr": "Abbaye de la Trappe"}, "category": "heritage", "lon": 0.6}
    assert changed_fields(before, after) == (
        {"name": {"fr": "Abbaye"}, "lat": 48.5, "lon": None},
        {"name": {"fr": "Abbaye de la Trappe"}, "lat": None, "lon": 0.6},
    )


async def test_entries_come_back_newest_first_page_by_page(store: Database) -> None:
    at = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    async with store.write() as conn:
        for revision in range(1, 6):
            await record(
                conn,
                entity_type="poi",
                entity_id="manoir-de-courboyer",
                revision=revision,
                action="create" if revision == 1 else "update",
                user_id=None,
                before={} if revision == 1 else {"name": f"v{revision - 1}"},
                after={"name": f"v{revision}"},
                at=at,
            )
        await record(
            conn,
            entity_type="poi",
            entity_id="other",
            revision=1,
            action="create",
            user_id=None,
            before={},
            after={},
        )
    async with store.read() as conn:
        first = await list_history(conn, "poi", "manoir-de-courboyer", PageRequest(2))
        assert [e.revision for e in first.items] == [5, 4]
        assert first.items[0].before == {"name": "v4"}
        assert first.items[0].after == {"name": "v5"}
        assert first.items[0].at == "2026-05-01T09:30:00Z"
        assert first.next is not None
        second = await list_history(conn, "poi", "manoir-de-courboyer", PageRequest(2, first.next))
        third = await list_history(conn, "poi", "manoir-de-courboyer", PageRequest(2, second.next))
        assert [e.revision for e in second.items + third.items] == [3, 2, 1]
        assert third.next is None
        # A cursor belongs to its list.
        with pytest.raises(InvalidParameter) as caught:
            await list_history(conn, "poi", "other", PageRequest(cursor=first.next))
        assert caught.value.errors[0].field == "cursor"
        with pytest.raises(InvalidParameter):
            await list_history(conn, "poi", "other", PageRequest(0))


async def test_entries_roll_back_with_their_change(store: Database) -> None:
    async def failing_change() -> None:
        async with store.write() as conn:
            await record(
                conn, entity_type="route", entity_id="r", revision=2, action="update", user_id=None,
                before={"title": "a"}, after={"title": "b"},
            )  # fmt: skip
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await failing_change()
    async with store.read() as conn:
        assert (await list_history(conn, "route", "r")).items == []


async def test_record_refuses_to_run_outside_a_transaction_or_with_odd_names(store: Database) -> None:
    async with store.read() as conn:
        with pytest.raises(RuntimeError):
            await record(
                conn,
                entity_type="poi",
                entity_id="p",
                revision=1,
                action="create",
                user_id=None,
                before={},
                after={},
            )
    async with store.write() as conn:
        with pytest.raises(ValueError, match="action"):
            await record(
                conn, entity_type="poi", entity_id="p", revision=1, action="DROP TABLE", user_id=None,
                before={}, after={},
            )  # fmt: skip
