"""Running a command against the store: open the database, run, and turn domain errors into a
one-line message and an exit status (2 for invalid input, 1 otherwise)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from content.core.db import Database
from content.core.errors import InvalidInput, OdysseeError
from content.core.settings import Settings

__all__ = ["fail", "run_with_database"]


def fail(message: str, status: int = 1) -> int:
    print(f"odyssee: error: {message}", file=sys.stderr)
    return status


def run_with_database(settings: Settings, work: Callable[[Database], Awaitable[int]]) -> int:
    async def main() -> int:
        async with Database(settings.db_path, readers=1) as db:
            return await work(db)

    try:
        return asyncio.run(main())
    except InvalidInput as exc:
        return fail(exc.detail, 2)
    except OdysseeError as exc:
        return fail(exc.detail)
