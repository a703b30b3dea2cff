"""A counting gate that tasks on *different* event loops can share.

The store is shared by the app's loop and, in tests and tools, by code running on another loop (the test
client serves the app from a portal thread). ``asyncio.Lock`` and ``asyncio.Queue`` are bound to one loop:
a release from another loop wakes nobody, and the waiter hangs. This gate keeps its state under a
``threading.Lock`` and wakes each waiter on its own loop with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque

__all__ = ["Gate"]


class Gate:
    """A semaphore of ``slots`` places, fair (first come, first served), safe across loops and threads."""

    def __init__(self, slots: int = 1) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self._mutex = threading.Lock()
        self._free = slots
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        with self._mutex:
            if self._free and not self._waiters:
                self._free -= 1
                return
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            with self._mutex:
                queued = waiter in self._waiters
                if queued:
                    self._waiters.remove(waiter)
            if not queued and waiter.done() and not waiter.cancelled():
                # The slot was handed over just as the task was cancelled: pass it on.
                self.release()
            # Otherwise a hand-over is in flight to a cancelled waiter; _hand_over passes it on.
            raise

    def release(self) -> None:
        with self._mutex:
            if not self._waiters:
                self._free += 1
                return
            waiter = self._waiters.popleft()
        # The slot now belongs to ``waiter``; wake it on its own loop.
        try:
            waiter.get_loop().call_soon_threadsafe(self._hand_over, waiter)
        except RuntimeError:  # its loop is closed: nobody will take the slot there
            self.release()

    def _hand_over(self, waiter: asyncio.Future[None]) -> None:
        if waiter.cancelled():
            self.release()
        elif not waiter.done():
            waiter.set_result(None)

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self.release()
