"""The store's gate: fair, cancellation-safe, and shared by tasks on different event loops."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from content.core.db import Database
from content.core.gate import Gate


async def test_a_gate_admits_as_many_as_its_slots() -> None:
    gate = Gate(2)
    inside = 0
    most = 0

    async def visit() -> None:
        nonlocal inside, most
        async with gate:
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(visit() for _ in range(10)))
    assert most == 2


async def test_a_cancelled_waiter_does_not_keep_the_slot() -> None:
    gate = Gate(1)
    await gate.acquire()
    waiter = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    gate.release()
    await asyncio.wait_for(gate.acquire(), 1)


async def test_a_waiter_cancelled_during_hand_over_passes_the_slot_on() -> None:
    gate = Gate(1)
    await gate.acquire()
    first = asyncio.create_task(gate.acquire())
    second = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    gate.release()  # hands the slot to ``first``...
    first.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, 1)


def test_a_gate_wakes_a_waiter_on_another_loop() -> None:
    gate = Gate(1)
    order: list[str] = []
    held = threading.Event()
    done = threading.Event()

    async def holder() -> None:
        await gate.acquire()
        held.set()
        await asyncio.sleep(0.05)
        order.append("holder")
        gate.release()

    async def waiter() -> None:
        held.wait()
        await asyncio.wait_for(gate.acquire(), 2)
        order.append("waiter")
        gate.release()
        done.set()

    other = threading.Thread(target=lambda: asyncio.run(waiter()))
    other.start()
    asyncio.run(holder())
    other.join(5)
    assert done.is_set()
    assert order == ["holder", "waiter"]


def test_the_store_serves_two_loops_at_once(tmp_path: Path) -> None:
    """The test client runs the app on its own loop while a test writes from another: no lost wake-up."""
    db = Database(tmp_path / "odyssee.sqlite3", readers=1)
    asyncio.run(db.open())
    failures: list[BaseException] = []

    async def work(tag: str) -> None:
        for number in range(40):
            async with db.write() as conn:
                await conn.execute(
                    "INSERT INTO offices (id, name, created_at) VALUES (?, ?, 'now')",
                    (f"{tag}-{number}", tag),
                )
            async with db.read() as conn:
                await (await conn.execute("SELECT count(*) FROM offices")).fetchone()

    def run(tag: str) -> None:
        try:
            asyncio.run(asyncio.wait_for(work(tag), 30))
        except BaseException as exc:  # surfaced below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(tag,)) for tag in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    asyncio.run(db.close())
    assert failures == []

    async def count() -> int:
        async with Database(tmp_path / "odyssee.sqlite3") as again, again.read() as conn:
            row = await (await conn.execute("SELECT count(*) FROM offices")).fetchone()
            return int(row[0])

    assert asyncio.run(count()) == 120
