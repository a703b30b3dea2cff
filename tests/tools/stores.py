"""An empty store for the CLI tests: most commands refuse a data directory without one."""

from __future__ import annotations

import asyncio
from pathlib import Path

from content.core.db import Database

__all__ = ["empty_store"]


def empty_store(data_dir: Path) -> Path:
    """Create the migrated, empty database in ``data_dir`` (what ``odyssee serve --init`` starts from)."""

    async def create() -> None:
        async with Database(data_dir / "odyssee.sqlite3", readers=1):
            pass

    asyncio.run(create())
    return data_dir
