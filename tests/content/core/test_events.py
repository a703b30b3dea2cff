from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.core.db import Database
from content.core.events import ContentChanged, EventHub


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "odyssee.sqlite3") as db:
        yield db


async def test_event_is_emitted_after_commit_with_what_was_touched(store: Database) -> None:
    hub = EventHub()
    seen: list[tuple[ContentChanged, bool]] = []
    async with hub.write(store) as change:

        def listener(event: ContentChanged) -> None:
            seen.append((event, change.conn.in_transaction))

        hub.subscribe(listener)
        await change.conn.execute(
            "INSERT INTO offices (id, name, created_at)"
            " VALUES ('ot-perche', 'Perche', '2026-01-01T00:00:00Z')"
        )
        change.touch(pois=["p1"], routes=["r1"])
        change.touch(pois=["p2"], producers=["f1"])
        assert seen == []
    # One event, emitted once the transaction was over (committed, as the reader below shows).
    assert seen == [
        (
            ContentChanged(
                routes=frozenset({"r1"}), pois=frozenset({"p1", "p2"}), producers=frozenset({"f1"})
            ),
            False,
        )
    ]
    async with store.read() as conn:
        rows = list(await conn.execute_fetchall("SELECT id FROM offices"))
    assert [row["id"] for row in rows] == ["ot-perche"]


async def test_nothing_is_emitted_when_the_transaction_rolls_back(store: Database) -> None:
    hub = EventHub()
    seen: list[ContentChanged] = []
    hub.subscribe(seen.append)

    async def failing_write() -> None:
        async with hub.write(store) as change:
            change.touch(routes=["r1"])
            raise ValueError("invalid")

    with pytest.raises(ValueError, match="invalid"):
        await failing_write()
    async with hub.write(store):
        pass  # touched nothing: no event either
    assert seen == []


async def test_a_failing_listener_does_not_stop_the_others(
    store: Database, caplog: pytest.LogCaptureFixture
) -> None:
    hub = EventHub()
    seen: list[ContentChanged] = []

    def broken(event: ContentChanged) -> None:
        raise RuntimeError("listener bug")

    hub.subscribe(broken)
    stop = hub.subscribe(seen.append)
    event = ContentChanged(pois=frozenset({"p"}))
    hub.emit(event)
    assert seen == [event]
    assert "listener" in caplog.text
    stop()
    hub.emit(event)
    assert seen == [event]


def test_events_merge_for_debouncing() -> None:
    a = ContentChanged(routes=frozenset({"r1"}))
    b = ContentChanged(routes=frozenset({"r2"}), producers=frozenset({"f"}))
    assert a.merge(b) == ContentChanged(routes=frozenset({"r1", "r2"}), producers=frozenset({"f"}))
    assert not ContentChanged()
